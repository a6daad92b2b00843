/**
 * The Slack -> GitHub direction of the renderer: a reply written in a pull request's Slack thread,
 * as a message event's `text` carries it (mrkdwn, with `&`, `<` and `>` sent as `&amp;`, `&lt;`
 * and `&gt;`), as GitHub-flavoured markdown for the comment it becomes.
 *
 * Two promises shape it. What the writer saw in Slack is what readers see on GitHub: Slack's
 * formatting becomes GitHub's, and every character that is plain text in Slack but markup on
 * GitHub is escaped. And text from one side never pings anyone on the other: a Slack mention
 * becomes a GitHub mention only when the repository's config maps that member to a login;
 * everything else that would look like a mention to GitHub (`@name`, `<!here>`, a user group)
 * is written `@` + U+2060 WORD JOINER + name, which reads the same and that GitHub's mention
 * filter (`@` then a login character) never matches.
 *
 * Pure, and linear in the length of the text: every scan moves forward, and each lookup for a
 * closing character is remembered, so a 40,000-character message converts in milliseconds.
 */
import { normalizeLineEndings } from "./normalize-line-endings.js";

/** Who the members mentioned in a message are, as the caller found out beforehand. */
export interface SlackPeople {
  /** GitHub login a Slack member is mapped to (the repo config's `mentions`, reversed), if any. */
  loginOf(slackUser: string): string | undefined;
  /** The member's Slack display name, if known (looked up beforehand). */
  nameOf(slackUser: string): string | undefined;
}

/** Invisible, and not a login character: `@` followed by it is no mention on GitHub. */
export const WORD_JOINER = "\u2060";

/** A Slack member id (`U…`, or `W…` on Enterprise Grid); anything else is shown as text. */
const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;

/** GitHub's login rule: 1–39 letters, digits and single inner hyphens. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** Characters GitHub's mention filter counts as part of a word (`\w`): none may stand before `@`. */
const ASCII_WORD = /[A-Za-z0-9_]/;

/** What may follow `@` in a GitHub mention: a login starts with a letter or digit. */
const LOGIN_START = /[A-Za-z0-9]/;

/** Characters a backslash escapes in CommonMark: a literal `\` before one must be doubled. */
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const WHITESPACE = /\s/;

function isLetterOrDigit(character: string | undefined): boolean {
  return character !== undefined && LETTER_OR_DIGIT.test(character);
}

function isWhitespace(character: string | undefined): boolean {
  return character !== undefined && WHITESPACE.test(character);
}

/** The three entities Slack writes; every `&`, `<` and `>` a person typed arrives as one. */
function entityAt(text: string, index: number): string | undefined {
  if (text.charCodeAt(index) !== 38) {
    return undefined;
  }
  for (const entity of ["&amp;", "&lt;", "&gt;"]) {
    if (text.startsWith(entity, index)) {
      return entity;
    }
  }
  return undefined;
}

/** Slack's entities as the characters they stand for: what code shows, and what URLs mean. */
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_entity, name: string) =>
    name === "amp" ? "&" : name === "lt" ? "<" : ">",
  );
}

/** Plain text (a file or display name) written the way Slack writes message text. */
function encodeEntities(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * One character of Slack text that Slack showed as itself, as GitHub markdown that shows it as
 * itself too. Only what GitHub would read as markup is escaped, each for a reason:
 * - `*` `~` and a lone `` ` ``: emphasis, strikethrough (GitHub takes a single `~`) and code
 *   spans, which Slack did not draw here (`a*b*c`, `~5~ms`, an unpaired backtick).
 * - `_` unless between letters or digits: there GitHub never reads it as emphasis, so
 *   `snake_case` stays readable in the comment's source.
 * - `[`: links, images, footnotes, task boxes, alerts and link definitions all start with it.
 * - `|`: a run of lines with pipes and a `--|--` line is a table on GitHub.
 * - `$`: GitHub draws `$…$` as math.
 * - `\` before punctuation or at the end: GitHub reads it as an escape or a line break.
 * - `@` that a login could follow, unless a word character stands before it (an email): GitHub
 *   would ping that login; the word joiner keeps the text and drops the ping.
 * - a bare `&`, `<`, `>` (Slack never sends one, but a bot might): GitHub would read HTML.
 * In a link's label (`label`), `]` is escaped too, and `@` is left alone: GitHub's mention filter
 * skips link text.
 */
function literalChar(text: string, index: number, afterWord: boolean, label: boolean): string {
  const character = text.charAt(index);
  switch (character) {
    case "\\": {
      const next = text.charAt(index + 1);
      return next === "" || ASCII_PUNCTUATION.test(next) ? "\\\\" : "\\";
    }
    case "*":
    case "~":
    case "`":
    case "[":
    case "|":
    case "$":
      return `\\${character}`;
    case "]":
      return label ? "\\]" : "]";
    case "_":
      return isLetterOrDigit(text[index - 1]) && isLetterOrDigit(text[index + 1]) ? "_" : "\\_";
    case "@":
      return !label && !afterWord && LOGIN_START.test(text.charAt(index + 1))
        ? `@${WORD_JOINER}`
        : "@";
    case "&":
      return "&amp;";
    case "<":
      return "&lt;";
    case ">":
      return "&gt;";
    default:
      return character;
  }
}

/** Slack-escaped plain text (a link label, a mention's name) as literal markdown. */
function escapeSlackText(text: string, label = false): string {
  let result = "";
  let afterWord = false;
  for (let index = 0; index < text.length;) {
    const entity = entityAt(text, index);
    if (entity !== undefined) {
      result += entity;
      index += entity.length;
      afterWord = false;
      continue;
    }
    result += literalChar(text, index, afterWord, label);
    afterWord = ASCII_WORD.test(text.charAt(index));
    index += 1;
  }
  return result;
}

/**
 * Plain text (a file name, a display name) as markdown GitHub shows literally, pinging nobody:
 * `<`, `>`, `&` become entities and markup characters are escaped as in message text.
 */
export function escapeMarkdownText(text: string): string {
  return escapeSlackText(encodeEntities(text));
}

/**
 * A URL as a markdown link destination: `(`, `)` and `\` backslash-escaped (so a `)` does not
 * end the link early), whitespace and angle brackets percent-encoded.
 */
export function markdownLinkDestination(url: string): string {
  return url
    .replace(/[()\\]/g, (character) => `\\${character}`)
    .replace(/[\s<>]/g, (character) => encodeURIComponent(character));
}

/** A markdown link whose label shows exactly `label` (plain text). */
function markdownLink(label: string, url: string): string {
  return `[${escapeSlackText(encodeEntities(label), true)}](${markdownLinkDestination(url)})`;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let index = 0; index < text.length; index += 1) {
    run = text.charCodeAt(index) === 96 ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/**
 * A GitHub code span showing `code` exactly: its fence is longer than any backtick run inside,
 * and a space pads code that starts or ends with a backtick, or with a space on both ends (which
 * GitHub would otherwise strip).
 */
function codeSpan(code: string): string {
  const fence = "`".repeat(longestBacktickRun(code) + 1);
  const pad =
    code.startsWith("`") ||
    code.endsWith("`") ||
    (code.startsWith(" ") && code.endsWith(" ") && code.trim() !== "")
      ? " "
      : "";
  return `${fence}${pad}${code}${pad}${fence}`;
}

/** What one `<…>` control sequence of Slack text stands for. */
type SlackToken =
  | { kind: "user"; id: string; label: string }
  | { kind: "channel"; id: string; label: string }
  | { kind: "broadcast"; name: string }
  | { kind: "group"; label: string }
  | { kind: "date"; seconds: string; fallback: string }
  | { kind: "command"; label: string }
  | { kind: "link"; url: string; label: string };

const BROADCASTS = new Set(["here", "channel", "everyone"]);

/** The inside of `<…>`: `@U123|name`, `#C123|name`, `!here`, `!subteam^S1|@team`, `url|label`. */
function parseToken(inner: string): SlackToken {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? "" : inner.slice(bar + 1);
  if (target.startsWith("@")) {
    return { kind: "user", id: target.slice(1), label };
  }
  if (target.startsWith("#")) {
    return { kind: "channel", id: target.slice(1), label };
  }
  if (target.startsWith("!")) {
    const [command = "", seconds = ""] = target.slice(1).split("^");
    if (BROADCASTS.has(command)) {
      return { kind: "broadcast", name: command };
    }
    if (command === "subteam") {
      return { kind: "group", label };
    }
    if (command === "date") {
      return { kind: "date", seconds, fallback: label };
    }
    return { kind: "command", label };
  }
  return { kind: "link", url: target, label };
}

/** A label as one line of plain text. */
function plainLabel(label: string): string {
  return decodeEntities(label).replace(/\s+/g, " ").trim();
}

/** The member's name as Slack shows it: looked up, else the one in the token, else the id. */
function memberName(id: string, label: string, people: SlackPeople): string {
  const name = (SLACK_USER_ID.test(id) ? people.nameOf(id) : undefined) ?? plainLabel(label);
  return (name.replace(/\s+/g, " ").trim() || id).replace(/^@+/, "");
}

/** A `<!date^…>` without fallback text: its time, in UTC. */
function dateText(seconds: string): string {
  const time = Number(seconds);
  if (seconds === "" || !Number.isFinite(time)) {
    return "a date";
  }
  return `${new Date(time * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The user group's handle (`@team`) as Slack shows it. */
function groupText(label: string): string {
  return plainLabel(label) || "a user group";
}

/**
 * The text Slack shows for a token, used inside code, where nothing is converted: a URL Slack
 * linked on its own inside a code block is shown as the writer typed it, not as `<https://…>`.
 */
function visibleText(token: SlackToken, people: SlackPeople): string {
  switch (token.kind) {
    case "user":
      return `@${memberName(token.id, token.label, people)}`;
    case "channel":
      return `#${plainLabel(token.label) || token.id}`;
    case "broadcast":
      return `@${token.name}`;
    case "group":
      return groupText(token.label);
    case "date":
      return plainLabel(token.fallback) || dateText(token.seconds);
    case "command":
      return plainLabel(token.label);
    case "link":
      return plainLabel(token.label) || decodeEntities(token.url).replace(/^mailto:/i, "");
  }
}

/**
 * Slack-escaped code as the characters it shows: entities decoded, tokens as their text, nothing
 * else touched. A line at a time, since a token never spans lines.
 */
function codeText(code: string, people: SlackPeople): string {
  return code
    .split("\n")
    .map((line) => {
      let result = "";
      let from = 0;
      for (;;) {
        const open = line.indexOf("<", from);
        const close = open === -1 ? -1 : line.indexOf(">", open + 1);
        if (close === -1) {
          break;
        }
        result +=
          decodeEntities(line.slice(from, open)) +
          visibleText(parseToken(line.slice(open + 1, close)), people);
        from = close + 1;
      }
      return result + decodeEntities(line.slice(from));
    })
    .join("\n");
}

/** `@name` that reads as Slack showed it and pings nobody on GitHub. */
function unpingedHandle(name: string): string {
  return `@${WORD_JOINER}${escapeMarkdownText(name)}`;
}

/** Characters a URL may hold and still be found whole by GitHub's autolinker. */
const BARE_URL = /^https?:\/\/[A-Za-z0-9\-._~:/?#@!&'()+,;=%]+$/;

/**
 * Whether GitHub autolinks `url` written bare, exactly as it is: its host has a dot (GitHub's
 * rule), it ends in a character GitHub keeps in the link (not `.`, `)`, `_`…) and holds nothing
 * that looks like an entity.
 */
function autolinksWhole(url: string): boolean {
  if (!BARE_URL.test(url) || !/[A-Za-z0-9/#=%+-]$/.test(url) || /&[A-Za-z0-9#]+;/.test(url)) {
    return false;
  }
  try {
    return new URL(url).hostname.includes(".");
  } catch {
    return false;
  }
}

/** Only http(s) links become links: `javascript:`, `slack:` and the like would be dead or unsafe. */
function isWebUrl(url: string): boolean {
  if (!/^https?:\/\//i.test(url)) {
    return false;
  }
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** One token of prose as markdown, and whether it is a real GitHub mention. */
interface TokenMarkdown {
  markdown: string;
  mention?: boolean;
}

/**
 * A token as markdown. `bare` says the text around it lets a URL stand alone (GitHub would find
 * where it ends); otherwise a link to a URL shows the URL as its label.
 */
function tokenMarkdown(token: SlackToken, people: SlackPeople, bare: boolean): TokenMarkdown {
  switch (token.kind) {
    case "user": {
      const login = SLACK_USER_ID.test(token.id) ? people.loginOf(token.id) : undefined;
      if (login !== undefined && GITHUB_LOGIN.test(login)) {
        return { markdown: `@${login}`, mention: true };
      }
      return { markdown: unpingedHandle(memberName(token.id, token.label, people)) };
    }
    case "channel": {
      const name = plainLabel(token.label) || token.id;
      // `#123` would link issue 123: a channel named with digits must not.
      return { markdown: `#${/^\d/.test(name) ? WORD_JOINER : ""}${escapeMarkdownText(name)}` };
    }
    case "broadcast":
      return { markdown: unpingedHandle(token.name) };
    case "group": {
      const label = groupText(token.label);
      return {
        markdown: label.startsWith("@")
          ? unpingedHandle(label.slice(1))
          : escapeMarkdownText(label),
      };
    }
    case "date":
      return {
        markdown: escapeMarkdownText(plainLabel(token.fallback) || dateText(token.seconds)),
      };
    case "command":
      return { markdown: escapeMarkdownText(plainLabel(token.label)) };
    case "link": {
      const url = decodeEntities(token.url).trim();
      const label = plainLabel(token.label);
      if (!isWebUrl(url)) {
        // mailto:, tel: and app links: the words Slack showed, which GitHub links if it can.
        return { markdown: escapeMarkdownText(label || url.replace(/^mailto:/i, "")) };
      }
      if (label === "" || label === url) {
        return { markdown: bare && autolinksWhole(url) ? url : markdownLink(url, url) };
      }
      return { markdown: markdownLink(label, url) };
    }
  }
}

/** Slack's formatting characters and the GitHub markup each becomes. */
const EMPHASIS: Record<string, string> = { "*": "**", _: "_", "~": "~~" };

/** Slack's skin-tone modifier, which GitHub has no emoji for: dropped, the base emoji stays. */
const SKIN_TONE = /:skin-tone-[2-6]:/y;

/** A piece of a line: a character, or something that is never split (code, a token, an entity). */
interface Unit {
  kind: "char" | "code" | "token" | "entity" | "drop";
  start: number;
  end: number;
}

/** A line cut into units: code spans and `<…>` tokens first, as Slack reads them. */
function lineUnits(line: string): Unit[] {
  const units: Unit[] = [];
  let backticksAhead = true;
  let closersAhead = true;
  for (let index = 0; index < line.length;) {
    const character = line.charAt(index);
    let end = index + 1;
    let kind: Unit["kind"] = "char";
    if (character === "`" && backticksAhead) {
      const close = line.indexOf("`", index + 1);
      backticksAhead = close !== -1;
      if (close > index + 1) {
        kind = "code";
        end = close + 1;
      }
    } else if (character === "<" && closersAhead) {
      const close = line.indexOf(">", index + 1);
      closersAhead = close !== -1;
      if (close !== -1) {
        kind = "token";
        end = close + 1;
      }
    } else if (character === "&") {
      const entity = entityAt(line, index);
      if (entity !== undefined) {
        kind = "entity";
        end = index + entity.length;
      }
    } else if (character === ":") {
      SKIN_TONE.lastIndex = index;
      if (SKIN_TONE.test(line)) {
        kind = "drop";
        end = SKIN_TONE.lastIndex;
      }
    }
    units.push({ kind, start: index, end });
    index = end;
  }
  return units;
}

/**
 * One line of Slack prose (no code block, no line break) as markdown: `*bold*`, `_italic_`,
 * `~strike~` and `` `code` `` as GitHub writes them, tokens converted, everything else literal.
 *
 * Slack's rule for formatting: the opening character follows the start or a character that is
 * not a letter or digit and is followed by a non-space; the closing one is the first after it on
 * the line that follows a non-space and is followed by the end or a character that is not a
 * letter or digit. The first closing position after every unit is computed once, right to left,
 * so finding pairs is linear; a pair's inside is rendered on its own, where the same character
 * cannot pair again (its first closer is the pair's end), so nesting is at most three deep.
 */
function inlineToMarkdown(line: string, people: SlackPeople): string {
  const units = lineUnits(line);
  const charAt = (unit: number): string | undefined => {
    const found = units[unit];
    return found?.kind === "char" ? line.charAt(found.start) : undefined;
  };
  const isOpener = (unit: number, marker: string): boolean => {
    const before = charAt(unit - 1);
    const after = charAt(unit + 1);
    return (
      unit + 1 < units.length &&
      !isLetterOrDigit(before) &&
      !isWhitespace(after) &&
      after !== marker
    );
  };
  const isCloser = (unit: number, marker: string): boolean => {
    const before = charAt(unit - 1);
    return (
      unit > 0 && !isWhitespace(before) && before !== marker && !isLetterOrDigit(charAt(unit + 1))
    );
  };
  const nextCloser: Record<string, Int32Array> = {};
  for (const marker of Object.keys(EMPHASIS)) {
    const next = new Int32Array(units.length + 2).fill(-1);
    for (let unit = units.length - 1; unit >= 0; unit -= 1) {
      next[unit] =
        charAt(unit) === marker && isCloser(unit, marker) ? unit : (next[unit + 1] ?? -1);
    }
    nextCloser[marker] = next;
  }

  /** Whether a URL may end right before unit `unit`, as GitHub's autolinker would end it. */
  const urlMayEndBefore = (unit: number, end: number): boolean => {
    if (unit >= end) {
      return true;
    }
    const next = charAt(unit);
    if (isWhitespace(next)) {
      return true;
    }
    return (
      next !== undefined &&
      ".,:;!?".includes(next) &&
      (unit + 1 >= end || isWhitespace(charAt(unit + 1)))
    );
  };

  const render = (from: number, to: number): string => {
    let result = "";
    let afterWord = false;
    for (let unit = from; unit < to;) {
      const { kind, start, end } = units[unit] as Unit;
      const text = line.slice(start, end);
      if (kind === "char") {
        const markup = EMPHASIS[text];
        const close = markup === undefined ? -1 : (nextCloser[text]?.[unit + 2] ?? -1);
        if (markup !== undefined && close !== -1 && close < to && isOpener(unit, text)) {
          result += markup + render(unit + 1, close) + markup;
          afterWord = false;
          unit = close + 1;
          continue;
        }
        result += literalChar(line, start, afterWord, false);
        afterWord = ASCII_WORD.test(text);
      } else if (kind === "code") {
        result += codeSpan(codeText(line.slice(start + 1, end - 1), people));
        afterWord = false;
      } else if (kind === "entity") {
        result += text;
        afterWord = false;
      } else if (kind === "token") {
        // GitHub starts a bare URL only after a space, `(` or emphasis, and ends it at a space.
        const bare = /^$|[\s(*_~]/.test(result.slice(-1)) && urlMayEndBefore(unit + 1, to);
        const { markdown, mention } = tokenMarkdown(parseToken(text.slice(1, -1)), people, bare);
        if (mention === true) {
          // GitHub pings `@login` only with no word character on either side.
          const next = charAt(unit + 1);
          const joinsNext =
            unit + 1 < to &&
            next !== undefined &&
            (/[A-Za-z0-9_/-]/.test(next) || (next === "." && isLetterOrDigit(charAt(unit + 2))));
          result += (afterWord ? WORD_JOINER : "") + markdown + (joinsNext ? WORD_JOINER : "");
        } else {
          result += markdown;
        }
        afterWord = ASCII_WORD.test(markdown.slice(-1));
      }
      unit += 1;
    }
    return result;
  };
  return render(0, units.length);
}

/**
 * Escapes what would make the start of a line GitHub markup although Slack showed it as text:
 * `# ` (a heading), and a line of only `-`, `=`, `+` or `:` (a heading underline, a rule, an
 * empty list item, a table's delimiter row).
 */
function escapeLineStart(markdown: string): string {
  return /^#{1,6}(?:[ \t]|$)/.test(markdown) || /^[-=+:][-=+: \t]*$/.test(markdown)
    ? `\\${markdown}`
    : markdown;
}

/** A piece of the message: prose, or the code of a ``` block. */
type Part = { kind: "prose"; text: string } | { kind: "code"; code: string };

/**
 * The message cut at Slack's code blocks: a ``` opens one anywhere, the next ``` closes it (the
 * last three of a longer run, so backticks that end the code stay in it). An unclosed ``` is text.
 */
function splitCodeBlocks(text: string): Part[] {
  const parts: Part[] = [];
  let prose = 0;
  for (;;) {
    const open = text.indexOf("```", prose);
    const run = open === -1 ? -1 : text.indexOf("```", open + 3);
    if (run === -1) {
      break;
    }
    let end = run + 3;
    while (text.charCodeAt(end) === 96) {
      end += 1;
    }
    parts.push({ kind: "prose", text: text.slice(prose, open) });
    parts.push({ kind: "code", code: text.slice(open + 3, end - 3).replace(/^\n|\n$/g, "") });
    prose = end;
  }
  parts.push({ kind: "prose", text: text.slice(prose) });
  return parts;
}

/** A line of the comment, with what it is, so block boundaries can be kept apart. */
interface OutputLine {
  text: string;
  quoted: boolean;
  kind: "text" | "list" | "code" | "blank";
}

/**
 * Adds a line. GitHub continues a quote or a list item with the text line that follows it
 * ("lazy continuation"), where Slack ends them at the line break: a blank line keeps them apart.
 */
function pushLine(lines: OutputLine[], line: OutputLine): void {
  const previous = lines.at(-1);
  if (previous !== undefined && previous.kind !== "blank" && line.kind !== "blank") {
    if (previous.quoted && !line.quoted) {
      lines.push({ text: "", quoted: false, kind: "blank" });
    } else if (
      previous.kind === "list" &&
      line.kind === "text" &&
      previous.quoted === line.quoted
    ) {
      lines.push({ text: line.quoted ? ">" : "", quoted: line.quoted, kind: "blank" });
    }
  }
  lines.push(line);
}

/** Slack's bullets by nesting level, as its `text` writes lists (with the variation selector). */
const BULLET = /^([ \t]*)([•◦▪])[\uFE0E\uFE0F]?[ \t]+/;
const BULLET_LEVELS = "•◦▪";
/** A list item's marker as GitHub reads it, with the space after it. */
const LIST_MARKER = /^(?:\d{1,9}[.)]|[-+])[ \t]/;

/** Indentation width, a tab as four spaces (Slack indents each list level by four). */
function indentWidth(indent: string): number {
  let width = 0;
  for (const character of indent) {
    width += character === "\t" ? 4 : 1;
  }
  return width;
}

/** Turns the message into lines of markdown; one per message, since lists and quotes carry state. */
class MarkdownWriter {
  readonly lines: OutputLine[] = [];
  /** `>>>` quotes everything after it. */
  private quoteRest = false;
  /** Where the content of the list item at each level starts, so nested items line up. */
  private listOffsets: number[] = [];

  constructor(private readonly people: SlackPeople) {}

  /**
   * A line of Slack text, or (`continued`) the rest of one after a code block. Returns whether
   * the line is a quote, which a code block starting on it takes on.
   */
  line(source: string, continued: boolean, quotedBefore: boolean, beforeCode: boolean): boolean {
    let content = source;
    let quoted = quotedBefore || this.quoteRest;
    if (!continued && !this.quoteRest) {
      if (content.startsWith("&gt;&gt;&gt;")) {
        this.quoteRest = true;
        quoted = true;
        content = content.slice(12);
      } else if (content.startsWith("&gt;")) {
        quoted = true;
        content = content.slice(4);
      }
      if (quoted) {
        content = content.replace(/^ /, "");
      }
    }
    const bullet = continued ? null : BULLET.exec(content);
    const indent = indentWidth(/^[ \t]*/.exec(content)?.[0] ?? "");
    content = content.slice(bullet?.[0].length ?? 0).trim();
    if (content === "" && (beforeCode || continued)) {
      return quoted;
    }
    const previous = this.lines.at(-1);
    const inList = previous?.kind === "list" && previous.quoted === quoted;
    let markdown = escapeLineStart(inlineToMarkdown(content, this.people));
    let kind: OutputLine["kind"] = markdown === "" ? "blank" : "text";
    if (bullet !== null) {
      const level = Math.max(BULLET_LEVELS.indexOf(bullet[2] ?? "•"), Math.floor(indent / 4));
      const offset = this.listIndent(level);
      this.listOffsets[level] = offset.length + 2;
      markdown = `${offset}- ${markdown}`;
      kind = "list";
    } else if (!continued && inList && indent > 0 && kind === "text") {
      // An indented line under a list item (Slack's nested `a.` and `1.` items): kept in the list.
      const level = Math.max(1, Math.floor(indent / 4));
      const offset = this.listIndent(level);
      this.listOffsets[level] = offset.length + (LIST_MARKER.exec(markdown)?.[0].length ?? 0);
      markdown = offset + markdown;
      kind = "list";
    } else if (!continued && kind === "text" && LIST_MARKER.test(markdown)) {
      // `1. ` stays a numbered list, and a typed `- ` or `+ ` is one on GitHub too.
      this.listOffsets = [LIST_MARKER.exec(markdown)?.[0].length ?? 0];
      kind = "list";
    }
    if (kind !== "list") {
      this.listOffsets = [];
    }
    const text = quoted ? (markdown === "" ? ">" : `> ${markdown}`) : markdown;
    pushLine(this.lines, { text, quoted, kind });
    return quoted;
  }

  /** A code block on lines of its own, in a quote when its first line was one. */
  code(code: string, quoted: boolean): void {
    let source = code;
    const [first = "", ...rest] = source.split("\n");
    if (quoted && rest.length > 0 && rest.every((line) => line.startsWith("&gt;"))) {
      // A quoted block's later lines carry Slack's quote marker too: it is not code.
      source = [first, ...rest.map((line) => line.replace(/^&gt; ?/, ""))].join("\n");
    }
    const text = codeText(source, this.people);
    const fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
    const prefix = quoted ? "> " : "";
    pushLine(this.lines, { text: prefix + fence, quoted, kind: "code" });
    if (text !== "") {
      for (const line of text.split("\n")) {
        this.lines.push({ text: prefix + line, quoted, kind: "code" });
      }
    }
    this.lines.push({ text: prefix + fence, quoted, kind: "code" });
    this.listOffsets = [];
  }

  /** Spaces that put an item at `level` inside the item above it. */
  private listIndent(level: number): string {
    const parent = level === 0 ? 0 : (this.listOffsets[level - 1] ?? 2 * level);
    this.listOffsets.length = Math.min(this.listOffsets.length, level);
    return " ".repeat(parent);
  }
}

/** Slack member ids mentioned in `text` (`<@U123>` / `<@U123|name>`), so the caller can look their names up first. */
export function mentionedSlackUsers(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>/g)) {
    found.add(match[1] ?? "");
  }
  return [...found];
}

/** Slack mrkdwn as Slack sends it in a message event's `text` -> GitHub-flavoured markdown. */
export function slackTextToMarkdown(text: string, people: SlackPeople): string {
  const writer = new MarkdownWriter(people);
  const parts = splitCodeBlocks(normalizeLineEndings(text));
  let blockQuoted = false;
  parts.forEach((part, index) => {
    if (part.kind === "code") {
      writer.code(part.code, blockQuoted);
      return;
    }
    const afterCode = index > 0;
    const beforeCode = index < parts.length - 1;
    const lines = part.text.split("\n");
    let quoted = blockQuoted;
    lines.forEach((line, lineIndex) => {
      const continued = afterCode && lineIndex === 0;
      const last = lineIndex === lines.length - 1;
      quoted = writer.line(line, continued, continued && blockQuoted, beforeCode && last);
    });
    blockQuoted = quoted;
  });
  const lines = writer.lines.map((line) => line.text);
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start] === "") {
    start += 1;
  }
  while (end > start && lines[end - 1] === "") {
    end -= 1;
  }
  return lines.slice(start, end).join("\n");
}

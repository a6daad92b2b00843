/**
 * The GitHub comment a Slack thread reply becomes: the reply (already markdown, see
 * `slackTextToMarkdown`), a note for files that stay in Slack, who wrote it, and a hidden marker
 * naming the Slack message, so a worker that crashed after posting finds its comment instead of
 * posting it twice. Always within GitHub's limit for a comment body.
 */
import { escapeMarkdownText, markdownLinkDestination } from "./slack-text-to-markdown.js";
import { truncateText } from "./truncate-text.js";

/** Who wrote the reply, and where it is in Slack. */
export interface ReplyAttribution {
  /** Mapped GitHub login of the author, if any. */
  login?: string;
  /** Slack name shown when there is no login. */
  name: string;
  /** Link to the Slack message (chat.getPermalink), if known. */
  permalink?: string;
  /** True when the comment is posted with the person's own GitHub token: no "written by" line is needed. */
  asThemselves?: boolean;
}

/**
 * GitHub refuses a longer comment body ("maximum is 65536 characters"). It counts characters;
 * JavaScript's `length` counts UTF-16 units, never fewer, so measuring with it stays within.
 */
export const MAX_COMMENT_LENGTH = 65_536;

/** File names listed before "and N more": the note stays a line, however many files there are. */
const MAX_FILES_LISTED = 10;

/** A name (a person's or a file's) is shown at most this long. */
const MAX_NAME_LENGTH = 100;

/** A permalink longer than this is not a Slack permalink: it is left out. */
const MAX_PERMALINK_LENGTH = 2_000;

const MARKER_PREFIX = "<!-- threadline:slack ";
const MARKER_SUFFIX = " -->";

/** Slack channel ids and message timestamps: nothing that could end an HTML comment early. */
const CHANNEL_ID = /^[A-Za-z0-9]+$/;
const MESSAGE_TS = /^\d+(?:\.\d+)?$/;

/** GitHub's login rule: 1–39 letters, digits and single inner hyphens. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/**
 * Hidden marker that names the Slack message a comment came from: `<!-- threadline:slack C123/1700000000.000100 -->`.
 * Throws a RangeError for a channel or ts that is not Slack's: a marker that could not be read
 * back would let a retried creation post the comment twice.
 */
export function replyMarker(channel: string, ts: string): string {
  if (!CHANNEL_ID.test(channel) || !MESSAGE_TS.test(ts)) {
    throw new RangeError(
      `not a Slack channel id and message ts: ${JSON.stringify(channel)}, ${JSON.stringify(ts)}`,
    );
  }
  return `${MARKER_PREFIX}${channel}/${ts}${MARKER_SUFFIX}`;
}

/**
 * Reads the marker back from a comment body (the worker looks for a comment it may already have written before a crash).
 * Only a marker that ends the body counts: that is where {@link composeReplyComment} puts it, and
 * a marker copied into a reply's code block is always followed by the block's closing fence.
 */
export function readReplyMarker(body: string): { channel: string; ts: string } | undefined {
  const at = body.lastIndexOf(MARKER_PREFIX);
  if (at === -1) {
    return undefined;
  }
  const match = /^<!-- threadline:slack ([A-Za-z0-9]+)\/(\d+(?:\.\d+)?) -->\s*$/.exec(
    body.slice(at),
  );
  return match?.[1] !== undefined && match[2] !== undefined
    ? { channel: match[1], ts: match[2] }
    : undefined;
}

/** The permalink if it is a web link that can sit in a markdown link. */
function safePermalink(permalink: string | undefined): string | undefined {
  if (permalink === undefined || permalink.length > MAX_PERMALINK_LENGTH) {
    return undefined;
  }
  try {
    const url = new URL(permalink);
    return url.protocol === "https:" || url.protocol === "http:" ? permalink : undefined;
  } catch {
    return undefined;
  }
}

/** A name on one line, shortened, as literal markdown that pings nobody. */
function shownName(name: string): string {
  return escapeMarkdownText(truncateText(name.replace(/\s+/g, " ").trim(), MAX_NAME_LENGTH));
}

/** `_(2 files attached in Slack: a.png, b.log)_`: the files themselves stay in Slack. */
function filesNote(files: readonly string[]): string {
  if (files.length === 0) {
    return "";
  }
  const listed = files.slice(0, MAX_FILES_LISTED).map((file) => shownName(file) || "unnamed");
  const more = files.length - listed.length;
  const names = listed.join(", ") + (more > 0 ? `, and ${more} more` : "");
  const count = files.length === 1 ? "1 file" : `${files.length} files`;
  return `_(${count} attached in Slack: ${names})_`;
}

/**
 * `<sub>Written in Slack by [@login](…/login) · [view in Slack](…)</sub>`. The login sits in a
 * link's text, where GitHub's mention filter does not look: the author is named, not pinged.
 */
function attributionLine(
  attribution: ReplyAttribution,
  permalink: string | undefined,
  serverUrl: string,
): string {
  if (attribution.asThemselves === true) {
    return permalink === undefined
      ? "<sub>Written in Slack</sub>"
      : `<sub>[Written in Slack](${markdownLinkDestination(permalink)})</sub>`;
  }
  const { login } = attribution;
  let author: string;
  if (login !== undefined && GITHUB_LOGIN.test(login)) {
    author = `[@${login}](${markdownLinkDestination(`${serverUrl.replace(/\/+$/, "")}/${login}`)})`;
  } else {
    author = shownName(attribution.name);
  }
  const by = author === "" ? "" : ` by ${author}`;
  const view =
    permalink === undefined ? "" : ` · [view in Slack](${markdownLinkDestination(permalink)})`;
  return `<sub>Written in Slack${by}${view}</sub>`;
}

/** Blocks of the comment, a blank line apart; empty ones left out. */
function joinBlocks(blocks: readonly string[]): string {
  return blocks.filter((block) => block !== "").join("\n\n");
}

/** An open code fence: its characters, and the quote markers before it. */
interface OpenFence {
  fence: string;
  quoteDepth: number;
  prefix: string;
}

/**
 * The code fence left open at the end of `markdown`, if any, read as GitHub reads fences: up to
 * three spaces, a run of three or more backticks or tildes, closed by a longer-or-equal run of
 * the same character, or by the end of the quote it was opened in.
 */
function openFence(markdown: string): OpenFence | undefined {
  let open: OpenFence | undefined;
  for (const line of markdown.split("\n")) {
    let index = 0;
    let depth = 0;
    let prefixEnd = 0;
    // Inside an open block only its own quote markers are markup; the rest of the line is code.
    const maxDepth = open?.quoteDepth ?? Number.POSITIVE_INFINITY;
    while (depth < maxDepth) {
      let spaces = index;
      while (line.charAt(spaces) === " " && spaces - index < 3) {
        spaces += 1;
      }
      if (line.charAt(spaces) !== ">") {
        break;
      }
      index = line.charAt(spaces + 1) === " " ? spaces + 2 : spaces + 1;
      prefixEnd = index;
      depth += 1;
    }
    if (open !== undefined && depth < open.quoteDepth) {
      open = undefined;
    }
    let start = index;
    while (line.charAt(start) === " " && start - index < 3) {
      start += 1;
    }
    const character = line.charAt(start);
    if (character !== "`" && character !== "~") {
      continue;
    }
    let end = start;
    while (line.charAt(end) === character) {
      end += 1;
    }
    const run = line.slice(start, end);
    const rest = line.slice(end);
    if (run.length < 3) {
      continue;
    }
    if (open === undefined) {
      if (character === "~" || !rest.includes("`")) {
        open = { fence: run, quoteDepth: depth, prefix: line.slice(0, prefixEnd) };
      }
    } else if (
      character === open.fence.charAt(0) &&
      run.length >= open.fence.length &&
      rest.trim() === ""
    ) {
      open = undefined;
    }
  }
  return open;
}

/** How far back a line or word boundary may be and still be preferred to a hard cut. */
const MIN_HEAD_SHARE = 0.5;

/**
 * Where to cut `text` to keep at most `limit` characters: at a line break, else at a space, else
 * anywhere that splits no emoji, no entity, and no `@login` or `#123` (a shortened one could
 * ping or link someone else).
 */
function cutIndex(text: string, limit: number): number {
  const line = text.lastIndexOf("\n", limit);
  if (line >= limit * MIN_HEAD_SHARE && line > 0) {
    return line;
  }
  const space = text.lastIndexOf(" ", limit);
  if (space >= limit * MIN_HEAD_SHARE && space > 0) {
    return space;
  }
  let end = limit;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) {
    end -= 1;
  }
  const entity = text.lastIndexOf("&", end - 1);
  if (entity !== -1 && end - entity < 5 && !text.slice(entity, end).includes(";")) {
    end = entity;
  }
  const wordCharacter = /[A-Za-z0-9_-]/;
  let word = end;
  while (word > 0 && end - word <= 40 && wordCharacter.test(text.charAt(word - 1))) {
    word -= 1;
  }
  if (wordCharacter.test(text.charAt(end)) && word > 0 && "@#".includes(text.charAt(word - 1))) {
    end = word - 1;
  }
  return Math.max(end, 0);
}

/** `markdown` cut to at most `max` characters, a code fence it leaves open closed. */
function cutMarkdown(markdown: string, max: number): string {
  let limit = max;
  while (limit > 0) {
    const head = markdown.slice(0, cutIndex(markdown, limit)).trimEnd();
    const fence = openFence(head);
    const result = fence === undefined ? head : `${head}\n${fence.prefix}${fence.fence}`;
    if (result.length <= max) {
      return result;
    }
    limit -= result.length - max;
  }
  return "";
}

/** The comment body: converted text, a note for attached files, the attribution line, the marker; within GitHub's 65,536-character limit. */
export function composeReplyComment(input: {
  markdown: string;
  files: string[];
  attribution: ReplyAttribution;
  channel: string;
  ts: string;
  /** Where profile links point: `https://github.com` unless on GitHub Enterprise Server. */
  serverUrl?: string;
}): string {
  const marker = replyMarker(input.channel, input.ts);
  const permalink = safePermalink(input.attribution.permalink);
  const tail = [
    filesNote(input.files),
    attributionLine(input.attribution, permalink, input.serverUrl ?? "https://github.com"),
    marker,
  ];
  const text = input.markdown.replace(/^\n+/, "").trimEnd();
  const whole = joinBlocks([text, ...tail]);
  if (whole.length <= MAX_COMMENT_LENGTH) {
    return whole;
  }
  const cutNote =
    permalink === undefined
      ? "_… (cut: the whole message is in Slack)_"
      : `_… (cut: [the whole message is in Slack](${markdownLinkDestination(permalink)}))_`;
  const room = MAX_COMMENT_LENGTH - joinBlocks(["x", cutNote, ...tail]).length + 1;
  return joinBlocks([cutMarkdown(text, room), cutNote, ...tail]);
}

// @ts-check
/**
 * What Slack draws for a message's blocks, as HTML: the picture script's view of threadline's
 * real output (docs/conversation.html). Slack's mrkdwn (https://docs.slack.dev/messaging/formatting-message-text)
 * is read as Slack reads it: `&amp;`, `&lt;`, `&gt;` are the only entities, `<…>` is a link, a
 * mention or a broadcast, ``` fences a preformatted block, `>` opens a quote line, and `*bold*`,
 * `_italic_`, `~strike~` and `` `code` `` need a boundary outside the markers.
 *
 * Every character of the text reaches the page through `escapeHtml`; the only markup is the tags
 * written here, and a link's `href` is only ever an http(s) or mailto URL. So nothing a comment
 * says on GitHub can become markup in the page, whatever the App let through.
 */

/** @typedef {import("../src/render/block-kit.js").Block} Block */

/** `&`, `<`, `>` and `"` as entities: text safe between tags and inside a quoted attribute. */
const HTML_ENTITIES = /** @type {Record<string, string>} */ ({
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
});

/**
 * `text` as HTML text: never markup.
 * @param {string} text
 * @returns {string}
 */
export function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (character) => HTML_ENTITIES[character] ?? "");
}

const SLACK_ENTITIES = /** @type {Record<string, string>} */ ({
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
});

/**
 * Slack's three entities back to their characters; the rest of a mrkdwn text is literal.
 * @param {string} text
 * @returns {string}
 */
export function decodeMrkdwnEntities(text) {
  return text.replace(/&(amp|lt|gt);/g, (entity) => SLACK_ENTITIES[entity] ?? entity);
}

/** The URL schemes Slack makes links of; anything else is shown as text. */
const LINKABLE = /^(https?:\/\/|mailto:)/i;

/**
 * The HTML for one `<…>` token: a link, a user or channel mention, a broadcast, or text.
 * @param {string} inner What stands between the angle brackets.
 * @returns {string}
 */
function tokenHtml(inner) {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1);
  /** @param {string} text */
  const mention = (text) =>
    `<span class="mention">${escapeHtml(decodeMrkdwnEntities(text))}</span>`;
  if (target.startsWith("@")) return mention(`@${label ?? target.slice(1)}`);
  if (target.startsWith("#")) return mention(`#${label ?? target.slice(1)}`);
  if (target.startsWith("!date^")) return escapeHtml(decodeMrkdwnEntities(label ?? ""));
  if (target.startsWith("!")) {
    // <!here>, <!channel>, <!everyone>; <!subteam^ID|@team> shows its label.
    return mention(label ?? `@${target.slice(1).split("^")[0]}`);
  }
  const url = decodeMrkdwnEntities(target);
  const text = escapeHtml(decodeMrkdwnEntities(label ?? target));
  return LINKABLE.test(url) ? `<a href="${escapeHtml(url)}">${text}</a>` : text;
}

/**
 * A line as atoms: one per UTF-16 unit of plain text, or a finished piece of HTML (a code span, a
 * link, a mention, an emphasis tag). Emphasis is found on a shadow string with one character per
 * atom, so markers inside a link or a code span are never seen, and text never becomes a tag.
 * @typedef {{ text: string } | { html: string }} Atom
 */

/** Text before a marker that may open emphasis, and after one that may close it (Slack's rule). */
const OPENER = `^|[\\s(\\[{"'.,;:!?\\u2014-]`;
const CLOSER = `(?=$|[\\s)\\]}"'.,;:!?\\u2014-])`;
/** How a piece of HTML looks in the shadow string: a visible character that is no boundary. */
const HTML_SHADOW = "\uFFFC";
/** Opening tags read as an opening bracket, closing tags as a closing one: emphasis may nest. */
const OPEN_SHADOW = "(";
const CLOSE_SHADOW = ")";

/** @type {Array<[string, string]>} */
const EMPHASIS = [
  ["\\*", "b"],
  ["_", "i"],
  ["~", "s"],
];

/**
 * One line of ordinary text (no fence, no quote marker) as HTML.
 * @param {string} line
 * @returns {string}
 */
function inlineHtml(line) {
  /** @type {Atom[]} */
  const atoms = [];
  /** @type {string[]} */
  const shadow = [];
  for (let index = 0; index < line.length;) {
    const character = line.charAt(index);
    const close = character === "`" ? line.indexOf("`", index + 1) : -1;
    if (close > index + 1) {
      const code = line.slice(index + 1, close);
      atoms.push({ html: `<code>${escapeHtml(decodeMrkdwnEntities(code))}</code>` });
      shadow.push(HTML_SHADOW);
      index = close + 1;
      continue;
    }
    const token = character === "<" ? /^<([^<>]+)>/.exec(line.slice(index)) : null;
    if (token) {
      atoms.push({ html: tokenHtml(token[1] ?? "") });
      shadow.push(HTML_SHADOW);
      index += token[0].length;
      continue;
    }
    // Slack's entities are one character each: `&lt;` is a `<` of the text, never a token.
    const entity = character === "&" ? /^&(amp|lt|gt);/.exec(line.slice(index)) : null;
    const text = entity ? decodeMrkdwnEntities(entity[0]) : character;
    atoms.push({ text });
    // The shadow keeps the character's class; a literal U+FFFC is just another visible character.
    shadow.push(text === HTML_SHADOW ? "x" : text);
    index += entity ? entity[0].length : 1;
  }
  for (const [marker, tag] of EMPHASIS) {
    const pattern = new RegExp(`(${OPENER})${marker}(?=\\S)(.*?\\S)${marker}${CLOSER}`, "g");
    for (const match of shadow.join("").matchAll(pattern)) {
      const open = (match.index ?? 0) + (match[1] ?? "").length;
      const close = (match.index ?? 0) + match[0].length - 1;
      atoms[open] = { html: `<${tag}>` };
      atoms[close] = { html: `</${tag}>` };
      shadow[open] = OPEN_SHADOW;
      shadow[close] = CLOSE_SHADOW;
    }
  }
  return atoms.map((atom) => ("html" in atom ? atom.html : escapeHtml(atom.text))).join("");
}

/**
 * Text outside preformatted blocks: runs of `>` lines as quotes, other lines joined by breaks.
 * @param {string} text
 * @returns {string}
 */
function paragraphsHtml(text) {
  const lines = text.split("\n");
  /** @type {string[]} */
  const out = [];
  for (let index = 0; index < lines.length;) {
    const quoted = (lines[index] ?? "").startsWith(">");
    /** @type {string[]} */
    const run = [];
    while (index < lines.length && (lines[index] ?? "").startsWith(">") === quoted) {
      const line = lines[index] ?? "";
      run.push(inlineHtml(quoted ? line.replace(/^> ?/, "") : line));
      index += 1;
    }
    out.push(quoted ? `<blockquote>${run.join("<br>")}</blockquote>` : run.join("<br>"));
  }
  return out.join("");
}

/**
 * A mrkdwn text as HTML: ``` blocks first (their text is literal), then the text around them. A
 * fence left unclosed is shown as the characters it is, as Slack does.
 * @param {string} text
 * @returns {string}
 */
export function mrkdwnToHtml(text) {
  const parts = text.split("```");
  if (parts.length % 2 === 0) {
    // An odd number of fences: the last one opens nothing.
    const last = parts.pop() ?? "";
    parts[parts.length - 1] += "```" + last;
  }
  /** @param {string} part */
  const trimNewlines = (part) => part.replace(/^\n/, "").replace(/\n$/, "");
  return parts
    .map((part, index) =>
      index % 2 === 1
        ? `<pre>${escapeHtml(decodeMrkdwnEntities(trimNewlines(part)))}</pre>`
        : paragraphsHtml(trimNewlines(part)),
    )
    .join("");
}

/**
 * An image element as Slack draws a missing avatar: the first letter of its alt text.
 * @param {string} name
 * @param {string} className
 * @returns {string}
 */
export function letterAvatarHtml(name, className) {
  const letter = Array.from(name)[0]?.toUpperCase() ?? "";
  return `<span class="${escapeHtml(className)}" title="${escapeHtml(name)}">${escapeHtml(letter)}</span>`;
}

/**
 * One block as Slack shows it; `edited` adds Slack's "(edited)" marker after it.
 * @param {Block} block
 * @param {boolean} [edited]
 * @returns {string}
 */
export function blockToHtml(block, edited = false) {
  const mark = edited ? ` <span class="edited">(edited)</span>` : "";
  switch (block.type) {
    case "section":
      return `<div class="section">${mrkdwnToHtml(block.text.text)}${mark}</div>`;
    case "context": {
      const parts = block.elements.map((element) =>
        element.type === "image"
          ? letterAvatarHtml(element.alt_text, "context-avatar")
          : `<span>${mrkdwnToHtml(element.text)}</span>`,
      );
      return `<div class="context">${parts.join("")}${mark}</div>`;
    }
    default:
      throw new Error(`no drawing for a ${/** @type {{ type: string }} */ (block).type} block`);
  }
}

/**
 * A message's blocks as Slack shows them, the "(edited)" marker after the last when `edited`.
 * @param {readonly Block[]} blocks
 * @param {boolean} [edited]
 * @returns {string[]}
 */
export function blocksToHtml(blocks, edited = false) {
  return blocks.map((block, index) => blockToHtml(block, edited && index === blocks.length - 1));
}

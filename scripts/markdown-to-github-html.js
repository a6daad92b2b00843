// @ts-check
/**
 * A comment body as GitHub shows it, as HTML: the picture script's view of what threadline wrote
 * on GitHub (docs/answering-from-slack.html). GitHub-flavoured markdown (remark-parse +
 * remark-gfm), each newline in a paragraph a line break (GitHub's comments keep them), the HTML
 * written in the comment parsed with the markdown around it (hast-util-raw), `@login` made a
 * mention link outside code and links, and HTML comments left out: they show nothing on GitHub.
 *
 * Independent of the App's own reading of GitHub's markdown (src/render/parse-comment.ts), so
 * the picture shows what GitHub makes of the App's comment, not what the App thinks it wrote.
 *
 * Every character of the comment reaches the page through `escapeHtml`; the only markup is the
 * elements of {@link ALLOWED} with the attributes written here, and a link's `href` is only ever
 * an http(s) or mailto URL or a fragment. Images, like anything else not allowed, are left out
 * (keeping their text), so the page loads nothing.
 */
import { raw } from "hast-util-raw";
import { toHast } from "mdast-util-to-hast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { escapeHtml } from "./block-kit-to-html.js";

/** @typedef {import("hast").Nodes} HastNodes */
/** @typedef {import("hast").Element} HastElement */
/** @typedef {import("hast").ElementContent} HastContent */
/** @typedef {import("mdast").Nodes} MdastNodes */

const processor = unified().use(remarkParse).use(remarkGfm);

/** Elements GitHub keeps in a comment, less those that load something (img, picture, video). */
export const ALLOWED = new Set(
  (
    "a abbr b bdo blockquote br caption cite code col colgroup dd del details dfn div dl dt em " +
    "h1 h2 h3 h4 h5 h6 hr i input ins kbd li mark ol p pre q rp rt ruby s samp section small span " +
    "strike strong sub summary sup table tbody td tfoot th thead tr tt u ul var wbr"
  ).split(" "),
);

/** Elements without content or end tag. */
const VOID = new Set(["br", "col", "hr", "input", "wbr"]);

/** What GitHub's mention filter never looks inside. */
const NO_MENTIONS = new Set(["a", "code", "pre"]);

/** `@login` after a non-word character (GitHub's login rule: letters, digits, inner hyphens). */
const MENTION = /(^|[^A-Za-z0-9_`])@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})(?![\w/])/g;

/** The URLs a link may point at; anything else leaves its text unlinked. */
const LINKABLE = /^(https?:\/\/|mailto:|#)/i;

/**
 * Each newline in the text of a paragraph (a heading, a cell…) as a line break, as GitHub shows
 * a comment. Code keeps its newlines: its text is a `value`, not a `text` child.
 * @param {MdastNodes} node
 */
function hardenLineBreaks(node) {
  if (!("children" in node)) return;
  /** @type {any[]} */
  const children = [];
  for (const child of node.children) {
    if (child.type === "text" && child.value.includes("\n")) {
      child.value.split("\n").forEach((part, index) => {
        if (index > 0) children.push({ type: "break" });
        if (part !== "") children.push({ type: "text", value: part });
      });
    } else {
      hardenLineBreaks(child);
      children.push(child);
    }
  }
  node.children = children;
}

/**
 * A text's `@login`s as mention links, the rest as text.
 * @param {string} text
 * @param {string} serverUrl
 * @returns {HastContent[]}
 */
function mentionNodes(text, serverUrl) {
  /** @type {HastContent[]} */
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const at = (match.index ?? 0) + (match[1] ?? "").length;
    const login = match[2] ?? "";
    if (at > last) nodes.push({ type: "text", value: text.slice(last, at) });
    nodes.push({
      type: "element",
      tagName: "a",
      properties: { className: ["user-mention"], href: `${serverUrl}/${login}` },
      children: [{ type: "text", value: `@${login}` }],
    });
    last = at + 1 + login.length;
  }
  if (last < text.length) nodes.push({ type: "text", value: text.slice(last) });
  return nodes;
}

/**
 * Links the mentions in every text outside code and links.
 * @param {HastNodes} node
 * @param {string} serverUrl
 */
function linkMentions(node, serverUrl) {
  if (node.type !== "root" && node.type !== "element") return;
  if (node.type === "element" && NO_MENTIONS.has(node.tagName)) return;
  /** @type {HastContent[]} */
  const children = [];
  for (const child of node.children) {
    if (child.type === "text") {
      children.push(...mentionNodes(child.value, serverUrl));
    } else {
      linkMentions(child, serverUrl);
      // A root's doctype among them is kept as it is.
      children.push(/** @type {HastContent} */ (child));
    }
  }
  node.children = children;
}

/**
 * The attributes kept on an allowed element, as ` name="value"` text.
 * @param {HastElement} element
 * @returns {string | undefined} Undefined when the element itself is left out: a link to
 *   somewhere GitHub would not link, an input that is no task list's checkbox.
 */
function attributesHtml(element) {
  const { tagName, properties } = element;
  /** @type {Array<[string, string | true]>} */
  const kept = [];
  if (tagName === "a") {
    const href = String(properties.href ?? "");
    if (!LINKABLE.test(href)) return undefined;
    const classes = Array.isArray(properties.className) ? properties.className : [];
    if (classes.includes("user-mention")) kept.push(["class", "user-mention"]);
    kept.push(["href", href]);
  }
  if ((tagName === "td" || tagName === "th") && typeof properties.align === "string") {
    kept.push(["align", properties.align]);
  }
  if (tagName === "ol" && typeof properties.start === "number") {
    kept.push(["start", String(properties.start)]);
  }
  if (tagName === "details" && properties.open) kept.push(["open", true]);
  if (tagName === "input") {
    if (properties.type !== "checkbox") return undefined;
    kept.push(["type", "checkbox"]);
    if (properties.checked) kept.push(["checked", true]);
    kept.push(["disabled", true]);
  }
  return kept
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`))
    .join("");
}

/**
 * A tree as HTML: allowed elements with their kept attributes, text escaped, comments left out,
 * anything else replaced by what it contains.
 * @param {HastNodes} node
 * @returns {string}
 */
function nodeHtml(node) {
  switch (node.type) {
    case "text":
      return escapeHtml(node.value);
    case "root":
      return node.children.map(nodeHtml).join("");
    case "element": {
      const inner = node.children.map(nodeHtml).join("");
      if (!ALLOWED.has(node.tagName)) return inner;
      const attributes = attributesHtml(node);
      if (attributes === undefined) return inner;
      return VOID.has(node.tagName)
        ? `<${node.tagName}${attributes}>`
        : `<${node.tagName}${attributes}>${inner}</${node.tagName}>`;
    }
    default:
      // A comment or a doctype shows nothing.
      return "";
  }
}

/**
 * A comment body's markdown as the HTML GitHub shows for it.
 * @param {string} markdown
 * @param {{ serverUrl?: string }} [options] Where mentions link: `https://github.com` by default.
 * @returns {string}
 */
export function markdownToGitHubHtml(markdown, { serverUrl = "https://github.com" } = {}) {
  const tree = processor.parse(markdown.replace(/\r\n?/g, "\n"));
  hardenLineBreaks(tree);
  const hast = /** @type {HastNodes} */ (raw(toHast(tree, { allowDangerousHtml: true })));
  linkMentions(hast, serverUrl.replace(/\/+$/, ""));
  return nodeHtml(hast).trim();
}

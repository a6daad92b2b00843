import type { Definition, List, ListItem, PhrasingContent, RootContent, Table } from "mdast";
import { escapeInlineCode, escapeMrkdwnText } from "./escape-mrkdwn.js";
import { anchorHref, htmlToMrkdwn } from "./html-to-mrkdwn.js";
import { parseMarkdown } from "./parse-markdown.js";
import { phrasingToPlainText as plainText } from "./markdown-to-plain-text.js";
import { slackLink } from "./slack-link.js";
import { suggestionToMrkdwn } from "./suggestion-to-mrkdwn.js";
import { tableToMrkdwn } from "./table-to-mrkdwn.js";
import { textToMrkdwn, type MentionOptions } from "./text-to-mrkdwn.js";

/** What the renderer needs beyond the markdown itself. */
export interface MarkdownToMrkdwnOptions extends MentionOptions {
  /**
   * Draws a ```suggestion block. Only the message layout knows which lines a review comment
   * covers, so it passes its own; without one the suggestion is shown under a label.
   */
  renderSuggestion?: (code: string) => string;
}

interface Context extends MentionOptions {
  renderSuggestion: (code: string) => string;
  definitions: Map<string, Definition>;
}

/** Formatting already open around a node; Slack cannot nest the same marker in itself. */
interface Marks {
  bold: boolean;
  italic: boolean;
  strike: boolean;
}

const NO_MARKS: Marks = { bold: false, italic: false, strike: false };

/** Thematic breaks have no Slack equivalent; a short rule reads as one. */
export const THEMATIC_BREAK = "───";

/** Nested list content is indented this much under its parent item. */
const LIST_INDENT = "    ";

/**
 * Slack only honours `*`, `_`, `~` that touch the words they wrap, so spaces at the edges of
 * the content move outside the markers; markers around nothing are dropped.
 */
function wrap(marker: string, content: string): string {
  const core = content.trim();
  if (core === "") {
    return content;
  }
  const start = content.indexOf(core);
  const before = content.slice(0, start);
  const after = content.slice(start + core.length);
  return `${before}${marker}${core}${marker}${after}`;
}

function codeBlock(code: string): string {
  return "```\n" + (escapeMrkdwnText(code.replace(/\r\n?/g, "\n")) || " ") + "\n```";
}

function isClosingAnchor(node: PhrasingContent | undefined): boolean {
  return node?.type === "html" && /^<\/a\s*>$/i.test(node.value.trim());
}

function phrasing(nodes: readonly PhrasingContent[], context: Context, marks: Marks): string {
  let result = "";
  for (let index = 0; index < nodes.length; index += 1) {
    const node = nodes[index];
    if (node === undefined) {
      continue;
    }
    if (node.type === "html") {
      // remark gives `<a href="…">`, the label and `</a>` as siblings; join them into one link.
      const href = anchorHref(node.value);
      const close =
        href === undefined
          ? -1
          : nodes.findIndex((candidate, at) => at > index && isClosingAnchor(candidate));
      if (href !== undefined && close !== -1) {
        const label = plainText(nodes.slice(index + 1, close)).trim();
        result += slackLink(href, label || href);
        index = close;
        continue;
      }
    }
    result += inline(node, context, marks);
  }
  return result;
}

function inline(node: PhrasingContent, context: Context, marks: Marks): string {
  switch (node.type) {
    case "text":
      return textToMrkdwn(node.value, context);
    case "strong":
      return marks.bold
        ? phrasing(node.children, context, marks)
        : wrap("*", phrasing(node.children, context, { ...marks, bold: true }));
    case "emphasis":
      return marks.italic
        ? phrasing(node.children, context, marks)
        : wrap("_", phrasing(node.children, context, { ...marks, italic: true }));
    case "delete":
      return marks.strike
        ? phrasing(node.children, context, marks)
        : wrap("~", phrasing(node.children, context, { ...marks, strike: true }));
    case "inlineCode": {
      const code = escapeInlineCode(node.value.replace(/\s*\n\s*/g, " "));
      return code === "" ? "" : `\`${code}\``;
    }
    case "break":
      return "\n";
    case "link":
      return slackLink(node.url, plainText(node.children).trim() || node.url);
    case "image":
      return slackLink(node.url, node.alt?.trim() || "image");
    case "linkReference":
    case "imageReference": {
      const definition = context.definitions.get(node.identifier);
      const label =
        node.type === "linkReference"
          ? plainText(node.children).trim()
          : node.alt?.trim() || "image";
      return definition
        ? slackLink(definition.url, label || definition.url)
        : escapeMrkdwnText(`[${label}]`);
    }
    case "footnoteReference":
      return escapeMrkdwnText(`[^${node.label ?? node.identifier}]`);
    case "html":
      return htmlToMrkdwn(node.value, context);
    default:
      return "";
  }
}

/** Every line after the first moves under the marker; blank lines stay blank. */
function indentAfterFirst(text: string, indent: string): string {
  return text
    .split("\n")
    .map((line, index) => (index === 0 || line === "" ? line : indent + line))
    .join("\n");
}

function listItem(item: ListItem, marker: string, context: Context): string {
  const body = item.children
    .map((child) => block(child, context))
    .filter((text): text is string => text !== undefined)
    .join("\n");
  return indentAfterFirst(`${marker} ${body}`.trimEnd(), LIST_INDENT);
}

function list(node: List, context: Context): string {
  const start = node.start ?? 1;
  return node.children
    .map((item, index) => {
      const box = item.checked === true ? "☑" : item.checked === false ? "☐" : undefined;
      const number = `${start + index}.`;
      const marker = node.ordered
        ? box === undefined
          ? number
          : `${number} ${box}`
        : (box ?? "•");
      return listItem(item, marker, context);
    })
    .join("\n");
}

function table(node: Table, context: Context): string {
  const [header, ...rows] = node.children.map((row) =>
    row.children.map((cell) => ({
      plain: plainText(cell.children).trim(),
      mrkdwn: phrasing(cell.children, context, NO_MARKS).trim(),
    })),
  );
  return tableToMrkdwn(header ?? [], rows, node.align ?? []);
}

/** Slack's quote is a literal `>` at the start of each line; blank lines keep it so the quote holds. */
function quote(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? ">" : `> ${line}`))
    .join("\n");
}

function blockHtml(html: string, context: Context): string | undefined {
  const text = htmlToMrkdwn(html, context)
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return text === "" ? undefined : text;
}

/** One block node as mrkdwn, or `undefined` for nodes that show nothing (definitions, comments). */
function block(node: RootContent, context: Context): string | undefined {
  switch (node.type) {
    case "paragraph":
      return phrasing(node.children, context, NO_MARKS).trim() || undefined;
    case "heading": {
      const text = phrasing(node.children, context, {
        ...NO_MARKS,
        bold: true,
      }).trim();
      return text === "" ? undefined : wrap("*", text);
    }
    case "thematicBreak":
      return THEMATIC_BREAK;
    case "blockquote": {
      const text = blocks(node.children, context).join("\n\n");
      return text === "" ? undefined : quote(text);
    }
    case "list":
      return list(node, context);
    case "code":
      return node.lang?.toLowerCase() === "suggestion"
        ? context.renderSuggestion(node.value)
        : codeBlock(node.value);
    case "table":
      return table(node, context);
    case "html":
      return blockHtml(node.value, context);
    case "footnoteDefinition": {
      const text = blocks(node.children, context).join("\n");
      return `${escapeMrkdwnText(`[^${node.label ?? node.identifier}]:`)} ${text}`;
    }
    default:
      return undefined;
  }
}

function blocks(nodes: readonly RootContent[], context: Context): string[] {
  return nodes
    .map((node) => block(node, context))
    .filter((text): text is string => text !== undefined);
}

function collectDefinitions(
  nodes: readonly RootContent[],
  into: Map<string, Definition>,
): Map<string, Definition> {
  for (const node of nodes) {
    if (node.type === "definition" && !into.has(node.identifier)) {
      into.set(node.identifier, node);
    } else if ("children" in node) {
      collectDefinitions(node.children as RootContent[], into);
    }
  }
  return into;
}

/**
 * GitHub-flavoured markdown as Slack mrkdwn, one string per top-level block (paragraph, list,
 * code block, quote, table, heading…), so that a long comment can be cut between blocks. All
 * comment text is escaped; the only `<…>` tokens in the result are links to http(s)/mailto URLs,
 * GitHub profile links and mentions of the Slack users in `options.mentions`.
 */
export function markdownToMrkdwn(markdown: string, options: MarkdownToMrkdwnOptions): string[] {
  try {
    const tree = parseMarkdown(markdown);
    const context: Context = {
      mentions: options.mentions,
      serverUrl: options.serverUrl,
      renderSuggestion: options.renderSuggestion ?? ((code) => suggestionToMrkdwn(code)),
      definitions: collectDefinitions(tree.children, new Map()),
    };
    return blocks(tree.children, context);
  } catch (error) {
    // Nesting too deep to parse still shows, as the comment's escaped source.
    if (error instanceof RangeError) {
      return markdown
        .split(/\n\s*\n/)
        .map((paragraph) => textToMrkdwn(paragraph.trim(), options))
        .filter((paragraph) => paragraph !== "");
    }
    throw error;
  }
}

/** Chunks from {@link markdownToMrkdwn} as one mrkdwn text, blocks apart by a blank line. */
export function joinMrkdwnChunks(chunks: readonly string[]): string {
  return chunks.join("\n\n");
}

import type { Element, Root } from "hast";
import { codeBlock } from "./code-block.js";
import { escapeInlineCode } from "./escape-mrkdwn.js";
import { shortGitHubLabel } from "./github-references.js";
import {
  attribute,
  BLOCK_ELEMENTS,
  CLOSED_DETAILS,
  DEFAULT_SUMMARY,
  footnotes,
  hasAttribute,
  hasClass,
  hastToPlainText,
  isElement,
  rowCells,
  scriptText,
  showsItsUrl,
  summaryOf,
  tableRows,
  textContent,
  type CommentNode,
} from "./hast-text.js";
import { slackLink } from "./slack-link.js";
import { tableToMrkdwn, type ColumnAlign, type TableCellText } from "./table-to-mrkdwn.js";
import { textToMrkdwn, type TextOptions } from "./text-to-mrkdwn.js";

/** `details:` in the config: what a `<details>` block shows in Slack. */
export type DetailsMode = "show" | "collapse";

/** What drawing a comment's HTML tree as mrkdwn needs besides the tree. */
export interface HastToMrkdwnOptions extends TextOptions {
  /**
   * Draws a ```suggestion block; only the message layout knows which lines it replaces. `shown`
   * is false inside a closed `<details>`, drawn only to count the lines it hides.
   */
  renderSuggestion: (code: string, shown: boolean) => string;
  /**
   * `collapse` (GitHub's own way): a closed `<details>` shows its summary and how many lines it
   * hides, linked to the comment. `show`: the whole body, under its summary.
   */
  details: DetailsMode;
  /** The comment on GitHub, where a reader opens what a `<details>` hides. */
  commentUrl?: string | undefined;
}

interface Context extends HastToMrkdwnOptions {
  /** How many quotes this text is inside; Slack draws only the first. */
  quoteDepth: number;
  /** Inside a closed `<details>`: drawn only to count its lines. */
  hidden: boolean;
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
 * Quote levels below the first, which Slack cannot draw (it has one `>` level): each deeper
 * level shows this bar, so `> │ text` reads as a quote inside a quote.
 */
const NESTED_QUOTE = "│";

/** A table cell spanning more columns than this is taken as spanning this many. */
const MAX_COLSPAN = 20;

/**
 * Slack only honours `*`, `_`, `~` that touch the words they wrap and end on the line they start
 * on, so each line is wrapped on its own, spaces at its edges outside the markers; markers around
 * nothing are dropped.
 */
function wrap(marker: string, content: string): string {
  return content
    .split("\n")
    .map((line) => {
      const core = line.trim();
      if (core === "") {
        return line;
      }
      const start = line.indexOf(core);
      return `${line.slice(0, start)}${marker}${core}${marker}${line.slice(start + core.length)}`;
    })
    .join("\n");
}

/** Whitespace as HTML reads it outside `<pre>`: any run is one space. */
function collapseWhitespace(text: string): string {
  return text.replace(/[ \t\n\r\f]+/g, " ");
}

/** A run of inline content as a block's text: no spaces at line edges, no blank edges. */
function tidy(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function inlineCode(code: string): string {
  const text = escapeInlineCode(code.replace(/\s*\n\s*/g, " "));
  return text === "" ? "" : `\`${text}\``;
}

/** `<sup>2</sup>` as ², when every character has a raised (or lowered) form; else as written. */
function script(element: Element, context: Context, marks: Marks): string {
  return scriptText(element) ?? phrasing(element.children, context, marks);
}

function anchor(element: Element, context: Context, marks: Marks): string {
  if (hasAttribute(element, "dataFootnoteBackref")) {
    return "";
  }
  if (hasAttribute(element, "dataFootnoteRef")) {
    return `[${textContent(element).trim()}]`;
  }
  const href = attribute(element, "href");
  if (href === undefined) {
    return phrasing(element.children, context, marks);
  }
  const label = hastToPlainText(element.children) || href;
  const short = showsItsUrl(label, href) ? shortGitHubLabel(href, context) : undefined;
  return slackLink(href, short ?? label);
}

function phrasing(nodes: readonly CommentNode[], context: Context, marks: Marks): string {
  let result = "";
  for (const node of nodes) {
    const piece = inline(node, context, marks);
    // Whitespace runs across neighbouring text (`a <!-- note --> b`) are one space too.
    result += piece.startsWith(" ") && result.endsWith(" ") ? piece.slice(1) : piece;
  }
  return result;
}

function inline(node: CommentNode, context: Context, marks: Marks): string {
  if (node.type === "text") {
    return textToMrkdwn(collapseWhitespace(node.value), context);
  }
  if (node.type !== "element") {
    return "";
  }
  switch (node.tagName) {
    case "br":
      return "\n";
    case "strong":
    case "b":
      return marks.bold
        ? phrasing(node.children, context, marks)
        : wrap("*", phrasing(node.children, context, { ...marks, bold: true }));
    case "em":
    case "i":
    case "cite":
    case "dfn":
    case "var":
      return marks.italic
        ? phrasing(node.children, context, marks)
        : wrap("_", phrasing(node.children, context, { ...marks, italic: true }));
    case "del":
    case "s":
    case "strike":
      return marks.strike
        ? phrasing(node.children, context, marks)
        : wrap("~", phrasing(node.children, context, { ...marks, strike: true }));
    case "code":
    case "kbd":
    case "samp":
    case "tt":
      return inlineCode(textContent(node));
    case "a":
      return anchor(node, context, marks);
    case "img":
      return slackLink(attribute(node, "src") ?? "", attribute(node, "alt")?.trim() || "image");
    case "video": {
      const source = attribute(node, "src");
      return source === undefined
        ? phrasing(node.children, context, marks)
        : slackLink(source, "video");
    }
    case "input":
      return attribute(node, "type") === "checkbox"
        ? hasAttribute(node, "checked")
          ? "☑"
          : "☐"
        : "";
    case "sup":
    case "sub":
      return script(node, context, marks);
    case "q":
      return `“${phrasing(node.children, context, marks)}”`;
    default:
      if (hasClass(node, "sr-only")) {
        return "";
      }
      return BLOCK_ELEMENTS.has(node.tagName)
        ? `\n${block(node, context).join("\n")}\n`
        : phrasing(node.children, context, marks);
  }
}

/** Every line after the first moves under the marker; blank lines stay blank. */
function indentAfterFirst(text: string, indent: string): string {
  return text
    .split("\n")
    .map((line, index) => (index === 0 || line === "" ? line : indent + line))
    .join("\n");
}

/** Slack's quote is a `>` at the start of each line; deeper levels add a bar inside it. */
function quote(text: string, depth: number): string {
  const marker = depth === 0 ? ">" : NESTED_QUOTE;
  return text
    .split("\n")
    .map((line) => (line === "" ? marker : `${marker} ${line}`))
    .join("\n");
}

function listItem(item: Element, marker: string, context: Context): string {
  const body = flow(item.children, context).join("\n");
  // A task list item shows its box where the bullet would be (a numbered one keeps its number).
  const task = marker === "•" && hasClass(item, "task-list-item") && /^[☑☐]/.test(body);
  return indentAfterFirst((task ? body : `${marker} ${body}`).trimEnd(), LIST_INDENT);
}

/** `<ul>`/`<ol>` (markdown lists are the same): one item a line, no blank line between. */
function list(element: Element, context: Context): string {
  const start = Number.parseInt(attribute(element, "start") ?? "1", 10);
  let number = Number.isFinite(start) ? start : 1;
  const items: string[] = [];
  for (const child of element.children) {
    if (child.type === "element" && child.tagName === "li") {
      items.push(listItem(child, element.tagName === "ol" ? `${number}.` : "•", context));
      number += 1;
    } else if (child.type === "element" || (child.type === "text" && child.value.trim() !== "")) {
      items.push(...flow([child], context));
    }
  }
  return items.filter((item) => item !== "").join("\n");
}

function columnAlign(cell: Element): ColumnAlign {
  const align = attribute(cell, "align")?.toLowerCase();
  return align === "left" || align === "right" || align === "center" ? align : null;
}

/** The cells of a row, one per column spanned, so columns line up in the grid. */
function cellsOf(row: Element, context: Context): { cells: TableCellText[]; align: ColumnAlign[] } {
  const cells: TableCellText[] = [];
  const align: ColumnAlign[] = [];
  for (const cell of rowCells(row)) {
    const span = Math.min(
      Math.max(Number.parseInt(attribute(cell, "colSpan") ?? "1", 10) || 1, 1),
      MAX_COLSPAN,
    );
    cells.push({
      plain: hastToPlainText(cell.children),
      mrkdwn: flow(cell.children, context).join("\n"),
    });
    align.push(columnAlign(cell));
    for (let extra = 1; extra < span; extra += 1) {
      cells.push({ plain: "", mrkdwn: "" });
      align.push(null);
    }
  }
  return { cells, align };
}

/**
 * Markdown and HTML tables alike: the header is the `<thead>` row, else a first row of `<th>`
 * cells; a table without one is drawn without a header.
 */
function table(element: Element, context: Context): string[] {
  const rows = tableRows(element);
  const [first] = rows;
  if (first === undefined) {
    return [];
  }
  const thead = element.children.find((child): child is Element => isElement(child, "thead"));
  const headerRow =
    rows.find((row) => thead?.children.includes(row)) ??
    (rowCells(first).length > 0 && rowCells(first).every((cell) => cell.tagName === "th")
      ? first
      : undefined);
  const header = headerRow ? cellsOf(headerRow, context) : undefined;
  const body = rows.filter((row) => row !== headerRow).map((row) => cellsOf(row, context).cells);
  const align = header?.align ?? cellsOf(first, context).align;
  const caption = element.children.find((child): child is Element => isElement(child, "caption"));
  const title = caption ? hastToPlainText(caption.children) : "";
  const drawn = tableToMrkdwn(header?.cells ?? [], body, align);
  return [title === "" ? drawn : `${wrap("*", textToMrkdwn(title, context))}\n${drawn}`];
}

/** A `<details>` summary on one line, formatting kept. */
function summaryLine(details: Element, context: Context): string {
  const summary = summaryOf(details);
  const text = summary ? flow(summary.children, context).join(" ").replace(/\n+/g, " ") : "";
  return text.trim() || DEFAULT_SUMMARY;
}

/**
 * Lines a reader would see, for "12 lines hidden": blank lines, quote bars and the fences around
 * code do not count.
 */
function countLines(chunks: readonly string[]): number {
  let count = 0;
  for (const chunk of chunks) {
    for (const line of chunk.split("\n")) {
      if (!/^[\s>│]*(?:```)?$/.test(line)) {
        count += 1;
      }
    }
  }
  return count;
}

function hiddenBody(details: Element): CommentNode[] {
  const summary = summaryOf(details);
  return details.children.filter((child) => child !== summary);
}

/** `12 lines hidden`, the words of the note after a closed `<details>`'s summary. */
export function hiddenLinesLabel(count: number): string {
  return `${count} ${count === 1 ? "line" : "lines"} hidden`;
}

/** Whether a `<details>` shows its body: `details: show`, or opened by its author (`open`). */
export function showsDetails(details: Element, mode: DetailsMode): boolean {
  return mode === "show" || hasAttribute(details, "open");
}

/** How many lines a closed `<details>` hides, as the reader would see them on opening it. */
export function hiddenLineCount(details: Element, options: HastToMrkdwnOptions): number {
  const context: Context = { ...options, quoteDepth: 0, hidden: true };
  return countLines(flow(hiddenBody(details), context));
}

/**
 * GitHub shows a `<details>` closed: its summary, and the body once the reader opens it. So does
 * Slack, by default: `▸ Summary (12 lines hidden)`, the note linked to the comment.
 */
function details(element: Element, context: Context): string[] {
  const summary = summaryLine(element, context);
  const shown = showsDetails(element, context.details);
  const body = flow(hiddenBody(element), { ...context, hidden: context.hidden || !shown });
  if (shown) {
    return [summary, ...body];
  }
  const hidden = countLines(body);
  if (hidden === 0) {
    return [`${CLOSED_DETAILS} ${summary}`];
  }
  const label = hiddenLinesLabel(hidden);
  const note = context.commentUrl === undefined ? label : slackLink(context.commentUrl, label);
  return [`${CLOSED_DETAILS} ${summary} (${note})`];
}

/** GitHub's footnotes section: under a rule, each note after its number, `[1] …`. */
function footnoteSection(section: Element, context: Context): string[] {
  const notes = footnotes(section).map((note, index) =>
    indentAfterFirst(`[${index + 1}] ${flow(note.children, context).join("\n")}`, LIST_INDENT),
  );
  return notes.length === 0 ? [] : [`${THEMATIC_BREAK}\n${notes.join("\n")}`];
}

function preformatted(element: Element, context: Context): string {
  const code = element.children.find((child): child is Element => isElement(child, "code"));
  // The markdown converter ends a code block's text with a newline, which the block shows anyway.
  const text = textContent(element).replace(/\n$/, "");
  const suggestion = code?.properties.className;
  return Array.isArray(suggestion) &&
    suggestion.some((name) => String(name).toLowerCase() === "language-suggestion")
    ? context.renderSuggestion(text, !context.hidden)
    : codeBlock(text);
}

function nonEmpty(text: string): string[] {
  return text === "" ? [] : [text];
}

/** One block element as mrkdwn blocks; containers (`<div>`, `<section>`) give their children's. */
function block(element: Element, context: Context): string[] {
  if (hasClass(element, "sr-only")) {
    return [];
  }
  switch (element.tagName) {
    case "p":
      return nonEmpty(tidy(phrasing(element.children, context, NO_MARKS)));
    case "h1":
    case "h2":
    case "h3":
    case "h4":
    case "h5":
    case "h6":
    case "dt":
    case "caption":
      return nonEmpty(
        wrap("*", tidy(phrasing(element.children, context, { ...NO_MARKS, bold: true }))),
      );
    case "hr":
      return [THEMATIC_BREAK];
    case "pre":
      return [preformatted(element, context)];
    case "blockquote": {
      const text = flow(element.children, {
        ...context,
        quoteDepth: context.quoteDepth + 1,
        quoted: true,
      }).join("\n\n");
      return text === "" ? [] : [quote(text, context.quoteDepth)];
    }
    case "ul":
    case "ol":
      return nonEmpty(list(element, context));
    case "li":
      return nonEmpty(listItem(element, "•", context));
    case "dd":
      return nonEmpty(
        indentAfterFirst(LIST_INDENT + flow(element.children, context).join("\n"), LIST_INDENT),
      );
    case "table":
      return table(element, context);
    case "details":
      return details(element, context);
    case "summary":
      return nonEmpty(tidy(phrasing(element.children, context, NO_MARKS)));
    case "section":
      return hasAttribute(element, "dataFootnotes")
        ? footnoteSection(element, context)
        : flow(element.children, context);
    default:
      return flow(element.children, context);
  }
}

/**
 * Sibling nodes as mrkdwn blocks: each block element gives its own, and each run of inline
 * content between them (text, links, `<b>`…) makes one.
 */
function flow(nodes: readonly CommentNode[], context: Context): string[] {
  const blocks: string[] = [];
  let run: CommentNode[] = [];
  const flush = (): void => {
    if (run.length > 0) {
      blocks.push(...nonEmpty(tidy(phrasing(run, context, NO_MARKS))));
      run = [];
    }
  };
  for (const node of nodes) {
    if (isElement(node) && BLOCK_ELEMENTS.has(node.tagName)) {
      flush();
      blocks.push(...block(node, context));
    } else {
      run.push(node);
    }
  }
  flush();
  return blocks;
}

/**
 * A comment's HTML tree (see `parseComment`) as Slack mrkdwn, one string per top-level block
 * (paragraph, list, code block, quote, table, closed `<details>`…), so that a long comment can be
 * cut between blocks.
 */
export function hastToMrkdwn(tree: Root, options: HastToMrkdwnOptions): string[] {
  return flow(tree.children, { ...options, quoteDepth: 0, hidden: false });
}

import type { Element, ElementContent, RootContent } from "hast";
import { replaceEmojiShortcodes } from "./emoji-shortcodes.js";
import { shortGitHubLabel, type ReferenceScope } from "./github-references.js";

/** Any node of a comment's HTML tree that can stand inside the root or an element. */
export type CommentNode = RootContent | ElementContent;

/** Whether `node` is an element, of one of `names` when given. */
export function isElement(node: CommentNode | undefined, ...names: string[]): node is Element {
  return node?.type === "element" && (names.length === 0 || names.includes(node.tagName));
}

/** An attribute as text, or `undefined` when absent. */
export function attribute(element: Element, name: string): string | undefined {
  const value = element.properties[name];
  if (value === undefined || value === null || value === false) {
    return undefined;
  }
  return Array.isArray(value) ? value.join(" ") : String(value);
}

/** Whether the element has this attribute at all (`open`, `data-footnote-ref`). */
export function hasAttribute(element: Element, name: string): boolean {
  const value = element.properties[name];
  return value !== undefined && value !== null && value !== false;
}

/** Whether the element carries this class. */
export function hasClass(element: Element, name: string): boolean {
  const value = element.properties.className;
  return Array.isArray(value) && value.includes(name);
}

/** The characters inside a node as written, for code: no emoji, no formatting. */
export function textContent(node: CommentNode): string {
  if (node.type === "text") {
    return node.value;
  }
  if (node.type !== "element") {
    return "";
  }
  if (node.tagName === "br") {
    return "\n";
  }
  let text = "";
  for (const child of node.children) {
    text += textContent(child);
  }
  return text;
}

/** Blocks: in plain text each stands apart from its neighbours by a space. */
export const BLOCK_ELEMENTS: ReadonlySet<string> = new Set(
  (
    "address article aside blockquote caption center details dd dialog div dl dt figcaption " +
    "figure footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table " +
    "tbody td tfoot th thead tr ul"
  ).split(" "),
);

/** The `<summary>` of a `<details>`, if it has one. */
export function summaryOf(details: Element): Element | undefined {
  return details.children.find((child): child is Element => isElement(child, "summary"));
}

/** What a `<details>` without a summary is called, as on GitHub. */
export const DEFAULT_SUMMARY = "Details";

/** The note a closed `<details>` leaves: the marker GitHub draws before its summary. */
export const CLOSED_DETAILS = "▸";

/** The rows of a table in order (header rows first), however they are grouped. */
export function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of table.children) {
    if (child.type !== "element") {
      continue;
    }
    if (child.tagName === "tr") {
      rows.push(child);
    } else if (["thead", "tbody", "tfoot"].includes(child.tagName)) {
      rows.push(...child.children.filter((row): row is Element => isElement(row, "tr")));
    }
  }
  return rows;
}

/** The cells of a row. */
export function rowCells(row: Element): Element[] {
  return row.children.filter((cell): cell is Element => isElement(cell, "td", "th"));
}

/** The notes of GitHub's footnotes section, in the order it numbers them. */
export function footnotes(section: Element): Element[] {
  const list = section.children.find((child): child is Element => isElement(child, "ol"));
  return list?.children.filter((item): item is Element => isElement(item, "li")) ?? [];
}

/** Characters by their raised or lowered forms, which Slack can show where it has no `<sup>`. */
function scriptTable(from: string, to: string): Map<string, string> {
  const forms = [...to];
  return new Map([...from].map((character, index) => [character, forms[index] ?? character]));
}
const SUPERSCRIPT = scriptTable("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ");
const SUBSCRIPT = scriptTable("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎");

/**
 * A `<sup>`/`<sub>` of plain text as raised or lowered characters (x², H₂O), or `undefined` when
 * some character has no such form; the text then reads as written.
 */
export function scriptText(element: Element): string | undefined {
  const table = element.tagName === "sup" ? SUPERSCRIPT : SUBSCRIPT;
  const text = textContent(element).trim();
  if (
    text === "" ||
    !element.children.every((child) => child.type === "text") ||
    ![...text].every((character) => table.has(character))
  ) {
    return undefined;
  }
  return [...text].map((character) => table.get(character)).join("");
}

/** Whether a link shows its own address (a bare URL or an autolink). */
export function showsItsUrl(label: string, href: string): boolean {
  try {
    return new URL(label).href === new URL(href).href;
  } catch {
    return false;
  }
}

/** How plain text shows a `<details>`: the hook lets the notification say what it hides. */
export interface PlainTextOptions {
  /** The text for a closed `<details>`; by default its summary after ▸. */
  details?: (details: Element) => string;
  /** Where the comment is, so a bare link to GitHub reads short (`#12`), as in the message. */
  scope?: ReferenceScope;
}

function plain(node: CommentNode, options: PlainTextOptions): string {
  if (node.type === "text") {
    return replaceEmojiShortcodes(node.value);
  }
  if (node.type !== "element") {
    return "";
  }
  const children = (nodes: readonly CommentNode[]): string =>
    nodes.map((child) => plain(child, options)).join("");
  switch (node.tagName) {
    case "br":
      return " ";
    case "img":
      return attribute(node, "alt") ?? "";
    case "input":
      return attribute(node, "type") === "checkbox"
        ? hasAttribute(node, "checked")
          ? "☑"
          : "☐"
        : "";
    case "a":
      if (hasAttribute(node, "dataFootnoteBackref")) {
        return "";
      }
      if (hasAttribute(node, "dataFootnoteRef")) {
        return `[${textContent(node).trim()}]`;
      } else {
        const label = children(node.children);
        const href = attribute(node, "href");
        const short =
          options.scope && href !== undefined && showsItsUrl(label.trim(), href)
            ? shortGitHubLabel(href, options.scope)
            : undefined;
        return short ?? label;
      }
    case "sup":
    case "sub":
      return scriptText(node) ?? children(node.children);
    case "pre": {
      const code = node.children.find((child) => isElement(child, "code"));
      return isElement(code) && hasClass(code, "language-suggestion")
        ? " (suggested change) "
        : ` ${textContent(node)} `;
    }
    case "code":
    case "kbd":
    case "samp":
    case "tt":
      return textContent(node);
    case "table":
      return ` ${tableRows(node)
        .map((row) =>
          rowCells(row)
            .map((cell) => hastToPlainText(cell.children, options))
            .join(" | "),
        )
        .join("; ")} `;
    case "details":
      return ` ${options.details ? options.details(node) : closedDetailsText(node)} `;
    case "section":
      return hasAttribute(node, "dataFootnotes")
        ? ` ${footnotes(node)
            .map((note, index) => `[${index + 1}] ${hastToPlainText(note.children, options)}`)
            .join(" ")} `
        : ` ${children(node.children)} `;
    default:
      if (hasClass(node, "sr-only")) {
        // Visually hidden on GitHub (the footnotes' heading is for screen readers only).
        return "";
      }
      return BLOCK_ELEMENTS.has(node.tagName)
        ? ` ${children(node.children)} `
        : children(node.children);
  }
}

/** A closed `<details>` as GitHub shows it: the marker and its summary. */
function closedDetailsText(details: Element): string {
  return `${CLOSED_DETAILS} ${summaryText(details)}`;
}

/** The summary of a `<details>` as one line of plain text. */
export function summaryText(details: Element): string {
  const summary = summaryOf(details);
  return (summary && hastToPlainText(summary.children)) || DEFAULT_SUMMARY;
}

/**
 * The words of a piece of a comment on one line, unescaped, formatting gone, emoji drawn: for
 * link labels, table grids and the notification. Blocks and table cells never run together.
 */
export function hastToPlainText(
  nodes: readonly CommentNode[],
  options: PlainTextOptions = {},
): string {
  return nodes
    .map((node) => plain(node, options))
    .join("")
    .replace(/\s+/g, " ")
    .trim();
}

import type { PhrasingContent, RootContent } from "mdast";
import { htmlToPlainText } from "./html-to-mrkdwn.js";
import { parseMarkdown } from "./parse-markdown.js";

/** The words of inline content with all formatting gone, for link labels and table grids. */
export function phrasingToPlainText(nodes: readonly PhrasingContent[]): string {
  return nodes
    .map((node): string => {
      switch (node.type) {
        case "text":
        case "inlineCode":
          return node.value;
        case "image":
        case "imageReference":
          return node.alt ?? "";
        case "break":
          return " ";
        case "html":
          return htmlToPlainText(node.value);
        case "footnoteReference":
          return `[^${node.label ?? node.identifier}]`;
        default:
          return "children" in node ? phrasingToPlainText(node.children) : "";
      }
    })
    .join("");
}

function blocksToPlainText(nodes: readonly RootContent[]): string {
  return nodes
    .map((node): string => {
      switch (node.type) {
        case "paragraph":
        case "heading":
        case "tableCell":
          return phrasingToPlainText(node.children);
        case "code":
          return node.lang?.toLowerCase() === "suggestion" ? "(suggested change)" : node.value;
        case "html":
          return htmlToPlainText(node.value);
        case "thematicBreak":
        case "definition":
          return "";
        default:
          return "children" in node ? blocksToPlainText(node.children as RootContent[]) : "";
      }
    })
    .join(" ");
}

/**
 * A comment's words as one line of plain text, markup gone, for a notification. The result is
 * not escaped; the caller escapes it for where it goes.
 */
export function markdownToPlainText(markdown: string): string {
  let text: string;
  try {
    text = blocksToPlainText(parseMarkdown(markdown).children);
  } catch (error) {
    // Nesting deep enough to exhaust the stack: the source is the next best summary.
    if (!(error instanceof RangeError)) {
      throw error;
    }
    text = markdown;
  }
  return text.replace(/\s+/g, " ").trim();
}

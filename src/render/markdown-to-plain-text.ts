import type { Element, Root } from "hast";
import {
  hiddenLineCount,
  hiddenLinesLabel,
  showsDetails,
  type HastToMrkdwnOptions,
} from "./hast-to-mrkdwn.js";
import {
  CLOSED_DETAILS,
  hastToPlainText,
  summaryOf,
  summaryText,
  type PlainTextOptions,
} from "./hast-text.js";
import { normalizeLineEndings } from "./normalize-line-endings.js";
import { parseComment } from "./parse-comment.js";

/** What the notification needs to say of a `<details>` what the message shows of it. */
export type PlainTextDetailsOptions = Pick<
  HastToMrkdwnOptions,
  "details" | "mentions" | "serverUrl" | "repository"
>;

/** How the notification shows a `<details>`: as the message does (summary, and what it hides). */
function detailsText(details: Element, options: PlainTextDetailsOptions): string {
  if (showsDetails(details, options.details)) {
    const summary = summaryOf(details);
    const body = details.children.filter((child) => child !== summary);
    return `${summaryText(details)} ${hastToPlainText(body, plainOptions(options))}`;
  }
  const hidden = hiddenLineCount(details, {
    ...options,
    renderSuggestion: () => "(suggested change)",
  });
  return `${CLOSED_DETAILS} ${summaryText(details)}${hidden > 0 ? ` (${hiddenLinesLabel(hidden)})` : ""}`;
}

/**
 * A parsed comment's words as one line of plain text, markup gone, for a notification; table
 * cells stay apart, and a `<details>` reads as the message shows it. Not escaped.
 */
export function commentTreeToPlainText(tree: Root, options: PlainTextDetailsOptions): string {
  return hastToPlainText(tree.children, plainOptions(options));
}

function plainOptions(options: PlainTextDetailsOptions): PlainTextOptions {
  return {
    details: (details) => detailsText(details, options),
    scope: { serverUrl: options.serverUrl, repository: options.repository },
  };
}

/**
 * A comment's words as one line of plain text, markup gone, for a notification. The result is
 * not escaped; the caller escapes it for where it goes.
 */
export function markdownToPlainText(
  markdown: string,
  options: PlainTextDetailsOptions = { details: "collapse", mentions: {}, serverUrl: "" },
): string {
  try {
    return commentTreeToPlainText(parseComment(markdown), options);
  } catch (error) {
    // Nesting deep enough to exhaust the stack: the source is the next best summary.
    if (!(error instanceof RangeError)) {
      throw error;
    }
    return normalizeLineEndings(markdown).replace(/\s+/g, " ").trim();
  }
}

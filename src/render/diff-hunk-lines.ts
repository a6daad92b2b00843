import type { ReviewCommentLocation } from "../events/conversation-event.js";
import { normalizeLineEndings } from "./normalize-line-endings.js";
import { truncateText } from "./truncate-text.js";

/** Lines shown above a single-line comment, so the reader sees what it is about. */
export const EXCERPT_CONTEXT_LINES = 4;
/** A multi-line comment shows its whole range, up to this many lines of it. */
export const EXCERPT_MAX_LINES = 12;
/** Longer diff lines are cut; a minified file must not fill the message. */
export const EXCERPT_MAX_LINE_LENGTH = 160;

/** The hunk's diff lines (`+`, `-` or space first) without its `@@` header or "\ No newline" notes. */
function bodyLines(diffHunk: string): string[] {
  return normalizeLineEndings(diffHunk)
    .split("\n")
    .filter((line) => !line.startsWith("@@") && !line.startsWith("\\"));
}

/** Whether a diff line exists on the side the comment was made on. */
function isOnSide(line: string, side: ReviewCommentLocation["side"]): boolean {
  return side === "LEFT" ? !line.startsWith("+") : !line.startsWith("-");
}

/** How many lines of the file the comment covers. */
function commentedLineCount(location: ReviewCommentLocation): number {
  const { line, startLine } = location;
  return line !== null && startLine !== null && startLine <= line ? line - startLine + 1 : 1;
}

/**
 * The last `count` lines of the hunk that are on `side`, plus the other side's lines between them,
 * since GitHub's hunk always ends at the commented line.
 */
function lastLinesOnSide(
  lines: string[],
  side: ReviewCommentLocation["side"],
  count: number,
): string[] {
  let start = lines.length;
  let seen = 0;
  while (start > 0 && seen < count) {
    start -= 1;
    if (isOnSide(lines[start] ?? "", side)) {
      seen += 1;
    }
  }
  return lines.slice(start);
}

/**
 * The diff lines to show above a review comment, prefixes kept: a few lines of context ending at
 * the commented line, or the commented range of a multi-line comment, capped. With
 * `aboveCommented` (a suggestion already shows the commented lines as the ones it replaces), only
 * the context above them, so no line is shown twice.
 */
export function diffExcerptLines(
  location: ReviewCommentLocation,
  { aboveCommented = false }: { aboveCommented?: boolean } = {},
): string[] {
  let lines = bodyLines(location.diffHunk);
  let count = Math.min(
    Math.max(commentedLineCount(location), EXCERPT_CONTEXT_LINES),
    EXCERPT_MAX_LINES,
  );
  if (aboveCommented) {
    const commented = lastLinesOnSide(lines, location.side, commentedLineCount(location));
    lines = lines.slice(0, lines.length - commented.length);
    count = EXCERPT_CONTEXT_LINES;
  }
  return lastLinesOnSide(lines, location.side, count)
    .slice(-EXCERPT_MAX_LINES - EXCERPT_CONTEXT_LINES)
    .map((line) => truncateText(line, EXCERPT_MAX_LINE_LENGTH));
}

/**
 * The file's current text of the lines a suggestion replaces (the commented range), without the
 * diff prefix; empty when the hunk does not reach back that far.
 */
export function suggestedOverLines(location: ReviewCommentLocation): string[] {
  const count = commentedLineCount(location);
  const lines = bodyLines(location.diffHunk).filter((line) => isOnSide(line, "RIGHT"));
  return lines.length >= count ? lines.slice(-count).map((line) => line.slice(1)) : [];
}

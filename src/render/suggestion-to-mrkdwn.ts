import type { ReviewCommentLocation } from "../events/conversation-event.js";
import { codeBlock } from "./code-block.js";
import { suggestedOverLines } from "./diff-hunk-lines.js";
import { normalizeLineEndings } from "./normalize-line-endings.js";

function splitLines(code: string): string[] {
  return code === "" ? [] : normalizeLineEndings(code).split("\n");
}

/**
 * A GitHub ```suggestion block as a Slack reader can follow it and use it: the suggested code in
 * a code block of its own, with no diff marker, so that copying it out of Slack gives exactly the
 * suggested code. On a review comment the lines it replaces are known from the hunk, so it reads
 * "replace (these lines) with (this)", and an empty suggestion says it deletes them; elsewhere it
 * is the proposed code under a label.
 */
export function suggestionToMrkdwn(code: string, location?: ReviewCommentLocation): string {
  const added = splitLines(code);
  const removed = location === undefined ? [] : suggestedOverLines(location);
  if (location !== undefined && added.length === 0) {
    return removed.length > 0
      ? `*Suggested change:* delete ${removed.length === 1 ? "this line" : "these lines"}\n${codeBlock(removed.join("\n"))}`
      : "*Suggested change:* delete the commented lines";
  }
  const suggested = codeBlock(added.length > 0 ? added.join("\n") : " ");
  return removed.length > 0
    ? `*Suggested change:* replace\n${codeBlock(removed.join("\n"))}\nwith\n${suggested}`
    : `*Suggested change*\n${suggested}`;
}

/** Whether the suggestion shows the lines it replaces, which the diff excerpt then need not. */
export function suggestionShowsReplacedLines(location: ReviewCommentLocation): boolean {
  return suggestedOverLines(location).length > 0;
}

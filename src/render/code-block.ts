import { escapeMrkdwnText } from "./escape-mrkdwn.js";

/**
 * Said under a code block whose code holds three backticks or more. Slack ends a code block at
 * any ``` and has no escape for it, so such a run is drawn with look-alike letters (ˋˋˋ), and
 * code copied out of Slack would differ there from what was written: the reader is told.
 */
export const FENCE_NOTE =
  "_In this code ˋˋˋ stands for three backticks, which Slack cannot show in a code block: copy it from GitHub._";

/** Whether a code block of `code` has to hide Slack's fence characters. */
export function hidesFence(code: string): boolean {
  return /`{3}/.test(code);
}

/**
 * Code as a Slack code block, escaped; an empty block keeps a space, since Slack shows ``````
 * as literal backticks. When its code holds ```, {@link FENCE_NOTE} follows it.
 */
export function codeBlock(code: string): string {
  const block = "```\n" + (escapeMrkdwnText(code) || " ") + "\n```";
  return hidesFence(code) ? `${block}\n${FENCE_NOTE}` : block;
}

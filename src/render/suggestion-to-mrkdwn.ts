import type { ReviewCommentLocation } from "../events/conversation-event.js";
import { escapeMrkdwnText } from "./escape-mrkdwn.js";
import { suggestedOverLines } from "./diff-hunk-lines.js";

function codeBlock(lines: string[]): string {
  return "```\n" + escapeMrkdwnText(lines.join("\n")) + "\n```";
}

function splitLines(code: string): string[] {
  return code === "" ? [] : code.replace(/\r\n?/g, "\n").split("\n");
}

/**
 * A GitHub ```suggestion block as a Slack reader can follow it. On a review comment the lines it
 * replaces are known from the hunk, so it reads as a small diff (`-` old, `+` new), and an empty
 * suggestion says it deletes them; elsewhere it is the proposed code under a label.
 */
export function suggestionToMrkdwn(code: string, location?: ReviewCommentLocation): string {
  const added = splitLines(code);
  if (location === undefined) {
    return `*Suggested change*\n${codeBlock(added.length > 0 ? added : [" "])}`;
  }
  const removed = suggestedOverLines(location);
  const diff = [...removed.map((line) => `- ${line}`), ...added.map((line) => `+ ${line}`)];
  if (added.length === 0) {
    return removed.length > 0
      ? `*Suggested change:* delete ${removed.length === 1 ? "this line" : "these lines"}\n${codeBlock(diff)}`
      : "*Suggested change:* delete the commented lines";
  }
  return `*Suggested change*\n${codeBlock(diff)}`;
}

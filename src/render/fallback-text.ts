import type { ConversationEvent } from "../events/conversation-event.js";
import { actionVerb } from "./action-verb.js";
import { escapeMrkdwnText } from "./escape-mrkdwn.js";
import { markdownToPlainText } from "./markdown-to-plain-text.js";
import { truncateText } from "./truncate-text.js";

/** Enough of the comment to know what it says from a notification. */
export const FALLBACK_EXCERPT_LENGTH = 150;

/**
 * The message's top-level `text`: one plain line for notifications and screen readers, such as
 * "Codertocat commented on Codertocat/Hello-World#1: You are totally right!". Escaped like every
 * other text, since Slack reads `<!channel>` in it too. `plainBody` is the comment's words as
 * the message shows them (the renderer passes its own, so the two agree).
 */
export function fallbackText(
  event: ConversationEvent,
  plainBody: string = markdownToPlainText(event.body),
): string {
  const { author, repository, pullRequest } = event;
  const where = `${repository.fullName}#${pullRequest.number}`;
  const excerpt = truncateText(plainBody, FALLBACK_EXCERPT_LENGTH);
  const what =
    excerpt === ""
      ? ` “${truncateText(pullRequest.title, FALLBACK_EXCERPT_LENGTH)}”`
      : `: ${excerpt}`;
  return escapeMrkdwnText(`${author.login} ${actionVerb(event)} ${where}${what}`);
}

import type { ConversationEvent } from "../events/conversation-event.js";
import { actionVerb } from "./action-verb.js";
import { escapeMrkdwnText } from "./escape-mrkdwn.js";
import { markdownToPlainText } from "./markdown-to-plain-text.js";
import { truncateText } from "./truncate-text.js";

/** Enough of the comment to know what it says from a notification. */
export const FALLBACK_EXCERPT_LENGTH = 150;

/**
 * Only the start of the body is parsed for the excerpt: parsing a 65 KB comment costs up to a
 * second, and a construct that opens this far in cannot change the first 150 characters' words.
 */
const EXCERPT_SOURCE_LENGTH = 4_000;

/** The first `length` code units of `text`, one fewer rather than half an emoji. */
function startOf(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

/**
 * The message's top-level `text`: one plain line for notifications and screen readers, such as
 * "Codertocat commented on Codertocat/Hello-World#1: You are totally right!". Escaped like every
 * other text, since Slack reads `<!channel>` in it too.
 */
export function fallbackText(event: ConversationEvent): string {
  const { author, repository, pullRequest } = event;
  const where = `${repository.fullName}#${pullRequest.number}`;
  const excerpt = truncateText(markdownToPlainText(event.body), FALLBACK_EXCERPT_LENGTH);
  const what =
    excerpt === ""
      ? ` “${truncateText(pullRequest.title, FALLBACK_EXCERPT_LENGTH)}”`
      : `: ${excerpt}`;
  return escapeMrkdwnText(`${author.login} ${actionVerb(event)} ${where}${what}`);
}

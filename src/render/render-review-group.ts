import type { ConversationEvent } from "../events/conversation-event.js";
import {
  blockTextLength,
  context,
  slackMessage,
  type Block,
  type SlackMessage,
} from "./block-kit.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { SLACK_LIMITS } from "./fit-to-slack-limits.js";
import { renderMessage, type RenderOptions } from "./render-message.js";
import { slackLink } from "./slack-link.js";

/** A submitted review and the line comments submitted with it, as GitHub shows them. */
export interface ReviewGroup {
  /** The review's verdict and summary; absent until (or unless) its delivery arrives. */
  review: ConversationEvent | undefined;
  /** Its line comments, oldest first. */
  comments: ConversationEvent[];
}

/**
 * One message for a whole review: its verdict and summary, then each line comment with its file,
 * line, diff excerpt and suggestions — instead of one message per line comment. Each part is
 * rendered as on its own (so escaping, mentions and limits hold) and the parts share the
 * reviewer's header. When a large review passes Slack's limits, it continues in further messages,
 * each within them.
 */
export function renderReviewGroup(group: ReviewGroup, options: RenderOptions): SlackMessage[] {
  const parts = [...(group.review ? [group.review] : []), ...group.comments];
  const lead = parts[0];
  if (!lead) return [];
  const leadMessage = renderMessage(lead, options);
  if (parts.length === 1) return [leadMessage];

  const messages: SlackMessage[] = [];
  let blocks: Block[] = [];
  let chars = 0;
  const flush = () => {
    if (blocks.length === 0) return;
    const first = messages.length === 0;
    messages.push(
      slackMessage(
        first ? leadMessage.text : `${escapeMrkdwn(lead.author.login)}'s review, continued`,
        blocks,
      ),
    );
    blocks = [];
    chars = 0;
  };
  const continuation = (): Block =>
    context(
      `${slackLink(lead.htmlUrl, `${lead.author.login}'s review`)} on ${escapeMrkdwn(
        `${lead.repository.fullName}#${lead.pullRequest.number}`,
      )}, continued`,
    );

  parts.forEach((part, index) => {
    const rendered =
      index === 0 ? leadMessage.blocks : renderMessage(part, options).blocks.slice(1);
    const size = rendered.reduce((sum, block) => sum + blockTextLength(block), 0);
    if (
      blocks.length > 0 &&
      (blocks.length + rendered.length > SLACK_LIMITS.blocks ||
        chars + size > SLACK_LIMITS.blockText)
    ) {
      flush();
      blocks.push(continuation());
      chars += blockTextLength(blocks[0]!);
    }
    blocks.push(...rendered);
    chars += size;
  });
  flush();
  return messages;
}

import type { ConversationEvent } from "../events/conversation-event.js";
import type { SlackMessage } from "../render/block-kit.js";
import { renderMessage } from "../render/render-message.js";

/**
 * What the outbox keeps for a post: the decided event and the config it is rendered with, not the
 * rendered message. Rendering costs more than everything else in answering GitHub, and the worker
 * sends at Slack's pace anyway, so it renders right before sending.
 */
export interface PostContent {
  event: ConversationEvent;
  /** The repository's `mentions:` map at the time of the delivery. */
  mentions: Record<string, string>;
}

/** The Slack message for a post, rendered when it is sent. */
export function renderPost(content: PostContent): SlackMessage {
  return renderMessage(content.event, { mentions: content.mentions });
}

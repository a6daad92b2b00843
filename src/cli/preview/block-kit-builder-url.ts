import type { SlackMessage } from "../../render/block-kit.js";

/** Slack's Block Kit Builder, which draws the blocks given after `#` as a Slack client would. */
export const BLOCK_KIT_BUILDER = "https://app.slack.com/block-kit-builder#";

/** A link that opens the message's blocks in the Block Kit Builder (the reader signs in there). */
export function blockKitBuilderUrl(message: SlackMessage): string {
  return BLOCK_KIT_BUILDER + encodeURIComponent(JSON.stringify({ blocks: message.blocks }));
}

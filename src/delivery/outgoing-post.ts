import type { Logger } from "pino";
import type { SlackMessage } from "../render/block-kit.js";

/** One rendered message bound for one channel, with what identifies it for logs and dedup. */
export interface OutgoingPost {
  deliveryId: string;
  channel: string;
  message: SlackMessage;
  /** `owner/repo#N`, for logs. */
  pullRequest: string;
}

/** Hands posts over for sending. Resolves once they are taken care of; never rejects on Slack errors. */
export type DeliverPosts = (posts: readonly OutgoingPost[], log: Logger) => Promise<void>;

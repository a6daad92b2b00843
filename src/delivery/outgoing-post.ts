import type { Logger } from "pino";
import type { PostContent } from "./post-content.js";

/** One post bound for one channel; rendered when the worker sends it. */
export interface OutgoingPost {
  channel: string;
  content: PostContent;
  /** Posts with the same key keep the order of their comments: `owner/repo#N`. */
  threadKey: string;
  /** When the comment was made, then its id: sorts a pull request's posts as on GitHub. */
  orderKey: string;
}

/** What one verified delivery produced. */
export interface CarriedDelivery {
  deliveryId: string;
  /** `issue_comment.created` */
  event: string;
  posts: readonly OutgoingPost[];
}

/**
 * Hands a delivery's posts over. Resolves once they are durably recorded (so GitHub may be
 * answered); sending happens later. Rejects only when they could not be recorded.
 */
export type DeliverPosts = (delivery: CarriedDelivery, log: Logger) => Promise<void>;

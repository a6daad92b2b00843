/** One post for one channel, as the intake hands it over: the store keeps `content` as JSON. */
export interface NewPost {
  channel: string;
  /** Posts with the same key are sent in `orderKey` order: `owner/repo#N`. */
  threadKey: string;
  orderKey: string;
  /** What to post, decided at intake and rendered when sent; any JSON value. */
  content: unknown;
  /** Posts with the same key in a channel become one message (a review and its line comments). */
  groupKey?: string;
  /** Not before this (epoch ms); the enqueue's `notBefore` otherwise. */
  notBefore?: number;
  /**
   * Tells the post apart from the delivery's other post to the same channel: it is recorded under
   * `<delivery id>/<part>`, so (delivery, channel) stays unique per part.
   */
  part?: OutboxPart;
}

/**
 * The parts a delivery's posts to one channel may have: `card`, the edit of a pull request's card
 * beside what else the delivery posts there (a review's message).
 */
export const OUTBOX_PARTS = ["card"] as const;

export type OutboxPart = (typeof OUTBOX_PARTS)[number];

/** The outbox's delivery id of a post: the delivery's, or `<delivery id>/<part>`. */
export function outboxDeliveryId(deliveryId: string, part: OutboxPart | undefined): string {
  return part ? `${deliveryId}/${part}` : deliveryId;
}

export interface DeliveryRecord {
  deliveryId: string;
  /** `issue_comment.created`, for operators. */
  event: string;
  receivedAt: number;
  /** Why it was or wasn't carried, for `threadline explain`. */
  explanation?: unknown;
}

/**
 * What answering GitHub needs: is a delivery known, and recording one durably with its posts.
 * Every write commits before it resolves; writes arriving together share one commit. Each
 * database has its own writer, tuned to it: sqlite-intake-store.ts, postgres-intake-store.ts.
 */
export interface IntakeStore {
  hasDelivery(deliveryId: string): Promise<boolean>;
  /**
   * Records the delivery and its posts in one transaction, keyed by (App id, delivery id, channel)
   * (and part): a repeated delivery adds nothing. Resolves to the number of posts added.
   */
  enqueue(delivery: DeliveryRecord, posts: readonly NewPost[], notBefore: number): Promise<number>;
  /**
   * Remembers a delivery that carried nothing, so a redelivery is recognised too. Resolves to false
   * when the delivery was already recorded (it queued posts).
   */
  recordIgnored(delivery: DeliveryRecord): Promise<boolean>;
}

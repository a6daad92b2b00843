import type { IntakeStore } from "../store/intake-store.js";
import type { DeliverPosts } from "./outgoing-post.js";

export interface OutboxDeliveryOptions {
  intake: Pick<IntakeStore, "enqueue">;
  /** Told when a delivery's posts were added (so the worker need not wait for its next poll). */
  onQueued: (deliveryId: string) => void;
  /**
   * Posts wait this long before they may be sent, so a comment whose delivery arrives a moment
   * late still goes out before a later comment of the same pull request.
   */
  orderWindowMs: number;
  /**
   * A review and its line comments arrive as separate deliveries in any order: their posts wait
   * this long so the review's one message can take in the stragglers.
   */
  reviewWaitMs?: number;
  now?: () => number;
}

/** Records each delivery's posts in the outbox in one transaction; the worker sends them. */
export function createOutboxDelivery(options: OutboxDeliveryOptions): DeliverPosts {
  const { intake, onQueued, orderWindowMs, reviewWaitMs = 0, now = Date.now } = options;
  return async (delivery, log) => {
    const receivedAt = now();
    const added = await intake.enqueue(
      {
        deliveryId: delivery.deliveryId,
        event: delivery.event,
        receivedAt,
        explanation: delivery.explanation,
      },
      delivery.posts.map((post) =>
        post.groupKey
          ? { ...post, notBefore: receivedAt + Math.max(orderWindowMs, reviewWaitMs) }
          : post,
      ),
      receivedAt + orderWindowMs,
    );
    if (added === 0) {
      log.info("delivery was already queued; nothing added");
      return;
    }
    log.debug({ posts: added, channels: delivery.posts.map((post) => post.channel) }, "queued");
    onQueued(delivery.deliveryId);
  };
}

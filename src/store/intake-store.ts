import type { Kysely } from "kysely";
import { createGroupCommit } from "./group-commit.js";
import type { Database } from "./schema.js";

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
 * Every write commits before it resolves; writes arriving together share one commit.
 */
export interface IntakeStore {
  hasDelivery(deliveryId: string): Promise<boolean>;
  /**
   * Records the delivery and its posts in one transaction, keyed by (App id, delivery id, channel):
   * a repeated delivery adds nothing. Resolves to the number of posts added.
   */
  enqueue(delivery: DeliveryRecord, posts: readonly NewPost[], notBefore: number): Promise<number>;
  /**
   * Remembers a delivery that carried nothing, so a redelivery is recognised too. Resolves to false
   * when the delivery was already recorded (it queued posts).
   */
  recordIgnored(delivery: DeliveryRecord): Promise<boolean>;
}

export function createIntakeStore(db: Kysely<Database>, appId: number): IntakeStore {
  const commits = createGroupCommit(db);

  const insertDelivery = (
    executor: Kysely<Database>,
    delivery: DeliveryRecord,
    outcome: "queued" | "ignored",
  ) =>
    executor
      .insertInto("deliveries")
      .values({
        app_id: appId,
        delivery_id: delivery.deliveryId,
        event: delivery.event,
        outcome,
        received_at: delivery.receivedAt,
        explanation:
          delivery.explanation === undefined ? null : JSON.stringify(delivery.explanation),
      })
      .onConflict((conflict) => conflict.columns(["app_id", "delivery_id"]).doNothing())
      .execute();

  const enqueueIn = async (
    trx: Kysely<Database>,
    delivery: DeliveryRecord,
    posts: readonly NewPost[],
    notBefore: number,
  ): Promise<number> => {
    await insertDelivery(trx, delivery, posts.length > 0 ? "queued" : "ignored");
    if (posts.length === 0) return 0;
    const result = await trx
      .insertInto("outbox")
      .values(
        posts.map((post) => ({
          app_id: appId,
          delivery_id: delivery.deliveryId,
          channel: post.channel,
          thread_key: post.threadKey,
          order_key: post.orderKey,
          content: JSON.stringify(post.content),
          group_key: post.groupKey ?? null,
          status: "pending" as const,
          attempts: 0,
          next_attempt_at: post.notBefore ?? notBefore,
          created_at: delivery.receivedAt,
          updated_at: delivery.receivedAt,
        })),
      )
      .onConflict((conflict) => conflict.columns(["app_id", "delivery_id", "channel"]).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  };

  return {
    async hasDelivery(deliveryId) {
      const row = await db
        .selectFrom("deliveries")
        .select("delivery_id")
        .where("app_id", "=", appId)
        .where("delivery_id", "=", deliveryId)
        .executeTakeFirst();
      return row !== undefined;
    },

    enqueue(delivery, posts, notBefore) {
      return commits.submit((trx) => enqueueIn(trx, delivery, posts, notBefore));
    },

    recordIgnored(delivery) {
      return commits.submit(async (trx) => {
        const [result] = await insertDelivery(trx, delivery, "ignored");
        return Number(result?.numInsertedOrUpdatedRows ?? 0) > 0;
      });
    },
  };
}

import { sql, type Kysely } from "kysely";
import type { PostContent } from "../delivery/post-content.js";
import type { Database, OutboxRow, OutboxStatus } from "./schema.js";

/** A rendered message for one channel, as the handler hands it over. */
export interface NewPost {
  channel: string;
  /** Posts with the same key are sent in `orderKey` order: `owner/repo#N`. */
  threadKey: string;
  orderKey: string;
  content: PostContent;
}

export interface DeliveryRecord {
  deliveryId: string;
  /** `issue_comment.created`, for operators. */
  event: string;
  receivedAt: number;
}

export interface Reschedule {
  nextAttemptAt: number;
  error: string;
  /** False for waits that are not the post's fault (a rate limit, a paused token). */
  countAttempt: boolean;
}

export type OutboxCounts = Record<OutboxStatus, number>;

/**
 * The durable outbox: deliveries seen, posts waiting for Slack, and what Slack answered. Every
 * method is one statement or one transaction, so a crash leaves the rows as they were before or
 * after it, never half-way.
 */
export interface OutboxStore {
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
  /**
   * Pending posts that may be sent now: due, and first in their (channel, thread) among posts
   * not yet sent — a later comment never overtakes an earlier one that is waiting or retrying.
   */
  findDue(now: number, limit: number): Promise<OutboxRow[]>;
  /** Takes a pending post for sending under a lease; false if someone else took it. */
  claim(id: number, now: number, leaseMs: number): Promise<boolean>;
  markSent(id: number, posted: { channel: string; ts: string }, now: number): Promise<void>;
  reschedule(id: number, retry: Reschedule, now: number): Promise<void>;
  markDead(id: number, error: string, now: number): Promise<void>;
  /** Gives a claimed post back untouched (shutdown before it was sent). */
  release(id: number, now: number): Promise<void>;
  /** Posts whose claim expired (their worker died) go back to pending; resolves to how many. */
  reclaimExpired(now: number): Promise<number>;
  counts(): Promise<OutboxCounts>;
  /** `created_at` of the oldest post not yet sent nor dead. */
  oldestWaitingSince(): Promise<number | null>;
  list(options: { status?: OutboxStatus; limit: number }): Promise<OutboxRow[]>;
  /** Dead posts back to pending now (after the cause was fixed); resolves to how many. */
  retry(ids: readonly number[] | "all-dead", now: number): Promise<number>;
  /** Deletes posts that are not being sent; resolves to how many. */
  drop(ids: readonly number[]): Promise<number>;
  getState(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

const WAITING: OutboxStatus[] = ["pending", "sending"];

type Work<T> = (trx: Kysely<Database>) => Promise<T>;

/**
 * Group commit: writes submitted in the same turn of the event loop share one transaction, so
 * one disk sync covers many deliveries under load. Each caller still hears back only after the
 * transaction holding its write has committed. Should the shared transaction fail, each write is
 * tried again alone, so one bad write cannot fail its neighbours.
 */
function createGroupCommit(db: Kysely<Database>) {
  let queue: {
    work: Work<unknown>;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
  }[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    try {
      const results = await db.transaction().execute(async (trx) => {
        const values: unknown[] = [];
        for (const job of batch) values.push(await job.work(trx));
        return values;
      });
      batch.forEach((job, index) => job.resolve(results[index]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const job of batch) {
        try {
          job.resolve(await db.transaction().execute(job.work));
        } catch (jobError) {
          job.reject(jobError);
        }
      }
    }
  }

  return {
    submit<T>(work: Work<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}

/** The outbox over any Kysely database (SQLite or PostgreSQL): portable SQL only. */
export function createOutboxStore(db: Kysely<Database>, appId: number): OutboxStore {
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
          status: "pending" as const,
          attempts: 0,
          next_attempt_at: notBefore,
          created_at: delivery.receivedAt,
          updated_at: delivery.receivedAt,
        })),
      )
      .onConflict((conflict) => conflict.columns(["app_id", "delivery_id", "channel"]).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  };
  const commits = createGroupCommit(db);

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

    async findDue(now, limit) {
      // Heads of threads (the earliest waiting post of each pull request in each channel) that
      // are due, then the earliest such head of each channel: a channel sends one post at a time,
      // so one candidate per channel lets a rate-limited or busy channel never hide the others.
      const { rows } = await sql<OutboxRow>`
        with waiting as (
          select id, channel, status, next_attempt_at,
            row_number() over (partition by channel, thread_key order by order_key, id) as position
          from outbox
          where app_id = ${appId} and status in ('pending', 'sending')
        ),
        heads as (
          select id, next_attempt_at,
            row_number() over (partition by channel order by next_attempt_at, id) as rank
          from waiting
          where position = 1 and status = 'pending' and next_attempt_at <= ${now}
        )
        select outbox.* from outbox
        join heads on heads.id = outbox.id
        where heads.rank = 1
        order by outbox.next_attempt_at, outbox.id
        limit ${limit}
      `.execute(db);
      return rows;
    },

    async claim(id, now, leaseMs) {
      const result = await db
        .updateTable("outbox")
        .set({ status: "sending", lease_until: now + leaseMs, updated_at: now })
        .where("id", "=", id)
        .where("status", "=", "pending")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async markSent(id, posted, now) {
      await db
        .updateTable("outbox")
        .set({
          status: "sent",
          slack_channel: posted.channel,
          slack_ts: posted.ts,
          sent_at: now,
          lease_until: null,
          last_error: null,
          updated_at: now,
          attempts: sql<number>`attempts + 1`,
        })
        .where("id", "=", id)
        .execute();
    },

    async reschedule(id, retry, now) {
      await db
        .updateTable("outbox")
        .set({
          status: "pending",
          next_attempt_at: retry.nextAttemptAt,
          last_error: retry.error,
          lease_until: null,
          updated_at: now,
          ...(retry.countAttempt ? { attempts: sql<number>`attempts + 1` } : {}),
        })
        .where("id", "=", id)
        .execute();
    },

    async markDead(id, error, now) {
      await db
        .updateTable("outbox")
        .set({
          status: "dead",
          last_error: error,
          lease_until: null,
          updated_at: now,
          attempts: sql<number>`attempts + 1`,
        })
        .where("id", "=", id)
        .execute();
    },

    async release(id, now) {
      await db
        .updateTable("outbox")
        .set({ status: "pending", lease_until: null, updated_at: now })
        .where("id", "=", id)
        .where("status", "=", "sending")
        .execute();
    },

    async reclaimExpired(now) {
      const result = await db
        .updateTable("outbox")
        .set({ status: "pending", lease_until: null, updated_at: now })
        .where("app_id", "=", appId)
        .where("status", "=", "sending")
        .where("lease_until", "<", now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async counts() {
      const rows = await db
        .selectFrom("outbox")
        .select(["status", db.fn.countAll<number>().as("count")])
        .where("app_id", "=", appId)
        .groupBy("status")
        .execute();
      const counts: OutboxCounts = { pending: 0, sending: 0, sent: 0, dead: 0 };
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    },

    async oldestWaitingSince() {
      const row = await db
        .selectFrom("outbox")
        .select(db.fn.min<number>("created_at").as("oldest"))
        .where("app_id", "=", appId)
        .where("status", "in", WAITING)
        .executeTakeFirst();
      return row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
    },

    async list({ status, limit }) {
      let query = db.selectFrom("outbox").selectAll().where("app_id", "=", appId);
      if (status) query = query.where("status", "=", status);
      return query.orderBy("id").limit(limit).execute();
    },

    async retry(ids, now) {
      let query = db
        .updateTable("outbox")
        .set({ status: "pending", next_attempt_at: now, attempts: 0, updated_at: now })
        .where("app_id", "=", appId)
        .where("status", "=", "dead");
      if (ids !== "all-dead") {
        if (ids.length === 0) return 0;
        query = query.where("id", "in", [...ids]);
      }
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async drop(ids) {
      if (ids.length === 0) return 0;
      const result = await db
        .deleteFrom("outbox")
        .where("app_id", "=", appId)
        .where("id", "in", [...ids])
        .where("status", "!=", "sending")
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async getState(key) {
      const row = await db
        .selectFrom("state")
        .select("value")
        .where("key", "=", `${appId}/${key}`)
        .executeTakeFirst();
      return row?.value;
    },

    async setState(key, value) {
      await db
        .insertInto("state")
        .values({ key: `${appId}/${key}`, value })
        .onConflict((conflict) => conflict.column("key").doUpdateSet({ value }))
        .execute();
    },

    async close() {
      await db.destroy();
    },
  };
}

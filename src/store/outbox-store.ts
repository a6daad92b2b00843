import { sql, type Kysely } from "kysely";
import { takeSlot, type Pace } from "../delivery/channel-pacer.js";
import type { PostContent } from "../delivery/post-content.js";
import type { Database, OutboxRow, OutboxStatus } from "./schema.js";

/** A rendered message for one channel, as the handler hands it over. */
export interface NewPost {
  channel: string;
  /** Posts with the same key are sent in `orderKey` order: `owner/repo#N`. */
  threadKey: string;
  orderKey: string;
  content: PostContent;
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

/** A delivery as recorded, with the posts it produced. */
export interface RecordedDelivery {
  deliveryId: string;
  event: string;
  outcome: string;
  receivedAt: number;
  explanation: unknown;
  posts: OutboxRow[];
}

export interface Reschedule {
  nextAttemptAt: number;
  error: string;
  /** False for waits that are not the post's fault (a rate limit, a paused token). */
  countAttempt: boolean;
  /** Slack rate-limited the channel: nothing goes to it, from any replica, before this. */
  blockChannelUntil?: number;
}

/** A post to claim, as `findDue` returned it. */
export type ClaimTarget = Pick<OutboxRow, "id" | "channel" | "thread_key" | "order_key">;

export interface ClaimOptions {
  /** The claim (of the post and of its channel) lasts this long unless finished sooner. */
  leaseMs: number;
  /** The replica claiming (`host:port`): only one live process can hold a host's port. */
  holder: string;
  /** The channel's pace, shared by every replica. */
  pace: Pace;
}

export type OutboxCounts = Record<OutboxStatus, number>;

/** A comment's message in one channel. */
export interface ShownMessage {
  ts: string | null;
  threadTs: string | null;
  /** `updated_at` of the version shown. */
  shownUpdatedAt: string;
  deleted: boolean;
}

/** A pull request's thread in one channel. */
export interface ThreadRecord {
  parentTs: string | null;
  /** The newest pull request state seen, JSON (a PullRequestUpdate). */
  pullRequest: string | null;
  pullRequestUpdatedAt: string | null;
}

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
  /**
   * Takes a pending post for sending under a lease, together with its channel's sending slot:
   * false if the post is taken or no longer first in its thread, if another post of the channel
   * is being sent (by any replica), or if the channel's pace allows no message yet.
   */
  claim(post: ClaimTarget, now: number, options: ClaimOptions): Promise<boolean>;
  markSent(id: number, posted: { channel: string; ts: string }, now: number): Promise<void>;
  reschedule(id: number, retry: Reschedule, now: number): Promise<void>;
  markDead(id: number, error: string, now: number): Promise<void>;
  /** Gives a claimed post back untouched (shutdown before it was sent). */
  release(id: number, now: number): Promise<void>;
  /** Posts whose claim expired (their worker died) go back to pending; resolves to how many. */
  reclaimExpired(now: number): Promise<number>;
  /**
   * At start: posts left being sent by a process that is gone go back to pending. A store one
   * process owns (SQLite) knows every such post was cut off; a shared one (PostgreSQL) takes back
   * the posts `holder` claimed in its previous life and expired claims, as the other replicas'
   * posts are theirs. Resolves to how many.
   */
  recoverAfterRestart(now: number, holder: string): Promise<number>;
  counts(): Promise<OutboxCounts>;
  /** `created_at` of the oldest post not yet sent nor dead. */
  oldestWaitingSince(): Promise<number | null>;
  list(options: { status?: OutboxStatus; limit: number }): Promise<OutboxRow[]>;
  /** Dead posts back to pending now (after the cause was fixed); resolves to how many. */
  retry(ids: readonly number[] | "all-dead", now: number): Promise<number>;
  /** Deletes posts that are not being sent; resolves to how many. */
  drop(ids: readonly number[]): Promise<number>;
  /** Every post of a group in a channel, whatever its status, oldest first. */
  listGroup(channel: string, groupKey: string): Promise<OutboxRow[]>;
  /**
   * Marks the group's other pending posts sent: the message just posted or updated already shows
   * what they carry. Resolves to how many.
   */
  completeGroup(
    channel: string,
    groupKey: string,
    /** Only posts up to this id: later ones arrived after the message was rendered. */
    upToId: number,
    posted: { ts: string },
    now: number,
  ): Promise<number>;
  /** A delivery and its posts, for `threadline explain`. */
  getDelivery(deliveryId: string): Promise<RecordedDelivery | undefined>;
  /** What Slack shows for a comment in a channel, if anything was recorded. */
  getMessage(channel: string, itemKey: string): Promise<ShownMessage | undefined>;
  saveMessage(channel: string, itemKey: string, message: ShownMessage): Promise<void>;
  getThread(channel: string, threadKey: string): Promise<ThreadRecord | undefined>;
  saveThread(channel: string, threadKey: string, thread: ThreadRecord): Promise<void>;
  /** Channels where a pull request's thread exists (or its state was recorded). */
  threadChannels(threadKey: string): Promise<string[]>;
  getState(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;
  /**
   * Sets `key` to `value` only if it still holds `expected` (undefined: only if absent), so
   * replicas updating one key at once never overwrite each other unseen. False if it changed.
   */
  compareAndSetState(key: string, expected: string | undefined, value: string): Promise<boolean>;
  /**
   * Takes (or renews) the lease on a job that one replica at a time may run; false while another
   * holder's lease has not expired.
   */
  tryLease(job: string, holder: string, now: number, leaseMs: number): Promise<boolean>;
  releaseLease(job: string, holder: string): Promise<void>;
  close(): Promise<void>;
}

const WAITING: OutboxStatus[] = ["pending", "sending"];

/** Rolls a claim's transaction back when the post was taken after its channel slot was. */
class PostAlreadyTaken extends Error {}

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

export interface OutboxStoreOptions {
  /** One process owns the database (SQLite): at start, every post marked as being sent was cut off. */
  exclusive: boolean;
}

/** The outbox over any Kysely database (SQLite or PostgreSQL): portable SQL only. */
export function createOutboxStore(
  db: Kysely<Database>,
  appId: number,
  { exclusive }: OutboxStoreOptions,
): OutboxStore {
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
  const commits = createGroupCommit(db);

  /**
   * Records how a post's attempt ended and frees its channel's slot in one transaction, so the
   * channel never stays held by a post that is no longer being sent.
   */
  const finishing = (
    id: number,
    update: (trx: Kysely<Database>) => Promise<unknown>,
    blockChannelUntil?: number,
  ) =>
    db.transaction().execute(async (trx) => {
      await update(trx);
      await trx
        .updateTable("channels")
        .set({ busy_post: null, busy_until: null })
        .where("app_id", "=", appId)
        .where("busy_post", "=", id)
        .execute();
      if (blockChannelUntil === undefined) return;
      // Never shortens a longer hold another replica already set.
      await trx
        .updateTable("channels")
        .set({
          ready_at: sql<number>`case when ready_at < ${blockChannelUntil} then ${blockChannelUntil} else ready_at end`,
        })
        .where("app_id", "=", appId)
        .where("channel", "=", trx.selectFrom("outbox").select("channel").where("id", "=", id))
        .execute();
    });

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
      // Every (channel, thread) with a pending post, walked by index seeks (a "loose index scan"),
      // then each thread's first pending post unless an earlier post of it is being sent. The
      // cost grows with the number of threads, not with the backlog inside them.
      const pending = sql`next.app_id = ${appId} and next.status = 'pending'`;
      // The next thread key in the same channel, else the first thread of the next channel.
      // (Row-value comparisons would read better but defeat SQLite's index range here.)
      const nextThreadInChannel = sql`(select next.thread_key from outbox as next
        where ${pending} and next.channel = threads.channel and next.thread_key > threads.thread_key
        order by next.thread_key limit 1)`;
      const nextChannel = sql`(select next.channel from outbox as next
        where ${pending} and next.channel > threads.channel
        order by next.channel limit 1)`;
      const heads = await sql<{ id: number }>`
        with recursive threads(channel, thread_key) as (
          select * from (
            select channel, thread_key from outbox
            where app_id = ${appId} and status = 'pending'
            order by channel, thread_key limit 1
          ) as first_thread
          union all
          select
            case when ${nextThreadInChannel} is not null then threads.channel else ${nextChannel} end,
            coalesce(
              ${nextThreadInChannel},
              (select min(next.thread_key) from outbox as next
                where ${pending} and next.channel = ${nextChannel})
            )
          from threads
          where threads.channel is not null
        ),
        heads as (
          select
            (select first.id from outbox as first
              where first.app_id = ${appId} and first.status = 'pending'
                and first.channel = threads.channel and first.thread_key = threads.thread_key
              order by first.order_key, first.id limit 1) as id
          from threads
          where threads.channel is not null
        )
        select id from heads
      `.execute(db);
      if (heads.rows.length === 0) return [];
      // The heads' rows, fetched by primary key in a second step: joined in one statement,
      // PostgreSQL's planner may hash the whole outbox to find a few dozen rows.
      const { rows } = await sql<OutboxRow>`
        select outbox.* from outbox
        where outbox.id in (${sql.join(heads.rows.map((head) => Number(head.id)))})
          and outbox.next_attempt_at <= ${now}
          and not exists (
            select 1 from channels
            where channels.app_id = ${appId} and channels.channel = outbox.channel
              and (channels.ready_at > ${now}
                or (channels.busy_post is not null and channels.busy_until >= ${now}))
          )
          and not exists (
            select 1 from outbox as sending
            where sending.app_id = ${appId} and sending.status = 'sending'
              and sending.channel = outbox.channel and sending.thread_key = outbox.thread_key
              and (sending.order_key < outbox.order_key
                or (sending.order_key = outbox.order_key and sending.id < outbox.id))
          )
        order by outbox.next_attempt_at, outbox.id
      `.execute(db);
      // A channel sends one post at a time, so its soonest head is its only candidate: a
      // rate-limited or busy channel then never hides the others.
      const perChannel = new Map<string, OutboxRow>();
      for (const row of rows) if (!perChannel.has(row.channel)) perChannel.set(row.channel, row);
      return [...perChannel.values()].slice(0, limit);
    },

    async claim(post, now, { leaseMs, pace, holder }) {
      try {
        return await db.transaction().execute(async (trx) => {
          const slotOf = () =>
            trx
              .selectFrom("channels")
              .select(["ready_at", "busy_post", "busy_until"])
              .where("app_id", "=", appId)
              .where("channel", "=", post.channel)
              .executeTakeFirst();
          let slot = await slotOf();
          if (!slot) {
            await trx
              .insertInto("channels")
              .values({ app_id: appId, channel: post.channel, ready_at: 0 })
              .onConflict((conflict) => conflict.columns(["app_id", "channel"]).doNothing())
              .execute();
            slot = await slotOf();
            if (!slot) return false;
          }
          if (slot.busy_post !== null && Number(slot.busy_until) >= now) return false;
          const readyAt = takeSlot(Number(slot.ready_at), now, pace);
          if (readyAt === undefined) return false;
          // Compare-and-set on `ready_at`, which only ever grows: of replicas racing for the
          // channel, one wins and the others see zero rows changed.
          const channelTaken = await trx
            .updateTable("channels")
            .set({ ready_at: readyAt, busy_post: post.id, busy_until: now + leaseMs })
            .where("app_id", "=", appId)
            .where("channel", "=", post.channel)
            .where("ready_at", "=", slot.ready_at)
            .where((eb) => eb.or([eb("busy_post", "is", null), eb("busy_until", "<", now)]))
            .executeTakeFirst();
          if (Number(channelTaken.numUpdatedRows) !== 1) return false;
          const postTaken = await trx
            .updateTable("outbox")
            .set({
              status: "sending",
              lease_until: now + leaseMs,
              claimed_by: holder,
              updated_at: now,
            })
            .where("id", "=", post.id)
            .where("status", "=", "pending")
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom("outbox as earlier")
                    .select("earlier.id")
                    .where("earlier.app_id", "=", appId)
                    .where("earlier.channel", "=", post.channel)
                    .where("earlier.thread_key", "=", post.thread_key)
                    .where("earlier.status", "in", WAITING)
                    .where((eb) =>
                      eb.or([
                        eb("earlier.order_key", "<", post.order_key),
                        eb.and([
                          eb("earlier.order_key", "=", post.order_key),
                          eb("earlier.id", "<", post.id),
                        ]),
                      ]),
                    ),
                ),
              ),
            )
            .executeTakeFirst();
          if (Number(postTaken.numUpdatedRows) !== 1) throw new PostAlreadyTaken();
          return true;
        });
      } catch (error) {
        if (error instanceof PostAlreadyTaken) return false;
        throw error;
      }
    },

    async markSent(id, posted, now) {
      await finishing(id, (trx) =>
        trx
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
          .execute(),
      );
    },

    async reschedule(id, retry, now) {
      await finishing(
        id,
        (trx) =>
          trx
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
            .execute(),
        retry.blockChannelUntil,
      );
    },

    async markDead(id, error, now) {
      await finishing(id, (trx) =>
        trx
          .updateTable("outbox")
          .set({
            status: "dead",
            last_error: error,
            lease_until: null,
            updated_at: now,
            attempts: sql<number>`attempts + 1`,
          })
          .where("id", "=", id)
          .execute(),
      );
    },

    async release(id, now) {
      await finishing(id, (trx) =>
        trx
          .updateTable("outbox")
          .set({ status: "pending", lease_until: null, updated_at: now })
          .where("id", "=", id)
          .where("status", "=", "sending")
          .execute(),
      );
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

    async recoverAfterRestart(now, holder) {
      return db.transaction().execute(async (trx) => {
        let query = trx
          .updateTable("outbox")
          .set({ status: "pending", lease_until: null, updated_at: now })
          .where("app_id", "=", appId)
          .where("status", "=", "sending");
        if (!exclusive) {
          query = query.where((eb) =>
            eb.or([eb("lease_until", "<", now), eb("claimed_by", "=", holder)]),
          );
        }
        const result = await query.executeTakeFirst();
        // Channels held by posts that are no longer being sent are free again.
        await trx
          .updateTable("channels")
          .set({ busy_post: null, busy_until: null })
          .where("app_id", "=", appId)
          .where("busy_post", "is not", null)
          .where(({ not, exists, selectFrom, ref }) =>
            not(
              exists(
                selectFrom("outbox")
                  .select("outbox.id")
                  .whereRef("outbox.id", "=", ref("channels.busy_post"))
                  .where("outbox.status", "=", "sending"),
              ),
            ),
          )
          .execute();
        return Number(result.numUpdatedRows);
      });
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

    async listGroup(channel, groupKey) {
      return db
        .selectFrom("outbox")
        .selectAll()
        .where("app_id", "=", appId)
        .where("channel", "=", channel)
        .where("group_key", "=", groupKey)
        .orderBy("id")
        .execute();
    },

    async completeGroup(channel, groupKey, upToId, posted, now) {
      const result = await db
        .updateTable("outbox")
        .set({
          status: "sent",
          slack_channel: channel,
          slack_ts: posted.ts,
          sent_at: now,
          updated_at: now,
        })
        .where("app_id", "=", appId)
        .where("channel", "=", channel)
        .where("group_key", "=", groupKey)
        .where("status", "=", "pending")
        .where("id", "<=", upToId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async getDelivery(deliveryId) {
      const delivery = await db
        .selectFrom("deliveries")
        .selectAll()
        .where("app_id", "=", appId)
        .where("delivery_id", "=", deliveryId)
        .executeTakeFirst();
      if (!delivery) return undefined;
      const posts = await db
        .selectFrom("outbox")
        .selectAll()
        .where("app_id", "=", appId)
        .where("delivery_id", "=", deliveryId)
        .orderBy("id")
        .execute();
      return {
        deliveryId,
        event: delivery.event,
        outcome: delivery.outcome,
        receivedAt: Number(delivery.received_at),
        explanation: delivery.explanation === null ? null : JSON.parse(delivery.explanation),
        posts,
      };
    },

    async getMessage(channel, itemKey) {
      const row = await db
        .selectFrom("messages")
        .selectAll()
        .where("app_id", "=", appId)
        .where("channel", "=", channel)
        .where("item_key", "=", itemKey)
        .executeTakeFirst();
      return row
        ? {
            ts: row.slack_ts,
            threadTs: row.thread_ts,
            shownUpdatedAt: row.shown_updated_at,
            deleted: Number(row.deleted) === 1,
          }
        : undefined;
    },

    async saveMessage(channel, itemKey, message) {
      const values = {
        slack_ts: message.ts,
        thread_ts: message.threadTs,
        shown_updated_at: message.shownUpdatedAt,
        deleted: message.deleted ? 1 : 0,
      };
      await db
        .insertInto("messages")
        .values({ app_id: appId, channel, item_key: itemKey, ...values })
        .onConflict((conflict) =>
          conflict.columns(["app_id", "channel", "item_key"]).doUpdateSet(values),
        )
        .execute();
    },

    async getThread(channel, threadKey) {
      const row = await db
        .selectFrom("threads")
        .selectAll()
        .where("app_id", "=", appId)
        .where("channel", "=", channel)
        .where("thread_key", "=", threadKey)
        .executeTakeFirst();
      return row
        ? {
            parentTs: row.parent_ts,
            pullRequest: row.pull_request,
            pullRequestUpdatedAt: row.pull_request_updated_at,
          }
        : undefined;
    },

    async saveThread(channel, threadKey, thread) {
      const values = {
        parent_ts: thread.parentTs,
        pull_request: thread.pullRequest,
        pull_request_updated_at: thread.pullRequestUpdatedAt,
      };
      await db
        .insertInto("threads")
        .values({ app_id: appId, channel, thread_key: threadKey, ...values })
        .onConflict((conflict) =>
          conflict.columns(["app_id", "channel", "thread_key"]).doUpdateSet(values),
        )
        .execute();
    },

    async threadChannels(threadKey) {
      const rows = await db
        .selectFrom("threads")
        .select("channel")
        .where("app_id", "=", appId)
        .where("thread_key", "=", threadKey)
        .execute();
      return rows.map((row) => row.channel);
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

    async compareAndSetState(key, expected, value) {
      const stateKey = `${appId}/${key}`;
      if (expected === undefined) {
        const [result] = await db
          .insertInto("state")
          .values({ key: stateKey, value })
          .onConflict((conflict) => conflict.column("key").doNothing())
          .execute();
        return Number(result?.numInsertedOrUpdatedRows ?? 0) === 1;
      }
      const result = await db
        .updateTable("state")
        .set({ value })
        .where("key", "=", stateKey)
        .where("value", "=", expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async tryLease(job, holder, now, leaseMs) {
      const [result] = await db
        .insertInto("leases")
        .values({ name: `${appId}/${job}`, holder, expires_at: now + leaseMs })
        .onConflict((conflict) =>
          conflict
            .column("name")
            .doUpdateSet({ holder, expires_at: now + leaseMs })
            .where((eb) =>
              eb.or([eb("leases.expires_at", "<", now), eb("leases.holder", "=", holder)]),
            ),
        )
        .execute();
      return Number(result?.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async releaseLease(job, holder) {
      await db
        .deleteFrom("leases")
        .where("name", "=", `${appId}/${job}`)
        .where("holder", "=", holder)
        .execute();
    },

    async close() {
      await db.destroy();
    },
  };
}

import { sql, type Kysely } from "kysely";
import { takeSlot, type Pace } from "./channel-pace.js";
import type { Database, OutboxRow, OutboxStatus } from "./schema.js";

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

/**
 * What the worker needs to send posts in order, at Slack's pace, from any number of replicas:
 * which posts are due, claiming one with its channel's sending slot, and recording how its
 * attempt ended. Every method is one statement or one transaction, so a crash leaves the rows as
 * they were before or after it, never half-way.
 */
export interface SendQueue {
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
  /**
   * Slack has what the post carries. `posted.ts` is the message it made or changed; without one
   * (nothing needed posting, or the message was gone) `slack_ts` stays NULL.
   */
  markSent(id: number, posted: { channel: string; ts?: string }, now: number): Promise<void>;
  /**
   * Back to pending until `retry.nextAttemptAt`; with `blockChannelUntil`, the channel is held
   * until then for every replica (a shorter hold never shortens a longer one).
   */
  reschedule(id: number, retry: Reschedule, now: number): Promise<void>;
  markDead(id: number, error: string, now: number): Promise<void>;
  /** Posts whose claim expired (their worker died) go back to pending; resolves to how many. */
  reclaimExpired(now: number): Promise<number>;
  /**
   * At start: posts left being sent by a process that is gone go back to pending. A store one
   * process owns (SQLite) knows every such post was cut off; a shared one (PostgreSQL) takes back
   * the posts `holder` claimed in its previous life and expired claims, as the other replicas'
   * posts are theirs. Resolves to how many.
   */
  recoverAfterRestart(now: number, holder: string): Promise<number>;
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
    /** The group's first message, if Slack shows one. */
    posted: { ts?: string },
    now: number,
  ): Promise<number>;
}

const WAITING: OutboxStatus[] = ["pending", "sending"];

/** Rolls a claim's transaction back when the post was taken after its channel slot was. */
class PostAlreadyTaken extends Error {}

export interface SendQueueOptions {
  /** One process owns the database (SQLite): at start, every post marked as being sent was cut off. */
  exclusive: boolean;
}

export function createSendQueue(
  db: Kysely<Database>,
  appId: number,
  { exclusive }: SendQueueOptions,
): SendQueue {
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
            slack_ts: posted.ts ?? null,
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
          slack_ts: posted.ts ?? null,
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
  };
}

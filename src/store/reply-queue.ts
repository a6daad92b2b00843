import { sql, type ExpressionBuilder, type Kysely } from "kysely";
import type { Database, ReplyStatus, SlackReplyRow } from "./schema.js";

export type { ReplyStatus } from "./schema.js";

/**
 * A message written in a Slack thread, as the store keeps it: field for field events/'s
 * SlackThreadMessage, which callers pass and receive. Spelled out here because store/ imports
 * nothing above it (.dependency-cruiser.cjs, store-imports-only-store); the reply queue's test
 * does not compile if the two ever differ.
 */
export interface SlackThreadMessage {
  action: "created" | "edited" | "deleted";
  eventId: string;
  /** Epoch seconds Slack saw the event. */
  eventTime: number;
  teamId: string;
  userTeamId?: string;
  channel: string;
  ts: string;
  threadTs: string;
  user?: string;
  text: string;
  /** `edited.ts` of an edit. */
  version?: string;
  files: string[];
}

/** A recorded Slack thread message, claimed for writing to GitHub. */
export interface ClaimedReply {
  id: number;
  message: SlackThreadMessage;
  /** The pull request whose thread it was written in: `owner/repo#N`. */
  threadKey: string;
  /** Earlier attempts (0 on the first): a retried creation first looks for its comment. */
  attempts: number;
}

/** The GitHub comment a Slack message became. */
export interface WrittenComment {
  commentId: number;
  /** `owner/repo#N` */
  threadKey: string;
  /** Deleted on Slack's side: the comment was removed, and a late edit must not bring it back. */
  deleted: boolean;
  /**
   * The GitHub user id of the person whose own token wrote it (post as themselves); absent when
   * the App wrote it. Its edits and deletion are made as the same identity.
   */
  authorUserId?: number;
}

/**
 * The Slack -> GitHub direction's store: messages recorded before Slack is answered, claimed one
 * at a time per message (a message's edits and deletion are written in order, after its creation),
 * and the map from Slack messages to the comments they became.
 */
export interface ReplyQueue {
  /**
   * Records the message for pull request `threadKey` unless its event id, or the same change of the
   * same message (created; edited with the same version; deleted), was recorded before.
   */
  record(
    message: SlackThreadMessage,
    threadKey: string,
    now: number,
  ): Promise<"recorded" | "duplicate">;
  /**
   * Claims the oldest due message whose earlier changes (same channel and ts) are all done or dead,
   * under a lease held by `holder`; undefined when none is due.
   */
  claimNext(now: number, holder: string, leaseMs: number): Promise<ClaimedReply | undefined>;
  /**
   * When `claimNext` may next find a message (epoch ms), if any: the soonest pending message not
   * held back by an earlier change of the same message, or the soonest lease to end (a claim cut
   * off is taken back then). A change held back becomes claimable when the one before it is
   * finished, by whoever finishes it.
   */
  nextDueAt(): Promise<number | undefined>;
  complete(id: number, now: number): Promise<void>;
  /** Back to pending, not before `at`, with the error kept; counts an attempt. */
  retryLater(id: number, error: string, at: number, now: number): Promise<void>;
  /** Dead, with the reason; it will not be tried again. */
  fail(id: number, error: string, now: number): Promise<void>;
  /**
   * Gives back claims after a restart: every `sending` row of `holder`, and any row whose lease
   * has ended. Resolves to the number given back.
   */
  recoverAfterRestart(now: number, holder: string): Promise<number>;
  /** The comment Slack message (channel, ts) became, if it became one. */
  getComment(channel: string, ts: string): Promise<WrittenComment | undefined>;
  saveComment(channel: string, ts: string, comment: WrittenComment, now: number): Promise<void>;
  /** True when GitHub comment `commentId` was written by threadline from Slack: its echo. */
  wroteComment(commentId: number): Promise<boolean>;
  /**
   * Records that Slack member `user` was told `reason` in the thread (`channel`, `threadTs`);
   * true only the first time, so a person is told once per thread.
   */
  tellOnce(
    channel: string,
    threadTs: string,
    user: string,
    reason: string,
    now: number,
  ): Promise<boolean>;
  counts(): Promise<Record<ReplyStatus, number>>;
}

/**
 * What makes two events the same change of one message: Slack may send an edit (or a deletion)
 * twice under different event ids. An edit without a version is told apart by its event id.
 */
export function replyDedupeKey(message: SlackThreadMessage): string {
  const key = `${message.channel}/${message.ts}`;
  if (message.action === "edited") return `${key}/edited/${message.version ?? message.eventId}`;
  return `${key}/${message.action}`;
}

const WAITING: ReplyStatus[] = ["pending", "sending"];
/** Rows offered per look by claimNext, and looks before it gives up to other replicas. */
const CANDIDATES = 4;
const LOOKS = 3;

/**
 * The reply queue over Kysely, for SQLite and PostgreSQL alike. Claims are compare-and-set
 * updates, so any number of replicas may share one PostgreSQL database.
 */
export function createReplyQueue(db: Kysely<Database>, appId: number): ReplyQueue {
  /** Ends a claim: the row's new status (and when or why), the attempt counted, the lease gone. */
  const settle = async (
    id: number,
    changes: {
      status: "done" | "pending" | "dead";
      last_error: string | null;
      next_attempt_at?: number;
    },
    now: number,
  ) => {
    await db
      .updateTable("slack_replies")
      .set({
        ...changes,
        lease_until: null,
        updated_at: now,
        attempts: sql<number>`attempts + 1`,
      })
      .where("id", "=", id)
      .where("app_id", "=", appId)
      .execute();
  };
  /** No earlier change of the same message (channel, ts) is waiting or being written. */
  const firstOfItsMessage = ({
    not,
    exists,
    selectFrom,
  }: ExpressionBuilder<Database, "slack_replies">) =>
    not(
      exists(
        selectFrom("slack_replies as earlier")
          .select("earlier.id")
          .where("earlier.app_id", "=", appId)
          .whereRef("earlier.channel", "=", "slack_replies.channel")
          .whereRef("earlier.ts", "=", "slack_replies.ts")
          .whereRef("earlier.id", "<", "slack_replies.id")
          .where("earlier.status", "in", WAITING),
      ),
    );

  const claimed = (row: SlackReplyRow): ClaimedReply => ({
    id: Number(row.id),
    message: JSON.parse(row.message) as SlackThreadMessage,
    threadKey: row.thread_key,
    attempts: Number(row.attempts),
  });

  /**
   * Takes `candidate` if it is still as it was offered: pending and due, or being written under a
   * lease that ended. A claim cut off may have written its comment, so taking it back counts an
   * attempt (the worker then looks for the comment first).
   */
  async function take(
    candidate: Pick<SlackReplyRow, "id" | "status" | "lease_until">,
    now: number,
    holder: string,
    leaseMs: number,
  ): Promise<ClaimedReply | undefined> {
    const cutOff = candidate.status === "sending";
    let update = db
      .updateTable("slack_replies")
      .set({
        status: "sending",
        lease_until: now + leaseMs,
        claimed_by: holder,
        updated_at: now,
        ...(cutOff ? { attempts: sql<number>`attempts + 1` } : {}),
      })
      .where("id", "=", candidate.id)
      .where("app_id", "=", appId)
      .where(firstOfItsMessage);
    update = cutOff
      ? update
          .where("status", "=", "sending")
          .where("lease_until", "=", candidate.lease_until)
          .where("lease_until", "<", now)
      : update.where("status", "=", "pending").where("next_attempt_at", "<=", now);
    const row = await update.returningAll().executeTakeFirst();
    return row ? claimed(row) : undefined;
  }

  return {
    async record(message, threadKey, now) {
      const [result] = await db
        .insertInto("slack_replies")
        .values({
          app_id: appId,
          event_id: message.eventId,
          dedupe_key: replyDedupeKey(message),
          channel: message.channel,
          ts: message.ts,
          thread_ts: message.threadTs,
          thread_key: threadKey,
          action: message.action,
          message: JSON.stringify(message),
          status: "pending",
          attempts: 0,
          next_attempt_at: now,
          created_at: now,
          updated_at: now,
        })
        // Either unique key: the same event, or the same change under another event id.
        .onConflict((conflict) => conflict.doNothing())
        .execute();
      return Number(result?.numInsertedOrUpdatedRows ?? 0) === 1 ? "recorded" : "duplicate";
    },

    async claimNext(now, holder, leaseMs) {
      for (let look = 0; look < LOOKS; look += 1) {
        // Claims cut off first (they are the oldest work), then pending rows in due order; both
        // walk slack_replies_due.
        const cutOff = await db
          .selectFrom("slack_replies")
          .select(["id", "status", "lease_until"])
          .where("app_id", "=", appId)
          .where("status", "=", "sending")
          .where("lease_until", "<", now)
          .orderBy("lease_until")
          .orderBy("id")
          .limit(CANDIDATES)
          .execute();
        const due = await db
          .selectFrom("slack_replies")
          .select(["id", "status", "lease_until"])
          .where("app_id", "=", appId)
          .where("status", "=", "pending")
          .where("next_attempt_at", "<=", now)
          .where(firstOfItsMessage)
          .orderBy("next_attempt_at")
          .orderBy("id")
          .limit(CANDIDATES)
          .execute();
        const candidates = [...cutOff, ...due];
        if (candidates.length === 0) return undefined;
        // Another replica may take a candidate first: its compare-and-set then changes nothing.
        for (const candidate of candidates) {
          const reply = await take(candidate, now, holder, leaseMs);
          if (reply) return reply;
        }
      }
      return undefined;
    },

    async nextDueAt() {
      const pending = await db
        .selectFrom("slack_replies")
        .select(db.fn.min<number>("next_attempt_at").as("at"))
        .where("app_id", "=", appId)
        .where("status", "=", "pending")
        .where(firstOfItsMessage)
        .executeTakeFirst();
      const leases = await db
        .selectFrom("slack_replies")
        .select(db.fn.min<number>("lease_until").as("at"))
        .where("app_id", "=", appId)
        .where("status", "=", "sending")
        .executeTakeFirst();
      const times = [pending?.at, leases?.at]
        .filter((at) => at !== null && at !== undefined)
        .map(Number);
      return times.length > 0 ? Math.min(...times) : undefined;
    },

    async complete(id, now) {
      await settle(id, { status: "done", last_error: null }, now);
    },

    async retryLater(id, error, at, now) {
      await settle(id, { status: "pending", next_attempt_at: at, last_error: error }, now);
    },

    async fail(id, error, now) {
      await settle(id, { status: "dead", last_error: error }, now);
    },

    async recoverAfterRestart(now, holder) {
      // Cut off mid-write: the comment may exist, so each counts an attempt (see `take`).
      const result = await db
        .updateTable("slack_replies")
        .set({
          status: "pending",
          lease_until: null,
          updated_at: now,
          attempts: sql<number>`attempts + 1`,
        })
        .where("app_id", "=", appId)
        .where("status", "=", "sending")
        .where((eb) => eb.or([eb("claimed_by", "=", holder), eb("lease_until", "<", now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async getComment(channel, ts) {
      const row = await db
        .selectFrom("reply_comments")
        .select(["comment_id", "thread_key", "deleted", "author_user_id"])
        .where("app_id", "=", appId)
        .where("channel", "=", channel)
        .where("ts", "=", ts)
        .executeTakeFirst();
      return row
        ? {
            commentId: Number(row.comment_id),
            threadKey: row.thread_key,
            deleted: Number(row.deleted) === 1,
            ...(row.author_user_id === null ? {} : { authorUserId: Number(row.author_user_id) }),
          }
        : undefined;
    },

    async saveComment(channel, ts, comment, now) {
      const values = {
        comment_id: comment.commentId,
        thread_key: comment.threadKey,
        deleted: comment.deleted ? 1 : 0,
        updated_at: now,
        author_user_id: comment.authorUserId ?? null,
      };
      await db
        .insertInto("reply_comments")
        .values({ app_id: appId, channel, ts, ...values })
        .onConflict((conflict) => conflict.columns(["app_id", "channel", "ts"]).doUpdateSet(values))
        .execute();
    },

    async wroteComment(commentId) {
      // Deleted or not: the deletion's webhook is an echo too.
      const row = await db
        .selectFrom("reply_comments")
        .select("ts")
        .where("app_id", "=", appId)
        .where("comment_id", "=", commentId)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async tellOnce(channel, threadTs, user, reason, now) {
      const [result] = await db
        .insertInto("reply_notices")
        .values({
          app_id: appId,
          channel,
          thread_ts: threadTs,
          slack_user: user,
          reason,
          told_at: now,
        })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
      return Number(result?.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async counts() {
      const rows = await db
        .selectFrom("slack_replies")
        .select(["status", db.fn.countAll<number>().as("count")])
        .where("app_id", "=", appId)
        .groupBy("status")
        .execute();
      const counts: Record<ReplyStatus, number> = { pending: 0, sending: 0, done: 0, dead: 0 };
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    },
  };
}

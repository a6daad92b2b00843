import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** How old rows must be to go. */
export interface RetentionCutoffs {
  /**
   * Deliveries received, and sent or dead posts and done or dead Slack replies created, before
   * this (epoch ms).
   */
  deliveriesBefore: number;
  /**
   * What Slack shows of a conversation (messages, threads), and the comments replies written in
   * Slack became and who was told what there, last changed before this (epoch ms), unless its
   * pull request is known to be open: edits and deletions still find their message or comment.
   */
  conversationsBefore: number;
}

/** Rows deleted by one batch, by table. */
export interface Pruned {
  outbox: number;
  deliveries: number;
  messages: number;
  threads: number;
  pullRequests: number;
  /** Done or dead replies written in Slack. */
  slackReplies: number;
  /** Which comment each Slack reply became. */
  replyComments: number;
  /** Who was told once in a thread why a reply was not carried. */
  replyNotices: number;
}

/**
 * Keeping the store small: old deliveries, sent and dead posts, done and dead Slack replies, and
 * conversations that can no longer change go, a batch at a time. A post or reply still waiting or
 * being sent is never touched, nor a delivery that has one.
 */
export interface StoreRetention {
  /** Deletes at most `batch` rows of each table past the cutoffs. */
  pruneBatch(cutoffs: RetentionCutoffs, batch: number): Promise<Pruned>;
}

export function createStoreRetention(db: Kysely<Database>, appId: number): StoreRetention {
  const count = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);

  /** Pull requests known to be open: their conversations are kept whatever their age. */
  const openPullRequests = db
    .selectFrom("pull_requests")
    .select("pull_requests.thread_key")
    .where("pull_requests.app_id", "=", appId)
    .where("pull_requests.open", "=", 1);

  return {
    async pruneBatch({ deliveriesBefore, conversationsBefore }, batch) {
      // By primary key, oldest first: posts are numbered in the order they arrived.
      const outbox = count(
        await db
          .deleteFrom("outbox")
          .where(
            "id",
            "in",
            db
              .selectFrom("outbox")
              .select("id")
              .where("app_id", "=", appId)
              .where("status", "in", ["sent", "dead"])
              .where("created_at", "<", deliveriesBefore)
              .orderBy("id")
              .limit(batch),
          )
          .executeTakeFirst(),
      );
      // A delivery goes once none of its posts is left (a waiting one keeps it, for explain).
      const deliveries = count(
        await db
          .deleteFrom("deliveries")
          .where("app_id", "=", appId)
          .where(
            "delivery_id",
            "in",
            db
              .selectFrom("deliveries as old")
              .select("old.delivery_id")
              .where("old.app_id", "=", appId)
              .where("old.received_at", "<", deliveriesBefore)
              .where(({ not, exists, selectFrom }) =>
                not(
                  exists(
                    selectFrom("outbox")
                      .select("outbox.id")
                      .where("outbox.app_id", "=", appId)
                      .whereRef("outbox.delivery_id", "=", "old.delivery_id"),
                  ),
                ),
              )
              .orderBy("old.received_at")
              .limit(batch),
          )
          .executeTakeFirst(),
      );
      const messages = count(
        await db
          .deleteFrom("messages")
          .where("app_id", "=", appId)
          .where(({ eb, refTuple, selectFrom }) =>
            eb(
              refTuple("channel", "item_key"),
              "in",
              selectFrom("messages as old")
                .select(["old.channel", "old.item_key"])
                .where("old.app_id", "=", appId)
                .where("old.updated_at", "<", conversationsBefore)
                .where((inner) =>
                  inner.or([
                    inner("old.thread_key", "is", null),
                    inner("old.thread_key", "not in", openPullRequests),
                  ]),
                )
                .limit(batch)
                .$asTuple("channel", "item_key"),
            ),
          )
          .executeTakeFirst(),
      );
      const threads = count(
        await db
          .deleteFrom("threads")
          .where("app_id", "=", appId)
          .where(({ eb, refTuple, selectFrom }) =>
            eb(
              refTuple("channel", "thread_key"),
              "in",
              selectFrom("threads as old")
                .select(["old.channel", "old.thread_key"])
                .where("old.app_id", "=", appId)
                .where("old.updated_at", "<", conversationsBefore)
                .where("old.thread_key", "not in", openPullRequests)
                .limit(batch)
                .$asTuple("channel", "thread_key"),
            ),
          )
          .executeTakeFirst(),
      );
      // A closed pull request's state goes with the last of its threads.
      const closedBefore = new Date(conversationsBefore).toISOString();
      const pullRequests = count(
        await db
          .deleteFrom("pull_requests")
          .where("app_id", "=", appId)
          .where(
            "thread_key",
            "in",
            db
              .selectFrom("pull_requests as old")
              .select("old.thread_key")
              .where("old.app_id", "=", appId)
              .where("old.open", "=", 0)
              .where("old.updated_at", "<", closedBefore)
              .where(({ not, exists, selectFrom }) =>
                not(
                  exists(
                    selectFrom("threads")
                      .select("threads.channel")
                      .where("threads.app_id", "=", appId)
                      .whereRef("threads.thread_key", "=", "old.thread_key"),
                  ),
                ),
              )
              .limit(batch),
          )
          .executeTakeFirst(),
      );
      // Replies written in Slack go as posts do: finished, and created before the same cutoff.
      const slackReplies = count(
        await db
          .deleteFrom("slack_replies")
          .where(
            "id",
            "in",
            db
              .selectFrom("slack_replies")
              .select("id")
              .where("app_id", "=", appId)
              .where("status", "in", ["done", "dead"])
              .where("created_at", "<", deliveriesBefore)
              .orderBy("id")
              .limit(batch),
          )
          .executeTakeFirst(),
      );
      // The comment a reply became is kept as a comment's message is: while its pull request is
      // open, and for a while after it last changed.
      const replyComments = count(
        await db
          .deleteFrom("reply_comments")
          .where("app_id", "=", appId)
          .where(({ eb, refTuple, selectFrom }) =>
            eb(
              refTuple("channel", "ts"),
              "in",
              selectFrom("reply_comments as old")
                .select(["old.channel", "old.ts"])
                .where("old.app_id", "=", appId)
                .where("old.updated_at", "<", conversationsBefore)
                .where("old.thread_key", "not in", openPullRequests)
                .limit(batch)
                .$asTuple("channel", "ts"),
            ),
          )
          .executeTakeFirst(),
      );
      // A notice knows its thread by the parent message: kept while that thread's pull request
      // is open (a thread no longer known counts as closed, as a message without one does).
      const replyNotices = count(
        await db
          .deleteFrom("reply_notices")
          .where("app_id", "=", appId)
          .where(({ eb, refTuple, selectFrom }) =>
            eb(
              refTuple("channel", "thread_ts", "slack_user", "reason"),
              "in",
              selectFrom("reply_notices as old")
                .select(["old.channel", "old.thread_ts", "old.slack_user", "old.reason"])
                .where("old.app_id", "=", appId)
                .where("old.told_at", "<", conversationsBefore)
                .where(({ not, exists, selectFrom: within }) =>
                  not(
                    exists(
                      within("threads")
                        .select("threads.thread_key")
                        .where("threads.app_id", "=", appId)
                        .whereRef("threads.channel", "=", "old.channel")
                        .whereRef("threads.parent_ts", "=", "old.thread_ts")
                        .where("threads.thread_key", "in", openPullRequests),
                    ),
                  ),
                )
                .limit(batch)
                .$asTuple("channel", "thread_ts", "slack_user", "reason"),
            ),
          )
          .executeTakeFirst(),
      );
      return {
        outbox,
        deliveries,
        messages,
        threads,
        pullRequests,
        slackReplies,
        replyComments,
        replyNotices,
      };
    },
  };
}

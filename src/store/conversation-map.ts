import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** A comment's message in one channel. */
export interface ShownMessage {
  ts: string | null;
  threadTs: string | null;
  /** `updated_at` of the version shown (or a fingerprint, for a review's grouped message). */
  shownUpdatedAt: string;
  deleted: boolean;
}

/** A pull request's thread in one channel: its parent message and what that message shows. */
export interface ThreadRecord {
  parentTs: string | null;
  /**
   * What the parent message shows: `<updated_at> <fingerprint>`, the pull request state its card
   * was drawn from and the card's fingerprint (rows from before cards hold the `updated_at` only).
   */
  shownUpdatedAt: string | null;
  /**
   * The channel's ID, as Slack answered the parent's post: Slack's events name channels by ID,
   * a config may name one `#name`. Kept when a later save does not give it.
   */
  slackChannel?: string;
}

/** The newest card of a pull request (a PullRequestCard, JSON), whatever the channel. */
export interface PullRequestRecord {
  state: string;
  /** The head commit the card knows, so a commit status finds its pull requests. */
  headSha?: string | null;
  /** GitHub's `updated_at` of that state. */
  updatedAt: string;
  /** Open or a draft: its conversation may still change, so its messages are kept. */
  open: boolean;
}

/**
 * Where a pull request's conversation stands in Slack: each comment's message, each channel's
 * thread and parent message, and the pull request's newest known state (kept once, for every
 * channel's parent). Edits, deletions and parent updates find their messages here.
 */
export interface ConversationMap {
  /** What Slack shows for a comment in a channel, if anything was recorded. */
  getMessage(channel: string, itemKey: string): Promise<ShownMessage | undefined>;
  /** Records what Slack shows for a comment of pull request `threadKey` (`owner/repo#N`). */
  saveMessage(
    channel: string,
    itemKey: string,
    message: ShownMessage,
    threadKey?: string,
  ): Promise<void>;
  getThread(channel: string, threadKey: string): Promise<ThreadRecord | undefined>;
  saveThread(channel: string, threadKey: string, thread: ThreadRecord): Promise<void>;
  /** Channels where a pull request's thread exists. */
  threadChannels(threadKey: string): Promise<string[]>;
  /**
   * The pull request (`owner/repo#N`) whose thread in `channel` has parent message `parentTs`:
   * where a reply written in Slack belongs. Undefined for a thread threadline did not start.
   */
  findThreadKey(channel: string, parentTs: string): Promise<string | undefined>;
  getPullRequest(threadKey: string): Promise<PullRequestRecord | undefined>;
  /** The pull requests (`owner/repo#N`) of `repository` (`owner/repo`) whose head is `sha`. */
  pullRequestsWithHead(repository: string, sha: string): Promise<string[]>;
  /**
   * Stores `record` only if the kept state is still `expected` (undefined: only if none is kept),
   * so replicas keeping two states of one pull request at once never overwrite each other unseen.
   * False if it changed meanwhile.
   */
  replacePullRequest(
    threadKey: string,
    expected: PullRequestRecord | undefined,
    record: PullRequestRecord,
  ): Promise<boolean>;
}

export function createConversationMap(db: Kysely<Database>, appId: number): ConversationMap {
  return {
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

    async saveMessage(channel, itemKey, message, threadKey) {
      const values = {
        slack_ts: message.ts,
        thread_ts: message.threadTs,
        shown_updated_at: message.shownUpdatedAt,
        deleted: message.deleted ? 1 : 0,
        updated_at: Date.now(),
        ...(threadKey === undefined ? {} : { thread_key: threadKey }),
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
        .select(["parent_ts", "shown_updated_at"])
        .where("app_id", "=", appId)
        .where("channel", "=", channel)
        .where("thread_key", "=", threadKey)
        .executeTakeFirst();
      return row ? { parentTs: row.parent_ts, shownUpdatedAt: row.shown_updated_at } : undefined;
    },

    async saveThread(channel, threadKey, thread) {
      const values = {
        parent_ts: thread.parentTs,
        shown_updated_at: thread.shownUpdatedAt,
        updated_at: Date.now(),
        ...(thread.slackChannel ? { slack_channel: thread.slackChannel } : {}),
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

    async findThreadKey(channel, parentTs) {
      const row = await db
        .selectFrom("threads")
        .select("thread_key")
        .where("app_id", "=", appId)
        .where("parent_ts", "=", parentTs)
        .where((where) =>
          where.or([where("channel", "=", channel), where("slack_channel", "=", channel)]),
        )
        .executeTakeFirst();
      return row?.thread_key;
    },

    async getPullRequest(threadKey) {
      const row = await db
        .selectFrom("pull_requests")
        .select(["state", "updated_at", "open", "head_sha"])
        .where("app_id", "=", appId)
        .where("thread_key", "=", threadKey)
        .executeTakeFirst();
      return row
        ? {
            state: row.state,
            updatedAt: row.updated_at,
            open: Number(row.open) === 1,
            headSha: row.head_sha,
          }
        : undefined;
    },

    async pullRequestsWithHead(repository, sha) {
      const rows = await db
        .selectFrom("pull_requests")
        .select("thread_key")
        .where("app_id", "=", appId)
        .where("head_sha", "=", sha)
        .execute();
      // A fork's commits are its parent's too: only this repository's pull requests.
      const prefix = `${repository}#`;
      return rows
        .map((row) => row.thread_key)
        .filter((threadKey) => threadKey.startsWith(prefix))
        .sort();
    },

    async replacePullRequest(threadKey, expected, record) {
      if (expected === undefined) {
        const [result] = await db
          .insertInto("pull_requests")
          .values({
            app_id: appId,
            thread_key: threadKey,
            state: record.state,
            updated_at: record.updatedAt,
            open: record.open ? 1 : 0,
            head_sha: record.headSha ?? null,
          })
          .onConflict((conflict) => conflict.columns(["app_id", "thread_key"]).doNothing())
          .execute();
        return Number(result?.numInsertedOrUpdatedRows ?? 0) === 1;
      }
      const result = await db
        .updateTable("pull_requests")
        .set({
          state: record.state,
          updated_at: record.updatedAt,
          open: record.open ? 1 : 0,
          head_sha: record.headSha ?? null,
        })
        .where("app_id", "=", appId)
        .where("thread_key", "=", threadKey)
        .where("state", "=", expected.state)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

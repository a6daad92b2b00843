import { sql, type Kysely, type Migration, type MigrationProvider } from "kysely";

export type Dialect = "sqlite" | "postgres";

/**
 * Versioned schema changes, applied in name order on start by Kysely's Migrator. A released
 * migration is never edited: a change is a new entry, and none drops a table that holds rows.
 */
function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    "0001_outbox": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("deliveries")
          .addColumn("app_id", "bigint", (column) => column.notNull())
          .addColumn("delivery_id", "text", (column) => column.notNull())
          .addColumn("event", "text", (column) => column.notNull())
          .addColumn("outcome", "text", (column) => column.notNull())
          .addColumn("received_at", "bigint", (column) => column.notNull())
          .addPrimaryKeyConstraint("deliveries_pk", ["app_id", "delivery_id"])
          .execute();

        await db.schema
          .createTable("outbox")
          .addColumn("id", dialect === "postgres" ? "bigserial" : "integer", (column) =>
            dialect === "postgres" ? column.primaryKey() : column.primaryKey().autoIncrement(),
          )
          .addColumn("app_id", "bigint", (column) => column.notNull())
          .addColumn("delivery_id", "text", (column) => column.notNull())
          .addColumn("channel", "text", (column) => column.notNull())
          .addColumn("thread_key", "text", (column) => column.notNull())
          .addColumn("order_key", "text", (column) => column.notNull())
          .addColumn("content", "text", (column) => column.notNull())
          .addColumn("status", "text", (column) => column.notNull())
          .addColumn("attempts", "integer", (column) => column.notNull().defaultTo(0))
          .addColumn("next_attempt_at", "bigint", (column) => column.notNull())
          .addColumn("lease_until", "bigint")
          .addColumn("last_error", "text")
          .addColumn("slack_channel", "text")
          .addColumn("slack_ts", "text")
          .addColumn("created_at", "bigint", (column) => column.notNull())
          .addColumn("updated_at", "bigint", (column) => column.notNull())
          .addColumn("sent_at", "bigint")
          .addUniqueConstraint("outbox_delivery_channel", ["app_id", "delivery_id", "channel"])
          .execute();
        await db.schema
          .createIndex("outbox_due")
          .on("outbox")
          .columns(["status", "next_attempt_at"])
          .execute();
        await db.schema
          .createIndex("outbox_thread")
          .on("outbox")
          .columns(["channel", "thread_key", "status", "order_key"])
          .execute();

        await db.schema
          .createTable("state")
          .addColumn("key", "text", (column) => column.primaryKey())
          .addColumn("value", "text", (column) => column.notNull())
          .execute();
      },
    },
    "0002_outbox_waiting_index": {
      async up(db: Kysely<unknown>) {
        // Lets the worker find each thread's first waiting post by index seeks alone, however
        // long the backlog behind it.
        await db.schema
          .createIndex("outbox_waiting")
          .on("outbox")
          .columns(["app_id", "status", "channel", "thread_key", "order_key", "id"])
          .execute();
      },
    },
    "0003_messages_and_threads": {
      async up(db: Kysely<unknown>) {
        // What Slack shows for each comment in each channel, so edits and deletions find it.
        await db.schema
          .createTable("messages")
          .addColumn("app_id", "bigint", (column) => column.notNull())
          .addColumn("channel", "text", (column) => column.notNull())
          .addColumn("item_key", "text", (column) => column.notNull())
          .addColumn("slack_ts", "text")
          .addColumn("thread_ts", "text")
          .addColumn("shown_updated_at", "text", (column) => column.notNull())
          .addColumn("deleted", "integer", (column) => column.notNull().defaultTo(0))
          .addPrimaryKeyConstraint("messages_pk", ["app_id", "channel", "item_key"])
          .execute();
        // The parent message of each pull request's thread in each channel.
        await db.schema
          .createTable("threads")
          .addColumn("app_id", "bigint", (column) => column.notNull())
          .addColumn("channel", "text", (column) => column.notNull())
          .addColumn("thread_key", "text", (column) => column.notNull())
          .addColumn("parent_ts", "text")
          .addColumn("pull_request", "text")
          .addColumn("pull_request_updated_at", "text")
          .addPrimaryKeyConstraint("threads_pk", ["app_id", "channel", "thread_key"])
          .execute();
      },
    },
    "0004_delivery_explanations": {
      async up(db: Kysely<unknown>) {
        // Why a delivery was or wasn't carried, for `threadline explain <delivery-id>`.
        await db.schema.alterTable("deliveries").addColumn("explanation", "text").execute();
      },
    },
    "0005_outbox_groups": {
      async up(db: Kysely<unknown>) {
        // Posts that make up one Slack message together: a review and its line comments.
        await db.schema.alterTable("outbox").addColumn("group_key", "text").execute();
        await db.schema
          .createIndex("outbox_group")
          .on("outbox")
          .columns(["app_id", "channel", "group_key"])
          .execute();
      },
    },
    "0006_channels_and_leases": {
      async up(db: Kysely<unknown>) {
        // Each channel's sending slot and pace, shared by every replica of the App.
        await db.schema
          .createTable("channels")
          .addColumn("app_id", "bigint", (column) => column.notNull())
          .addColumn("channel", "text", (column) => column.notNull())
          .addColumn("ready_at", "bigint", (column) => column.notNull().defaultTo(0))
          .addColumn("busy_post", "bigint")
          .addColumn("busy_until", "bigint")
          .addPrimaryKeyConstraint("channels_pk", ["app_id", "channel"])
          .execute();
        // Which replica claimed a post, so a restarted replica takes its own posts back at once.
        await db.schema.alterTable("outbox").addColumn("claimed_by", "text").execute();
        // Jobs that run on one replica at a time.
        await db.schema
          .createTable("leases")
          .addColumn("name", "text", (column) => column.primaryKey())
          .addColumn("holder", "text", (column) => column.notNull())
          .addColumn("expires_at", "bigint", (column) => column.notNull())
          .execute();
      },
    },
    "0007_outbox_statistics": {
      async up(db: Kysely<unknown>) {
        if (dialect !== "postgres") return;
        // The worker's queries walk the outbox's indexes only while PostgreSQL has statistics
        // for it; with none (a young table filling fast) a 40,000-post backlog took 260 ms per
        // look instead of 3 ms. Analyze it after a few hundred changes, not after 10 % of it.
        await sql`alter table outbox set (
          autovacuum_analyze_threshold = 200,
          autovacuum_analyze_scale_factor = 0.01,
          autovacuum_vacuum_scale_factor = 0.05
        )`.execute(db);
      },
    },
    "0008_pull_requests": {
      async up(db: Kysely<unknown>) {
        // A pull request's newest state was kept twice (per channel in threads, and in state);
        // now once, here, and each thread row keeps only what its parent message shows.
        await db.schema
          .createTable("pull_requests")
          .addColumn("app_id", "bigint", (column) => column.notNull())
          .addColumn("thread_key", "text", (column) => column.notNull())
          .addColumn("state", "text", (column) => column.notNull())
          .addColumn("updated_at", "text", (column) => column.notNull())
          .addPrimaryKeyConstraint("pull_requests_pk", ["app_id", "thread_key"])
          .execute();
        // State keys were `<app id>/pull_request/<owner/repo#N>`.
        const marker = "/pull_request/";
        if (dialect === "postgres") {
          await sql`insert into pull_requests (app_id, thread_key, state, updated_at)
            select split_part(key, '/', 1)::bigint,
                   substring(key from position(${marker} in key) + ${marker.length}),
                   value, value::json->>'updatedAt'
            from state where position(${marker} in key) > 0`.execute(db);
        } else {
          await sql`insert into pull_requests (app_id, thread_key, state, updated_at)
            select cast(substr(key, 1, instr(key, '/') - 1) as integer),
                   substr(key, instr(key, ${marker}) + ${marker.length}),
                   value, json_extract(value, '$.updatedAt')
            from state where instr(key, ${marker}) > 0`.execute(db);
        }
        await sql`delete from state where key like ${`%${marker}%`}`.execute(db);
        await db.schema.alterTable("threads").addColumn("shown_updated_at", "text").execute();
        await sql`update threads set shown_updated_at = pull_request_updated_at`.execute(db);
        await db.schema.alterTable("threads").dropColumn("pull_request").execute();
        await db.schema.alterTable("threads").dropColumn("pull_request_updated_at").execute();
      },
    },
    "0009_outbox_fewer_indexes": {
      async up(db: Kysely<unknown>) {
        // Every query the queue, the intake and the operator run is served by outbox_waiting
        // (app, status, channel, thread, order, id), outbox_group and the primary key; these two
        // were read by none (checked with EXPLAIN on both databases) and cost every insert.
        await db.schema.dropIndex("outbox_due").execute();
        await db.schema.dropIndex("outbox_thread").execute();
      },
    },
    "0010_retention": {
      async up(db: Kysely<unknown>) {
        // Old rows are pruned: a comment's message is kept while its pull request may still be
        // edited (open) and for a while after it closed; each row now says which pull request it
        // belongs to and when it last changed, and each pull request whether it is open.
        await db.schema.alterTable("messages").addColumn("thread_key", "text").execute();
        await db.schema.alterTable("messages").addColumn("updated_at", "bigint").execute();
        await db.schema.alterTable("threads").addColumn("updated_at", "bigint").execute();
        await db.schema
          .alterTable("pull_requests")
          .addColumn("open", "integer", (column) => column.notNull().defaultTo(1))
          .execute();
        const now = Date.now();
        await sql`update messages set updated_at = ${now}`.execute(db);
        await sql`update threads set updated_at = ${now}`.execute(db);
        await (
          dialect === "postgres"
            ? sql`update pull_requests set open = 0
              where (state::json->'pullRequest'->>'state') in ('merged', 'closed')`
            : sql`update pull_requests set open = 0
              where json_extract(state, '$.pullRequest.state') in ('merged', 'closed')`
        ).execute(db);
        // What pruning looks rows up by.
        await db.schema
          .createIndex("deliveries_received")
          .on("deliveries")
          .columns(["app_id", "received_at"])
          .execute();
        await db.schema
          .createIndex("messages_thread")
          .on("messages")
          .columns(["app_id", "thread_key"])
          .execute();
        await db.schema
          .createIndex("outbox_delivery")
          .on("outbox")
          .columns(["app_id", "delivery_id"])
          .execute();
      },
    },
    "0011_slack_replies": {
      async up(db: Kysely<unknown>) {
        // Replies written in pull requests' Slack threads, recorded before Slack is answered and
        // written to GitHub as comments by a worker: the same queue as the outbox, the other way.
        await db.schema
          .createTable("slack_replies")
          .addColumn("id", dialect === "postgres" ? "bigserial" : "integer", (column) =>
            dialect === "postgres" ? column.primaryKey() : column.primaryKey().autoIncrement(),
          )
          .addColumn("app_id", "bigint", (column) => column.notNull())
          .addColumn("event_id", "text", (column) => column.notNull())
          .addColumn("dedupe_key", "text", (column) => column.notNull())
          .addColumn("channel", "text", (column) => column.notNull())
          .addColumn("ts", "text", (column) => column.notNull())
          .addColumn("thread_ts", "text", (column) => column.notNull())
          .addColumn("thread_key", "text", (column) => column.notNull())
          .addColumn("action", "text", (column) => column.notNull())
          .addColumn("message", "text", (column) => column.notNull())
          .addColumn("status", "text", (column) => column.notNull())
          .addColumn("attempts", "integer", (column) => column.notNull().defaultTo(0))
          .addColumn("next_attempt_at", "bigint", (column) => column.notNull())
          .addColumn("lease_until", "bigint")
          .addColumn("claimed_by", "text")
          .addColumn("last_error", "text")
          .addColumn("created_at", "bigint", (column) => column.notNull())
          .addColumn("updated_at", "bigint", (column) => column.notNull())
          // Slack retries an event with the same id, and may send one change as two events.
          .addUniqueConstraint("slack_replies_event", ["app_id", "event_id"])
          .addUniqueConstraint("slack_replies_change", ["app_id", "dedupe_key"])
          .execute();
        // The next due row, in order, by index seeks (claiming, and pruning done rows).
        await db.schema
          .createIndex("slack_replies_due")
          .on("slack_replies")
          .columns(["app_id", "status", "next_attempt_at", "id"])
          .execute();
        // A message's earlier changes, which must be written before a later one is claimed.
        await db.schema
          .createIndex("slack_replies_message")
          .on("slack_replies")
          .columns(["app_id", "channel", "ts", "id"])
          .execute();
        // The comment each Slack message became.
        await db.schema
          .createTable("reply_comments")
          .addColumn("app_id", "bigint", (column) => column.notNull())
          .addColumn("channel", "text", (column) => column.notNull())
          .addColumn("ts", "text", (column) => column.notNull())
          .addColumn("comment_id", "bigint", (column) => column.notNull())
          .addColumn("thread_key", "text", (column) => column.notNull())
          .addColumn("deleted", "integer", (column) => column.notNull().defaultTo(0))
          .addColumn("updated_at", "bigint", (column) => column.notNull())
          .addPrimaryKeyConstraint("reply_comments_pk", ["app_id", "channel", "ts"])
          .execute();
        // Whether a GitHub comment event is the echo of one threadline wrote.
        await db.schema
          .createIndex("reply_comments_comment")
          .on("reply_comments")
          .columns(["app_id", "comment_id"])
          .execute();
        // Who was told once in a thread why their reply was not carried.
        await db.schema
          .createTable("reply_notices")
          .addColumn("app_id", "bigint", (column) => column.notNull())
          .addColumn("channel", "text", (column) => column.notNull())
          .addColumn("thread_ts", "text", (column) => column.notNull())
          .addColumn("slack_user", "text", (column) => column.notNull())
          .addColumn("reason", "text", (column) => column.notNull())
          .addColumn("told_at", "bigint", (column) => column.notNull())
          .addPrimaryKeyConstraint("reply_notices_pk", [
            "app_id",
            "channel",
            "thread_ts",
            "slack_user",
            "reason",
          ])
          .execute();
        // A reply names its thread's channel by ID; a config may name it `#name`, as the thread
        // row does: the ID Slack answered the parent's post with is kept beside it.
        await db.schema.alterTable("threads").addColumn("slack_channel", "text").execute();
        // A reply names its thread's parent message: which pull request that is.
        await db.schema
          .createIndex("threads_parent")
          .on("threads")
          .columns(["app_id", "parent_ts"])
          .execute();
        if (dialect !== "postgres") return;
        // A queue that fills fast while young, as the outbox (0007): keep its statistics fresh.
        await sql`alter table slack_replies set (
          autovacuum_analyze_threshold = 200,
          autovacuum_analyze_scale_factor = 0.01,
          autovacuum_vacuum_scale_factor = 0.05
        )`.execute(db);
      },
    },
    "0012_linked_accounts": {
      async up(db: Kysely<unknown>) {
        // People who linked their GitHub account to post their Slack replies as themselves: their
        // user access and refresh tokens, encrypted (token-cipher.ts), kept until they unlink or
        // GitHub says the authorization was revoked. Not pruned.
        await db.schema
          .createTable("linked_accounts")
          .addColumn("app_id", "bigint", (column) => column.notNull())
          .addColumn("slack_team", "text", (column) => column.notNull())
          .addColumn("slack_user", "text", (column) => column.notNull())
          .addColumn("github_login", "text", (column) => column.notNull())
          .addColumn("github_user_id", "bigint", (column) => column.notNull())
          .addColumn("access_token", "text", (column) => column.notNull())
          .addColumn("access_expires_at", "bigint")
          .addColumn("refresh_token", "text")
          .addColumn("refresh_expires_at", "bigint")
          // One replica at a time refreshes a person's tokens: a refresh token works once.
          .addColumn("refresh_claimed_by", "text")
          .addColumn("refresh_claimed_until", "bigint")
          .addColumn("linked_at", "bigint", (column) => column.notNull())
          .addColumn("updated_at", "bigint", (column) => column.notNull())
          .addPrimaryKeyConstraint("linked_accounts_pk", ["app_id", "slack_team", "slack_user"])
          .execute();
        // GitHub's revocation names the person by their GitHub user id.
        await db.schema
          .createIndex("linked_accounts_github_user")
          .on("linked_accounts")
          .columns(["app_id", "github_user_id"])
          .execute();
        // What a person was told once, whatever the thread (how to post as themselves).
        await db.schema
          .createTable("person_notices")
          .addColumn("app_id", "bigint", (column) => column.notNull())
          .addColumn("slack_team", "text", (column) => column.notNull())
          .addColumn("slack_user", "text", (column) => column.notNull())
          .addColumn("reason", "text", (column) => column.notNull())
          .addColumn("told_at", "bigint", (column) => column.notNull())
          .addPrimaryKeyConstraint("person_notices_pk", [
            "app_id",
            "slack_team",
            "slack_user",
            "reason",
          ])
          .execute();
        // Who wrote each comment on GitHub: the App (NULL), or the person with this GitHub user
        // id, with their own token. An edit or deletion is made as whoever wrote it.
        await db.schema
          .alterTable("reply_comments")
          .addColumn("author_user_id", "bigint")
          .execute();
      },
    },
    "0013_pull_request_head": {
      async up(db: Kysely<unknown>) {
        // A pull request's card shows the checks of its head commit; a commit status names only
        // the commit, so the pull requests are found by their head. States kept before cards
        // learn theirs with their next news.
        await db.schema.alterTable("pull_requests").addColumn("head_sha", "text").execute();
        await db.schema
          .createIndex("pull_requests_head")
          .on("pull_requests")
          .columns(["app_id", "head_sha"])
          .execute();
      },
    },
  };
}

/** The migrations for one SQL dialect (they differ only in column types). */
export function createMigrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => migrationsFor(dialect) };
}

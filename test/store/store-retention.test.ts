/**
 * The store stays small: what pruning deletes, what it never touches (a post or a Slack reply
 * waiting or being sent, a conversation of an open pull request), and that it goes a batch at a
 * time on one replica at a time. Runs on SQLite and on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import pino from "pino";
import { createPruner } from "../../src/delivery/create-pruner.js";
import { createMetrics } from "../../src/metrics/create-metrics.js";
import type { NewPost } from "../../src/store/intake-store.js";
import type { Store } from "../../src/store/open-store.js";
import { dropTestDatabases, openTestStore } from "../helpers/test-store.js";

const APP_ID = 12345;
const DAY = 24 * 60 * 60_000;
const NOW = Date.now();
const HOLDER = "host-a:3000";
const UNPACED = { ratePerSecond: 1_000, burst: 1_000 };

let store: Store;

beforeEach(async () => {
  store = await openTestStore(APP_ID);
});
afterEach(async () => {
  await store.close();
  await dropTestDatabases();
});

function post(channel: string, pr: number, order: string): NewPost {
  return {
    channel,
    threadKey: `Codertocat/Hello-World#${pr}`,
    orderKey: order,
    content: { event: { body: `comment ${order}` } },
  };
}

let pullRequests = 0;

/**
 * A delivery received `daysAgo` days ago with one post (its own pull request and channel, so no
 * other post holds it back), left `status`.
 */
async function delivery(
  id: string,
  daysAgo: number,
  status: "pending" | "sending" | "sent" | "dead",
) {
  const at = NOW - daysAgo * DAY;
  await store.intake.enqueue(
    { deliveryId: id, event: "issue_comment.created", receivedAt: at },
    [post(`C${(pullRequests += 1)}`, pullRequests, id)],
    at,
  );
  if (status === "pending") return;
  const [row] = (await store.operations.list({ limit: 1_000 })).filter((r) => r.delivery_id === id);
  expect(
    await store.queue.claim(row!, at, { leaseMs: 60 * DAY, pace: UNPACED, holder: HOLDER }),
  ).toBe(true);
  if (status === "sent")
    await store.queue.markSent(row!.id, { channel: row!.channel, ts: "1.1" }, at);
  if (status === "dead") await store.queue.markDead(row!.id, "channel_not_found: fix it", at);
}

const remaining = async () =>
  (await store.operations.list({ limit: 1_000 }))
    .map((row) => `${row.delivery_id}:${row.status}`)
    .sort();

describe("pruning deliveries and posts (RETENTION_DAYS)", () => {
  test("old sent and dead posts go with their deliveries; waiting and young ones stay", async () => {
    await delivery("old-sent", 40, "sent");
    await delivery("old-dead", 35, "dead");
    await delivery("old-pending", 40, "pending");
    await delivery("old-sending", 40, "sending");
    await delivery("young-sent", 2, "sent");
    await store.intake.recordIgnored({
      deliveryId: "old-ignored",
      event: "ping",
      receivedAt: NOW - 50 * DAY,
    });

    const pruned = await store.retention.pruneBatch(
      { deliveriesBefore: NOW - 30 * DAY, conversationsBefore: NOW - 90 * DAY },
      100,
    );

    expect(pruned).toMatchObject({ outbox: 2, deliveries: 3 });
    expect(await remaining()).toEqual([
      "old-pending:pending",
      "old-sending:sending",
      "young-sent:sent",
    ]);
    for (const [id, kept] of [
      ["old-sent", false],
      ["old-dead", false],
      ["old-ignored", false],
      ["old-pending", true],
      ["old-sending", true],
      ["young-sent", true],
    ] as const) {
      expect([id, await store.intake.hasDelivery(id)]).toEqual([id, kept]);
    }
  });

  test("a prune goes in batches until nothing past the cutoff is left, and counts each table in /metrics", async () => {
    for (let n = 0; n < 7; n += 1) await delivery(`old-${n}`, 40, "sent");
    const batches: number[] = [];
    const retention = {
      ...store.retention,
      async pruneBatch(...args: Parameters<Store["retention"]["pruneBatch"]>) {
        const pruned = await store.retention.pruneBatch(...args);
        batches.push(pruned.outbox);
        return pruned;
      },
    };
    const metrics = createMetrics(store.operations);
    const pruner = createPruner({
      retention,
      shared: store.shared,
      log: pino({ level: "silent" }),
      metrics,
      retentionDays: 30,
      conversationRetentionDays: 90,
      holder: HOLDER,
      batch: 3,
      pauseMs: 0,
      now: () => NOW,
    });

    expect(await pruner.runOnce()).toMatchObject({ outbox: 7, deliveries: 7 });
    expect(batches).toEqual([3, 3, 1]);
    expect(await remaining()).toEqual([]);
    expect(await metrics.registry.metrics()).toMatch(
      /threadline_store_pruned_rows_total\{table="outbox"\} 7/,
    );
  });

  test("one replica prunes at a time", async () => {
    expect(await store.shared.tryLease("prune", "other-replica:3000", NOW, 60_000)).toBe(true);
    const pruner = createPruner({
      retention: store.retention,
      shared: store.shared,
      log: pino({ level: "silent" }),
      metrics: createMetrics(store.operations),
      retentionDays: 30,
      conversationRetentionDays: 90,
      holder: HOLDER,
      now: () => NOW,
    });
    expect(await pruner.runOnce()).toMatchObject({ skipped: true });
  });
});

describe("pruning conversations (CONVERSATION_RETENTION_DAYS)", () => {
  const message = {
    ts: "1.1",
    threadTs: "1.0",
    shownUpdatedAt: "2024-01-01T00:00:00Z",
    deleted: false,
  };
  /** What pruning sees when every row is older than the cutoff. */
  const everything = { deliveriesBefore: 0, conversationsBefore: Date.now() + DAY };

  test("a quiet conversation of a closed pull request goes; an open pull request's stays, whatever its age", async () => {
    await store.conversations.replacePullRequest("Codertocat/Hello-World#1", undefined, {
      state: "{}",
      updatedAt: "2024-01-01T00:00:00Z",
      open: false,
    });
    await store.conversations.replacePullRequest("Codertocat/Hello-World#2", undefined, {
      state: "{}",
      updatedAt: "2024-01-01T00:00:00Z",
      open: true,
    });
    for (const pr of [1, 2]) {
      await store.conversations.saveThread("C1", `Codertocat/Hello-World#${pr}`, {
        parentTs: `${pr}.0`,
        shownUpdatedAt: "2024-01-01T00:00:00Z",
      });
      await store.conversations.saveMessage(
        "C1",
        `comment:${pr}`,
        message,
        `Codertocat/Hello-World#${pr}`,
      );
    }
    // A row from before messages knew their pull request.
    await store.conversations.saveMessage("C1", "comment:3", message);

    const pruned = await store.retention.pruneBatch(everything, 100);

    expect(pruned).toMatchObject({ messages: 2, threads: 1, pullRequests: 1 });
    expect(await store.conversations.getMessage("C1", "comment:1")).toBeUndefined();
    expect(await store.conversations.getMessage("C1", "comment:3")).toBeUndefined();
    expect(await store.conversations.getMessage("C1", "comment:2")).toMatchObject({ ts: "1.1" });
    expect(await store.conversations.threadChannels("Codertocat/Hello-World#1")).toEqual([]);
    expect(await store.conversations.threadChannels("Codertocat/Hello-World#2")).toEqual(["C1"]);
    expect(await store.conversations.getPullRequest("Codertocat/Hello-World#1")).toBeUndefined();
    expect(await store.conversations.getPullRequest("Codertocat/Hello-World#2")).toMatchObject({
      open: true,
    });
  });

  test("a recent change keeps a conversation, closed or not", async () => {
    await store.conversations.saveMessage("C1", "comment:1", message, "Codertocat/Hello-World#1");
    const pruned = await store.retention.pruneBatch(
      { deliveriesBefore: 0, conversationsBefore: Date.now() - DAY },
      100,
    );
    expect(pruned.messages).toBe(0);
    expect(await store.conversations.getMessage("C1", "comment:1")).toBeDefined();
  });
});

describe("pruning what replies written in Slack left (with the conversations)", () => {
  const OPEN = "Codertocat/Hello-World#2";
  const CLOSED = "Codertocat/Hello-World#1";
  const old = NOW - 100 * DAY;
  const cutoffs = { deliveriesBefore: 0, conversationsBefore: NOW - 90 * DAY };

  beforeEach(async () => {
    for (const [threadKey, open] of [
      [CLOSED, false],
      [OPEN, true],
    ] as const) {
      await store.conversations.replacePullRequest(threadKey, undefined, {
        state: "{}",
        updatedAt: "2024-01-01T00:00:00Z",
        open,
      });
    }
    await store.conversations.saveThread("C1", CLOSED, { parentTs: "1.0", shownUpdatedAt: null });
    await store.conversations.saveThread("C1", OPEN, { parentTs: "2.0", shownUpdatedAt: null });
  });

  test("a comment a reply became goes as a comment's message does: old, and its pull request not open", async () => {
    const comment = (threadKey: string, commentId: number) => ({
      commentId,
      threadKey,
      deleted: false,
    });
    await store.replies.saveComment("C1", "1.1", comment(CLOSED, 1), old);
    await store.replies.saveComment("C1", "2.1", comment(OPEN, 2), old);
    await store.replies.saveComment("C1", "1.2", comment(CLOSED, 3), NOW);

    const pruned = await store.retention.pruneBatch(cutoffs, 100);

    expect(pruned.replyComments).toBe(1);
    expect(await store.replies.getComment("C1", "1.1")).toBeUndefined();
    expect(await store.replies.getComment("C1", "2.1")).toMatchObject({ commentId: 2 });
    expect(await store.replies.getComment("C1", "1.2")).toMatchObject({ commentId: 3 });
  });

  test("who was told what goes once old, unless the thread's pull request is open", async () => {
    await store.replies.tellOnce("C1", "1.0", "U1", "not_linked", old);
    await store.replies.tellOnce("C1", "2.0", "U1", "not_linked", old);
    // A thread threadline no longer knows.
    await store.replies.tellOnce("C1", "9.0", "U1", "not_linked", old);
    await store.replies.tellOnce("C1", "1.0", "U2", "not_linked", NOW);

    const pruned = await store.retention.pruneBatch(cutoffs, 100);

    expect(pruned.replyNotices).toBe(2);
    // Gone: telling again is a first time. Kept: it is not.
    expect(await store.replies.tellOnce("C1", "1.0", "U1", "not_linked", NOW)).toBe(true);
    expect(await store.replies.tellOnce("C1", "9.0", "U1", "not_linked", NOW)).toBe(true);
    expect(await store.replies.tellOnce("C1", "2.0", "U1", "not_linked", NOW)).toBe(false);
    expect(await store.replies.tellOnce("C1", "1.0", "U2", "not_linked", NOW)).toBe(false);
  });

  test("the pruner counts replies, comments and notices as it counts the other tables", async () => {
    for (const ts of ["1.1", "1.2", "1.3"]) {
      const message = {
        action: "created" as const,
        eventId: `Ev-${ts}`,
        eventTime: old / 1000,
        teamId: "T1",
        channel: "C1",
        ts,
        threadTs: "1.0",
        user: "U1",
        text: "thanks",
        files: [],
      };
      await store.replies.record(message, CLOSED, old);
      const claimed = await store.replies.claimNext(old, HOLDER, 60_000);
      await store.replies.complete(claimed!.id, old);
      await store.replies.saveComment(
        "C1",
        ts,
        { commentId: Number(ts.replace(".", "")), threadKey: CLOSED, deleted: false },
        old,
      );
    }
    await store.replies.tellOnce("C1", "1.0", "U1", "not_linked", old);
    const metrics = createMetrics(store.operations);
    const pruner = createPruner({
      retention: store.retention,
      shared: store.shared,
      log: pino({ level: "silent" }),
      metrics,
      retentionDays: 30,
      conversationRetentionDays: 90,
      holder: HOLDER,
      batch: 2,
      pauseMs: 0,
      now: () => NOW,
    });

    expect(await pruner.runOnce()).toMatchObject({
      slackReplies: 3,
      replyComments: 3,
      replyNotices: 1,
    });
    expect(await store.replies.counts()).toEqual({ pending: 0, sending: 0, done: 0, dead: 0 });
    expect(await metrics.registry.metrics()).toMatch(
      /threadline_store_pruned_rows_total\{table="slackReplies"\} 3/,
    );
  });
});

describe("the store's footprint", () => {
  test("says how large the database is and how far back it goes", async () => {
    await delivery("first", 12, "sent");
    await delivery("second", 3, "pending");
    const footprint = await store.operations.footprint();
    expect(footprint.oldestDeliveryAt).toBe(NOW - 12 * DAY);
    expect(footprint.bytes).toBeGreaterThan(0);
  });
});

/**
 * The outbox worker below end to end: a real store holds the queue, Slack is the App's real
 * client against nock (strict about every call), and the worker's clock is the test's, so a
 * retry's backoff passes when the test says. What each post ends as is read from the outbox.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import pino from "pino";
import { createWorker, type Worker } from "../../src/delivery/create-worker.js";
import { orderKeyOf, threadKeyOf } from "../../src/delivery/outgoing-post.js";
import type { ConversationContent } from "../../src/delivery/post-content.js";
import type { ConversationEvent } from "../../src/events/conversation-event.js";
import { createMetrics, type Metrics } from "../../src/metrics/create-metrics.js";
import { renderMessage } from "../../src/render/render-message.js";
import { renderParent } from "../../src/render/render-parent.js";
import type { Store } from "../../src/store/open-store.js";
import type { OutboxRow } from "../../src/store/schema.js";
import { useStrictNock } from "../helpers/strict-nock.js";
import { openTestStore } from "../helpers/test-store.js";
import { sleep } from "../helpers/wait.js";
import { pullRequestComment } from "./conversation-events.js";
import {
  createNockedSlackClient,
  expectPost,
  expectUpdate,
  slackCalls,
  takeSlackLeftovers,
} from "./nocked-slack.js";

const APP_ID = 4343;
const CHANNEL = "C0123456789";
const PR1 = "Codertocat/Hello-World#1";
const PARENT_TS = "1557936000.000100";
const REPLY_TS = "1557936001.000200";
/** The first backoff: a failed post waits between half of it and all of it. */
const BASE_DELAY_MS = 1_000;

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

let store: Store;
let worker: Worker | undefined;
let metrics: Metrics;
/** The worker's clock: still, unless a test moves it. */
let clock = Date.parse("2019-05-15T16:00:00Z");
let logs: LogLine[] = [];

useStrictNock({ allowLocal: false });

beforeEach(async () => {
  store = await openTestStore(APP_ID);
  logs = [];
});

afterEach(async () => {
  await worker?.stop(1_000);
  worker = undefined;
  await store.close();
  expect(takeSlackLeftovers()).toEqual({ pending: [], unexpected: [] });
});

/** Starts the worker on the store, the nocked Slack and the test's clock. */
function startWorker(): void {
  metrics = createMetrics(store.operations, () => clock);
  worker = createWorker({
    queue: store.queue,
    conversations: store.conversations,
    slack: createNockedSlackClient(),
    // Slack's pace never holds a post back here: these tests are about what happens to one.
    pace: { ratePerSecond: 1_000, burst: 1_000 },
    holder: "worker-test:3000",
    log: pino({ level: "debug" }, { write: (line: string) => logs.push(JSON.parse(line)) }),
    metrics,
    policy: { baseDelayMs: BASE_DELAY_MS, maxDelayMs: 60_000, giveUpAfterMs: 24 * 3_600_000 },
    now: () => clock,
    pollIntervalMs: 5,
  });
  worker.start();
}

/** Queues the comment's post for CHANNEL as the intake does; resolves to its row's id. */
async function queue(event: ConversationEvent, deliveryId: string): Promise<number> {
  const content: ConversationContent = {
    event,
    mentions: {},
    threads: true,
    broadcast: false,
    deleted: "tombstone",
  };
  await store.intake.enqueue(
    { deliveryId, event: "issue_comment", receivedAt: clock },
    [
      {
        channel: CHANNEL,
        threadKey: threadKeyOf(event.repository.fullName, event.pullRequest.number),
        orderKey: orderKeyOf(event.createdAt, event.id),
        content,
      },
    ],
    clock,
  );
  return (await store.operations.list({ limit: 100 })).find(
    (row) => row.delivery_id === deliveryId,
  )!.id;
}

async function rowOf(id: number): Promise<OutboxRow> {
  return (await store.operations.list({ limit: 100 })).find((row) => row.id === id)!;
}

/** Waits until post `id` is `status` (the worker runs on its own timers); resolves to its row. */
async function until(id: number, check: (row: OutboxRow) => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const row = await rowOf(id);
    if (check(row)) return row;
    if (Date.now() > deadline) throw new Error(`post ${id} never became ${what}: ${row.status}`);
    await sleep(5);
  }
}

const comment = pullRequestComment();
const parent = renderParent({
  repository: comment.repository,
  pullRequest: { ...comment.pullRequest, state: "open", head: "" },
  updatedAt: comment.createdAt,
});

describe("createWorker", () => {
  test("a post Slack answers 503 is retried after its backoff, and then goes through", async () => {
    expectPost({ channel: CHANNEL, message: parent, answer: { status: 503 } });
    const id = await queue(comment, "d-retry");
    startWorker();

    const waiting = await until(id, (row) => row.attempts === 1, "retried");
    expect(waiting).toMatchObject({ status: "pending", slack_ts: null });
    expect(waiting.last_error).toMatch(/^http_503: Slack answered HTTP 503 for C0123456789/);
    expect(waiting.next_attempt_at - clock).toBeGreaterThanOrEqual(BASE_DELAY_MS / 2);
    expect(waiting.next_attempt_at - clock).toBeLessThanOrEqual(BASE_DELAY_MS);
    expect(logs.some((line) => line.msg.startsWith("Slack post will be retried"))).toBe(true);
    expect((await metrics.postsRetried.get()).values).toEqual([
      { labels: { reason: "http_503" }, value: 1 },
    ]);

    // Nothing is asked of Slack before the backoff has passed.
    await sleep(50);
    expect(slackCalls).toEqual(["post → HTTP 503"]);
    expectPost({ channel: CHANNEL, message: parent, ts: PARENT_TS });
    expectPost({
      channel: CHANNEL,
      message: renderMessage(comment, { mentions: {} }),
      threadTs: PARENT_TS,
      ts: REPLY_TS,
    });
    clock += BASE_DELAY_MS;

    const sent = await until(id, (row) => row.status === "sent", "sent");
    expect(sent).toMatchObject({
      slack_channel: CHANNEL,
      slack_ts: REPLY_TS,
      attempts: 2,
      last_error: null,
    });
    expect(slackCalls).toEqual([
      "post → HTTP 503",
      `post → ${PARENT_TS}`,
      `reply to ${PARENT_TS} → ${REPLY_TS}`,
    ]);
  });

  test("channel_not_found sets the post aside at once, naming the channel and the fix", async () => {
    expectPost({ channel: CHANNEL, message: parent, answer: { error: "channel_not_found" } });
    const id = await queue(comment, "d-dead");
    startWorker();

    const dead = await until(id, (row) => row.status === "dead", "dead");
    expect(dead).toMatchObject({ attempts: 1, slack_ts: null });
    expect(dead.last_error).toBe(
      "channel_not_found: Slack cannot find channel C0123456789: check the channel ID in .github/threadline.yml or SLACK_CHANNEL, and invite the bot if the channel is private",
    );
    const setAside = logs.find((line) => line.msg.startsWith("Slack post set aside"));
    expect(setAside).toMatchObject({ slackError: "channel_not_found", outboxId: id });
    expect(setAside?.msg).toContain(`npx threadline outbox retry ${id}`);
    expect((await metrics.postsDeadLettered.get()).values).toEqual([
      { labels: { reason: "channel_not_found" }, value: 1 },
    ]);
    // Not tried again.
    await sleep(50);
    expect(slackCalls).toEqual(["post → channel_not_found"]);
  });

  test("an edit of a message gone from Slack (message_not_found) is done, recorded with no ts", async () => {
    await store.conversations.saveThread(CHANNEL, PR1, {
      parentTs: PARENT_TS,
      shownUpdatedAt: comment.createdAt,
    });
    await store.conversations.saveMessage(CHANNEL, `comment:${comment.id}`, {
      ts: REPLY_TS,
      threadTs: PARENT_TS,
      shownUpdatedAt: comment.updatedAt,
      deleted: false,
    });
    const edited = pullRequestComment({
      action: "edited",
      body: "Nobody will see this.",
      updatedAt: "2019-05-15T15:25:00Z",
    });
    expectUpdate(CHANNEL, REPLY_TS, renderMessage(edited, { mentions: {} }), {
      error: "message_not_found",
    });
    const id = await queue(edited, "d-gone");
    startWorker();

    const done = await until(id, (row) => row.status === "sent", "sent");
    expect(done).toMatchObject({ slack_channel: CHANNEL, slack_ts: null, attempts: 1 });
    expect(logs.some((line) => line.msg.startsWith("the Slack message is gone"))).toBe(true);
    await sleep(50);
    expect(slackCalls).toEqual([`update ${REPLY_TS} → message_not_found`]);
  });

  test("a post with nothing to show (deleted before it was shown) is done, with no ts and no Slack call", async () => {
    const deletion = await queue(pullRequestComment({ action: "deleted" }), "d-deleted");
    const creation = await queue(comment, "d-created");
    startWorker();

    for (const id of [deletion, creation]) {
      const done = await until(id, (row) => row.status === "sent", "sent");
      expect(done).toMatchObject({ slack_channel: CHANNEL, slack_ts: null, attempts: 1 });
    }
    const settled = logs.filter((line) => line.msg === "nothing to change in Slack");
    expect(settled.map((line) => line.reason)).toEqual([
      "deleted before it was shown",
      "deleted on GitHub already",
    ]);
    expect(slackCalls).toEqual([]);
  });
});

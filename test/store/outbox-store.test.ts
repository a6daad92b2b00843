import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PostContent } from "../../src/delivery/post-content.js";
import { normalize } from "../../src/events/normalize.js";
import { openStore, parseDatabaseUrl } from "../../src/store/open-store.js";
import type { Pace } from "../../src/store/channel-pace.js";
import type { NewPost } from "../../src/store/intake-store.js";
import type { Store as OutboxStore } from "../../src/store/open-store.js";
import { loadPullRequestCommentFixture } from "../fixtures/index.js";
import {
  createTestDatabaseUrl,
  dropTestDatabases,
  openTestStore,
  testStoreKind,
} from "../helpers/test-store.js";

const APP_ID = 12345;
const T0 = 1_700_000_000_000;

let store: OutboxStore;

beforeEach(async () => {
  store = await openTestStore(APP_ID);
});
afterEach(async () => {
  await store.close();
  await dropTestDatabases();
});

/** The replica claiming in tests where only one does. */
const HOLDER = "host-a:3000";

/** A pace that never holds a post back, for tests about something else. */
const UNPACED: Pace = { ratePerSecond: 1_000, burst: 1_000 };

/** Claims post `id` as the worker does (post and channel slot); `on` is the replica claiming. */
async function claim(id: number, at: number, leaseMs = 60_000, pace = UNPACED, on = store) {
  const row = (await on.operations.list({ limit: 1_000 })).find((candidate) => candidate.id === id);
  if (!row) throw new Error(`no post ${id}`);
  return on.queue.claim(row, at, { leaseMs, pace, holder: "host-a:3000" });
}

const normalized = normalize["issue_comment.created"](loadPullRequestCommentFixture());
if (!normalized.event) throw new Error("the fixture is a pull-request comment");
const EVENT = normalized.event;

/** What the worker will render: the real fixture's event, told apart by its mentions. */
function content(channel: string, order: string): PostContent {
  return { event: EVENT, mentions: { [`${channel}-${order}`]: "U024BE7LH" } };
}

/** A post of pull request `pr` in `channel`, sorted by `order`. */
function post(channel: string, order: string, pr = 1): NewPost {
  return {
    channel,
    threadKey: `Codertocat/Hello-World#${pr}`,
    orderKey: order,
    content: content(channel, order),
  };
}

/** Enqueues one delivery `id` at `at` with its posts due at once; resolves to the rows added. */
async function deliver(id: string, posts: NewPost[], at = T0, notBefore = at) {
  const added = await store.intake.enqueue(
    { deliveryId: id, event: "issue_comment.created", receivedAt: at },
    posts,
    notBefore,
  );
  return {
    added,
    rows: (await store.operations.list({ limit: 100 })).filter((row) => row.delivery_id === id),
  };
}

/** The single row delivery `id` added for `channel`. */
async function rowOf(id: string, channel = "C1") {
  const row = (await store.operations.list({ limit: 100 })).find(
    (candidate) => candidate.delivery_id === id && candidate.channel === channel,
  );
  if (!row) throw new Error(`no row for ${id} in ${channel}`);
  return row;
}

/** Which deliveries findDue offers at `at`, as `delivery@channel`. */
async function due(at = T0) {
  return (await store.queue.findDue(at, 100)).map((row) => `${row.delivery_id}@${row.channel}`);
}

describe("enqueue", () => {
  test("records the delivery and its posts as pending, with what the worker will render", async () => {
    expect(await store.intake.hasDelivery("d1")).toBe(false);
    const { added, rows } = await deliver("d1", [post("C1", "a"), post("C2", "a")], T0, T0 + 500);

    expect(added).toBe(2);
    expect(await store.intake.hasDelivery("d1")).toBe(true);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      app_id: APP_ID,
      channel: "C1",
      thread_key: "Codertocat/Hello-World#1",
      order_key: "a",
      status: "pending",
      attempts: 0,
      next_attempt_at: T0 + 500,
      created_at: T0,
      lease_until: null,
      slack_ts: null,
    });
    expect(JSON.parse(rows[0]!.content)).toEqual(content("C1", "a"));
    expect(JSON.parse(rows[1]!.content)).toEqual(content("C2", "a"));
  });

  test("is idempotent per (delivery, channel): a repeat adds nothing, a new channel adds only itself", async () => {
    await deliver("d1", [post("C1", "a")]);
    expect((await deliver("d1", [post("C1", "a")])).added).toBe(0);
    expect((await deliver("d1", [post("C1", "a"), post("C2", "a")])).added).toBe(1);
    expect(await store.operations.counts()).toEqual({ pending: 2, sending: 0, sent: 0, dead: 0 });
  });

  test("concurrent enqueues of one delivery add its posts once", async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => deliver("d1", [post("C1", "a"), post("C2", "a")])),
    );
    expect(results.map((result) => result.added).sort()).toEqual([0, 0, 0, 0, 2]);
    expect((await store.operations.counts()).pending).toBe(2);
  });

  test("a delivery without posts is recorded, so its redelivery is recognised", async () => {
    expect((await deliver("d1", [])).added).toBe(0);
    expect(await store.intake.hasDelivery("d1")).toBe(true);
    expect(await store.operations.counts()).toEqual({ pending: 0, sending: 0, sent: 0, dead: 0 });
  });
});

describe("recordIgnored", () => {
  test("records a delivery that carried nothing once", async () => {
    const record = { deliveryId: "d1", event: "push", receivedAt: T0 };
    expect(await store.intake.recordIgnored(record)).toBe(true);
    expect(await store.intake.hasDelivery("d1")).toBe(true);
    expect(await store.intake.recordIgnored(record)).toBe(false);
  });

  test("is false for a delivery that queued posts", async () => {
    await deliver("d1", [post("C1", "a")]);
    expect(
      await store.intake.recordIgnored({
        deliveryId: "d1",
        event: "issue_comment.created",
        receivedAt: T0,
      }),
    ).toBe(false);
  });
});

describe("findDue", () => {
  test("offers the first unsent post of each pull request, one per channel (a channel sends one at a time)", async () => {
    // Delivered out of order: "b" (a later comment) arrives first.
    await deliver("late", [post("C1", "b")]);
    await deliver("early", [post("C1", "a")]);
    await deliver("latest", [post("C1", "c")]);
    await deliver("other-pr", [post("C1", "a", 2)]);
    await deliver("other-channel", [post("C2", "z")]);

    expect((await due()).sort()).toEqual(["early@C1", "other-channel@C2"]);

    await store.queue.markSent((await rowOf("early")).id, { channel: "C1", ts: "1.1" }, T0);
    expect((await due()).sort()).toEqual(["late@C1", "other-channel@C2"]);
  });

  test("posts with the same order_key keep the order they were queued in", async () => {
    await deliver("first", [post("C1", "same")]);
    await deliver("second", [post("C1", "same")]);
    expect(await due()).toEqual(["first@C1"]);
  });

  test("a post is not offered before its next_attempt_at", async () => {
    await deliver("d1", [post("C1", "a")], T0, T0 + 500);
    expect(await due(T0 + 499)).toEqual([]);
    expect(await due(T0 + 500)).toEqual(["d1@C1"]);
  });

  test("an earlier post waiting in backoff holds back the later ones of its thread, not others", async () => {
    await deliver("first", [post("C1", "a")]);
    await deliver("second", [post("C1", "b")]);
    await deliver("elsewhere", [post("C1", "a", 2)]);
    const first = await rowOf("first");
    await store.queue.reschedule(
      first.id,
      { nextAttemptAt: T0 + 10_000, error: "http_503: down", countAttempt: true },
      T0,
    );

    expect(await due(T0 + 1)).toEqual(["elsewhere@C1"]);
    await store.queue.markSent((await rowOf("elsewhere")).id, { channel: "C1", ts: "1.1" }, T0 + 1);
    expect(await due(T0 + 1)).toEqual([]);
    expect(await due(T0 + 10_000)).toEqual(["first@C1"]);
  });

  test("an earlier post being sent holds back the later ones; once sent, the next is offered", async () => {
    await deliver("first", [post("C1", "a")]);
    await deliver("second", [post("C1", "b")]);
    const first = await rowOf("first");
    expect(await claim(first.id, T0, 60_000)).toBe(true);

    expect(await due()).toEqual([]);

    await store.queue.markSent(first.id, { channel: "C1", ts: "1700000000.000001" }, T0 + 5);
    expect(await due(T0 + 5)).toEqual(["second@C1"]);
  });

  test("a dead post does not hold back the rest of its thread", async () => {
    await deliver("first", [post("C1", "a")]);
    await deliver("second", [post("C1", "b")]);
    await store.queue.markDead((await rowOf("first")).id, "channel_not_found: fix it", T0);
    expect(await due()).toEqual(["second@C1"]);
  });

  test("offers each channel's soonest-due head, channels by when they are due, within the limit", async () => {
    await deliver("later", [post("C1", "a", 1)], T0, T0 + 20);
    await deliver("sooner", [post("C1", "a", 2)], T0, T0 + 10);
    await deliver("soonest", [post("C2", "a", 3)], T0, T0);
    await deliver("third-channel", [post("C3", "a", 4)], T0, T0 + 15);
    expect((await store.queue.findDue(T0 + 20, 100)).map((row) => row.delivery_id)).toEqual([
      "soonest",
      "sooner",
      "third-channel",
    ]);
    expect((await store.queue.findDue(T0 + 20, 2)).map((row) => row.delivery_id)).toEqual([
      "soonest",
      "sooner",
    ]);
  });
  test("threads held back by a head in backoff do not use up the limit", async () => {
    for (const pr of [1, 2]) {
      await deliver(`head-${pr}`, [post("C1", "a", pr)]);
      await deliver(`next-${pr}`, [post("C1", "b", pr)]);
      await store.queue.reschedule(
        (await rowOf(`head-${pr}`)).id,
        { nextAttemptAt: T0 + 60_000, error: "http_503: down", countAttempt: true },
        T0,
      );
    }
    await deliver("ready", [post("C1", "a", 3)], T0 + 10);

    expect(await due(T0 + 10)).toEqual(["ready@C1"]);
    expect((await store.queue.findDue(T0 + 10, 2)).map((row) => row.delivery_id)).toEqual([
      "ready",
    ]);
  });
});

describe("claim, lease and results", () => {
  test("a claim is exclusive, even when raced", async () => {
    await deliver("d1", [post("C1", "a")]);
    const { id } = await rowOf("d1");
    const claims = await Promise.all([
      claim(id, T0, 60_000),
      claim(id, T0, 60_000),
      claim(id, T0, 60_000),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claim(id, T0, 60_000)).toBe(false);
    expect(await rowOf("d1")).toMatchObject({ status: "sending", lease_until: T0 + 60_000 });
  });

  test("markSent keeps Slack's answer and counts the attempt", async () => {
    await deliver("d1", [post("C1", "a")]);
    const { id } = await rowOf("d1");
    await claim(id, T0, 60_000);
    await store.queue.markSent(id, { channel: "C1REAL", ts: "1700000000.000001" }, T0 + 7);
    expect(await rowOf("d1")).toMatchObject({
      status: "sent",
      slack_channel: "C1REAL",
      slack_ts: "1700000000.000001",
      sent_at: T0 + 7,
      attempts: 1,
      lease_until: null,
      last_error: null,
    });
  });

  test("reschedule counts the attempt only when asked to", async () => {
    await deliver("d1", [post("C1", "a")]);
    const { id } = await rowOf("d1");
    await claim(id, T0, 60_000);
    await store.queue.reschedule(
      id,
      { nextAttemptAt: T0 + 100, error: "http_500: x", countAttempt: true },
      T0,
    );
    await claim(id, T0 + 100, 60_000);
    await store.queue.reschedule(
      id,
      { nextAttemptAt: T0 + 1_100, error: "rate_limited: wait", countAttempt: false },
      T0 + 100,
    );
    expect(await rowOf("d1")).toMatchObject({
      status: "pending",
      attempts: 1,
      next_attempt_at: T0 + 1_100,
      last_error: "rate_limited: wait",
      lease_until: null,
    });
  });

  describe("a 429's hold on the channel (kept in SQL, for every replica)", () => {
    const PACE: Pace = { ratePerSecond: 1, burst: 3 };
    /** Claims C1's head at `at`, answered 429: the channel is held until `until`. */
    async function holdUntil(at: number, until: number) {
      const [head] = await store.queue.findDue(at, 10);
      expect(await claim(head!.id, at, 60_000, PACE)).toBe(true);
      await store.queue.reschedule(
        head!.id,
        {
          nextAttemptAt: until,
          error: "rate_limited: wait",
          countAttempt: false,
          blockChannelUntil: until,
        },
        at,
      );
    }
    const takes = async (at: number) =>
      (await store.queue.findDue(at, 10)).length > 0 &&
      claim((await store.queue.findDue(at, 10))[0]!.id, at, 60_000, PACE);

    test("holds the channel until the given time", async () => {
      await deliver("d1", [post("C1", "a")]);
      await holdUntil(T0, T0 + 5_000);
      expect(await takes(T0 + 4_999)).toBe(false);
      expect(await takes(T0 + 5_000)).toBe(true);
    });

    test("a shorter hold never shortens a longer one", async () => {
      await deliver("d1", [post("C1", "a")]);
      await holdUntil(T0, T0 + 20_000);
      // A late 429 for the same channel (from a replica whose claim had expired) says 6 s.
      await store.queue.reschedule(
        (await rowOf("d1")).id,
        {
          nextAttemptAt: T0 + 6_000,
          error: "rate_limited: wait",
          countAttempt: false,
          blockChannelUntil: T0 + 6_000,
        },
        T0 + 1,
      );
      expect(await takes(T0 + 6_000)).toBe(false);
      expect(await takes(T0 + 20_000)).toBe(true);
    });

    test("right after a hold only one message goes, then the pace holds", async () => {
      await deliver("d1", [post("C1", "a"), post("C2", "a")]);
      await deliver("d2", [post("C1", "b", 2)]);
      await deliver("d3", [post("C1", "c", 3)]);
      await holdUntil(T0, T0 + 5_000);
      const sendAll = async (at: number) => {
        let sent = 0;
        for (const row of await store.queue.findDue(at, 10)) {
          if (row.channel !== "C1") continue;
          if (!(await claim(row.id, at, 60_000, PACE))) continue;
          await store.queue.markSent(row.id, { channel: "C1", ts: `${at}.${sent}` }, at);
          sent += 1;
        }
        return sent;
      };
      expect(await sendAll(T0 + 5_000)).toBe(1);
      expect(await sendAll(T0 + 5_999)).toBe(0);
      expect(await sendAll(T0 + 6_000)).toBe(1);
    });
  });

  test("reclaimExpired gives back only the posts whose lease ran out", async () => {
    await deliver("short", [post("C1", "a")]);
    await deliver("long", [post("C2", "a")]);
    await deliver("waiting", [post("C3", "a")]);
    await claim((await rowOf("short")).id, T0, 1_000);
    await claim((await rowOf("long", "C2")).id, T0, 60_000);

    expect(await store.queue.reclaimExpired(T0 + 1_000)).toBe(0);
    expect(await store.queue.reclaimExpired(T0 + 1_001)).toBe(1);
    expect(await rowOf("short")).toMatchObject({ status: "pending", lease_until: null });
    expect(await rowOf("long", "C2")).toMatchObject({ status: "sending" });
    expect(await rowOf("waiting", "C3")).toMatchObject({ status: "pending" });
    expect(await store.queue.reclaimExpired(Number.MAX_SAFE_INTEGER)).toBe(1);
    expect(await store.operations.counts()).toMatchObject({ pending: 3, sending: 0 });
  });
});

describe("operator actions and gauges", () => {
  async function deadPost(id: string, channel = "C1") {
    await deliver(id, [post(channel, "a")]);
    const row = await rowOf(id, channel);
    await claim(row.id, T0, 60_000);
    await store.queue.markDead(row.id, "channel_not_found: fix it", T0);
    return row.id;
  }

  test("a dead post keeps its reason and counts its attempt", async () => {
    await deadPost("d1");
    expect(await rowOf("d1")).toMatchObject({
      status: "dead",
      last_error: "channel_not_found: fix it",
      attempts: 1,
      lease_until: null,
    });
  });

  test("retry puts chosen dead posts back, due now, with their attempts reset", async () => {
    const first = await deadPost("d1", "C1");
    await deadPost("d2", "C2");
    await deliver("live", [post("C3", "a")]);

    expect(await store.operations.retry([], T0 + 50)).toBe(0);
    expect(await store.operations.retry([(await rowOf("live", "C3")).id], T0 + 50)).toBe(0);
    expect(await store.operations.retry([first], T0 + 50)).toBe(1);
    expect(await rowOf("d1")).toMatchObject({
      status: "pending",
      attempts: 0,
      next_attempt_at: T0 + 50,
    });
    expect(await rowOf("d2", "C2")).toMatchObject({ status: "dead" });

    expect(await store.operations.retry("all-dead", T0 + 60)).toBe(1);
    expect(await store.operations.counts()).toEqual({ pending: 3, sending: 0, sent: 0, dead: 0 });
  });

  test("drop deletes pending and dead posts, never one being sent", async () => {
    const dead = await deadPost("d1", "C1");
    await deliver("pending", [post("C2", "a")]);
    await deliver("sending", [post("C3", "a")]);
    const pending = (await rowOf("pending", "C2")).id;
    const sending = (await rowOf("sending", "C3")).id;
    await claim(sending, T0, 60_000);

    expect(await store.operations.drop([])).toBe(0);
    expect(await store.operations.drop([dead, pending, sending])).toBe(2);
    expect(await store.operations.counts()).toEqual({ pending: 0, sending: 1, sent: 0, dead: 0 });
  });

  test("counts, oldestWaitingSince and list describe the outbox", async () => {
    expect(await store.operations.counts()).toEqual({ pending: 0, sending: 0, sent: 0, dead: 0 });
    expect(await store.operations.oldestWaitingSince()).toBeNull();

    await deliver("old", [post("C1", "a")], T0);
    await deliver("new", [post("C2", "a")], T0 + 1_000);
    await deliver("sent", [post("C3", "a")], T0 - 5_000);
    const sent = (await rowOf("sent", "C3")).id;
    await claim(sent, T0, 60_000);
    await store.queue.markSent(sent, { channel: "C3", ts: "1" }, T0);
    await deadPost("dead", "C4");

    expect(await store.operations.counts()).toEqual({ pending: 2, sending: 0, sent: 1, dead: 1 });
    // Sent and dead posts are no longer waiting.
    expect(await store.operations.oldestWaitingSince()).toBe(T0);
    expect(
      (await store.operations.list({ status: "dead", limit: 10 })).map((row) => row.delivery_id),
    ).toEqual(["dead"]);
    expect((await store.operations.list({ limit: 2 })).map((row) => row.delivery_id)).toEqual([
      "old",
      "new",
    ]);
  });

  test("state values are stored, read back and overwritten", async () => {
    expect(await store.shared.getState("redelivery_sweep.last_started_at")).toBeUndefined();
    await store.shared.setState("redelivery_sweep.last_started_at", "1");
    await store.shared.setState("redelivery_sweep.last_started_at", "2");
    expect(await store.shared.getState("redelivery_sweep.last_started_at")).toBe("2");
  });
});

describe("a store reopened, or opened by several processes", () => {
  let directory: string;
  /** SQLite: a file (in a nested folder that does not exist yet, as ./data is); PostgreSQL: a fresh schema. */
  let databaseUrl: string;
  const opened: OutboxStore[] = [];
  /** Another process's view of the same database (a restart, or another replica). */
  async function open(appId = APP_ID): Promise<OutboxStore> {
    const other = await openStore(parseDatabaseUrl(databaseUrl), appId, { poolSize: 4 });
    opened.push(other);
    return other;
  }
  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), "threadline-store-"));
    databaseUrl = await createTestDatabaseUrl(
      `sqlite://${join(directory, "data", "threadline.db")}`,
    );
  });
  /**
   * Several processes' views, opened one after another: SQLite has no lock around migrations
   * (one process owns a file); PostgreSQL's opening at once is tested below.
   */
  async function openMany(count: number): Promise<OutboxStore[]> {
    const stores: OutboxStore[] = [];
    for (let index = 0; index < count; index += 1) stores.push(await open());
    return stores;
  }
  afterEach(async () => {
    for (const other of opened.splice(0)) await other.close().catch(() => {});
    rmSync(directory, { recursive: true, force: true });
  });

  test("survives a restart: migrations run again without error and the rows are kept", async () => {
    const first = await open();
    await first.intake.enqueue(
      { deliveryId: "d1", event: "issue_comment.created", receivedAt: T0 },
      [post("C1", "a"), post("C2", "a")],
      T0,
    );
    await first.shared.setState("k", "v");
    await first.close();

    const second = await open();
    expect(await second.intake.hasDelivery("d1")).toBe(true);
    expect(await second.operations.counts()).toEqual({ pending: 2, sending: 0, sent: 0, dead: 0 });
    expect(await second.shared.getState("k")).toBe("v");
    expect(
      await second.intake.enqueue(
        { deliveryId: "d1", event: "issue_comment.created", receivedAt: T0 },
        [post("C1", "a")],
        T0,
      ),
    ).toBe(0);
    await second.close();
    expect((await (await open()).operations.counts()).pending).toBe(2);
  });

  test("replicas opening one database at once migrate it once and all work", async () => {
    const replicas =
      testStoreKind() === "postgres"
        ? await Promise.all([open(), open(), open()])
        : await openMany(3);
    await replicas[0]!.intake.enqueue(
      { deliveryId: "d1", event: "issue_comment.created", receivedAt: T0 },
      [post("C1", "a")],
      T0,
    );
    for (const replica of replicas) expect(await replica.intake.hasDelivery("d1")).toBe(true);
  });

  test("two Apps sharing one database see only their own deliveries and posts", async () => {
    const one = await open(1);
    const two = await open(2);
    await one.intake.enqueue(
      { deliveryId: "d1", event: "issue_comment.created", receivedAt: T0 },
      [post("C1", "a")],
      T0,
    );
    expect(await two.intake.hasDelivery("d1")).toBe(false);
    expect(await two.operations.counts()).toMatchObject({ pending: 0 });
    expect(await two.queue.findDue(T0, 10)).toEqual([]);
    expect(
      await two.intake.enqueue(
        { deliveryId: "d1", event: "issue_comment.created", receivedAt: T0 },
        [post("C1", "a")],
        T0,
      ),
    ).toBe(1);
    expect((await one.operations.counts()).pending).toBe(1);
  });

  describe("replicas sharing a channel", () => {
    /** Queues one post in `channel` for each pull request, through replica `on`. */
    async function queue(on: OutboxStore, channel: string, prs: number[]) {
      for (const pr of prs) {
        await on.intake.enqueue(
          { deliveryId: `${channel}-${pr}`, event: "issue_comment.created", receivedAt: T0 },
          [post(channel, "a", pr)],
          T0,
        );
      }
      return (await on.operations.list({ limit: 100 })).filter((row) => row.channel === channel);
    }

    test("only one post of a channel is sent at a time, whichever replica claims", async () => {
      const [a, b, c] = await openMany(3);
      const rows = await queue(a!, "C1", [1, 2, 3]);
      const claims = [a!, b!, c!].map(
        (replica, index) => () =>
          replica.queue.claim(rows[index]!, T0, { leaseMs: 60_000, pace: UNPACED, holder: HOLDER }),
      );
      // PostgreSQL races them for real; SQLite (one process per file, synchronous driver) takes
      // them one after another.
      const results =
        testStoreKind() === "postgres"
          ? await Promise.all(claims.map((claimNow) => claimNow()))
          : [await claims[0]!(), await claims[1]!(), await claims[2]!()];
      expect(results.filter(Boolean)).toHaveLength(1);
      // The channel is busy for everyone, and findDue no longer offers it.
      expect(await b!.queue.findDue(T0, 10)).toEqual([]);
      const winner = rows[results.indexOf(true)]!;
      await c!.queue.markSent(winner.id, { channel: "C1", ts: "1.1" }, T0 + 5);
      expect((await b!.queue.findDue(T0 + 5, 10)).map((row) => row.channel)).toEqual(["C1"]);
      const next = (await b!.queue.findDue(T0 + 5, 10))[0]!;
      expect(
        await b!.queue.claim(next, T0 + 5, { leaseMs: 60_000, pace: UNPACED, holder: HOLDER }),
      ).toBe(true);
    });

    test("the channel's pace holds across replicas, not per replica", async () => {
      const [a, b] = await openMany(2);
      const pace = { ratePerSecond: 1, burst: 1 };
      const rows = await queue(a!, "C1", [1, 2, 3]);
      expect(await a!.queue.claim(rows[0]!, T0, { leaseMs: 60_000, pace, holder: HOLDER })).toBe(
        true,
      );
      await a!.queue.markSent(rows[0]!.id, { channel: "C1", ts: "1.1" }, T0 + 10);

      expect(
        await b!.queue.claim(rows[1]!, T0 + 500, { leaseMs: 60_000, pace, holder: HOLDER }),
      ).toBe(false);
      expect(await b!.queue.findDue(T0 + 500, 10)).toEqual([]);
      expect(
        await b!.queue.claim(rows[1]!, T0 + 1_000, { leaseMs: 60_000, pace, holder: HOLDER }),
      ).toBe(true);
    });

    test("a 429's hold on a channel stops every replica until it ends; other channels go on", async () => {
      const [a, b] = await openMany(2);
      const rows = await queue(a!, "C1", [1, 2]);
      const [other] = await queue(a!, "C2", [1]);
      await a!.queue.claim(rows[0]!, T0, { leaseMs: 60_000, pace: UNPACED, holder: HOLDER });
      await a!.queue.reschedule(
        rows[0]!.id,
        {
          nextAttemptAt: T0 + 30_000,
          error: "rate_limited: wait",
          countAttempt: false,
          blockChannelUntil: T0 + 30_000,
        },
        T0,
      );
      expect((await b!.queue.findDue(T0 + 1, 10)).map((row) => row.channel)).toEqual(["C2"]);
      expect(
        await b!.queue.claim(rows[1]!, T0 + 1, { leaseMs: 60_000, pace: UNPACED, holder: HOLDER }),
      ).toBe(false);
      expect(
        await b!.queue.claim(other!, T0 + 1, { leaseMs: 60_000, pace: UNPACED, holder: HOLDER }),
      ).toBe(true);
      expect(
        await b!.queue.claim(rows[1]!, T0 + 30_000, {
          leaseMs: 60_000,
          pace: UNPACED,
          holder: HOLDER,
        }),
      ).toBe(true);
    });

    test("a replica that dies mid-send frees its channel when the lease ends, and its post is sent first", async () => {
      const [dying, survivor] = await openMany(2);
      for (const order of ["a", "b"]) {
        await survivor!.intake.enqueue(
          { deliveryId: `d-${order}`, event: "issue_comment.created", receivedAt: T0 },
          [post("C1", order)],
          T0,
        );
      }
      const [first, second] = await survivor!.operations.list({ limit: 10 });
      expect(
        await dying!.queue.claim(first!, T0, { leaseMs: 1_000, pace: UNPACED, holder: HOLDER }),
      ).toBe(true);
      await dying!.close();

      // Before the lease ends nothing in the channel moves; the later post never overtakes.
      expect(await survivor!.queue.reclaimExpired(T0 + 1_000)).toBe(0);
      expect(
        await survivor!.queue.claim(second!, T0 + 1_001, {
          leaseMs: 1_000,
          pace: UNPACED,
          holder: HOLDER,
        }),
      ).toBe(false);
      expect(await survivor!.queue.reclaimExpired(T0 + 1_001)).toBe(1);
      expect((await survivor!.queue.findDue(T0 + 1_001, 10)).map((row) => row.id)).toEqual([
        first!.id,
      ]);
      expect(
        await survivor!.queue.claim(first!, T0 + 1_001, {
          leaseMs: 1_000,
          pace: UNPACED,
          holder: HOLDER,
        }),
      ).toBe(true);
    });

    test("at start, SQLite takes back every post being sent; PostgreSQL its own and expired ones", async () => {
      const [a, b, c] = await openMany(3);
      const [mine] = await queue(a!, "C1", [1]);
      const [theirs] = await queue(a!, "C2", [1]);
      const [expired] = await queue(a!, "C3", [1]);
      await a!.queue.claim(mine!, T0, { leaseMs: 60_000, pace: UNPACED, holder: "host-a:3000" });
      await b!.queue.claim(theirs!, T0, { leaseMs: 60_000, pace: UNPACED, holder: "host-b:3000" });
      await c!.queue.claim(expired!, T0, { leaseMs: 1_000, pace: UNPACED, holder: "host-c:3000" });

      // host-a:3000 starts again (only one live process can hold that port on that host).
      const restarted = await open();
      const recovered = await restarted.queue.recoverAfterRestart(T0 + 5_000, "host-a:3000");
      // One process owns an SQLite file; PostgreSQL's other replicas are alive and sending.
      const sqlite = testStoreKind() === "sqlite";
      expect(recovered).toBe(sqlite ? 3 : 2);
      expect((await restarted.operations.counts()).sending).toBe(sqlite ? 0 : 1);
      // The channels of the posts taken back are free again; the live replica's is not.
      expect(
        (await restarted.queue.findDue(T0 + 5_000, 10)).map((row) => row.channel).sort(),
      ).toEqual(sqlite ? ["C1", "C2", "C3"] : ["C1", "C3"]);
    });
  });

  test("compare-and-set on a state value lets exactly one of racing replicas win", async () => {
    const replicas = await openMany(3);
    const created = await Promise.all(
      replicas.map((replica, index) =>
        replica.shared.compareAndSetState("k", undefined, `v${index}`),
      ),
    );
    expect(created.filter(Boolean)).toHaveLength(1);
    const value = await replicas[0]!.shared.getState("k");
    const updated = await Promise.all(
      replicas.map((replica, index) => replica.shared.compareAndSetState("k", value, `w${index}`)),
    );
    expect(updated.filter(Boolean)).toHaveLength(1);
    expect(await replicas[1]!.shared.compareAndSetState("k", "stale", "x")).toBe(false);
    expect(await replicas[2]!.shared.getState("k")).toMatch(/^w[012]$/);
  });

  test("a lease is held by one replica at a time, renewed by its holder, free once released or expired", async () => {
    const [a, b] = await openMany(2);
    const taken = await Promise.all([
      a!.shared.tryLease("sweep", "a", T0, 1_000),
      b!.shared.tryLease("sweep", "b", T0, 1_000),
    ]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    const [holder, holderName, other, otherName] = taken[0]
      ? [a!, "a", b!, "b"]
      : [b!, "b", a!, "a"];
    expect(await holder.shared.tryLease("sweep", holderName, T0 + 500, 1_000)).toBe(true);
    expect(await other.shared.tryLease("sweep", otherName, T0 + 1_499, 1_000)).toBe(false);
    expect(await other.shared.tryLease("sweep", otherName, T0 + 1_501, 1_000)).toBe(true);
    await holder.shared.releaseLease("sweep", holderName);
    // Releasing a lease one no longer holds leaves the new holder's alone.
    expect(await holder.shared.tryLease("sweep", holderName, T0 + 1_600, 1_000)).toBe(false);
    await other.shared.releaseLease("sweep", otherName);
    expect(await holder.shared.tryLease("sweep", holderName, T0 + 1_600, 1_000)).toBe(true);
  });
});

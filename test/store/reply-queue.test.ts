/**
 * The Slack -> GitHub direction's store: replies recorded once, claimed one change at a time per
 * message and by one replica at a time, given back after a crash, and the comments they became.
 * Runs on SQLite and on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SlackThreadMessage } from "../../src/events/slack-thread-message.js";
import { openStore, parseDatabaseUrl, type Store } from "../../src/store/open-store.js";
import type {
  ClaimedReply,
  SlackThreadMessage as StoredSlackThreadMessage,
} from "../../src/store/reply-queue.js";
import { replyDedupeKey } from "../../src/store/reply-queue.js";
import {
  createTestDatabaseUrl,
  dropTestDatabases,
  openTestStore,
  testStoreKind,
} from "../helpers/test-store.js";

/** Exactly the same type, optional fields included. */
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// store/ may not import events/, so it spells the message out; this line stops them drifting.
const sameMessage: Same<SlackThreadMessage, StoredSlackThreadMessage> = true;
void sameMessage;

const APP_ID = 12345;
const T0 = 1_700_000_000_000;
const DAY = 24 * 60 * 60_000;
const LEASE = 60_000;
const PR = "Codertocat/Hello-World#1";

let store: Store;

beforeEach(async () => {
  store = await openTestStore(APP_ID);
});
afterEach(async () => {
  await store.close();
  await dropTestDatabases();
});

let events = 0;

/** A reply in thread `1700000000.000100` of channel C1, as events/ reads it from Slack. */
function reply(overrides: Partial<SlackThreadMessage> = {}): SlackThreadMessage {
  events += 1;
  return {
    action: "created",
    eventTime: T0 / 1000,
    teamId: "T061EG9R6",
    userTeamId: "T061EG9R6",
    channel: "C1",
    ts: "1700000100.000200",
    threadTs: "1700000000.000100",
    user: "U061F7AUR",
    text: "Looks good &amp; ships",
    files: [],
    ...overrides,
    // Each event its own id, unless the test repeats one.
    eventId: overrides.eventId ?? `Ev${String(events).padStart(8, "0")}`,
  };
}

/** An edit of `message`, version `version`. */
const edit = (message: SlackThreadMessage, version: string) =>
  reply({ ...message, action: "edited", eventId: undefined, version, text: `v${version}` });

/** A deletion of `message`, as Slack may send it: without the author. */
const deletion = (message: SlackThreadMessage) =>
  reply({
    ...message,
    action: "deleted",
    eventId: undefined,
    text: "",
    user: undefined,
    userTeamId: undefined,
  });

/** Claims every due change, one after another, as `holder`: their event ids in claim order. */
async function claimAll(at: number, holder = "host-a:3000", on = store) {
  const claimed: ClaimedReply[] = [];
  for (;;) {
    const next = await on.replies.claimNext(at, holder, LEASE);
    if (!next) return claimed;
    claimed.push(next);
  }
}

const idsOf = (claimed: (ClaimedReply | undefined)[]) =>
  claimed.map((reply) => reply?.message.eventId);

describe("recording", () => {
  test("a message is recorded once, whether Slack retries its event or sends the change again", async () => {
    const created = reply();
    expect(await store.replies.record(created, PR, T0)).toBe("recorded");
    // Slack's retry: the same event id.
    expect(await store.replies.record(created, PR, T0 + 1_000)).toBe("duplicate");
    // The same creation under another event id.
    expect(await store.replies.record(reply({ ts: created.ts }), PR, T0)).toBe("duplicate");

    const first = edit(created, "1700000200.000300");
    expect(await store.replies.record(first, PR, T0)).toBe("recorded");
    expect(await store.replies.record(edit(created, first.version!), PR, T0)).toBe("duplicate");
    expect(await store.replies.record(edit(created, "1700000300.000400"), PR, T0)).toBe("recorded");
    expect(await store.replies.record(deletion(created), PR, T0)).toBe("recorded");
    expect(await store.replies.record(deletion(created), PR, T0)).toBe("duplicate");

    expect(await store.replies.counts()).toEqual({ pending: 4, sending: 0, done: 0, dead: 0 });
  });

  test("the dedupe key names the change: created, edited with its version, deleted", () => {
    const created = reply({ channel: "C9", ts: "1.2" });
    expect(replyDedupeKey(created)).toBe("C9/1.2/created");
    expect(replyDedupeKey(edit(created, "3.4"))).toBe("C9/1.2/edited/3.4");
    expect(replyDedupeKey(deletion(created))).toBe("C9/1.2/deleted");
    // An edit without a version is one change per event.
    const unversioned = reply({ ...created, action: "edited", eventId: "Ev1" });
    expect(replyDedupeKey(unversioned)).toBe("C9/1.2/edited/Ev1");
  });

  test("a claim hands back the message as recorded, its pull request and no attempt yet", async () => {
    const created = reply({ userTeamId: undefined, files: ["diagram.png"] });
    await store.replies.record(created, PR, T0);
    const claimed = await store.replies.claimNext(T0, "host-a:3000", LEASE);
    expect(claimed).toEqual({
      id: expect.any(Number),
      message: created,
      threadKey: PR,
      attempts: 0,
    });
    expect(await store.replies.counts()).toEqual({ pending: 0, sending: 1, done: 0, dead: 0 });
  });
});

describe("claiming in order", () => {
  test("a message's edit waits while its creation is pending or being written; other messages do not", async () => {
    const created = reply();
    const edited = edit(created, "1700000200.000300");
    const other = reply({ ts: "1700000150.000900" });
    for (const message of [created, edited, other]) await store.replies.record(message, PR, T0);

    expect(idsOf(await claimAll(T0))).toEqual([created.eventId, other.eventId]);
    expect(await store.replies.counts()).toMatchObject({ pending: 1, sending: 2 });
  });

  test("a creation retried later still holds its edit back, even when the edit is due", async () => {
    const created = reply();
    const edited = edit(created, "1700000200.000300");
    await store.replies.record(created, PR, T0);
    await store.replies.record(edited, PR, T0);
    const first = await store.replies.claimNext(T0, "host-a:3000", LEASE);
    await store.replies.retryLater(first!.id, "GitHub answered 502", T0 + 60_000, T0);

    expect(await store.replies.claimNext(T0 + 30_000, "host-a:3000", LEASE)).toBeUndefined();
    expect(await store.replies.nextDueAt()).toBe(T0 + 60_000);
    expect(idsOf(await claimAll(T0 + 60_000))).toEqual([created.eventId]);
  });

  test.each(["done", "dead"] as const)(
    "an edit is claimed once its creation is %s, and the deletion after it",
    async (end) => {
      const created = reply();
      const edited = edit(created, "1700000200.000300");
      const deleted = deletion(created);
      for (const message of [created, edited, deleted]) await store.replies.record(message, PR, T0);

      const first = await store.replies.claimNext(T0, "host-a:3000", LEASE);
      expect(first?.message.eventId).toBe(created.eventId);
      if (end === "done") await store.replies.complete(first!.id, T0 + 1);
      else await store.replies.fail(first!.id, "the pull request is locked", T0 + 1);

      const second = await store.replies.claimNext(T0 + 1, "host-a:3000", LEASE);
      expect(second?.message).toEqual(edited);
      expect(await store.replies.claimNext(T0 + 1, "host-a:3000", LEASE)).toBeUndefined();
      await store.replies.complete(second!.id, T0 + 2);
      expect(idsOf(await claimAll(T0 + 2))).toEqual([deleted.eventId]);
    },
  );

  test("due messages are claimed oldest first", async () => {
    const late = reply({ ts: "3.0" });
    const early = reply({ ts: "1.0" });
    const middle = reply({ ts: "2.0" });
    await store.replies.record(late, PR, T0 + 30);
    await store.replies.record(early, PR, T0 + 10);
    await store.replies.record(middle, PR, T0 + 20);
    expect(await store.replies.claimNext(T0 + 15, "host-a:3000", LEASE)).toMatchObject({
      message: early,
    });
    expect(idsOf(await claimAll(T0 + 30))).toEqual([middle.eventId, late.eventId]);
  });

  test("claimers at once never take the same message", async () => {
    for (let n = 0; n < 6; n += 1) await store.replies.record(reply({ ts: `${n}.0` }), PR, T0);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, n) => store.replies.claimNext(T0, `host-${n}:3000`, LEASE)),
    );
    const taken = claims.filter((claim) => claim !== undefined).map((claim) => claim.id);
    // A claimer that lost every race it ran may come back empty; what it left is still there.
    const rest = (await claimAll(T0, "host-z:3000")).map((claim) => claim.id);
    expect(new Set([...taken, ...rest]).size).toBe(6);
    expect(taken.length + rest.length).toBe(6);
  });
});

describe("retries, leases and restarts", () => {
  test("retryLater keeps the error, counts an attempt and waits until `at`", async () => {
    await store.replies.record(reply(), PR, T0);
    const first = await store.replies.claimNext(T0, "host-a:3000", LEASE);
    await store.replies.retryLater(first!.id, "GitHub answered 502", T0 + 5_000, T0 + 1);

    expect(await store.replies.counts()).toMatchObject({ pending: 1, sending: 0 });
    expect(await store.replies.claimNext(T0 + 4_999, "host-a:3000", LEASE)).toBeUndefined();
    expect(await store.replies.nextDueAt()).toBe(T0 + 5_000);
    const again = await store.replies.claimNext(T0 + 5_000, "host-a:3000", LEASE);
    expect(again).toMatchObject({ id: first!.id, attempts: 1 });
  });

  test("a claim whose lease ended is taken back, counting the attempt it cut off", async () => {
    await store.replies.record(reply(), PR, T0);
    const first = await store.replies.claimNext(T0, "host-a:3000", 1_000);
    expect(await store.replies.nextDueAt()).toBe(T0 + 1_000);

    expect(await store.replies.claimNext(T0 + 1_000, "host-b:3000", LEASE)).toBeUndefined();
    const taken = await store.replies.claimNext(T0 + 1_001, "host-b:3000", LEASE);
    // It may have written its comment before it stopped: the worker looks for it first.
    expect(taken).toMatchObject({ id: first!.id, attempts: 1 });
    // Held again, by the new claimer.
    expect(await store.replies.claimNext(T0 + 2_000, "host-c:3000", LEASE)).toBeUndefined();
    expect(await store.replies.counts()).toMatchObject({ sending: 1 });
  });

  test("after a restart, the holder's claims and any ended lease come back; a live replica's stay", async () => {
    for (const ts of ["1.0", "2.0", "3.0"]) await store.replies.record(reply({ ts }), PR, T0);
    const own = await store.replies.claimNext(T0, "host-a:3000", LEASE);
    const live = await store.replies.claimNext(T0, "host-b:3000", LEASE);
    const ended = await store.replies.claimNext(T0, "host-c:3000", 1_000);

    expect(await store.replies.recoverAfterRestart(T0 + 5_000, "host-a:3000")).toBe(2);
    expect(await store.replies.counts()).toMatchObject({ pending: 2, sending: 1 });
    const back = await claimAll(T0 + 5_000, "host-a:3000");
    expect(back.map((claim) => claim.id).sort()).toEqual([own!.id, ended!.id].sort());
    expect(back.every((claim) => claim.attempts === 1)).toBe(true);
    expect(back.map((claim) => claim.id)).not.toContain(live!.id);
  });

  test("nextDueAt: nothing waiting, a change held back by its creation, the soonest due", async () => {
    expect(await store.replies.nextDueAt()).toBeUndefined();
    const created = reply();
    await store.replies.record(created, PR, T0 + 500);
    await store.replies.record(edit(created, "9.9"), PR, T0 + 100);
    // The edit is due first but waits for its creation.
    expect(await store.replies.nextDueAt()).toBe(T0 + 500);
    await store.replies.record(reply({ ts: "2.0" }), PR, T0 + 300);
    expect(await store.replies.nextDueAt()).toBe(T0 + 300);
  });

  test("complete and fail end a message for good", async () => {
    await store.replies.record(reply({ ts: "1.0" }), PR, T0);
    await store.replies.record(reply({ ts: "2.0" }), PR, T0);
    const [one, two] = await claimAll(T0);
    await store.replies.complete(one!.id, T0 + 1);
    await store.replies.fail(two!.id, "the pull request is locked", T0 + 1);

    expect(await store.replies.counts()).toEqual({ pending: 0, sending: 0, done: 1, dead: 1 });
    expect(await store.replies.recoverAfterRestart(T0 + DAY, "host-a:3000")).toBe(0);
    expect(await store.replies.claimNext(T0 + DAY, "host-a:3000", LEASE)).toBeUndefined();
    expect(await store.replies.nextDueAt()).toBeUndefined();
  });
});

describe("comments written and people told", () => {
  test("the comment a message became, its deletion, and whether a comment is threadline's echo", async () => {
    expect(await store.replies.getComment("C1", "1.0")).toBeUndefined();
    expect(await store.replies.wroteComment(2_500_000_001)).toBe(false);

    await store.replies.saveComment(
      "C1",
      "1.0",
      { commentId: 2_500_000_001, threadKey: PR, deleted: false },
      T0,
    );
    expect(await store.replies.getComment("C1", "1.0")).toEqual({
      commentId: 2_500_000_001,
      threadKey: PR,
      deleted: false,
    });
    expect(await store.replies.getComment("C2", "1.0")).toBeUndefined();
    expect(await store.replies.wroteComment(2_500_000_001)).toBe(true);
    expect(await store.replies.wroteComment(2_500_000_002)).toBe(false);

    await store.replies.saveComment(
      "C1",
      "1.0",
      { commentId: 2_500_000_001, threadKey: PR, deleted: true },
      T0 + 1,
    );
    expect(await store.replies.getComment("C1", "1.0")).toMatchObject({ deleted: true });
    // Its deletion's webhook is an echo too.
    expect(await store.replies.wroteComment(2_500_000_001)).toBe(true);
  });

  test("a person is told once per thread and reason", async () => {
    const tell = (thread: string, user: string, reason: string) =>
      store.replies.tellOnce("C1", thread, user, reason, T0);
    expect(await tell("1.0", "U1", "not_linked")).toBe(true);
    expect(await tell("1.0", "U1", "not_linked")).toBe(false);
    expect(await tell("1.0", "U1", "locked")).toBe(true);
    expect(await tell("1.0", "U2", "not_linked")).toBe(true);
    expect(await tell("2.0", "U1", "not_linked")).toBe(true);
  });

  test("a thread's parent message names its pull request", async () => {
    await store.conversations.saveThread("C1", PR, { parentTs: "1.0", shownUpdatedAt: null });
    await store.conversations.saveThread("C2", "Codertocat/Hello-World#2", {
      parentTs: "1.0",
      shownUpdatedAt: null,
    });
    expect(await store.conversations.findThreadKey("C1", "1.0")).toBe(PR);
    expect(await store.conversations.findThreadKey("C2", "1.0")).toBe("Codertocat/Hello-World#2");
    expect(await store.conversations.findThreadKey("C1", "2.0")).toBeUndefined();
    expect(await store.conversations.findThreadKey("C3", "1.0")).toBeUndefined();
  });

  test("a thread in a channel the config names #name is found by the ID Slack's events carry", async () => {
    await store.conversations.saveThread("#pull-requests", PR, {
      parentTs: "3.0",
      shownUpdatedAt: null,
      slackChannel: "C0PULLREQS",
    });
    // A later save of what the parent shows keeps the channel's ID.
    await store.conversations.saveThread("#pull-requests", PR, {
      parentTs: "3.0",
      shownUpdatedAt: "2026-11-30T10:00:00Z",
    });
    expect(await store.conversations.findThreadKey("C0PULLREQS", "3.0")).toBe(PR);
    expect(await store.conversations.findThreadKey("C0OTHER000", "3.0")).toBeUndefined();
  });
});

test("pruning takes old done and dead replies and never one waiting or being written", async () => {
  const old = T0 - 40 * DAY;
  for (const ts of ["1.0", "2.0", "3.0", "4.0"]) await store.replies.record(reply({ ts }), PR, old);
  await store.replies.record(reply({ ts: "5.0" }), PR, T0 - DAY);
  const [done, dead, retried, , young] = await claimAll(T0 - DAY);
  await store.replies.complete(done!.id, old);
  await store.replies.fail(dead!.id, "the pull request is locked", old);
  await store.replies.retryLater(retried!.id, "GitHub answered 502", T0, old);
  await store.replies.complete(young!.id, T0 - DAY);

  const pruned = await store.retention.pruneBatch(
    { deliveriesBefore: T0 - 30 * DAY, conversationsBefore: T0 - 90 * DAY },
    100,
  );

  expect(pruned.slackReplies).toBe(2);
  expect(await store.replies.counts()).toEqual({ pending: 1, sending: 1, done: 1, dead: 0 });
});

describe("a database shared by replicas, or by Apps", () => {
  let directory: string;
  let databaseUrl: string;
  const opened: Store[] = [];
  async function open(appId = APP_ID): Promise<Store> {
    const other = await openStore(parseDatabaseUrl(databaseUrl), appId, { poolSize: 4 });
    opened.push(other);
    return other;
  }
  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), "threadline-replies-"));
    databaseUrl = await createTestDatabaseUrl(`sqlite://${join(directory, "threadline.db")}`);
  });
  afterEach(async () => {
    for (const other of opened.splice(0)) await other.close().catch(() => {});
    rmSync(directory, { recursive: true, force: true });
  });

  test("replicas claiming at once take each message exactly once, each change after the one before", async () => {
    // SQLite: one after another opening (no lock around migrations); PostgreSQL: each its own pool.
    const replicas = [await open(), await open(), await open()];
    const messages = Array.from({ length: 12 }, (_, n) => reply({ ts: `${n}.0` }));
    const edits = messages.slice(0, 4).map((message) => edit(message, "9.0"));
    for (const message of [...messages, ...edits])
      await replicas[0]!.replies.record(message, PR, T0);

    /** Claims and completes until nothing is left, as a worker does. */
    const work = async (replica: Store, holder: string) => {
      const handled: ClaimedReply[] = [];
      for (;;) {
        const next = await replica.replies.claimNext(T0, holder, LEASE);
        if (!next) {
          // Nothing claimable now: an edit may wait for another replica's claim of its creation.
          const { pending, sending } = await replica.replies.counts();
          if (pending + sending === 0) return handled;
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        handled.push(next);
        await replica.replies.complete(next.id, T0);
      }
    };
    const handled = await Promise.all(
      replicas.map((replica, n) => work(replica, `host-${n}:3000`)),
    );

    const all = handled.flat();
    expect(all).toHaveLength(16);
    expect(new Set(all.map((claim) => claim.id)).size).toBe(16);
    expect(await replicas[1]!.replies.counts()).toEqual({
      pending: 0,
      sending: 0,
      done: 16,
      dead: 0,
    });
    if (testStoreKind() === "postgres") {
      // Each replica had its share, for the race to mean something.
      expect(handled.filter((share) => share.length > 0).length).toBeGreaterThan(1);
    }
  });

  test("two Apps sharing one database see only their own replies, comments and notices", async () => {
    const one = await open(1);
    const two = await open(2);
    const created = reply();
    await one.replies.record(created, PR, T0);
    await one.replies.saveComment("C1", "1.0", { commentId: 7, threadKey: PR, deleted: false }, T0);
    await one.replies.tellOnce("C1", "1.0", "U1", "not_linked", T0);
    await one.conversations.saveThread("C1", PR, { parentTs: "1.0", shownUpdatedAt: null });

    expect(await two.replies.counts()).toMatchObject({ pending: 0 });
    expect(await two.replies.claimNext(T0, "host-a:3000", LEASE)).toBeUndefined();
    expect(await two.replies.getComment("C1", "1.0")).toBeUndefined();
    expect(await two.replies.wroteComment(7)).toBe(false);
    expect(await two.replies.tellOnce("C1", "1.0", "U1", "not_linked", T0)).toBe(true);
    expect(await two.conversations.findThreadKey("C1", "1.0")).toBeUndefined();
    expect(await two.replies.record(created, PR, T0)).toBe("recorded");
  });
});

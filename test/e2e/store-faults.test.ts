/**
 * The long run's faults, through the real endpoint: the store that stops taking writes (a
 * read-only SQLite file), PostgreSQL connections cut mid-run, a Slack that answers slowly, and
 * many channels at once. Each ends with every acknowledged comment shown exactly once, in order.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type SqliteDatabase from "better-sqlite3";
import nock from "nock";
import pg from "pg";
import { openStore, parseDatabaseUrl } from "../../src/store/open-store.js";
import { numberedComment } from "../fixtures/index.js";
import { mockConfigFile, mockInstallationToken } from "../helpers/fake-github.js";
import { startFakeSlack, type FakeSlack, type ReceivedCall } from "../helpers/fake-slack.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";
import { useStrictNock } from "../helpers/strict-nock.js";
import {
  createTestDatabaseUrl,
  dropTestDatabases,
  TEST_POSTGRES_URL,
  testStoreKind,
} from "../helpers/test-store.js";
import { sleep } from "../helpers/wait.js";

const CHANNEL = "C0123456789";
const CONFIG = `channel: ${CHANNEL}\nthreads: false\n`;
const SLOW = 30_000;

let slack: FakeSlack;
let app: TestApp | undefined;
let directory: string;

useStrictNock({ allowLocal: true });

beforeEach(async () => {
  slack = await startFakeSlack();
  directory = mkdtempSync(join(tmpdir(), "threadline-faults-"));
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await slack.close();
  rmSync(directory, { recursive: true, force: true });
  await dropTestDatabases();
  nock.cleanAll();
});

/** Comment `n` of pull request `pr` in `repo`, its body naming it (`Hello-World#1/3`). */
function comment(n: number, pr = 1, repo = "Hello-World") {
  const payload = numberedComment(n, {
    id: 3_000_000_000 + pr * 10_000 + n,
    body: `Comment ${repo}#${pr}/${n} says hello.`,
    pullRequest: pr,
    baseTime: Date.UTC(2024, 0, 1, 12, 0, 0),
  });
  payload.repository.name = repo;
  payload.repository.full_name = `Codertocat/${repo}`;
  return payload;
}

/** Which comments Slack shows, in its order. */
function shown(messages: readonly ReceivedCall[]): string[] {
  return messages.map((message) => /Comment (\S+) says hello/.exec(String(message.args.text))![1]!);
}

async function readiness() {
  const response = await fetch(`${app!.operatorUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as { problems: string[] } };
}

const onSqlite = testStoreKind() === "sqlite" ? describe : describe.skip;
const onPostgres = testStoreKind() === "postgres" ? describe : describe.skip;

onSqlite("the SQLite file stops taking writes (read-only, disk full)", () => {
  test("nothing is acknowledged that was not recorded; /readyz says why; all resumes when it takes writes again", async () => {
    let database: SqliteDatabase.Database | undefined;
    const store = await openStore(
      parseDatabaseUrl(`sqlite://${join(directory, "threadline.db")}`),
      12345,
      { onSqliteOpen: (opened) => (database = opened) },
    );
    app = await startTestApp({ SLACK_API_URL: slack.url }, { store });
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);
    expect((await app.deliver("issue_comment", comment(1), { id: "fault-1" })).status).toBe(200);
    await slack.waitForMessages(1);

    // What a read-only file (or a full disk) does to SQLite: every write refused.
    database!.pragma("query_only = 1");
    const refused = await app.deliver("issue_comment", comment(2), { id: "fault-2" });
    expect(refused.status).toBe(500);
    const unready = await readiness();
    expect(unready.status).toBe(503);
    expect(unready.body.problems).toContain(
      "the store failed (SQLITE_READONLY): the database file or its directory is read-only",
    );

    database!.pragma("query_only = 0");
    // GitHub (or the redelivery sweep) sends the failed delivery again.
    expect((await app.deliver("issue_comment", comment(2), { id: "fault-2" })).status).toBe(200);
    await slack.waitForMessages(2);
    await app.drained(SLOW);
    expect(shown(slack.messages)).toEqual(["Hello-World#1/1", "Hello-World#1/2"]);
    expect((await readiness()).status).toBe(200);
  });
});

onPostgres("PostgreSQL's connections are cut while deliveries arrive", () => {
  test("every delivery is either acknowledged and shown once, or refused and shown once its redelivery is", async () => {
    const name = `threadline-faults-${process.pid}-${Date.now()}`;
    const url = new URL(await createTestDatabaseUrl());
    url.searchParams.set("application_name", name);
    const store = await openStore(parseDatabaseUrl(url.toString()), 12345, { poolSize: 4 });
    app = await startTestApp({ SLACK_API_URL: slack.url }, { store });
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    // Like a failover: the App's connections are terminated again and again.
    let cutting = true;
    let cuts = 0;
    const cutter = (async () => {
      while (cutting) {
        const { rowCount } = await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1",
          [name],
        );
        cuts += rowCount ?? 0;
        await sleep(40);
      }
    })();

    const status = new Map<number, number>();
    for (let n = 1; n <= 20; n += 1) {
      const answer = await app.deliver("issue_comment", comment(n), { id: `cut-${n}` });
      status.set(n, answer.status);
      await sleep(15);
    }
    cutting = false;
    await cutter;
    await admin.end();
    expect(cuts).toBeGreaterThan(0);
    expect([...status.values()].every((code) => code === 200 || code === 500)).toBe(true);

    // GitHub's redelivery of every refused one, until each is taken.
    for (const [n, code] of status) {
      if (code === 200) continue;
      for (let attempt = 0; ; attempt += 1) {
        const answer = await app.deliver("issue_comment", comment(n), { id: `cut-${n}` });
        if (answer.status === 200) break;
        if (attempt > 20) throw new Error(`delivery ${n} was never taken`);
        await sleep(100);
      }
    }
    await slack.waitForMessages(20, SLOW);
    await app.drained(SLOW);
    const all = Array.from({ length: 20 }, (_, index) => `Hello-World#1/${index + 1}`);
    // Each once. Those acknowledged at once keep their order; a refused one is shown when its
    // redelivery comes (GitHub's, or the sweep's, minutes later in production), after later
    // comments already went out: the order window cannot wait for that.
    expect([...shown(slack.messages)].sort()).toEqual([...all].sort());
    const acknowledged = all.filter((_, index) => status.get(index + 1) === 200);
    expect(shown(slack.messages).filter((text) => acknowledged.includes(text))).toEqual(
      acknowledged,
    );
  }, 60_000);
});

describe("Slack answers slowly (within its timeout)", () => {
  test("GitHub's deliveries are acknowledged at once, and no claim expires while a call is still allowed to run", async () => {
    app = await startTestApp({
      SLACK_API_URL: slack.url,
      // Scaled down from 8 s of a 10 s timeout: each call takes 0.8 s of 1 s; the lease is 3 s.
      SLACK_TIMEOUT_MS: "1000",
      CLAIM_LEASE_MS: "3000",
    });
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);
    slack.delayAnswers(800);

    const acks: number[] = [];
    for (let n = 1; n <= 5; n += 1) {
      const started = performance.now();
      expect((await app.deliver("issue_comment", comment(n))).status).toBe(200);
      acks.push(performance.now() - started);
    }
    await slack.waitForMessages(5, SLOW);
    await app.drained(SLOW);

    expect(Math.max(...acks)).toBeLessThan(800);
    expect(shown(slack.messages)).toEqual(
      Array.from({ length: 5 }, (_, index) => `Hello-World#1/${index + 1}`),
    );
    expect(app.logs.some((line) => /took back posts/.test(line.msg))).toBe(false);
    expect(slack.posts()).toHaveLength(5);
  }, 60_000);
});

describe("many channels at once", () => {
  test("50 pull requests × 20 comments over 10 channels: none starves, each keeps its pace, all once, in order", async () => {
    const RATE = 25;
    app = await startTestApp({
      SLACK_API_URL: slack.url,
      SLACK_CHANNEL_RATE: String(RATE),
      SLACK_CHANNEL_BURST: "1",
    });
    mockInstallationToken(1);
    const repos = Array.from({ length: 10 }, (_, index) => `Repo-${index}`);
    repos.forEach((repo, index) =>
      mockConfigFile("Codertocat", repo, `channel: C0CHANNEL00${index}\nthreads: false\n`),
    );
    const deliveries = repos.flatMap((repo) =>
      [1, 2, 3, 4, 5].flatMap((pr) =>
        Array.from({ length: 20 }, (_, index) => comment(index + 1, pr, repo)),
      ),
    );
    // Comment n of every pull request before comment n + 1 of any: each channel always has work.
    deliveries.sort((a, b) => a.comment.created_at.localeCompare(b.comment.created_at));
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < deliveries.length) {
          const payload = deliveries[next]!;
          next += 1;
          expect((await app!.deliver("issue_comment", payload)).status).toBe(200);
        }
      }),
    );
    await slack.waitForMessages(1_000, 60_000);
    await app.drained(SLOW);

    const byChannel = new Map<string, ReceivedCall[]>();
    for (const message of slack.messages) {
      const channel = String(message.args.channel);
      byChannel.set(channel, [...(byChannel.get(channel) ?? []), message]);
    }
    expect(byChannel.size).toBe(10);
    const times = slack.messages.map((message) => message.receivedAt);
    const [start, end] = [Math.min(...times), Math.max(...times)];
    const lastPosts = [...byChannel.values()].map((messages) => messages.at(-1)!.receivedAt);
    for (const [channel, messages] of byChannel) {
      expect([channel, messages.length]).toEqual([channel, 100]);
      // No channel waits for another: each starts early and finishes with the others, its share
      // of the sending spread over the whole time.
      expect(messages[0]!.receivedAt - start).toBeLessThan(0.2 * (end - start));
      expect(messages.at(-1)!.receivedAt - Math.min(...lastPosts)).toBeLessThan(1_000);
      // Each keeps its pace: in any second, at most RATE posts (and the burst of one).
      for (const first of messages) {
        const inSecond = messages.filter(
          (other) =>
            other.receivedAt >= first.receivedAt && other.receivedAt < first.receivedAt + 1_000,
        );
        expect(inSecond.length).toBeLessThanOrEqual(RATE + 1);
      }
    }
    // Once each, and in order within each pull request.
    const seen = shown(slack.messages);
    expect(new Set(seen).size).toBe(1_000);
    for (const repo of repos) {
      for (const pr of [1, 2, 3, 4, 5]) {
        const own = seen.filter((label) => label.startsWith(`${repo}#${pr}/`));
        expect(own).toEqual(Array.from({ length: 20 }, (_, index) => `${repo}#${pr}/${index + 1}`));
      }
    }
  }, 90_000);
});

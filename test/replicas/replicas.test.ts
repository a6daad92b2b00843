/**
 * Three App processes on one PostgreSQL database, as behind a load balancer: deliveries land on
 * whichever replica they are sent to, one replica is killed with SIGKILL while Slack holds its
 * post, and Slack answers 429 at times. Every comment must be shown once, in order per pull
 * request, under one parent per pull request, with Slack's pace and Retry-After kept by the
 * replicas together.
 *
 * Runs in the PostgreSQL project only: one process owns an SQLite file.
 */
import { afterEach, beforeEach, expect, test } from "@jest/globals";
import { numberedComment } from "../fixtures/index.js";
import { startFakeGitHubServer, type FakeGitHubServer } from "../helpers/fake-github-server.js";
import { startFakeSlack, type FakeSlack, type ReceivedCall } from "../helpers/fake-slack.js";
import {
  createAppEnvironment,
  freePort,
  stopAllApps,
  type SpawnedApp,
} from "../helpers/spawn-app.js";
import { TEST_POSTGRES_PASSWORD, TEST_POSTGRES_URL, testStoreKind } from "../helpers/test-store.js";
import { sleep, waitUntil } from "../helpers/wait.js";

const CHANNEL = "C0REPLICAS1";
const PULL_REQUESTS = [11, 12, 13, 14];
const COMMENTS_PER_PULL_REQUEST = 15;
const RATE_PER_SECOND = 10;
const BURST = 2;
const LEASE_MS = 3_000;

let slack: FakeSlack;
let github: FakeGitHubServer;

beforeEach(async () => {
  if (testStoreKind() !== "postgres") {
    throw new Error("the replicas suite needs PostgreSQL (it runs in the postgres project)");
  }
  slack = await startFakeSlack();
  github = await startFakeGitHubServer({ "Codertocat/Hello-World": `channel: ${CHANNEL}\n` });
});

afterEach(async () => {
  await stopAllApps();
  await slack.close();
  await github.close();
  expect(github.unexpected).toEqual([]);
});

/** Comment `n` on pull request `pr`: ids and times rise with `n`; the body names both. */
function comment(pr: number, n: number) {
  const payload = numberedComment(n, {
    id: pr * 1_000 + n,
    body: `Comment p${pr}c${String(n).padStart(3, "0")}q of the run.`,
    pullRequest: pr,
  });
  payload.issue.title = `Replicated change P${pr}T`;
  return payload;
}

/** The pull request a parent message is for, or a reply's pull request and comment number. */
function describeMessage(message: ReceivedCall): { pr: number; n?: number } {
  const text = JSON.stringify(message.args);
  const reply = /\bp(\d+)c(\d{3})q\b/.exec(text);
  if (reply) return { pr: Number(reply[1]), n: Number(reply[2]) };
  const parent = /Replicated change P(\d+)T/.exec(text);
  if (!parent) throw new Error(`a message that is neither a comment nor a parent: ${text}`);
  return { pr: Number(parent[1]) };
}

test("three replicas, one killed mid-send, Slack rate-limiting at times: every comment once, in order, one parent per pull request", async () => {
  const environment = await createAppEnvironment({
    slackUrl: slack.url,
    githubHost: github.host,
    env: {
      SLACK_CHANNEL_RATE: String(RATE_PER_SECOND),
      SLACK_CHANNEL_BURST: String(BURST),
      SLACK_TIMEOUT_MS: "1000",
      CLAIM_LEASE_MS: String(LEASE_MS),
    },
  });
  const replicas: SpawnedApp[] = [];
  for (const name of ["replica-1", "replica-2", "replica-3"]) {
    replicas.push(
      await environment.start({
        PORT: String(await freePort()),
        // Tells the fake Slack which replica each call came from.
        SLACK_API_URL: `${slack.url}${name}/`,
      }),
    );
  }
  const victim = replicas[1]!;
  const rateLimitedCalls = () => slack.calls.filter((call) => call.answer === "rate_limited");
  const alive = new Set(replicas);

  /** Sends a delivery as a load balancer would: to its replica, else to the next one alive. */
  let cursor = 0;
  async function deliver(payload: unknown, id: string): Promise<void> {
    for (let tries = 0; tries < 6; tries += 1) {
      const replica = replicas[(cursor += 1) % replicas.length]!;
      if (!alive.has(replica)) continue;
      try {
        const answer = await replica.deliver("issue_comment", payload, id);
        if (answer.status === 200) return;
      } catch {
        // Killed while answering: GitHub would redeliver; the load balancer picks another.
      }
    }
    throw new Error(`no replica took delivery ${id}`);
  }

  // The nth comment of every pull request is delivered at once, each to a different replica;
  // the (n+1)th only after the nth was acknowledged, as comments written in turn would be.
  const half = Math.floor(COMMENTS_PER_PULL_REQUEST / 2);
  for (let n = 1; n <= COMMENTS_PER_PULL_REQUEST; n += 1) {
    if (n === 3) slack.script({ kind: "rate_limited", retryAfterSeconds: 1 });
    if (n === half) {
      // Catch the victim with a post held by Slack, then kill it: the post was never accepted,
      // and its claim (and the channel) come back to the others when the lease runs out.
      let caught = false;
      for (let attempt = 0; attempt < 50 && !caught; attempt += 1) {
        slack.delayAnswers("hold");
        await waitUntil(() => slack.unanswered() > 0, "a replica sends to Slack", 20_000);
        const held = slack.calls.filter((call) => call.answer === undefined);
        caught = held.some((call) => call.from === "replica-2");
        if (!caught) {
          slack.delayAnswers(0);
          slack.release();
          await sleep(20);
        }
      }
      expect(caught).toBe(true);
      victim.kill("SIGKILL");
      alive.delete(victim);
      expect(await victim.exited).toEqual({ code: null, signal: "SIGKILL" });
      slack.delayAnswers(0);
      slack.release();
      slack.script({ kind: "rate_limited", retryAfterSeconds: 1 });
    }
    await Promise.all(PULL_REQUESTS.map((pr) => deliver(comment(pr, n), `delivery-${pr}-${n}`)));
    if (n === 3) {
      // Acknowledgements run ahead of Slack's pace: let the first 429 be answered before answers
      // are held, or a held 429 could go to the replica about to be killed and never be seen.
      await waitUntil(() => rateLimitedCalls().length >= 1, "Slack answers the first 429", 20_000);
    }
  }

  const expected = PULL_REQUESTS.length * (COMMENTS_PER_PULL_REQUEST + 1);
  await slack.waitForMessages(expected, 60_000);
  // Past the lease once more: nothing the dead replica held is sent a second time.
  await sleep(LEASE_MS + 1_000);
  expect(slack.messages).toHaveLength(expected);

  // One parent per pull request, every comment once and in order, each in its PR's thread.
  const parents = new Map<number, string>();
  const shown = new Map<number, number[]>();
  for (const message of slack.messages) {
    const { pr, n } = describeMessage(message);
    if (n === undefined) {
      expect(parents.has(pr)).toBe(false);
      expect(message.args.thread_ts).toBeUndefined();
      parents.set(pr, message.ts!);
      continue;
    }
    expect(message.args.thread_ts).toBe(parents.get(pr));
    shown.set(pr, [...(shown.get(pr) ?? []), n]);
  }
  const inOrder = Array.from({ length: COMMENTS_PER_PULL_REQUEST }, (_, index) => index + 1);
  for (const pr of PULL_REQUESTS) expect(shown.get(pr)).toEqual(inOrder);

  // Every replica sent to Slack, and both survivors' messages are shown: the work was spread.
  expect(new Set(slack.posts().map((call) => call.from))).toEqual(
    new Set(["replica-1", "replica-2", "replica-3"]),
  );
  const shownFrom = new Set(slack.messages.map((message) => message.from));
  expect(shownFrom.has("replica-1") && shownFrom.has("replica-3")).toBe(true);

  // Slack's pace held across the replicas together: in any second, at most the burst plus the
  // rate (one more for timing noise between a claim and the call's arrival).
  const posts = slack.posts().map((call) => call.receivedAt);
  for (const start of posts) {
    const inWindow = posts.filter((at) => at >= start && at < start + 1_000).length;
    expect(inWindow).toBeLessThanOrEqual(BURST + RATE_PER_SECOND + 1);
  }
  // After each 429, no replica called Slack before its Retry-After (1 s) was over.
  const limited = rateLimitedCalls();
  expect(limited.length).toBeGreaterThanOrEqual(2);
  for (const call of limited) {
    const next = slack.calls.find((later) => later.receivedAt > call.answeredAt!);
    if (next) expect(next.receivedAt - call.answeredAt!).toBeGreaterThanOrEqual(1_000 - 20);
  }

  // Each replica said which store it opened, and none logged the database's password.
  const server = new URL(TEST_POSTGRES_URL);
  for (const replica of replicas) {
    expect(replica.logs.find((line) => line.msg === "store open")).toMatchObject({
      store: `PostgreSQL at ${server.host}${server.pathname}`,
    });
    expect(JSON.stringify(replica.logs) + replica.stderr()).not.toContain(TEST_POSTGRES_PASSWORD);
  }

  // A survivor took the dead replica's post back and said so.
  const survivors = replicas.filter((replica) => replica !== victim);
  await waitUntil(
    () =>
      survivors.some((replica) =>
        replica.logs.some((line) => line.msg.startsWith("took back posts whose sender stopped")),
      ),
    "a survivor logs taking back the dead replica's post",
    20_000,
  );
}, 120_000);

test("a rolling restart (SIGTERM, start again, the next replica) loses and doubles nothing", async () => {
  const environment = await createAppEnvironment({
    slackUrl: slack.url,
    githubHost: github.host,
    env: {
      SLACK_CHANNEL_RATE: "50",
      SLACK_CHANNEL_BURST: "5",
      SLACK_TIMEOUT_MS: "2000",
      CLAIM_LEASE_MS: "6000",
    },
  });
  const ports = [await freePort(), await freePort()];
  const start = (index: number) => environment.start({ PORT: String(ports[index]) });
  const replicas: (SpawnedApp | undefined)[] = [await start(0), await start(1)];
  // Slack answers slowly, so a replica always has a post in flight when it is told to stop.
  slack.delayAnswers(150);

  let cursor = 0;
  async function deliver(payload: unknown, id: string): Promise<void> {
    for (let tries = 0; tries < 40; tries += 1) {
      const replica = replicas[(cursor += 1) % replicas.length];
      if (replica) {
        try {
          // 503 while a replica stops: the load balancer (or GitHub's redelivery) tries again.
          if ((await replica.deliver("issue_comment", payload, id)).status === 200) return;
        } catch {
          // Not listening (stopped): another replica takes it.
        }
      }
      await sleep(25);
    }
    throw new Error(`no replica took delivery ${id}`);
  }

  const pr = PULL_REQUESTS[0]!;
  let n = 0;
  const sendSome = async (count: number) => {
    for (let index = 0; index < count; index += 1) {
      n += 1;
      await deliver(comment(pr, n), `rolling-${n}`);
    }
  };

  await sendSome(8);
  for (const index of [0, 1]) {
    const stopping = replicas[index]!;
    replicas[index] = undefined;
    stopping.kill("SIGTERM");
    // Deliveries keep coming while it drains and restarts.
    await sendSome(6);
    expect(await stopping.exited).toEqual({ code: 0, signal: null });
    replicas[index] = await start(index);
    await sendSome(4);
  }

  await slack.waitForMessages(n + 1, 60_000);
  await sleep(1_000);
  const replies = slack.messages.filter((message) => describeMessage(message).n !== undefined);
  expect(replies.map((message) => describeMessage(message).n)).toEqual(
    Array.from({ length: n }, (_, index) => index + 1),
  );
  expect(slack.messages).toHaveLength(n + 1);
}, 120_000);

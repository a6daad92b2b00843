/**
 * What a Slack reader notices when Slack, the network or GitHub misbehave: at the end, the exact
 * set of messages, none missing, none twice, and each pull request's comments in the order they
 * were made. Everything goes through the real endpoint, the real outbox and @slack/web-api's real
 * HTTP path against a scripted fake Slack.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import nock from "nock";
import { useStrictNock } from "../helpers/strict-nock.js";
import type { AppOverrides } from "../../src/start-app.js";
import { numberedComment } from "../fixtures/index.js";
import { github, mockConfigFile, mockInstallationToken } from "../helpers/fake-github.js";
import { startFakeSlack, type FakeSlack, type ReceivedCall } from "../helpers/fake-slack.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";
import { waitUntil } from "../helpers/wait.js";

const CHANNEL = "C0123456789";
/** Comments on pull requests labelled `elsewhere` go here instead. */
const OTHER_CHANNEL = "C0OTHER0001";
// Threads are the subject of conversations.test.ts; here each comment is one message.
const CONFIG = `
channel: ${CHANNEL}
threads: false
routes:
  - channel: ${OTHER_CHANNEL}
    labels: [elsewhere]
`;
/** Fast retries, so a test of a failing Slack takes milliseconds instead of seconds. */
const FAST_RETRIES: AppOverrides = {
  retryPolicy: { baseDelayMs: 20, maxDelayMs: 200, giveUpAfterMs: 60_000 },
};
/** Long enough for any wait in this file on a busy machine; tests assert outcomes, not speed. */
const SLOW = 30_000;

let slack: FakeSlack;
let app: TestApp | undefined;

useStrictNock({ allowLocal: true });

beforeEach(async () => {
  slack = await startFakeSlack();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await slack.close();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

/** Starts the App against the fake Slack, with GitHub ready for one repository's config. */
async function start(
  env: Record<string, string | undefined> = {},
  overrides: AppOverrides = {},
): Promise<TestApp> {
  app = await startTestApp({ SLACK_API_URL: slack.url, ...env }, overrides);
  mockInstallationToken(1);
  mockConfigFile("Codertocat", "Hello-World", CONFIG);
  return app;
}

interface CommentOptions {
  pullRequest?: number;
  /** Routes the comment to OTHER_CHANNEL. */
  elsewhere?: boolean;
}

/**
 * The real `issue_comment.created` payload, as comment `n` of its pull request: its own id, a
 * `created_at` `n` seconds after the first, and a body that names it.
 */
function comment(n: number, options: CommentOptions = {}) {
  const pullRequest = options.pullRequest ?? 1;
  const payload = numberedComment(n, {
    id: 2_000_000_000 + pullRequest * 1_000 + n,
    body: `Comment ${label(n, options)} says hello.`,
    pullRequest,
    baseTime: Date.UTC(2024, 0, 1, 12, 0, 0),
  });
  if (options.elsewhere) {
    payload.issue.labels = payload.issue.labels?.map((existing) => ({
      ...existing,
      name: "elsewhere",
    }));
  }
  return payload;
}

/** How a comment names itself in its body: `A3` is comment 3 of pull request 1. */
function label(n: number, options: CommentOptions = {}): string {
  const letter = String.fromCharCode(64 + (options.pullRequest ?? 1));
  return `${options.elsewhere ? "other-" : ""}${letter}${n}`;
}

/** Which comment each Slack message carries, from its top-level `text`, in Slack's order. */
function shown(messages: readonly ReceivedCall[]): string[] {
  return messages.map((message) => {
    const match = /Comment (\S+) says hello/.exec(String(message.args.text));
    if (!match) throw new Error(`not one of this file's comments: ${String(message.args.text)}`);
    return match[1]!;
  });
}

async function deliverComment(n: number, options: CommentOptions & { id?: string } = {}) {
  const response = await app!.deliver(
    "issue_comment",
    comment(n, options),
    options.id ? { id: options.id } : {},
  );
  expect(response.status).toBe(200);
  return response;
}

/** Everything queued has been settled: nothing waits or is in flight, so nothing more will post. */
const settled = () => app!.drained(SLOW);

async function metrics(): Promise<string> {
  const response = await fetch(`${app!.operatorUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

async function readiness(): Promise<{ status: number; body: { problems: string[] } }> {
  const response = await fetch(`${app!.operatorUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as { problems: string[] } };
}

describe("the same delivery twice", () => {
  test("delivered again later: 200 both times, the second says duplicate, one message", async () => {
    await start();

    const first = await deliverComment(1, { id: "same-delivery" });
    await slack.waitForMessages(1);
    const second = await deliverComment(1, { id: "same-delivery" });

    expect(await first.text()).toBe("ok\n");
    expect(await second.text()).toMatch(/duplicate/);
    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 1, dead: 0 });
    expect(shown(slack.messages)).toEqual(["A1"]);
    expect(slack.posts()).toHaveLength(1);
    const text = await metrics();
    expect(text).toContain('threadline_deliveries_received_total{outcome="queued"} 1');
    expect(text).toContain('threadline_deliveries_received_total{outcome="duplicate"} 1');
  });

  test("delivered again before the first was answered: both 200, one message", async () => {
    await start();
    // Warm the installation token and config caches, so the race is about the delivery alone.
    await deliverComment(1);

    const responses = await Promise.all([
      app!.deliver("issue_comment", comment(2), { id: "raced-delivery" }),
      app!.deliver("issue_comment", comment(2), { id: "raced-delivery" }),
    ]);

    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 2, dead: 0 });
    expect(shown(slack.messages)).toEqual(["A1", "A2"]);
    expect(slack.posts()).toHaveLength(2);
  });
});

describe("Slack asks to slow down", () => {
  test(
    "a 429 storm: every comment is posted once, in the order the comments were made",
    async () => {
      await start({}, FAST_RETRIES);
      const limited = { kind: "rate_limited", retryAfterSeconds: 1 } as const;
      slack.script(limited, { kind: "ok" }, limited, { kind: "ok" }, limited);

      for (let n = 1; n <= 5; n += 1) await deliverComment(n);

      await slack.waitForMessages(5, SLOW);
      expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 5, dead: 0 });
      expect(shown(slack.messages)).toEqual(["A1", "A2", "A3", "A4", "A5"]);
      // Each refused comment was tried again before the next one: nothing twice, nothing skipped.
      expect(shown(slack.posts())).toEqual(["A1", "A1", "A2", "A2", "A3", "A3", "A4", "A5"]);
      expect(await metrics()).toContain('threadline_posts_retried_total{reason="rate_limited"} 3');
      const retry = app!.logs.find((line) => line.slackError === "rate_limited");
      expect(retry).toMatchObject({ channel: CHANNEL, pullRequest: "Codertocat/Hello-World#1" });
    },
    SLOW * 2,
  );

  test(
    "one channel's 429 never holds another channel",
    async () => {
      await start({}, FAST_RETRIES);
      slack.script({ kind: "rate_limited", retryAfterSeconds: 2 });

      await deliverComment(1);
      // Slack refused the first post to CHANNEL and asked for two seconds...
      await waitUntil(() => slack.posts().length === 1, "the post reaches Slack", SLOW);
      // ...during which OTHER_CHANNEL's comments arrive.
      await deliverComment(1, { pullRequest: 2, elsewhere: true });
      await deliverComment(2, { pullRequest: 2, elsewhere: true });

      await slack.waitForMessages(3, SLOW);
      expect(slack.messages.map((message) => message.args.channel)).toEqual([
        OTHER_CHANNEL,
        OTHER_CHANNEL,
        CHANNEL,
      ]);
      expect(shown(slack.messages)).toEqual(["other-B1", "other-B2", "A1"]);
      expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 3, dead: 0 });
      expect(slack.posts()).toHaveLength(4);
    },
    SLOW * 2,
  );
});

describe("Slack asks to slow down, with a backlog", () => {
  test(
    "a rate-limited channel with many waiting pull requests still never holds another channel",
    async () => {
      await start({}, FAST_RETRIES);
      slack.script({ kind: "rate_limited", retryAfterSeconds: 4 });

      await deliverComment(1);
      await waitUntil(() => slack.posts().length === 1, "the post reaches Slack", SLOW);
      for (let pullRequest = 2; pullRequest <= 40; pullRequest += 1) {
        await deliverComment(1, { pullRequest });
      }
      await deliverComment(1, { pullRequest: 99, elsewhere: true });

      await slack.waitForMessages(41, SLOW);
      expect(slack.messages[0]!.args.channel).toBe(OTHER_CHANNEL);
    },
    SLOW * 2,
  );
});

describe("Slack or the network fails for a moment", () => {
  test.each([
    ["an HTTP 500", { kind: "http", status: 500 } as const, "http_500"],
    ["a hang past SLACK_TIMEOUT_MS", { kind: "hang", ms: 1_500 } as const, "timeout"],
    ["a connection reset", { kind: "reset" } as const, /^(econnreset|socket_hang_up)$/],
  ])(
    "%s is retried, the comment is posted once, and the next comment waits for it",
    async (_name, failure, code) => {
      // Both comments are queued before the first is tried; the retry waits 100-200 ms, long
      // enough that comment 2 would overtake comment 1 if it could.
      await start(
        { SLACK_TIMEOUT_MS: "300", ORDER_WINDOW_MS: "200" },
        { retryPolicy: { baseDelayMs: 200, maxDelayMs: 400, giveUpAfterMs: 60_000 } },
      );
      slack.script(failure);

      await deliverComment(1);
      await deliverComment(2);

      await slack.waitForMessages(2, SLOW);
      expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 2, dead: 0 });
      expect(shown(slack.messages)).toEqual(["A1", "A2"]);
      expect(shown(slack.posts())).toEqual(["A1", "A1", "A2"]);
      const retries = app!.logs.filter((line) => line.msg.startsWith("Slack post will be retried"));
      expect(retries).toHaveLength(1);
      expect(retries[0]!.slackError).toMatch(code);
    },
    SLOW * 2,
  );

  test(
    "a run of different failures on one post still ends with it posted once",
    async () => {
      await start({ SLACK_TIMEOUT_MS: "300" }, FAST_RETRIES);
      slack.script(
        { kind: "http", status: 503 },
        { kind: "reset" },
        { kind: "hang", ms: 1_500 },
        { kind: "error", error: "internal_error" },
      );

      await deliverComment(1);

      await slack.waitForMessages(1, SLOW);
      expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 1, dead: 0 });
      expect(shown(slack.posts())).toEqual(["A1", "A1", "A1", "A1", "A1"]);
      expect(shown(slack.messages)).toEqual(["A1"]);
      const [sent] = await app!.store.operations.list({ status: "sent", limit: 1 });
      expect(sent!.attempts).toBe(5);
      expect(await metrics()).toMatch(
        /threadline_posts_retried_total\{reason="internal_error"\} 1/,
      );
    },
    SLOW * 2,
  );
});

describe("Slack refuses a post for good", () => {
  test("channel_not_found: set aside at once, the log names the channel and the fix, others flow", async () => {
    await start({}, FAST_RETRIES);
    slack.script({ kind: "error", error: "channel_not_found" });

    await deliverComment(1);
    const failure = await app!.waitForLog((line) => line.msg.startsWith("Slack post set aside"));
    await deliverComment(1, { pullRequest: 2, elsewhere: true });

    await slack.waitForMessages(1, SLOW);
    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 1, dead: 1 });
    expect(shown(slack.messages)).toEqual(["other-B1"]);
    expect(slack.posts()).toHaveLength(2);
    expect(failure).toMatchObject({ channel: CHANNEL, slackError: "channel_not_found" });
    expect(failure.msg).toContain(CHANNEL);
    expect(failure.msg).toContain("check the channel ID in .github/threadline.yml");
    const [dead] = await app!.store.operations.list({ status: "dead", limit: 10 });
    expect(failure.msg).toContain(`npx threadline outbox retry ${dead!.id}`);
    expect(dead).toMatchObject({ attempts: 1, channel: CHANNEL });
    expect(dead!.last_error).toMatch(/^channel_not_found: /);
    expect(await metrics()).toContain(
      'threadline_posts_dead_lettered_total{reason="channel_not_found"} 1',
    );
  });

  test("a redelivery of a delivery whose post was set aside adds nothing", async () => {
    await start({}, FAST_RETRIES);
    slack.script({ kind: "error", error: "channel_not_found" });
    await deliverComment(1, { id: "dead-delivery" });
    await app!.waitForLog((line) => line.msg.startsWith("Slack post set aside"));

    const again = await deliverComment(1, { id: "dead-delivery" });

    expect(await again.text()).toMatch(/duplicate/);
    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 0, dead: 1 });
    expect(slack.posts()).toHaveLength(1);
    expect(slack.messages).toHaveLength(0);
  });
});

describe("Slack refuses the token", () => {
  test(
    "invalid_auth pauses sending without dropping anything, and it resumes once the token works",
    async () => {
      // Refused until the test has looked at the paused App; probes come every 200 ms.
      const refusals = 15;
      await start({}, { ...FAST_RETRIES, pauseProbeMs: 200 });
      slack.script(
        ...Array.from(
          { length: refusals },
          () => ({ kind: "error", error: "invalid_auth" }) as const,
        ),
      );

      await deliverComment(1);
      await app!.waitForLog((line) => line.msg.startsWith("sending to Slack is paused"), SLOW);
      await deliverComment(2);
      await deliverComment(3);

      const paused = await readiness();
      expect(paused.status).toBe(503);
      expect(paused.body.problems.join("\n")).toMatch(/sending to Slack is paused: invalid_auth/);
      expect(paused.body.problems.join("\n")).toContain("SLACK_BOT_TOKEN");
      const waiting = await app!.store.operations.counts();
      expect(waiting.pending + waiting.sending).toBe(3);
      expect(waiting).toMatchObject({ sent: 0, dead: 0 });

      await slack.waitForMessages(3, SLOW);
      expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 3, dead: 0 });
      expect(shown(slack.messages)).toEqual(["A1", "A2", "A3"]);
      // While paused, one post at a time was tried: the refusals were all the first comment.
      expect(slack.posts()).toHaveLength(refusals + 3);
      expect(new Set(shown(slack.posts().slice(0, refusals + 1)))).toEqual(new Set(["A1"]));
      expect((await readiness()).status).toBe(200);
      expect(
        app!.logs.filter((line) => line.msg.startsWith("sending to Slack is paused")),
      ).toHaveLength(1);
      await app!.waitForLog((line) => line.msg.includes("sending resumes"));
    },
    SLOW * 2,
  );
});

describe("deliveries that arrive out of order", () => {
  test("within ORDER_WINDOW_MS, a later comment delivered first still shows second", async () => {
    await start({ ORDER_WINDOW_MS: "500" });

    await deliverComment(2);
    await deliverComment(1);

    await slack.waitForMessages(2, SLOW);
    expect(shown(slack.messages)).toEqual(["A1", "A2"]);
    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 2, dead: 0 });
  });
});

describe("GET /metrics", () => {
  test("is Prometheus text with deliveries, outbox posts by status and the oldest wait", async () => {
    await start();
    await deliverComment(1);
    await slack.waitForMessages(1);
    await settled();

    const response = await fetch(`${app!.operatorUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain("# TYPE threadline_deliveries_received_total counter");
    expect(text).toContain('threadline_deliveries_received_total{outcome="queued"} 1');
    expect(text).toContain("# TYPE threadline_outbox_posts gauge");
    expect(text).toContain('threadline_outbox_posts{status="sent"} 1');
    expect(text).toContain('threadline_outbox_posts{status="pending"} 0');
    expect(text).toContain('threadline_outbox_posts{status="dead"} 0');
    expect(text).toContain("# TYPE threadline_outbox_oldest_waiting_seconds gauge");
    expect(text).toMatch(/^threadline_outbox_oldest_waiting_seconds 0$/m);
    expect(text).toContain("threadline_posts_sent_total 1");
  });
});

describe("the missed-delivery sweep", () => {
  test("runs on start and asks GitHub to redeliver only what never succeeded", async () => {
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const deliveriesLog = github()
      .get("/app/hook/deliveries")
      .query({ per_page: "100" })
      .reply(200, [
        { id: 9006, guid: "guid-a", delivered_at: ago(5), status_code: 502 },
        { id: 9005, guid: "guid-b", delivered_at: ago(10), status_code: 200 },
        { id: 9004, guid: "guid-c", delivered_at: ago(20), status_code: 200 },
        { id: 9003, guid: "guid-a", delivered_at: ago(30), status_code: 500 },
        { id: 9002, guid: "guid-b", delivered_at: ago(40), status_code: 500 },
      ]);
    const redelivery = github().post("/app/hook/deliveries/9006/attempts").reply(202, {});

    app = await startTestApp({ SLACK_API_URL: slack.url, REDELIVERY_SWEEP_HOURS: "3" });

    const swept = await app.waitForLog(
      (line) => line.msg === "swept GitHub's delivery log for failed deliveries",
      SLOW,
    );
    expect(swept).toMatchObject({ listed: 5, redelivered: 1 });
    expect(deliveriesLog.isDone()).toBe(true);
    expect(redelivery.isDone()).toBe(true);
    expect(await app.store.shared.getState("redelivery_sweep.last_started_at")).toMatch(/^\d+$/);
  });
});

/**
 * The load test, on loopback against the built App in a child process: 200 comments on one
 * pull request delivered over about 10 s while Slack answers every post 429 (Retry-After: 1) for a
 * while. GitHub must be answered 2xx for each within 1 s, and in the end Slack shows all 200, once
 * each, in comment order.
 *
 * Scaled down: the issue has Slack answer 429 for the first minute, at Slack's real pace of one
 * message per second per channel, so 200 posts into one channel would take over 200 s after it.
 * Here the 429s last 15 s and the App paces the channel at 20 messages/s (burst 5), which keeps the
 * test near 30 s. For the full-size run:
 *   LOAD_TEST_429_SECONDS=60 LOAD_TEST_RATE=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/e2e/load.test.ts
 * (the Jest timeout follows both).
 */
import { afterEach, beforeEach, expect, test } from "@jest/globals";
import { numberedComment } from "../fixtures/index.js";
import { startFakeGitHubServer, type FakeGitHubServer } from "../helpers/fake-github-server.js";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.js";
import { createAppEnvironment, stopAllApps } from "../helpers/spawn-app.js";
import { sleep } from "../helpers/wait.js";

const CHANNEL = "C0123456789";
const COMMENTS = 200;
/** GitHub's side: 20 deliveries a second, each sent on time whether or not the last was answered. */
const DELIVERY_INTERVAL_MS = 50;
const RATE_LIMITED_SECONDS = Number(process.env.LOAD_TEST_429_SECONDS ?? 15);
const CHANNEL_RATE = Number(process.env.LOAD_TEST_RATE ?? 20);
const CHANNEL_BURST = 5;
/** The one duration the issue states. */
const MAX_ACK_MS = 1_000;
/** Rate-limited spell, then the posts at the channel's pace (twice, for a slow machine), then start-up and slack. */
const TEST_TIMEOUT_MS =
  (RATE_LIMITED_SECONDS + (2 * COMMENTS) / CHANNEL_RATE) * 1_000 +
  COMMENTS * DELIVERY_INTERVAL_MS +
  30_000;

let slack: FakeSlack;
let github: FakeGitHubServer;

beforeEach(async () => {
  slack = await startFakeSlack();
  github = await startFakeGitHubServer({
    // One message per comment: threads are the subject of conversations.test.ts.
    "Codertocat/Hello-World": `channel: ${CHANNEL}\nthreads: false\n`,
  });
});

afterEach(async () => {
  await stopAllApps();
  await slack.close();
  await github.close();
  expect(github.unexpected).toEqual([]);
});

function comment(n: number) {
  return numberedComment(n, {
    id: 800_000 + n,
    body: `Comment c${String(n).padStart(3, "0")}q under load.`,
  });
}

function shown(): number[] {
  return slack.messages.map((message) => {
    const found = new Set(
      [...JSON.stringify(message.args).matchAll(/\bc(\d{3})q\b/g)].map((match) => Number(match[1])),
    );
    expect(found.size).toBe(1);
    return [...found][0]!;
  });
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

test(
  `${COMMENTS} comments while Slack answers 429 for ${RATE_LIMITED_SECONDS} s: each acked within 1 s, all shown once, in order`,
  async () => {
    const testDeadline = Date.now() + TEST_TIMEOUT_MS - 5_000;
    const environment = await createAppEnvironment({
      slackUrl: slack.url,
      githubHost: github.host,
      env: {
        SLACK_CHANNEL_RATE: String(CHANNEL_RATE),
        SLACK_CHANNEL_BURST: String(CHANNEL_BURST),
      },
    });
    const app = await environment.start();

    slack.setDefaultAnswer({ kind: "rate_limited", retryAfterSeconds: 1 });
    const rateLimitEnds = setTimeout(
      () => slack.setDefaultAnswer({ kind: "ok" }),
      RATE_LIMITED_SECONDS * 1_000,
    );
    try {
      const startedAt = performance.now();
      const deliveries: Promise<{ n: number; status: number; ms: number }>[] = [];
      for (let n = 1; n <= COMMENTS; n += 1) {
        const due = startedAt + (n - 1) * DELIVERY_INTERVAL_MS;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const sentAt = performance.now();
        deliveries.push(
          app.deliver("issue_comment", comment(n), `load-${n}`).then(
            (answer) => ({ n, status: answer.status, ms: performance.now() - sentAt }),
            () => ({ n, status: 0, ms: performance.now() - sentAt }),
          ),
        );
      }
      const acks = await Promise.all(deliveries);
      const deliveredInMs = performance.now() - startedAt;

      const latencies = acks.map((ack) => ack.ms).sort((a, b) => a - b);
      const maxMs = latencies.at(-1)!;
      const p99Ms = percentile(latencies, 0.99);
      const serverAcksWithin1s = await app.metric(
        'threadline_delivery_ack_duration_seconds_bucket{le="1"}',
      );
      const refusedBeforeAllAcked = slack.posts().length - slack.messages.length;

      await slack.waitForMessages(COMMENTS, Math.max(1_000, testDeadline - Date.now()));
      await app.drained(10_000);
      process.stdout.write(
        `load: ${COMMENTS} deliveries in ${Math.round(deliveredInMs)} ms; ack latency (client side) ` +
          `max ${maxMs.toFixed(1)} ms, p99 ${p99Ms.toFixed(1)} ms, p50 ${percentile(latencies, 0.5).toFixed(1)} ms; ` +
          `${serverAcksWithin1s} acked within 1 s by the App's histogram; ` +
          `${slack.posts().length} Slack calls for ${slack.messages.length} messages\n`,
      );

      expect(acks.filter((ack) => ack.status !== 200)).toEqual([]);
      expect(maxMs).toBeLessThan(MAX_ACK_MS);
      expect(serverAcksWithin1s).toBe(COMMENTS);
      // Slack really was refusing posts while the deliveries came in, and none was given up.
      if (RATE_LIMITED_SECONDS > 0) expect(refusedBeforeAllAcked).toBeGreaterThan(0);
      expect(await app.metric('threadline_outbox_posts{status="dead"}')).toBe(0);
      expect(shown()).toEqual(Array.from({ length: COMMENTS }, (_, index) => index + 1));
    } finally {
      clearTimeout(rateLimitEnds);
    }
  },
  TEST_TIMEOUT_MS,
);

/**
 * The end-to-end phase both benches run: distinct comments over a few pull requests of the one
 * configured channel, at a steady rate the channel's pace allows, each timed from the moment its
 * delivery was sent to the fake Slack's receipt of the message that carries it.
 */
import { randomBytes } from "node:crypto";
import { fakeSlackReceipts } from "./fake-apis-client.js";
import { boundedInt } from "./knobs.js";
import { summarize } from "./latency-summary.js";
import { buildCommentDelivery } from "./payload.js";
import { sleep } from "./processes.js";

export const E2E = {
  ratePerSecond: boundedInt("BENCH_E2E_RPS", 10, 1, 40),
  deliveries: 0, // below: at most 30 s of sending
  /** The replicas bench sends at least two per replica, so each has its token and the config. */
  warmupDeliveries: 5,
  pullRequests: 5,
  /** Raised from the default 1/s, burst 3, so the pace never holds a post back at this rate. */
  slackChannelRate: 50,
  slackChannelBurst: 10,
  orderWindowMs: boundedInt("BENCH_ORDER_WINDOW_MS", 500, 0, 5000),
  /** After the last delivery, how long to wait at most for the rest of the messages. */
  maxWaitMs: 15_000,
};
E2E.deliveries = Math.min(
  boundedInt("BENCH_E2E_DELIVERIES", 100, 10, 1200),
  E2E.ratePerSecond * 30,
);

/** The phase's bound, for the watchdog: should something hang anyway. */
export const E2E_MAX_MS =
  20_000 + // start-up
  2 * (10_000 + E2E.orderWindowMs) + // warm-up deliveries and their messages
  (E2E.deliveries / E2E.ratePerSecond) * 1000 +
  10_000 + // the last answers
  E2E.orderWindowMs +
  E2E.maxWaitMs +
  2 * 3000; // stop()

/** threadline's environment for the phase, on top of the bench's own. */
export const E2E_ENV = {
  SLACK_CHANNEL_RATE: String(E2E.slackChannelRate),
  SLACK_CHANNEL_BURST: String(E2E.slackChannelBurst),
  ORDER_WINDOW_MS: String(E2E.orderWindowMs),
};

/**
 * Sends the warm-up deliveries (token exchange, config read, JIT: paid here, not by the measured
 * ones), then the measured ones, through `send`, and tallies what the fake Slack received.
 * `assertAlive` throws should the App have died meanwhile.
 */
export async function runEndToEnd({ secret, fakes, send, warmupCount, progress, assertAlive }) {
  const tag = randomBytes(4).toString("hex");
  const deliveries = (kind, count, firstCommentId) =>
    Array.from({ length: count }, (_, n) => {
      const marker = `bench-e2e-${kind}${tag}-${n}`;
      const delivery = buildCommentDelivery(secret, {
        pullRequest: 100 + (n % E2E.pullRequests),
        commentId: firstCommentId + n,
        marker,
      });
      return { ...delivery, marker };
    });
  /** Polls the fake Slack until every marker of `sent` (2xx only) has arrived, or `maxMs` passed. */
  const receiptsFor = async (prefix, sent, maxMs) => {
    const expected = sent.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.marker);
    const deadline = performance.now() + maxMs;
    let receipts = {};
    for (;;) {
      receipts = await fakeSlackReceipts(fakes, prefix);
      if (expected.every((marker) => receipts[marker]) || performance.now() > deadline) break;
      await sleep(100);
    }
    return { expected, receipts };
  };

  progress(`${warmupCount} warm-up deliveries`);
  const warm = await send(deliveries("w", warmupCount, 800_000_000));
  await receiptsFor(`bench-e2e-w${tag}-`, warm, 10_000 + E2E.orderWindowMs);

  progress(
    `${E2E.deliveries} deliveries at ${E2E.ratePerSecond}/s over ${E2E.pullRequests} pull requests`,
  );
  const sent = await send(deliveries("m", E2E.deliveries, 900_000_000));
  const { expected, receipts } = await receiptsFor(
    `bench-e2e-m${tag}-`,
    sent,
    E2E.orderWindowMs + E2E.maxWaitMs,
  );
  assertAlive();

  const latencies = [];
  let missing = 0;
  let duplicates = 0;
  for (const r of sent) {
    const arrivals = receipts[r.marker];
    if (!arrivals) {
      if (expected.includes(r.marker)) missing += 1;
      continue;
    }
    if (arrivals.length > 1) duplicates += arrivals.length - 1;
    latencies.push(arrivals[0] - r.sentAt);
  }
  const statusCodes = {};
  for (const r of sent) statusCodes[r.status] = (statusCodes[r.status] ?? 0) + 1;
  const answered = sent.filter((r) => r.status !== 0);
  return {
    /** The deliveries GitHub's side got an answer for, with their `url` and `ackMs`. */
    answered,
    result: {
      deliveries: sent.length,
      answered2xx: expected.length,
      statusCodes,
      received: latencies.length,
      missing,
      duplicates,
      ackMs: summarize(answered.map((r) => r.ackMs)),
      endToEndMs: summarize(latencies),
      /** The same latencies less the order window every post waits on purpose. */
      beyondOrderWindowMs: summarize(latencies.map((ms) => ms - E2E.orderWindowMs)),
    },
  };
}

/**
 * Every 2xx must be a recorded delivery: the outbox holds one post per answered delivery (warm-up
 * included), plus any for requests cut off in flight when a load run stopped.
 */
export function durableCheck(counts, warmup, valid) {
  const answered2xx = warmup.ok + valid.ok;
  const cutOff = warmup.cutOff + valid.cutOff;
  const extra = counts.totalPosts - answered2xx;
  return { ...counts, answered2xx, cutOff, extra, ok: extra >= 0 && extra <= cutOff };
}

/** As `prettier --check .` wants it, should the file be committed; plain JSON without prettier. */
export async function formatJson(json) {
  try {
    const prettier = await import("prettier");
    return await prettier.format(json, { parser: "json", printWidth: 100 });
  } catch {
    return `${JSON.stringify(JSON.parse(json), null, 2)}\n`;
  }
}

export function ratio(numerator, denominator) {
  return numerator != null && denominator ? Number((numerator / denominator).toPrecision(2)) : null;
}

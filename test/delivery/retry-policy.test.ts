import { describe, expect, test } from "@jest/globals";
import {
  decideAfterFailure,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
} from "../../src/delivery/retry-policy.js";
import type { SlackFailure } from "../../src/slack/describe-slack-error.js";

const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;
const POLICY: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 60_000, giveUpAfterMs: 10 * HOUR };

const permanent: SlackFailure = {
  kind: "permanent",
  code: "channel_not_found",
  hint: "Slack cannot find channel C1",
};
const auth: SlackFailure = { kind: "auth", code: "invalid_auth", hint: "replace SLACK_BOT_TOKEN" };
const transient: SlackFailure = { kind: "transient", code: "http_503", hint: "Slack answered 503" };
const rateLimited = (retryAfterSeconds?: number): SlackFailure => ({
  kind: "rate_limited",
  code: "rate_limited",
  hint: "slow down",
  ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
});

/** A post first tried just now that has failed `attempts` times. */
const fresh = (attempts = 0) => ({ attempts, createdAt: NOW });

describe("decideAfterFailure", () => {
  test.each([
    [
      "a permanent",
      permanent,
      { action: "dead", reason: "channel_not_found: Slack cannot find channel C1" },
    ],
    ["an auth", auth, { action: "pause", reason: "invalid_auth: replace SLACK_BOT_TOKEN" }],
  ] as const)(
    "%s failure is decided at once, with the code and fix as reason",
    (_kind, failure, decision) => {
      // Even on a post that has only just been queued, and whatever the attempt count.
      expect(decideAfterFailure(failure, fresh(0), NOW, POLICY)).toEqual(decision);
      expect(decideAfterFailure(failure, fresh(7), NOW, POLICY)).toEqual(decision);
    },
  );

  test.each([
    [1, 1_000],
    [30, 30_000],
    [undefined, 1_000],
    [0, 1_000],
  ])(
    "a rate limit with Retry-After %p waits %p ms, blocks the channel as long, and does not count",
    (retryAfter, waitMs) => {
      const until = NOW + waitMs;
      expect(decideAfterFailure(rateLimited(retryAfter), fresh(3), NOW, POLICY)).toEqual({
        action: "retry",
        at: until,
        countAttempt: false,
        blockChannelUntil: until,
      });
    },
  );

  test("a rate limit is never given up, however old the post (it is Slack's pace, not the post)", () => {
    const old = { attempts: 0, createdAt: NOW - 10 * POLICY.giveUpAfterMs };
    expect(decideAfterFailure(rateLimited(5), old, NOW, POLICY)).toMatchObject({ action: "retry" });
  });

  test.each([
    // attempts, ceiling = min(max, base * 2^attempts)
    [0, 1_000],
    [1, 2_000],
    [2, 4_000],
    [5, 32_000],
    [6, 60_000],
    [40, 60_000],
  ])(
    "a transient failure after %i attempts backs off between half and all of %i ms",
    (attempts, ceiling) => {
      const lowest = decideAfterFailure(transient, fresh(attempts), NOW, POLICY, () => 0);
      const highest = decideAfterFailure(transient, fresh(attempts), NOW, POLICY, () => 0.999_999);
      const middle = decideAfterFailure(transient, fresh(attempts), NOW, POLICY, () => 0.5);
      expect(lowest).toEqual({ action: "retry", at: NOW + ceiling / 2, countAttempt: true });
      expect(highest).toEqual({ action: "retry", at: NOW + ceiling, countAttempt: true });
      expect(middle).toEqual({ action: "retry", at: NOW + (ceiling * 3) / 4, countAttempt: true });
      expect(lowest).not.toHaveProperty("blockChannelUntil");
    },
  );

  test("with Math.random, transient delays stay within the jitter bounds and are spread out", () => {
    const delays = Array.from({ length: 200 }, () => {
      const decision = decideAfterFailure(transient, fresh(3), NOW, POLICY);
      if (decision.action !== "retry") throw new Error(`expected a retry, got ${decision.action}`);
      return decision.at - NOW;
    });
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(4_000);
      expect(delay).toBeLessThanOrEqual(8_000);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
  });

  test("a transient failure is retried until giveUpAfterMs, then dead with the last reason", () => {
    const justBefore = { attempts: 12, createdAt: NOW - POLICY.giveUpAfterMs + 1 };
    expect(decideAfterFailure(transient, justBefore, NOW, POLICY)).toMatchObject({
      action: "retry",
    });

    const atTheLimit = { attempts: 12, createdAt: NOW - POLICY.giveUpAfterMs };
    expect(decideAfterFailure(transient, atTheLimit, NOW, POLICY)).toEqual({
      action: "dead",
      reason: "gave up after 10 hours of failures; last: http_503: Slack answered 503",
    });
  });

  test("by default a failing post is retried for 26 hours, so a day-long Slack outage loses nothing", () => {
    expect(DEFAULT_RETRY_POLICY.giveUpAfterMs).toBe(26 * HOUR);
    expect(DEFAULT_RETRY_POLICY.giveUpAfterMs).toBeGreaterThanOrEqual(24 * HOUR);

    const dayOld = { attempts: 20, createdAt: NOW - 25 * HOUR };
    expect(decideAfterFailure(transient, dayOld, NOW)).toMatchObject({ action: "retry" });
    const tooOld = { attempts: 20, createdAt: NOW - 26 * HOUR };
    expect(decideAfterFailure(transient, tooOld, NOW)).toEqual({
      action: "dead",
      reason: "gave up after 26 hours of failures; last: http_503: Slack answered 503",
    });
  });

  test("by default the first retry comes within a second and none waits more than 15 minutes", () => {
    const first = decideAfterFailure(transient, fresh(0), NOW, undefined, () => 0.999_999);
    expect(first).toMatchObject({ action: "retry", at: NOW + 1_000 });
    const late = decideAfterFailure(transient, fresh(60), NOW, undefined, () => 0.999_999);
    expect(late).toMatchObject({ action: "retry", at: NOW + 15 * 60_000 });
  });
});

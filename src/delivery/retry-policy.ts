import type { SlackFailure } from "../slack/describe-slack-error.js";

export interface RetryPolicy {
  /** First backoff; each failed attempt doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A post that keeps failing for this long is given up (dead-lettered). */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  giveUpAfterMs: 26 * 60 * 60_000,
};

export type FailureDecision =
  /** Try again at `at`; `blockChannelUntil` holds every post of that channel (Slack's 429). */
  | { action: "retry"; at: number; countAttempt: boolean; blockChannelUntil?: number }
  /** It cannot succeed as it is: keep it aside with the reason. */
  | { action: "dead"; reason: string }
  /** The token is bad: stop sending everything until it works again. */
  | { action: "pause"; reason: string };

export interface FailedPost {
  attempts: number;
  createdAt: number;
}

/**
 * What to do with a post Slack refused. Backoff is exponential with "equal jitter" (half fixed,
 * half random), so posts failing together do not retry together.
 */
export function decideAfterFailure(
  failure: SlackFailure,
  post: FailedPost,
  now: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): FailureDecision {
  const reason = `${failure.code}: ${failure.hint}`;
  switch (failure.kind) {
    case "permanent":
      return { action: "dead", reason };
    case "auth":
      return { action: "pause", reason };
    case "rate_limited": {
      const until = now + Math.max(1, failure.retryAfterSeconds ?? 1) * 1000;
      return { action: "retry", at: until, countAttempt: false, blockChannelUntil: until };
    }
    case "transient": {
      if (now - post.createdAt >= policy.giveUpAfterMs) {
        const hours = Math.round(policy.giveUpAfterMs / 3_600_000);
        return {
          action: "dead",
          reason: `gave up after ${hours} hours of failures; last: ${reason}`,
        };
      }
      const ceiling = Math.min(
        policy.maxDelayMs,
        policy.baseDelayMs * 2 ** Math.min(post.attempts, 30),
      );
      const delay = ceiling / 2 + random() * (ceiling / 2);
      return { action: "retry", at: now + Math.round(delay), countAttempt: true };
    }
  }
}

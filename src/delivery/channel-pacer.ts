/**
 * Slack allows about one message per second per channel, with short bursts. A token bucket per
 * channel keeps to that, and a 429's Retry-After blocks that channel alone.
 */
export interface ChannelPacer {
  /** Takes a sending slot for `channel` if one is free now. */
  tryTake(channel: string, now: number): boolean;
  /** Holds the channel until `until` (Slack said Retry-After). */
  block(channel: string, until: number, now: number): void;
  blockedUntil(channel: string): number;
}

export interface PacerOptions {
  /** Messages per second per channel. */
  ratePerSecond: number;
  /** Messages that may go at once after a quiet spell. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  blockedUntil: number;
}

export function createChannelPacer({ ratePerSecond, burst }: PacerOptions): ChannelPacer {
  const buckets = new Map<string, Bucket>();
  const bucketOf = (channel: string, now: number): Bucket => {
    let bucket = buckets.get(channel);
    if (!bucket) {
      bucket = { tokens: burst, updatedAt: now, blockedUntil: 0 };
      buckets.set(channel, bucket);
    }
    // No refill while blocked: after a Retry-After the channel restarts gently, not with a burst.
    const refill = (Math.max(0, now - bucket.updatedAt) / 1000) * ratePerSecond;
    bucket.tokens = Math.min(burst, bucket.tokens + refill);
    bucket.updatedAt = Math.max(bucket.updatedAt, now);
    return bucket;
  };
  return {
    tryTake(channel, now) {
      const bucket = bucketOf(channel, now);
      if (now < bucket.blockedUntil || bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    block(channel, until, now) {
      const bucket = bucketOf(channel, now);
      bucket.blockedUntil = Math.max(bucket.blockedUntil, until);
      // After a 429, restart gently: one message, not a whole burst.
      bucket.tokens = Math.min(bucket.tokens, 1);
      bucket.updatedAt = Math.max(bucket.updatedAt, bucket.blockedUntil);
    },
    blockedUntil(channel) {
      return buckets.get(channel)?.blockedUntil ?? 0;
    },
  };
}

/**
 * Slack allows about one message per second per channel, with short bursts, and a 429's
 * Retry-After holds that channel alone. Every replica shares each channel's pace through the
 * store, so the whole of it is one number: the time the channel's next message may go. This is
 * the generic cell rate algorithm, a token bucket that needs no counter and no clock of its own.
 * (A 429's hold is applied in SQL by the send queue, in the same transaction as the retry.)
 */
export interface Pace {
  /** Messages per second per channel. */
  ratePerSecond: number;
  /** Messages that may go at once after a quiet spell. */
  burst: number;
}

/**
 * Takes a sending slot at `now` from a channel whose next message may go at `readyAt`: resolves
 * to the channel's next `readyAt`, or undefined when no slot is free yet.
 */
export function takeSlot(readyAt: number, now: number, pace: Pace): number | undefined {
  if (readyAt > now) return undefined;
  const interval = 1000 / pace.ratePerSecond;
  const tolerance = (Math.max(1, pace.burst) - 1) * interval;
  // The moment the bucket would be full again had every slot been taken on schedule.
  const scheduled = Math.max(readyAt + tolerance, now);
  return Math.ceil(scheduled + interval - tolerance);
}

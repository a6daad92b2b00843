import { describe, expect, test } from "@jest/globals";
import { takeSlot, type Pace } from "../../src/store/channel-pace.js";

const T0 = 1_700_000_000_000;

/**
 * One channel's pace as the store keeps it: the time its next message may go. (A 429's hold is
 * the send queue's, in SQL: see the store suite.)
 */
function channel(pace: Pace) {
  let readyAt = 0;
  return {
    tryTake(at: number): boolean {
      const next = takeSlot(readyAt, at, pace);
      if (next === undefined) return false;
      readyAt = next;
      return true;
    },
    /** Slots taken when asking `tries` times at the same moment. */
    takeAll(at: number, tries = 10): number {
      let taken = 0;
      for (let index = 0; index < tries; index += 1) if (this.tryTake(at)) taken += 1;
      return taken;
    },
  };
}

describe("channel pace", () => {
  test("a burst goes at once, then one message per second", () => {
    const c1 = channel({ ratePerSecond: 1, burst: 3 });
    expect(c1.takeAll(T0)).toBe(3);
    expect(c1.tryTake(T0 + 999)).toBe(false);
    expect(c1.tryTake(T0 + 1_000)).toBe(true);
    expect(c1.tryTake(T0 + 1_000)).toBe(false);
    expect(c1.tryTake(T0 + 1_999)).toBe(false);
    expect(c1.tryTake(T0 + 2_000)).toBe(true);
  });

  test("after a quiet spell the whole burst is available again, never more", () => {
    const c1 = channel({ ratePerSecond: 1, burst: 3 });
    c1.takeAll(T0);
    expect(c1.takeAll(T0 + 60_000)).toBe(3);
  });

  test("a faster rate spaces messages closer", () => {
    const c1 = channel({ ratePerSecond: 4, burst: 1 });
    expect(c1.tryTake(T0)).toBe(true);
    expect(c1.tryTake(T0 + 249)).toBe(false);
    expect(c1.tryTake(T0 + 250)).toBe(true);
  });

  test("a steady flow keeps to the rate over a minute", () => {
    const c1 = channel({ ratePerSecond: 1, burst: 3 });
    let sent = 0;
    for (let at = T0; at < T0 + 60_000; at += 10) if (c1.tryTake(at)) sent += 1;
    // The burst, then one a second for the rest of the minute.
    expect(sent).toBe(3 + 59);
  });

  test("a burst of one means strictly one message per interval", () => {
    const c1 = channel({ ratePerSecond: 1, burst: 1 });
    expect(c1.takeAll(T0)).toBe(1);
    expect(c1.takeAll(T0 + 1_000)).toBe(1);
  });
});

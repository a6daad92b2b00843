import { describe, expect, test } from "@jest/globals";
import { createChannelPacer } from "../../src/delivery/channel-pacer.js";

const T0 = 1_700_000_000_000;

/** How many of `tries` slots `channel` gets at `at`. */
function takeAll(
  pacer: ReturnType<typeof createChannelPacer>,
  channel: string,
  at: number,
  tries = 10,
) {
  let taken = 0;
  for (let index = 0; index < tries; index += 1) if (pacer.tryTake(channel, at)) taken += 1;
  return taken;
}

describe("createChannelPacer", () => {
  test("a quiet channel takes a burst at once, then one message a second", () => {
    const pacer = createChannelPacer({ ratePerSecond: 1, burst: 3 });

    expect(takeAll(pacer, "C1", T0)).toBe(3);
    expect(pacer.tryTake("C1", T0 + 999)).toBe(false);
    expect(pacer.tryTake("C1", T0 + 1_000)).toBe(true);
    expect(pacer.tryTake("C1", T0 + 1_000)).toBe(false);
    expect(pacer.tryTake("C1", T0 + 1_999)).toBe(false);
    expect(pacer.tryTake("C1", T0 + 2_000)).toBe(true);
  });

  test("a long quiet spell refills no more than the burst", () => {
    const pacer = createChannelPacer({ ratePerSecond: 1, burst: 3 });
    takeAll(pacer, "C1", T0);
    expect(takeAll(pacer, "C1", T0 + 60_000)).toBe(3);
  });

  test("a faster rate refills faster", () => {
    const pacer = createChannelPacer({ ratePerSecond: 4, burst: 1 });
    expect(pacer.tryTake("C1", T0)).toBe(true);
    expect(pacer.tryTake("C1", T0 + 249)).toBe(false);
    expect(pacer.tryTake("C1", T0 + 250)).toBe(true);
  });

  test("each channel has its own bucket: a busy channel never slows another", () => {
    const pacer = createChannelPacer({ ratePerSecond: 1, burst: 2 });
    expect(takeAll(pacer, "C1", T0)).toBe(2);
    expect(takeAll(pacer, "C2", T0)).toBe(2);
    expect(pacer.tryTake("C1", T0 + 500)).toBe(false);
    expect(pacer.tryTake("C3", T0 + 500)).toBe(true);
  });

  test("a block holds only its channel until the given time", () => {
    const pacer = createChannelPacer({ ratePerSecond: 1, burst: 3 });
    pacer.block("C1", T0 + 5_000, T0);

    expect(pacer.blockedUntil("C1")).toBe(T0 + 5_000);
    expect(pacer.tryTake("C1", T0)).toBe(false);
    expect(pacer.tryTake("C1", T0 + 4_999)).toBe(false);
    expect(pacer.tryTake("C2", T0 + 1)).toBe(true);
    expect(pacer.blockedUntil("C2")).toBe(0);
    expect(pacer.tryTake("C1", T0 + 5_000)).toBe(true);
  });

  test("a shorter block never shortens a longer one", () => {
    const pacer = createChannelPacer({ ratePerSecond: 1, burst: 3 });
    pacer.block("C1", T0 + 5_000, T0);
    pacer.block("C1", T0 + 1_000, T0 + 10);
    expect(pacer.blockedUntil("C1")).toBe(T0 + 5_000);
    expect(pacer.tryTake("C1", T0 + 2_000)).toBe(false);
  });

  test("right after a short block only one message goes, not a whole burst", () => {
    const pacer = createChannelPacer({ ratePerSecond: 1, burst: 3 });
    pacer.block("C1", T0 + 500, T0);
    expect(takeAll(pacer, "C1", T0 + 500)).toBe(1);
  });

  test("right after a long block only one message goes, not a whole burst", () => {
    const pacer = createChannelPacer({ ratePerSecond: 1, burst: 3 });
    pacer.block("C1", T0 + 5_000, T0);
    expect(takeAll(pacer, "C1", T0 + 5_000)).toBe(1);
  });
});

import { describe, expect, test } from "@jest/globals";
import { rideOutStoreFailures } from "../../src/delivery/ride-out-store-failures.js";

/** A store whose `markSent` fails `failures` times (a cut connection), then records. */
function flakyStore(failures: number) {
  const recorded: number[] = [];
  let left = failures;
  return {
    recorded,
    limit: 5,
    async markSent(id: number) {
      if (left > 0) {
        left -= 1;
        throw new Error("Connection terminated unexpectedly");
      }
      recorded.push(id);
      return true;
    },
  };
}

const noWait = async () => {};

describe("rideOutStoreFailures: what a worker records reaches the store through a brief outage", () => {
  test("a write that fails a few times is recorded once the store answers", async () => {
    const store = flakyStore(3);
    const retries: unknown[] = [];
    const riding = rideOutStoreFailures(store, 10_000, (error) => retries.push(error), noWait);
    await expect(riding.markSent(7)).resolves.toBe(true);
    expect(store.recorded).toEqual([7]);
    expect(retries).toHaveLength(3);
    expect(riding.limit).toBe(5);
  });

  test("a store still failing after the allowed time fails the call with its own error", async () => {
    const store = flakyStore(1_000);
    const riding = rideOutStoreFailures(
      store,
      100,
      () => {},
      (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    );
    await expect(riding.markSent(7)).rejects.toThrow("Connection terminated unexpectedly");
    expect(store.recorded).toEqual([]);
  });
});

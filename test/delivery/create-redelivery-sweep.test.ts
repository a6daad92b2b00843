import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import pino from "pino";
import {
  createRedeliverySweep,
  selectFailedDeliveries,
  type HookDeliveriesApi,
  type HookDelivery,
} from "../../src/delivery/create-redelivery-sweep.js";
import type { Store as OutboxStore } from "../../src/store/open-store.js";
import { openTestStore } from "../helpers/test-store.js";
import { waitUntil } from "../helpers/wait.js";

const NOW = Date.parse("2024-06-10T12:00:00Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LAST_SWEEP_KEY = "redelivery_sweep.last_started_at";

/** One entry of GitHub's delivery log, `minutesAgo` before NOW. */
function attempt(id: number, guid: string, statusCode: number, minutesAgo: number): HookDelivery {
  return {
    id,
    guid,
    status_code: statusCode,
    delivered_at: new Date(NOW - minutesAgo * MINUTE).toISOString(),
  };
}

/**
 * Newest first, as GitHub lists them: A failed twice, B failed then succeeded on redelivery, C
 * succeeded at once.
 */
const LOG = [
  attempt(106, "guid-a", 502, 5),
  attempt(105, "guid-b", 200, 10),
  attempt(104, "guid-c", 202, 20),
  attempt(103, "guid-a", 500, 30),
  attempt(102, "guid-b", 500, 40),
];

describe("selectFailedDeliveries", () => {
  test("picks the newest attempt of each delivery whose every attempt failed", () => {
    expect(selectFailedDeliveries(LOG, NOW - HOUR)).toEqual([LOG[0]]);
  });

  test("the newest attempt is chosen by time, whatever order the list is in", () => {
    expect(selectFailedDeliveries([...LOG].reverse(), NOW - HOUR)).toEqual([LOG[0]]);
  });

  test("attempts before `since` are not looked at", () => {
    const log = [attempt(201, "guid-d", 500, 90), attempt(202, "guid-e", 0, 10)];
    // A timed-out delivery has status code 0: it failed as well.
    expect(selectFailedDeliveries(log, NOW - HOUR)).toEqual([log[1]]);
  });

  test("a success before `since` is not seen, so the failed attempt after it is redelivered", () => {
    // Redelivering it is harmless: the outbox recognises the delivery id.
    const log = [attempt(302, "guid-f", 503, 10), attempt(301, "guid-f", 200, 90)];
    expect(selectFailedDeliveries(log, NOW - HOUR)).toEqual([log[0]]);
  });

  test("redirects and client errors count as failures; every 2xx as success", () => {
    const log = [
      attempt(401, "redirect", 301, 1),
      attempt(402, "refused", 401, 1),
      attempt(403, "no-content", 204, 1),
    ];
    expect(selectFailedDeliveries(log, NOW - HOUR).map((entry) => entry.guid)).toEqual([
      "redirect",
      "refused",
    ]);
  });

  test("an empty log selects nothing", () => {
    expect(selectFailedDeliveries([], 0)).toEqual([]);
  });
});

interface FakeApi extends HookDeliveriesApi {
  pagesRead: number;
  redelivered: number[];
}

/** GitHub's delivery log, served in `pages`; redelivery of the ids in `refuse` fails. */
function fakeApi(pages: HookDelivery[][], refuse: number[] = []): FakeApi {
  const api: FakeApi = {
    pagesRead: 0,
    redelivered: [],
    async *listDeliveries() {
      for (const page of pages) {
        api.pagesRead += 1;
        yield page;
      }
    },
    async redeliver(id) {
      if (refuse.includes(id)) throw new Error(`HTTP 422 for ${id}`);
      api.redelivered.push(id);
    },
  };
  return api;
}

describe("createRedeliverySweep", () => {
  let store: OutboxStore;
  let lines: Record<string, unknown>[];
  let clock: number;

  beforeEach(async () => {
    store = await openTestStore(12345);
    lines = [];
    clock = NOW;
  });
  afterEach(async () => {
    await store.close();
  });

  function sweepWith(api: HookDeliveriesApi) {
    const log = pino(
      { level: "debug" },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    return createRedeliverySweep({
      api: async () => api,
      shared: store.shared,
      log,
      intervalMs: 3 * HOUR,
      holder: "replica-a",
      now: () => clock,
    });
  }

  test("asks GitHub again only for the newest attempt of the delivery that never succeeded", async () => {
    const api = fakeApi([LOG]);
    const result = await sweepWith(api).runOnce();

    expect(api.redelivered).toEqual([106]);
    expect(result).toEqual({ listed: 5, redelivered: 1 });
    expect(await store.shared.getState(LAST_SWEEP_KEY)).toBe(String(NOW));
    expect(
      lines.find((line) => line.msg === "swept GitHub's delivery log for failed deliveries"),
    ).toMatchObject({ listed: 5, redelivered: 1 });
  });

  test("the first sweep looks back three days, GitHub's redelivery horizon, and no further", async () => {
    const api = fakeApi([
      [attempt(1, "two-days", 500, 48 * 60), attempt(2, "four-days", 500, 96 * 60)],
      [attempt(3, "five-days", 500, 120 * 60)],
    ]);
    await sweepWith(api).runOnce();

    expect(api.redelivered).toEqual([1]);
    // The first page already reached past the horizon, so the next one is not fetched.
    expect(api.pagesRead).toBe(1);
  });

  test("a later sweep starts a little before the last one started, not three days back", async () => {
    await store.shared.setState(LAST_SWEEP_KEY, String(NOW - 3 * HOUR));
    const api = fakeApi([
      [
        attempt(1, "since-last", 500, 2 * 60),
        attempt(2, "raced-last", 500, 3 * 60 + 5),
        attempt(3, "before-last", 500, 3 * 60 + 30),
      ],
      [attempt(4, "older", 500, 10 * 60)],
    ]);
    await sweepWith(api).runOnce();

    expect(api.redelivered).toEqual([1, 2]);
    expect(api.pagesRead).toBe(1);
  });

  test("reads page after page until one reaches before the window", async () => {
    const api = fakeApi([
      [attempt(5, "p1", 500, 10)],
      [attempt(4, "p2", 200, 20), attempt(3, "p2b", 500, 30)],
      [attempt(2, "p3", 500, 5 * 24 * 60)],
      [attempt(1, "p4", 500, 6 * 24 * 60)],
    ]);
    const result = await sweepWith(api).runOnce();

    expect(api.pagesRead).toBe(3);
    expect(result.listed).toBe(4);
    expect(api.redelivered).toEqual([5, 3]);
  });

  test("a refused redelivery is logged with its guid and does not stop the others", async () => {
    const log = [attempt(2, "refused", 500, 5), attempt(1, "accepted", 500, 6)];
    const api = fakeApi([log], [2]);
    const result = await sweepWith(api).runOnce();

    expect(api.redelivered).toEqual([1]);
    expect(result.redelivered).toBe(1);
    expect(lines.find((line) => line.msg === "could not ask GitHub to redeliver")).toMatchObject({
      guid: "refused",
      level: 40,
    });
  });

  test("a delivery whose redelivery was refused is asked for again by the next sweep", async () => {
    const log = [attempt(2, "refused-once", 500, 30)];
    await sweepWith(fakeApi([log], [2])).runOnce();

    clock = NOW + 3 * HOUR;
    const later = fakeApi([log]);
    await sweepWith(later).runOnce();

    expect(later.redelivered).toEqual([2]);
  });

  test("runs on one replica at a time: while another holds the sweep's lease, this one skips", async () => {
    expect(await store.shared.tryLease("redelivery_sweep", "replica-b", clock, 15 * 60_000)).toBe(
      true,
    );
    const api = fakeApi([LOG]);
    expect(await sweepWith(api).runOnce()).toEqual({ listed: 0, redelivered: 0, skipped: true });
    expect(api.pagesRead).toBe(0);

    await store.shared.releaseLease("redelivery_sweep", "replica-b");
    expect(await sweepWith(api).runOnce()).toEqual({ listed: 5, redelivered: 1 });
    // Done, it lets the lease go for the next sweep, wherever it runs.
    expect(await store.shared.tryLease("redelivery_sweep", "replica-b", clock, 15 * 60_000)).toBe(
      true,
    );
  });

  test("start runs a sweep at once; a failing GitHub is logged and not recorded as swept", async () => {
    const sweep = createRedeliverySweep({
      api: async () => {
        throw new Error("GitHub is down");
      },
      shared: store.shared,
      log: pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line)) }),
      intervalMs: 3 * HOUR,
      holder: "replica-a",
      now: () => clock,
    });
    sweep.start();
    sweep.stop();

    await waitUntil(
      () =>
        lines.some(
          (line) => line.msg === "could not sweep for failed deliveries; trying again later",
        ),
      "the sweep logs its failure",
      5_000,
    );
    expect(await store.shared.getState(LAST_SWEEP_KEY)).toBeUndefined();
  });
});

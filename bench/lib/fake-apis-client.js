// @ts-check
/** The bench's side of servers/fake-apis.js: its request counts and Slack receipts, over IPC. */

/** @typedef {import("node:child_process").ChildProcess} ChildProcess */

/**
 * Requests the fakes have answered, by kind.
 * @typedef {{ slackPosts: number; tokenExchanges: number; configReads: number; hookDeliveryListings: number; unexpected: number }} FakeApiCounts
 */

/**
 * Asks the fake APIs process `request` over IPC; resolves with its answer of the same type.
 * @param {ChildProcess} fakes
 * @param {{ type: string; prefix?: string }} request
 * @returns {Promise<any>}
 */
function askFakes(fakes, request) {
  return new Promise((resolve, reject) => {
    /** @param {any} message */
    const onMessage = (message) => {
      if (message?.type !== request.type) return;
      clearTimeout(timer);
      fakes.off("message", onMessage);
      resolve(message);
    };
    const timer = setTimeout(() => {
      fakes.off("message", onMessage);
      reject(new Error("fake APIs did not answer"));
    }, 5000);
    fakes.on("message", onMessage);
    fakes.send(request);
  });
}

/**
 * Requests the fakes have answered so far, by kind (Slack posts, token exchanges, …).
 * @param {ChildProcess} fakes
 * @returns {Promise<FakeApiCounts>}
 */
export async function fakeApiCounts(fakes) {
  return (await askFakes(fakes, { type: "counts" })).counts;
}

/**
 * marker -> arrival times at the fake Slack, for the markers starting with `prefix`.
 * @param {ChildProcess} fakes
 * @param {string} prefix
 * @returns {Promise<Record<string, number[]>>}
 */
export async function fakeSlackReceipts(fakes, prefix) {
  return (await askFakes(fakes, { type: "receipts", prefix })).receipts;
}

/**
 * `after - before`, key by key.
 * @param {Record<string, number>} after
 * @param {Record<string, number>} before
 * @returns {Record<string, number>}
 */
export function countsDelta(after, before) {
  return Object.fromEntries(
    Object.keys(after).map((key) => [key, (after[key] ?? 0) - (before[key] ?? 0)]),
  );
}

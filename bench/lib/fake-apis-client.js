/** The bench's side of servers/fake-apis.js: its request counts and Slack receipts, over IPC. */

/** Asks the fake APIs process `request` over IPC; resolves with its answer of the same type. */
function askFakes(fakes, request) {
  return new Promise((resolve, reject) => {
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

/** Requests the fakes have answered so far, by kind (Slack posts, token exchanges, …). */
export async function fakeApiCounts(fakes) {
  return (await askFakes(fakes, { type: "counts" })).counts;
}

/** marker -> arrival times at the fake Slack, for the markers starting with `prefix`. */
export async function fakeSlackReceipts(fakes, prefix) {
  return (await askFakes(fakes, { type: "receipts", prefix })).receipts;
}

/** `after - before`, key by key. */
export function countsDelta(after, before) {
  return Object.fromEntries(Object.keys(after).map((key) => [key, after[key] - (before[key] ?? 0)]));
}

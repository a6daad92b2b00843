/** Open-loop sender for the end-to-end phase: deliveries at a fixed rate, each timed. */
import { Agent, request } from "node:http";
import { randomUUID } from "node:crypto";

/** Milliseconds since the epoch with sub-millisecond resolution; fake-apis.js uses the same clock. */
export const wallClock = () => performance.timeOrigin + performance.now();

/** One timed POST of `delivery`; resolves with `{ sentAt, ackMs, status }` (status 0: no answer). */
function post(url, delivery, agent, timeoutMs) {
  return new Promise((resolve) => {
    const sentAt = wallClock();
    const req = request(
      url,
      {
        method: "POST",
        agent,
        timeout: timeoutMs,
        headers: {
          "content-type": "application/json",
          "content-length": delivery.body.length,
          "user-agent": "GitHub-Hookshot/bench",
          "x-github-event": delivery.event,
          "x-github-delivery": randomUUID(),
          "x-hub-signature-256": delivery.signature,
        },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolve({ sentAt, ackMs: wallClock() - sentAt, status: response.statusCode }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (error) =>
      resolve({ sentAt, ackMs: wallClock() - sentAt, status: 0, error: error.message }),
    );
    req.end(delivery.body);
  });
}

/**
 * Sends `deliveries` (each `{ body, event, signature, marker }`) one every 1000 / `ratePerSecond`
 * ms on a fixed schedule (a slow answer does not delay the next send), delivery i to
 * `urls[i % urls.length]`: to `url` alone, or dealt over replicas as a round-robin balancer would.
 * Resolves with `{ marker, url, sentAt, ackMs, status }` per delivery once all are answered.
 */
export async function sendSteady({ url, urls = [url], deliveries, ratePerSecond, timeoutMs = 10_000 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const intervalMs = 1000 / ratePerSecond;
  const start = performance.now();
  const pending = [];
  try {
    for (const [i, delivery] of deliveries.entries()) {
      const wait = start + i * intervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const target = urls[i % urls.length];
      pending.push(
        post(target, delivery, agent, timeoutMs).then((r) => ({
          marker: delivery.marker,
          url: target,
          ...r,
        })),
      );
    }
    return await Promise.all(pending);
  } finally {
    agent.destroy();
  }
}

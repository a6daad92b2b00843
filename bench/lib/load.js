/** autocannon runs against one server, with the delivery headers GitHub sends. */
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";

/** `value` padded with `fill` to `bytes` characters (unchanged when already that long). */
const padded = (value, bytes, fill) => value + fill.repeat(Math.max(0, bytes - value.length));

/**
 * autocannon's options for POSTing `delivery.body` to `url` from `connections` keep-alive
 * connections for `seconds`, each request with a fresh X-GitHub-Delivery id. Shared with
 * split-load.js, which runs several of these at once. With `headerBytes`, X-GitHub-Event and
 * X-GitHub-Delivery (still a fresh id at its start) are each padded to that many characters, as
 * a forged delivery that would fill the log sends them.
 */
export function loadOptions({ url, delivery, signature, connections, seconds, headerBytes }) {
  const deliveryId = headerBytes
    ? () => padded(randomUUID(), headerBytes, "d")
    : () => randomUUID();
  return {
    url,
    method: "POST",
    connections,
    duration: seconds,
    timeout: 10,
    body: delivery.body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/bench",
      "x-github-event": headerBytes ? padded(delivery.event, headerBytes, "e") : delivery.event,
      "x-github-delivery": "bench",
      "x-hub-signature-256": signature,
    },
    requests: [
      {
        setupRequest(request) {
          request.headers = { ...request.headers, "x-github-delivery": deliveryId() };
          return request;
        },
      },
    ],
  };
}

/** The numbers the report needs, from an (aggregated) autocannon result. */
export function summarizeLoad(result) {
  const responses = result["1xx"] + result["2xx"] + result["3xx"] + result["4xx"] + result["5xx"];
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]),
  );
  return {
    seconds: result.duration,
    responses,
    rps: responses / result.duration,
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    ok: result["2xx"],
    /** Requests written; those with no answer were in flight when the run stopped and were cut off. */
    sent: result.requests.sent,
    cutOff: Math.max(0, result.requests.sent - responses - result.errors),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}

/**
 * POSTs `delivery.body` to `url` from `connections` keep-alive connections for `seconds`, each
 * request with a fresh X-GitHub-Delivery id. Resolves with the numbers the report needs.
 */
export async function load(options) {
  return summarizeLoad(await autocannon(loadOptions(options)));
}

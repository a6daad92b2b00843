/**
 * One load spread over several replicas without a proxy in the middle: one autocannon per replica,
 * all at once in this process, the connections divided between them.
 */
import autocannon from "autocannon";
import { loadOptions, summarizeLoad } from "./load.js";

/** `total` split into `parts` whole shares that differ by at most one: 50 over 3 is 17, 17, 16. */
export function splitEvenly(total, parts) {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}

/**
 * Loads every URL of `urls` at once with its share of `connections` for `seconds`. Resolves with
 * the combined numbers (latency percentiles from the merged histograms, not an average of
 * percentiles) and each replica's own.
 */
export async function loadSplit({ urls, delivery, signature, connections, seconds }) {
  const shares = splitEvenly(connections, urls.length);
  const raw = await Promise.all(
    urls.map((url, i) =>
      autocannon({
        ...loadOptions({ url, delivery, signature, connections: shares[i], seconds }),
        // Keeps the encoded histograms, so that aggregateResult can merge them.
        skipAggregateResult: true,
      }),
    ),
  );
  // aggregateResult validates its options as a run's: it wants a URL, though it only reports it.
  const combined = summarizeLoad(autocannon.aggregateResult(raw, { url: urls[0], connections }));
  // The runs start together but may end a few ms apart: rate over the longest of them.
  const longest = Math.max(...raw.map((r) => r.duration));
  combined.seconds = longest;
  combined.rps = combined.responses / longest;
  return {
    ...combined,
    perReplica: raw.map((r, i) => ({
      url: urls[i],
      connections: shares[i],
      ...summarizeLoad(autocannon.aggregateResult([r], { url: urls[i], connections: shares[i] })),
    })),
  };
}

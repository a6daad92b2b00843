/** Percentiles of latency samples the bench took itself (end-to-end, acks of single requests). */

/** Nearest-rank percentile of `values` (any order); null when empty. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** count, min, p50, p99, max and mean of `values`, to 0.1 ms. */
export function summarize(values) {
  const round = (v) => (v == null ? null : Math.round(v * 10) / 10);
  return {
    count: values.length,
    min: round(values.length ? Math.min(...values) : null),
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    max: round(values.length ? Math.max(...values) : null),
    mean: round(values.length ? values.reduce((a, b) => a + b, 0) / values.length : null),
  };
}

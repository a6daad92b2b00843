/**
 * Each of `store`'s methods, tried again after a short, growing wait when it fails, for up to
 * `withinMs` in all; then the last failure is thrown. For what a worker records while it holds a
 * claim: once Slack has accepted a post, that fact must reach the store, or the post is sent
 * again when the claim runs out and Slack shows it twice. A connection cut by a failover or a
 * restart of PostgreSQL is usually back within moments; the claim lasts far longer than this
 * waits. Every method is safe to repeat: the writes are upserts, status changes and
 * compare-and-sets, which say false rather than apply twice.
 */
export function rideOutStoreFailures<T extends object>(
  store: T,
  withinMs: number,
  onRetry: (error: unknown) => void = () => {},
  sleep: (ms: number) => Promise<void> = (ms) =>
    new Promise((resolve) => setTimeout(resolve, ms).unref()),
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    if (typeof member !== "function") {
      wrapped[name] = member;
      continue;
    }
    wrapped[name] = async (...args: unknown[]) => {
      const started = Date.now();
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await (member as (...callArgs: unknown[]) => Promise<unknown>).apply(store, args);
        } catch (error) {
          const wait = Math.min(1_000, 25 * 2 ** attempt);
          if (Date.now() - started + wait > withinMs) throw error;
          onRetry(error);
          await sleep(wait);
        }
      }
    };
  }
  return wrapped as T;
}

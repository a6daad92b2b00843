import type { PullRequestUpdate } from "../events/conversation-event.js";
import type { OutboxStore } from "../store/outbox-store.js";

/** Where the newest pull request state seen for a thread is kept, whatever the channel. */
function stateKey(threadKey: string): string {
  return `pull_request/${threadKey}`;
}

/** The most recent of some pull request states (by GitHub's `updated_at`); undefined if none. */
export function newestUpdate(
  ...updates: (PullRequestUpdate | undefined)[]
): PullRequestUpdate | undefined {
  return updates.reduce<PullRequestUpdate | undefined>(
    (best, update) =>
      update && (!best || Date.parse(update.updatedAt) > Date.parse(best.updatedAt))
        ? update
        : best,
    undefined,
  );
}

/** The newest state of a pull request seen so far, for parent messages posted later. */
export async function readPullRequestState(
  store: OutboxStore,
  threadKey: string,
): Promise<PullRequestUpdate | undefined> {
  const saved = await store.getState(stateKey(threadKey));
  return saved ? (JSON.parse(saved) as PullRequestUpdate) : undefined;
}

/**
 * Keeps `update` as the pull request's state unless a newer one is already kept. Replicas may
 * receive two updates of one pull request at once: a compare-and-set makes the newer one win
 * whichever writes last.
 */
export async function rememberPullRequestState(
  store: OutboxStore,
  threadKey: string,
  update: PullRequestUpdate,
): Promise<void> {
  const key = stateKey(threadKey);
  for (;;) {
    const saved = await store.getState(key);
    const known = saved ? (JSON.parse(saved) as PullRequestUpdate) : undefined;
    if (newestUpdate(known, update) !== update) return;
    if (await store.compareAndSetState(key, saved, JSON.stringify(update))) return;
  }
}

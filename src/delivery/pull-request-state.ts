import type { PullRequestUpdate } from "../events/conversation-event.js";
import type { ConversationMap } from "../store/conversation-map.js";

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
  conversations: Pick<ConversationMap, "getPullRequest">,
  threadKey: string,
): Promise<PullRequestUpdate | undefined> {
  const kept = await conversations.getPullRequest(threadKey);
  return kept ? (JSON.parse(kept.state) as PullRequestUpdate) : undefined;
}

/**
 * Keeps `update` as the pull request's state unless a newer one is already kept. Replicas may
 * receive two updates of one pull request at once: a compare-and-set makes the newer one win
 * whichever writes last.
 */
export async function rememberPullRequestState(
  conversations: Pick<ConversationMap, "getPullRequest" | "replacePullRequest">,
  threadKey: string,
  update: PullRequestUpdate,
): Promise<void> {
  for (;;) {
    const kept = await conversations.getPullRequest(threadKey);
    const known = kept ? (JSON.parse(kept.state) as PullRequestUpdate) : undefined;
    if (newestUpdate(known, update) !== update) return;
    const { state } = update.pullRequest;
    const record = {
      state: JSON.stringify(update),
      updatedAt: update.updatedAt,
      open: state !== "merged" && state !== "closed",
    };
    if (await conversations.replacePullRequest(threadKey, kept, record)) return;
  }
}

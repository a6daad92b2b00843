import type { PullRequestUpdate } from "../events/conversation-event.js";
import { mergeCard, type CardFact, type PullRequestCard } from "../events/pull-request-card.js";
import type { ConversationMap } from "../store/conversation-map.js";

/**
 * The card of a pull request as kept so far, for its parent messages. A state kept before cards
 * (a PullRequestUpdate) reads as a card without reviews or checks.
 */
export async function readPullRequestState(
  conversations: Pick<ConversationMap, "getPullRequest">,
  threadKey: string,
): Promise<PullRequestCard | undefined> {
  const kept = await conversations.getPullRequest(threadKey);
  return kept ? (JSON.parse(kept.state) as PullRequestCard) : undefined;
}

/**
 * Merges `fact` into the pull request's kept card (see `mergeCard`) and resolves to the card as
 * kept now; undefined when no card is kept and the fact cannot start one (a check of a pull
 * request never seen). Replicas may merge two facts of one pull request at once: a
 * compare-and-set on the kept card retries whichever wrote second, so neither is lost.
 */
export async function rememberPullRequestCard(
  conversations: Pick<ConversationMap, "getPullRequest" | "replacePullRequest">,
  threadKey: string,
  fact: CardFact,
): Promise<PullRequestCard | undefined> {
  for (;;) {
    const kept = await conversations.getPullRequest(threadKey);
    const known = kept ? (JSON.parse(kept.state) as PullRequestCard) : undefined;
    const card = mergeCard(known, fact);
    if (!card) return undefined;
    const state = JSON.stringify(card);
    if (kept && state === kept.state) return card;
    const record = {
      state,
      updatedAt: card.updatedAt,
      open: card.pullRequest.state !== "merged" && card.pullRequest.state !== "closed",
      headSha: card.pullRequest.headSha ?? null,
    };
    if (await conversations.replacePullRequest(threadKey, kept, record)) return card;
  }
}

/** Keeps `update` as the pull request's state unless a newer one is already kept. */
export async function rememberPullRequestState(
  conversations: Pick<ConversationMap, "getPullRequest" | "replacePullRequest">,
  threadKey: string,
  update: PullRequestUpdate,
): Promise<void> {
  await rememberPullRequestCard(conversations, threadKey, { update });
}

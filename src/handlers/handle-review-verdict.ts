import { threadKeyOf } from "../delivery/outgoing-post.js";
import { normalizeReviewVerdict, type REVIEW_VERDICT_NAMES } from "../events/normalize.js";
import { decideCardPosts, type CardDeps } from "./decide-card-posts.js";
import type { Decision, GitHubEvent } from "./github-event.js";

/**
 * `pull_request_review` submitted or dismissed: the reviewer's verdict (and the pull request as
 * the payload shows it) is merged into the card, and the card's parent message follows in every
 * channel that has the thread. The review itself is carried as a message by the conversation
 * handler, as its config says; this edits only the card.
 */
export function createReviewVerdictHandler(deps: CardDeps) {
  return async (event: GitHubEvent<(typeof REVIEW_VERDICT_NAMES)[number]>): Promise<Decision> => {
    const fact = normalizeReviewVerdict(event.payload);
    const { repository, pullRequest } = fact.update!;
    const threadKey = threadKeyOf(repository.fullName, pullRequest.number);
    await deps.rememberPullRequest(threadKey, fact);
    return decideCardPosts(event, deps, [threadKey], {
      owner: repository.owner,
      repo: repository.name,
    });
  };
}

import { threadKeyOf } from "../delivery/outgoing-post.js";
import type { Announcement, PullRequestUpdate } from "../events/conversation-event.js";
import { normalizePullRequestUpdate, type PULL_REQUEST_UPDATE_NAMES } from "../events/normalize.js";
import { decideCardPosts, type CardDeps } from "./decide-card-posts.js";
import type { Decision, GitHubEvent } from "./github-event.js";

export type PullRequestUpdateDeps = CardDeps;

type PullRequestUpdateName = (typeof PULL_REQUEST_UPDATE_NAMES)[number];

/** What `announce:` may say of this action, if anything. */
function announcementOf(action: string, update: PullRequestUpdate): Announcement | undefined {
  if (action === "closed") return update.pullRequest.state === "merged" ? "merged" : "closed";
  if (action === "ready_for_review") return "ready_for_review";
  return undefined;
}

/**
 * `pull_request` opened, closed, reopened, edited, ready_for_review, converted_to_draft,
 * review_requested, review_request_removed, labeled, unlabeled, synchronize: the pull request as
 * the payload shows it is merged into its card (title, state, branches, labels, requested
 * reviewers, head commit: a new head starts a new checks summary), and the card's parent message
 * follows in every channel that has its thread; merged, closed and ready for review are also
 * posted in the thread where the config's `announce:` asks for them.
 */
export function createPullRequestUpdateHandler(deps: PullRequestUpdateDeps) {
  return async (event: GitHubEvent<PullRequestUpdateName>): Promise<Decision> => {
    const update = normalizePullRequestUpdate(event.payload);
    const threadKey = threadKeyOf(update.repository.fullName, update.pullRequest.number);
    await deps.rememberPullRequest(threadKey, { update });
    const what = announcementOf(event.payload.action, update);
    return decideCardPosts(
      event,
      deps,
      [threadKey],
      { owner: update.repository.owner, repo: update.repository.name },
      what ? { what, update, by: event.payload.sender?.login ?? "ghost" } : undefined,
    );
  };
}

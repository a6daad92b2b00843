import type { Context } from "probot";
import type { PullRequestUpdate } from "../events/conversation-event.js";
import { orderKeyOf, threadKeyOf, type DeliverPosts } from "../delivery/outgoing-post.js";
import { normalizePullRequestUpdate, type PULL_REQUEST_UPDATE_NAMES } from "../events/normalize.js";

export interface PullRequestUpdateDeps {
  /** Channels where the pull request's thread exists. */
  threadChannels: (threadKey: string) => Promise<string[]>;
  /** Keeps the pull request's newest state, for parents posted later. */
  rememberPullRequest: (threadKey: string, update: PullRequestUpdate) => Promise<void>;
  deliver: DeliverPosts;
}

/**
 * `pull_request` closed, reopened, edited, ready_for_review, converted_to_draft: the parent
 * message of the pull request's thread follows its title and state, in every channel that has one.
 */
export function createPullRequestUpdateHandler(deps: PullRequestUpdateDeps) {
  return async (context: Context<(typeof PULL_REQUEST_UPDATE_NAMES)[number]>): Promise<void> => {
    const update = normalizePullRequestUpdate(context.payload);
    const threadKey = threadKeyOf(update.repository.fullName, update.pullRequest.number);
    const log = context.log.child({
      event: `pull_request.${context.payload.action}`,
      pullRequest: threadKey,
    });
    await deps.rememberPullRequest(threadKey, update);
    const channels = await deps.threadChannels(threadKey);
    if (channels.length === 0) {
      log.debug(
        "no thread for this pull request yet; its first comment's parent will show the news",
      );
      return;
    }
    const orderKey = orderKeyOf(update.updatedAt);
    await deps.deliver(
      {
        deliveryId: context.id,
        event: `pull_request.${context.payload.action}`,
        posts: channels.map((channel) => ({
          channel,
          content: { type: "parent" as const, update },
          threadKey,
          orderKey,
        })),
      },
      log,
    );
  };
}

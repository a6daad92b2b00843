import type { ConfigSource } from "../config/config-source.js";
import type { PullRequestUpdate } from "../events/conversation-event.js";
import { orderKeyOf, threadKeyOf } from "../delivery/outgoing-post.js";
import { normalizePullRequestUpdate, type PULL_REQUEST_UPDATE_NAMES } from "../events/normalize.js";
import type { Decision, GitHubEvent } from "./github-event.js";

export interface PullRequestUpdateDeps {
  /** For `replies:`, which the parent's footer tells people about. */
  configs?: ConfigSource;
  /** Channels where the pull request's thread exists. */
  threadChannels: (threadKey: string) => Promise<string[]>;
  /** Keeps the pull request's newest state, for parents posted later. */
  rememberPullRequest: (threadKey: string, update: PullRequestUpdate) => Promise<void>;
}

/**
 * `pull_request` closed, reopened, edited, ready_for_review, converted_to_draft: the parent
 * message of the pull request's thread follows its title and state, in every channel that has one.
 */
export function createPullRequestUpdateHandler(deps: PullRequestUpdateDeps) {
  return async (
    event: GitHubEvent<(typeof PULL_REQUEST_UPDATE_NAMES)[number]>,
  ): Promise<Decision> => {
    const update = normalizePullRequestUpdate(event.payload);
    const threadKey = threadKeyOf(update.repository.fullName, update.pullRequest.number);
    await deps.rememberPullRequest(threadKey, update);
    const channels = await deps.threadChannels(threadKey);
    if (channels.length === 0) {
      event.log.debug(
        { pullRequest: threadKey },
        "no thread for this pull request yet; its first comment's parent will show the news",
      );
      return {
        skipped: "no thread for this pull request yet; its first comment's parent will show it",
        explanation: { pullRequest: threadKey },
      };
    }
    const orderKey = orderKeyOf(update.updatedAt);
    // Read from the cache as a comment's delivery does; an unreadable config only loses the footer.
    const loaded = await deps.configs
      ?.get(event.octokit, { owner: update.repository.owner, repo: update.repository.name })
      .catch((error: unknown) => {
        event.log.debug({ error: String(error) }, "config unreadable; the parent shows no footer");
        return undefined;
      });
    const replies = loaded?.status === "found" ? loaded.config.replies : "off";
    return {
      posts: channels.map((channel) => ({
        channel,
        content: { type: "parent" as const, update, replies },
        threadKey,
        orderKey,
      })),
      explanation: {
        pullRequest: threadKey,
        channels: channels.map((channel) => ({
          channel,
          because: "the pull request's thread is in this channel",
        })),
      },
    };
  };
}

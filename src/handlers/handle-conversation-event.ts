import type { ConfigSource } from "../config/config-source.js";
import type { MissingConfigNotice } from "../config/create-missing-config-notice.js";
import { orderKeyOf, threadKeyOf } from "../delivery/outgoing-post.js";
import type { ConversationEvent } from "../events/conversation-event.js";
import { normalize, type CarriedEventName } from "../events/normalize.js";
import { needsBaseBranch, routeEvent } from "../routing/route-event.js";
import type { Decision, GitHubEvent, GitHubOctokit } from "./github-event.js";

export interface ConversationHandlerDeps {
  configs: ConfigSource;
  /** SLACK_CHANNEL: where repositories without any config file post. */
  defaultChannel: string | undefined;
  /** Says once per owner why an organisation-wide config may not be found. */
  noticeMissingConfig?: MissingConfigNotice;
  /** True for a comment threadline wrote from a Slack reply: its echo is not carried back. */
  wroteFromSlack?: (commentId: number) => Promise<boolean>;
}

/**
 * `issue_comment.created`, `pull_request_review_comment.created`, `pull_request_review.submitted`:
 * normalize, load the repository's config, route, and decide the posts (and why each channel).
 * Every early return says why at debug level, so "why did nothing arrive?" has an answer in the log.
 */
export function createConversationHandler(deps: ConversationHandlerDeps) {
  return async (github: GitHubEvent<CarriedEventName>): Promise<Decision> => {
    const { name, log } = github;
    const normalized = (
      normalize[name] as (payload: unknown) => ReturnType<(typeof normalize)[CarriedEventName]>
    )(github.payload);
    if (normalized.skipped !== undefined) {
      log.debug({ reason: normalized.skipped }, "not carried");
      return { skipped: normalized.skipped, explanation: { skipped: normalized.skipped } };
    }
    let event = normalized.event;
    const repository = event.repository.fullName;
    const pullRequest = threadKeyOf(repository, event.pullRequest.number);
    // Recognised by the comment id recorded when it was written, not by its text or author:
    // whatever `ignore.bots` says, a reply from Slack is already in the thread.
    if (event.kind === "comment" && (await deps.wroteFromSlack?.(event.id))) {
      const skipped = "written from a Slack reply by threadline: already in the thread";
      log.debug({ pullRequest }, skipped);
      return { skipped, explanation: { pullRequest, skipped } };
    }

    const loaded = await deps.configs.get(github.octokit, {
      owner: event.repository.owner,
      repo: event.repository.name,
    });
    if (loaded.status === "invalid") {
      log.error(
        {
          repository,
          path: loaded.error.path,
          line: loaded.error.line,
          field: loaded.error.field,
        },
        loaded.error.message,
      );
      return {
        skipped: loaded.error.message,
        explanation: {
          pullRequest,
          config: `${loaded.error.path} in ${loaded.error.repository} is invalid`,
          skipped: loaded.error.message,
        },
      };
    }
    if (loaded.status === "missing" && event.repository.name !== ".github") {
      await deps.noticeMissingConfig?.(await github.octokit(), event.repository.owner, repository);
    }
    const config = loaded.status === "found" ? loaded.config : null;
    const configSource =
      loaded.status === "found"
        ? `${loaded.source.path} in ${loaded.source.repository}`
        : deps.defaultChannel
          ? "SLACK_CHANNEL (no .github/threadline.yml)"
          : "none (no .github/threadline.yml, no SLACK_CHANNEL)";

    if (config && event.pullRequest.base === undefined && needsBaseBranch(config)) {
      event = await withBaseBranch(await github.octokit(), event);
    }

    const routed = routeEvent(event, config, { defaultChannel: deps.defaultChannel });
    if ("skipped" in routed && routed.skipped !== undefined) {
      log.debug({ repository, reason: routed.skipped }, "not carried");
      return {
        skipped: routed.skipped,
        explanation: { pullRequest, config: configSource, skipped: routed.skipped },
      };
    }

    const content = {
      event,
      mentions: config?.mentions ?? {},
      threads: config?.threads ?? true,
      broadcast: config?.broadcast ?? false,
      deleted: config?.deleted ?? "tombstone",
      details: config?.details ?? "collapse",
      replies: config?.replies ?? "off",
    };
    const threadKey = pullRequest;
    // A review and the line comments submitted with it become one message.
    const reviewId = event.kind === "review" ? event.id : event.location?.reviewId;
    const groupKey = reviewId ? `review:${reviewId}` : undefined;
    const orderKey = orderKeyOf(event.createdAt, event.id);
    log.debug(
      { pullRequest: threadKey, channels: routed.channels, reasons: routed.reasons },
      "routed",
    );
    return {
      posts: routed.channels.map((channel) => ({
        channel,
        content,
        threadKey,
        orderKey,
        ...(groupKey ? { groupKey } : {}),
      })),
      explanation: {
        pullRequest,
        config: configSource,
        channels: routed.channels.map((channel, index) => ({
          channel,
          because: routed.reasons[index] ?? "",
        })),
      },
    };
  };
}

/** `issue_comment` payloads lack the base branch (and may lack `draft`); ask GitHub for them. */
async function withBaseBranch(
  octokit: GitHubOctokit,
  event: ConversationEvent,
): Promise<ConversationEvent> {
  const { data } = await octokit.rest.pulls.get({
    owner: event.repository.owner,
    repo: event.repository.name,
    pull_number: event.pullRequest.number,
  });
  return {
    ...event,
    pullRequest: {
      ...event.pullRequest,
      base: data.base.ref,
      draft: data.draft ?? event.pullRequest.draft,
    },
  };
}

import type { EmitterWebhookEventName } from "@octokit/webhooks";
import type { ConfigSource } from "./config/config-source.js";
import type { MissingConfigNotice } from "./config/create-missing-config-notice.js";
import { CHECK_EVENT_NAMES } from "./events/normalize-checks.js";
import {
  CARRIED_EVENT_NAMES,
  PULL_REQUEST_UPDATE_NAMES,
  REVIEW_VERDICT_NAMES,
} from "./events/normalize.js";
import type { CardFact, PullRequestCard } from "./events/pull-request-card.js";
import type { EventHandler } from "./handlers/github-event.js";
import {
  createAppAuthorizationHandler,
  type ForgetGitHubUser,
} from "./handlers/handle-app-authorization.js";
import { CONFIG_CHECK_EVENTS, createConfigCheckHandler } from "./handlers/handle-config-check.js";
import { createConfigPushHandler } from "./handlers/handle-config-push.js";
import { createCheckEventHandler } from "./handlers/handle-check-event.js";
import { createConversationHandler } from "./handlers/handle-conversation-event.js";
import { createPullRequestUpdateHandler } from "./handlers/handle-pull-request-update.js";
import { createReviewVerdictHandler } from "./handlers/handle-review-verdict.js";

export interface ThreadlineDeps {
  configs: ConfigSource;
  defaultChannel: string | undefined;
  /** Channels where a pull request's thread exists, for its parent message's updates. */
  threadChannels: (threadKey: string) => Promise<string[]>;
  /**
   * Merges a fact into a pull request's kept card (its parent message), resolving to the card as
   * kept; undefined when none is kept and the fact cannot start one.
   */
  rememberPullRequest: (threadKey: string, fact: CardFact) => Promise<PullRequestCard | undefined>;
  /** The pull requests (`owner/repo#N`) of a repository whose kept head commit is `sha`. */
  pullRequestsWithHead: (repository: string, sha: string) => Promise<string[]>;
  /** How long a card edit waits for more news of its pull request (ms); 5 s by default. */
  cardWaitMs?: number;
  /** Says once per owner why an organisation-wide config may not be found. */
  noticeMissingConfig?: MissingConfigNotice;
  /** True for a comment threadline wrote from a Slack reply: its echo is not carried back. */
  wroteFromSlack?: (commentId: number) => Promise<boolean>;
  /** Forgets people's links to a GitHub account whose authorization was revoked (linking on). */
  forgetGitHubUser?: ForgetGitHubUser;
}

/** Handlers by event (`issue_comment.created`, or `push` for every action), in registration order. */
export type EventHandlers = ReadonlyMap<string, readonly EventHandler[]>;

/**
 * threadline's handlers, each with its dependencies, by the events they decide about. Nothing
 * else: the intake runs them for each verified delivery and records what they decide.
 */
export function threadline(deps: ThreadlineDeps): EventHandlers {
  const handlers = new Map<string, EventHandler[]>();
  const on = <Name extends EmitterWebhookEventName>(
    names: Name | readonly Name[],
    handler: EventHandler<Name>,
  ) => {
    for (const name of typeof names === "string" ? [names] : names) {
      handlers.set(name, [...(handlers.get(name) ?? []), handler as unknown as EventHandler]);
    }
  };
  on(CARRIED_EVENT_NAMES, createConversationHandler(deps));
  on(PULL_REQUEST_UPDATE_NAMES, createPullRequestUpdateHandler(deps));
  on(REVIEW_VERDICT_NAMES, createReviewVerdictHandler(deps));
  on(CHECK_EVENT_NAMES, createCheckEventHandler(deps));
  on("push", createConfigPushHandler(deps.configs));
  on(CONFIG_CHECK_EVENTS, createConfigCheckHandler());
  on("github_app_authorization.revoked", createAppAuthorizationHandler(deps.forgetGitHubUser));
  return handlers;
}

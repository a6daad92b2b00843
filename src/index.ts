import type { EmitterWebhookEventName } from "@octokit/webhooks";
import type { ConfigSource } from "./config/config-source.js";
import type { MissingConfigNotice } from "./config/create-missing-config-notice.js";
import type { PullRequestUpdate } from "./events/conversation-event.js";
import { CARRIED_EVENT_NAMES, PULL_REQUEST_UPDATE_NAMES } from "./events/normalize.js";
import type { EventHandler } from "./handlers/github-event.js";
import { CONFIG_CHECK_EVENTS, createConfigCheckHandler } from "./handlers/handle-config-check.js";
import { createConfigPushHandler } from "./handlers/handle-config-push.js";
import { createConversationHandler } from "./handlers/handle-conversation-event.js";
import { createPullRequestUpdateHandler } from "./handlers/handle-pull-request-update.js";

export interface ThreadlineDeps {
  configs: ConfigSource;
  defaultChannel: string | undefined;
  /** Channels where a pull request's thread exists, for its parent message's updates. */
  threadChannels: (threadKey: string) => Promise<string[]>;
  /** Keeps a pull request's newest state, for parent messages posted later. */
  rememberPullRequest: (threadKey: string, update: PullRequestUpdate) => Promise<void>;
  /** Says once per owner why an organisation-wide config may not be found. */
  noticeMissingConfig?: MissingConfigNotice;
  /** True for a comment threadline wrote from a Slack reply: its echo is not carried back. */
  wroteFromSlack?: (commentId: number) => Promise<boolean>;
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
  on("push", createConfigPushHandler(deps.configs));
  on(CONFIG_CHECK_EVENTS, createConfigCheckHandler());
  return handlers;
}

import type { ApplicationFunction } from "probot";
import type { PullRequestUpdate } from "./events/conversation-event.js";
import type { ConfigSource } from "./config/config-source.js";
import type { MissingConfigNotice } from "./config/create-missing-config-notice.js";
import type { DeliverPosts, Explanation } from "./delivery/outgoing-post.js";
import { CARRIED_EVENT_NAMES, PULL_REQUEST_UPDATE_NAMES } from "./events/normalize.js";
import { CONFIG_CHECK_EVENTS, createConfigCheckHandler } from "./handlers/handle-config-check.js";
import { createConfigPushHandler } from "./handlers/handle-config-push.js";
import { createConversationHandler } from "./handlers/handle-conversation-event.js";
import { createPullRequestUpdateHandler } from "./handlers/handle-pull-request-update.js";

export interface ThreadlineDeps {
  configs: ConfigSource;
  defaultChannel: string | undefined;
  deliver: DeliverPosts;
  /** Records why a delivery carried nothing, for `threadline explain`. */
  explain: (deliveryId: string, explanation: Explanation) => void;
  /** Channels where a pull request's thread exists, for its parent message's updates. */
  threadChannels: (threadKey: string) => Promise<string[]>;
  /** Keeps a pull request's newest state, for parent messages posted later. */
  rememberPullRequest: (threadKey: string, update: PullRequestUpdate) => Promise<void>;
  /** Says once per owner why an organisation-wide config may not be found. */
  noticeMissingConfig?: MissingConfigNotice;
}

/** The Probot app: registers threadline's handlers with their dependencies. Nothing else. */
export function threadline(deps: ThreadlineDeps): ApplicationFunction {
  return (app) => {
    app.on(CARRIED_EVENT_NAMES, createConversationHandler(deps));
    app.on([...PULL_REQUEST_UPDATE_NAMES], createPullRequestUpdateHandler(deps));
    app.on("push", createConfigPushHandler(deps.configs));
    app.on(CONFIG_CHECK_EVENTS, createConfigCheckHandler());
  };
}

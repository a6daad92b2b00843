import type { ApplicationFunction } from "probot";
import type { ConfigSource } from "./config/config-source.js";
import type { DeliverPosts } from "./delivery/outgoing-post.js";
import { CARRIED_EVENT_NAMES } from "./events/normalize.js";
import { createConfigPushHandler } from "./handlers/handle-config-push.js";
import { createConversationHandler } from "./handlers/handle-conversation-event.js";

export interface ThreadlineDeps {
  configs: ConfigSource;
  defaultChannel: string | undefined;
  deliver: DeliverPosts;
}

/** The Probot app: registers threadline's handlers with their dependencies. Nothing else. */
export function threadline(deps: ThreadlineDeps): ApplicationFunction {
  return (app) => {
    app.on(CARRIED_EVENT_NAMES, createConversationHandler(deps));
    app.on("push", createConfigPushHandler(deps.configs));
  };
}

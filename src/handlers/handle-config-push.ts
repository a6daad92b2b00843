import type { Context } from "probot";
import type { ConfigSource } from "../config/config-source.js";
import { isConfigPush } from "../config/is-config-push.js";

/**
 * `push`: a change to `.github/threadline.yml` on the default branch takes effect at once rather
 * than when the cached copy expires. A change in the owner's `.github` repository may change every
 * repository's fallback, so all of that owner's entries go.
 */
export function createConfigPushHandler(configs: ConfigSource) {
  return async (context: Context<"push">): Promise<void> => {
    const change = isConfigPush(context.payload);
    const owner = context.payload.repository.owner?.login ?? "";
    const repo = context.payload.repository.name;
    if (!change.touchesConfig) {
      context.log.debug({ repository: `${owner}/${repo}` }, "push does not change the config");
      return;
    }
    if (change.isOrgDefaults) {
      configs.invalidateOwner(owner);
      context.log.info({ owner }, "organisation config changed; reloading it for every repository");
      return;
    }
    configs.invalidate(owner, repo);
    context.log.info({ repository: `${owner}/${repo}` }, "config changed; reloading it");
  };
}

import type { ConfigSource } from "../config/config-source.js";
import { isConfigPush } from "../config/is-config-push.js";
import type { Decision, GitHubEvent } from "./github-event.js";

/**
 * `push`: a change to `.github/threadline.yml` on the default branch takes effect at once rather
 * than when the cached copy expires. A change in the owner's `.github` repository may change every
 * repository's fallback, so all of that owner's entries go.
 */
export function createConfigPushHandler(configs: ConfigSource) {
  return async (event: GitHubEvent<"push">): Promise<Decision> => {
    const change = isConfigPush(event.payload);
    const owner = event.payload.repository.owner?.login ?? "";
    const repo = event.payload.repository.name;
    if (!change.touchesConfig) {
      event.log.debug({ repository: `${owner}/${repo}` }, "push does not change the config");
      return { skipped: "a push that does not change .github/threadline.yml" };
    }
    if (change.isOrgDefaults) {
      configs.invalidateOwner(owner);
      event.log.info({ owner }, "organisation config changed; reloading it for every repository");
      return { skipped: "a push that changes the organisation's config: reloaded" };
    }
    configs.invalidate(owner, repo);
    event.log.info({ repository: `${owner}/${repo}` }, "config changed; reloading it");
    return { skipped: "a push that changes the repository's config: reloaded" };
  };
}

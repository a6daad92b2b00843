import type { EmitterWebhookEvent } from "@octokit/webhooks";
import { CONFIG_PATH } from "./config-path.js";

export type PushPayload = EmitterWebhookEvent<"push">["payload"];

/** What a push means for cached configs. */
export interface ConfigPush {
  /** The push changes `.github/threadline.yml` on the repository's default branch. */
  touchesConfig: boolean;
  /**
   * The push is to the owner's `.github` repository, whose file is the fallback for every
   * repository of that owner without its own.
   */
  isOrgDefaults: boolean;
}

/**
 * Whether a push changes the config threadline reads. Only the default branch counts, because that
 * is the branch Probot's config plugin reads. `_extends` may point anywhere, so a change to an
 * extended file elsewhere is not seen here; the cache's expiry covers that case.
 */
export function isConfigPush(payload: PushPayload): ConfigPush {
  const { repository } = payload;
  const onDefaultBranch = payload.ref === `refs/heads/${repository.default_branch}`;
  // GitHub lists at most 20 commits in a push payload; `head_commit` is checked as well.
  const commits = [...payload.commits, payload.head_commit].filter(
    (commit) => commit !== null && commit !== undefined,
  );
  const touchesFile = commits.some((commit) =>
    [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])].includes(
      CONFIG_PATH,
    ),
  );
  return {
    touchesConfig: onDefaultBranch && touchesFile,
    isOrgDefaults: repository.name === ".github",
  };
}

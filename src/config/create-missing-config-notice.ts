import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import { statusOf } from "../github/github-error.js";
import { CONFIG_PATH } from "./config-path.js";

/** Tells, once per owner, why an organisation-wide config may not be found. */
export type MissingConfigNotice = (
  octokit: Pick<ProbotOctokit, "request">,
  owner: string,
  repository: string,
) => Promise<void>;

/**
 * When a repository has no `.github/threadline.yml` and none is found in its owner's `.github`
 * repository, GitHub answers the same 404 whether that repository lacks the file or the App is
 * simply not installed on it. One look at `owner/.github` tells the two apart; the first time the
 * App cannot see it, say so, once per owner for the life of the process (not per delivery), with
 * the fix. A failed look is not remembered, so a later delivery looks again.
 */
export function createMissingConfigNotice(log: Logger): MissingConfigNotice {
  const looked = new Set<string>();
  return async (octokit, owner, repository) => {
    if (looked.has(owner)) return;
    try {
      await octokit.request("GET /repos/{owner}/{repo}", { owner, repo: ".github" });
      looked.add(owner);
    } catch (error) {
      if (statusOf(error) !== 404) {
        log.debug({ owner, err: error }, `could not look at ${owner}/.github; will look again`);
        return;
      }
      looked.add(owner);
      log.info(
        { owner, repository },
        `no ${CONFIG_PATH} in ${repository}, and the App cannot see ${owner}/.github (it does not exist, or the App is not installed on it): ` +
          `an organisation-wide config is read from ${owner}/.github only when the App is installed there too (it reads only ${CONFIG_PATH}); until then such repositories use SLACK_CHANNEL, or post nothing`,
      );
    }
  };
}

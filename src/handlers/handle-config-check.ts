import { ConfigAccessError } from "../config/config-access-error.js";
import { CONFIG_PATH } from "../config/config-path.js";
import { describeConfigCheck, type ConfigChange } from "../config/describe-config-check.js";
import { readText } from "../config/load-config.js";
import { parseConfig } from "../config/parse-config.js";
import { isPermissionDenied, messageOf, statusOf } from "../github/github-error.js";
import type { Decision, GitHubEvent, GitHubOctokit } from "./github-event.js";

/** The pull-request actions that give the pull request a new head commit to report on. */
export type ConfigCheckEventName =
  "pull_request.opened" | "pull_request.synchronize" | "pull_request.reopened";

/** The events the config check is registered for. */
export const CONFIG_CHECK_EVENTS: ConfigCheckEventName[] = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
];

/** The name the check run has on the pull request's commit. */
export const CONFIG_CHECK_NAME = "threadline config";

/** The fields of a pull request's changed file that say what happened to the config. */
interface ChangedFile {
  filename: string;
  status: string;
  previous_filename?: string;
}

/**
 * `pull_request.opened|synchronize|reopened`: when the pull request changes `.github/threadline.yml`,
 * validate the file at the head commit and report the result as a check run on that commit, so a
 * broken config is seen in review instead of in the log after it reaches the default branch. A pull
 * request that leaves the file alone costs a read of its file list and nothing more.
 */
export function createConfigCheckHandler() {
  return async (event: GitHubEvent<ConfigCheckEventName>): Promise<Decision> => {
    const { payload } = event;
    const owner = payload.repository.owner.login;
    const repo = payload.repository.name;
    const pullNumber = payload.pull_request.number;
    const headSha = payload.pull_request.head.sha;
    const log = event.log.child({ repository: `${owner}/${repo}`, pullRequest: pullNumber });
    const octokit = await event.octokit();
    const at = { owner, repo, fullName: payload.repository.full_name };

    const status = await configStatusIn(octokit, at, pullNumber);
    if (status === undefined) {
      log.debug(`pull request does not change ${CONFIG_PATH}; no config check`);
      return { skipped: `a pull request that does not change ${CONFIG_PATH}` };
    }

    let change: ConfigChange = { kind: "removed", owner, repo };
    if (status === "changed") {
      const text = await readConfigAt(octokit, at, headSha);
      if (text === undefined) {
        // The file list is the pull request's latest state; this event's commit may predate it.
        log.debug({ headSha }, `${CONFIG_PATH} is absent at this commit; reported as removed`);
      } else {
        change = {
          kind: "changed",
          owner,
          repo,
          text,
          parsed: parseConfig(text, { repository: `${owner}/${repo}`, path: CONFIG_PATH }),
        };
      }
    }

    const check = describeConfigCheck(change);
    try {
      await octokit.rest.checks.create({
        owner,
        repo,
        name: CONFIG_CHECK_NAME,
        head_sha: headSha,
        status: "completed" as const,
        conclusion: check.conclusion,
        output: check.output,
      });
    } catch (error) {
      if (isPermissionDenied(error)) {
        log.warn(
          { headSha },
          'cannot report the config check: this installation has not granted threadline the "Checks: write" permission; ' +
            "an organisation or repository owner accepts it under Settings → GitHub Apps → threadline → Configure",
        );
        return { skipped: "the config check could not be reported (Checks: write not granted)" };
      }
      throw new Error(
        `could not create the ${CONFIG_CHECK_NAME} check run on ${owner}/${repo}@${headSha}: ${messageOf(error)}`,
        { cause: error },
      );
    }
    log.info(
      { headSha, conclusion: check.conclusion, title: check.output.title },
      "config check reported",
    );
    return { skipped: `the config check was reported on the pull request (${check.conclusion})` };
  };
}

/** The repository a config check runs in. */
interface CheckedRepository {
  owner: string;
  repo: string;
  /** `owner/repo`, for messages. */
  fullName: string;
}

/**
 * What the pull request does to the config: "changed" (added, modified, renamed or copied to it),
 * "removed" (deleted or renamed away), or undefined. Pages are read only until the file turns up.
 */
async function configStatusIn(
  octokit: GitHubOctokit,
  { owner, repo, fullName }: CheckedRepository,
  pullNumber: number,
): Promise<"changed" | "removed" | undefined> {
  let renamedAway = false;
  try {
    for await (const { data } of octokit.paginate.iterator(octokit.rest.pulls.listFiles, {
      owner,
      repo,
      pull_number: pullNumber,
      per_page: 100,
    })) {
      for (const file of data as ChangedFile[]) {
        if (file.filename === CONFIG_PATH) {
          return file.status === "removed" ? "removed" : "changed";
        }
        // Keep reading: another file may be renamed onto the path further down the list.
        if (file.previous_filename === CONFIG_PATH) renamedAway = true;
      }
    }
  } catch (error) {
    throw new Error(`could not list the files of ${fullName}#${pullNumber}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  return renamedAway ? "removed" : undefined;
}

/** The config's text at `ref`; undefined when the file does not exist there. */
async function readConfigAt(
  octokit: GitHubOctokit,
  { owner, repo, fullName }: CheckedRepository,
  ref: string,
): Promise<string | undefined> {
  try {
    // The single_file permission grants exactly this path, at any ref.
    return await readText(octokit, { owner, repo, path: CONFIG_PATH }, ref);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    if (isPermissionDenied(error)) {
      throw new ConfigAccessError(fullName, undefined, {
        cause: error,
      });
    }
    throw new Error(`could not read ${CONFIG_PATH} of ${fullName} at ${ref}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

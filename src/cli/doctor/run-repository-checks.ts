import type { Settings } from "../../env.js";
import { loadConfig } from "../../config/load-config.js";
import {
  accountOf,
  checkOrganizationConfigRepository,
  readsConfigFile,
  type InstallationRecord,
} from "./check-installation.js";
import { checkRepositoryConfig, type ConfigOutcome } from "./check-repository-config.js";
import type { GitHubClients } from "./create-github-clients.js";
import { describeGitHubFailure } from "./describe-github-failure.js";
import { note, problem, type DoctorCheck } from "./doctor-check.js";
import { REPOSITORY_CAP, type RequestedRepository } from "./parse-doctor-arguments.js";

/** An item of `GET /installation/repositories`, as far as the doctor reads it. */
interface RepositoryItem {
  name: string;
  full_name: string;
  owner: { login: string };
}

export interface RepositoryChecksInput {
  settings: Settings;
  github: GitHubClients;
  installations: readonly InstallationRecord[];
  repositories: readonly RequestedRepository[];
  appHtmlUrl: string;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Step 5: with each installation's own token, as the App reads it for a delivery, each installed
 * repository's config (all of them up to the cap, or those named with --repo), and whether the
 * organisation's `.github` repository, the fallback for all of them, is readable at all.
 * Resolves to the channels the configs name.
 */
export async function runRepositoryChecks(
  input: RepositoryChecksInput,
  report: (...checks: DoctorCheck[]) => void,
): Promise<string[]> {
  const { settings, installations, repositories: requested } = input;
  const channels = new Set<string>();
  for (const wanted of requested) {
    if (!installations.some((installation) => same(accountOf(installation), wanted.owner))) {
      report(
        problem(
          `${wanted.owner}/${wanted.repo}: the App is not installed on ${wanted.owner}`,
          `install the App: ${input.appHtmlUrl}/installations/new`,
        ),
      );
    }
  }

  for (const installation of installations) {
    const login = accountOf(installation);
    const wanted = requested.filter((repository) => same(repository.owner, login));
    if ((requested.length > 0 && wanted.length === 0) || installation.suspended_at) continue;
    const octokit = input.github.installation(installation.id);

    let listed: RepositoryItem[];
    let total: number;
    try {
      if (wanted.length > 0) {
        // Asked for by name: the whole list, so "not installed on it" is never a guess.
        listed = (await octokit.paginate("GET /installation/repositories", {
          per_page: 100,
        })) as RepositoryItem[];
        total = listed.length;
      } else {
        const { data } = await octokit.request("GET /installation/repositories", {
          per_page: 100,
        });
        listed = data.repositories as RepositoryItem[];
        total = data.total_count;
      }
    } catch (error) {
      report(
        describeGitHubFailure(
          `GET /installation/repositories (installation on ${login})`,
          error,
          settings.githubApiUrl,
        ),
      );
      continue;
    }

    const selected: RepositoryItem[] = [];
    if (wanted.length > 0) {
      for (const repository of wanted) {
        const name = `${repository.owner}/${repository.repo}`;
        const item = listed.find((candidate) => same(candidate.full_name, name));
        if (item) selected.push(item);
        else {
          report(
            problem(
              `${name}: the installation on ${login} does not include it (or it does not exist)`,
              `an owner of ${login} adds it under Repository access: ${installation.html_url}`,
            ),
          );
        }
      }
    } else {
      selected.push(...listed.slice(0, REPOSITORY_CAP));
    }

    const singleFileMissing = !readsConfigFile(installation);
    for (const item of selected) {
      let outcome: ConfigOutcome;
      try {
        outcome = {
          loaded: await loadConfig(octokit, { owner: item.owner.login, repo: item.name }),
        };
      } catch (thrown) {
        outcome = { thrown };
      }
      const checked = checkRepositoryConfig(
        item.full_name,
        outcome,
        settings.defaultChannel,
        singleFileMissing,
      );
      report(checked.check);
      for (const channel of checked.channels) channels.add(channel);
    }
    if (wanted.length === 0 && total > selected.length) {
      report(
        note(
          `and ${total - selected.length} more repositories of ${login}, not checked: name them with --repo ${login}/<name>`,
        ),
      );
    }

    report(
      ...checkOrganizationConfigRepository(
        installation,
        listed.map((item) => item.name),
        listed.length >= total,
      ),
    );
  }
  return [...channels];
}

import { ProbotOctokit } from "probot";
import type { Settings } from "../../env.js";

/** What the doctor asks of GitHub as the App (JWT): its record, webhook and installations. */
export type AppOctokit = Pick<ProbotOctokit, "request" | "paginate">;
/** What it asks as one installation: its repositories, and their config as the App loads it. */
export type InstallationOctokit = Pick<ProbotOctokit, "request" | "paginate" | "config">;

/** The two ways the doctor talks to GitHub; a test passes Octokits whose retries are off. */
export interface GitHubClients {
  app: AppOctokit;
  installation(installationId: number): InstallationOctokit;
}

/** Octokit's own console output would bypass the redactor; the doctor reports failures itself. */
const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The CLI's Octokit: a rate limit fails the call at once instead of waiting it out, and a failed
 * call is tried once more, not three times over 14 seconds: a doctor that hangs helps no one.
 */
export const DoctorOctokit = ProbotOctokit.defaults({
  throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false },
  retry: { retries: 1 },
});

/**
 * Authenticates as the App exactly as Probot does (octokit-auth-probot): a JWT for `/app…`, and an
 * installation token, fetched on first use, for everything an installation is asked.
 */
export function createGitHubClients(
  Octokit: typeof ProbotOctokit,
  settings: Pick<Settings, "appId" | "privateKey" | "githubApiUrl">,
): GitHubClients {
  const common = { baseUrl: settings.githubApiUrl, log: SILENT };
  const { appId, privateKey } = settings;
  return {
    app: new Octokit({ auth: { appId, privateKey }, ...common }),
    installation: (installationId) =>
      new Octokit({ auth: { appId, privateKey, installationId }, ...common }),
  };
}

import { secretsOf, type Settings } from "../../env.js";
import { createSecretRedactor } from "../../log/redact-secrets.js";
import type { DoctorSlackClient } from "./create-doctor-slack-client.js";
import type { GitHubClients } from "./create-github-clients.js";
import { problem, warn, type DoctorCheck } from "./doctor-check.js";
import { formatCheck, formatSummary } from "./format-doctor-report.js";
import type { AppRequirements } from "./read-app-manifest.js";
import { runGitHubChecks } from "./run-github-checks.js";
import type { RequestedRepository } from "./parse-doctor-arguments.js";
import { runSlackChecks } from "./run-slack-checks.js";

export interface DoctorDeps {
  settings: Settings;
  /** What app.yml asks for. */
  requirements: AppRequirements;
  github: GitHubClients;
  slack: DoctorSlackClient;
  /** `--repo owner/name`; empty: every installed repository, up to a cap per installation. */
  repositories: readonly RequestedRepository[];
  /** NODE_ENV is production, where a smee.io webhook is a warning. */
  production: boolean;
  now: () => number;
  /** One line of the report (stdout). */
  write: (line: string) => void;
}

/**
 * `threadline doctor`: checks the install through GitHub's and Slack's APIs and prints one line
 * per finding as it is made, each problem with its fix, then the count. Every line goes through
 * the same redactor as the App's log. Resolves to the exit code: 1 while any problem remains.
 */
export async function runDoctor(deps: DoctorDeps): Promise<number> {
  const redact = createSecretRedactor(secretsOf(deps.settings));
  const found: DoctorCheck[] = [];
  const report = (...checks: DoctorCheck[]) => {
    for (const check of checks) {
      found.push(check);
      for (const line of formatCheck(check)) deps.write(redact(line));
    }
  };

  try {
    for (const warning of deps.settings.warnings) report(warn(warning));
    const channels = await runGitHubChecks(deps, report);
    const defaultChannel = deps.settings.defaultChannel;
    const inUse = [...new Set([...(defaultChannel ? [defaultChannel] : []), ...channels])];
    const { slackSigningSecrets, slackAppToken } = deps.settings;
    const answering = slackSigningSecrets.length > 0 || slackAppToken !== undefined;
    await runSlackChecks(deps.slack, inUse, deps.now, report, answering);
  } catch (error) {
    // A bug in the doctor, not a finding: said as one, so it is not taken for the install's fault.
    report(
      problem(
        `the doctor stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
        "please report this with the output above",
      ),
    );
  }

  deps.write(redact(formatSummary(found)));
  return found.some((check) => check.status === "problem") ? 1 : 0;
}

import type { ProbotOctokit } from "probot";
import { otherSecretsOf, readSettings, SettingsError, type Settings } from "../../env.js";
import { createSecretRedactor, databasePasswordsOf } from "../../log/redact-secrets.js";
import { createDoctorSlackClient, type DoctorSlackClient } from "./create-doctor-slack-client.js";
import { createGitHubClients } from "./create-github-clients.js";
import { problem, type DoctorCheck } from "./doctor-check.js";
import { formatCheck, formatSummary } from "./format-doctor-report.js";
import { DOCTOR_USAGE, parseDoctorArguments } from "./parse-doctor-arguments.js";
import { readAppManifest, type AppRequirements } from "./read-app-manifest.js";
import { runDoctor } from "./run-doctor.js";

export interface DoctorCommandDeps {
  env: NodeJS.ProcessEnv;
  /** The text of ./.env, when there is one, which the App's settings check for misread lines. */
  dotenvText: string | undefined;
  /** The Octokit class to authenticate as the App with (a test's has retries off). */
  Octokit: typeof ProbotOctokit;
  createSlackClient?: (settings: Settings) => DoctorSlackClient;
  readRequirements?: () => AppRequirements;
  now: () => number;
  /** The report (stdout). */
  write: (line: string) => void;
  /** Usage errors (stderr). */
  warn: (line: string) => void;
}

/**
 * `threadline doctor …` from the command line: reads the settings exactly as the App does
 * (`readSettings` over the environment and ./.env), so what it checks is what the App would run
 * with. Settings the App would refuse to start with are reported as problems (their messages
 * already say the fix), and nothing is asked of GitHub or Slack until they are right.
 */
export async function runDoctorCommand(
  argv: readonly string[],
  deps: DoctorCommandDeps,
): Promise<number> {
  const parsed = parseDoctorArguments(argv);
  if (parsed.kind === "help") {
    deps.write(DOCTOR_USAGE);
    return 0;
  }
  if (parsed.kind === "usage-error") {
    deps.warn(`threadline: ${parsed.message}`);
    return 1;
  }

  // Before the settings are read, mask what the environment holds, as src/main.ts does.
  const redact = createSecretRedactor(
    [
      deps.env.PRIVATE_KEY,
      deps.env.WEBHOOK_SECRET,
      deps.env.WEBHOOK_SECRET_PREVIOUS,
      deps.env.SLACK_BOT_TOKEN,
      ...databasePasswordsOf(deps.env.DATABASE_URL),
      ...otherSecretsOf(deps.env),
    ].filter((secret): secret is string => Boolean(secret)),
  );
  const fail = (checks: DoctorCheck[]): number => {
    for (const check of checks) for (const line of formatCheck(check)) deps.write(redact(line));
    deps.write(redact(formatSummary(checks)));
    return 1;
  };

  let settings: Settings;
  let requirements: AppRequirements;
  try {
    settings = readSettings(
      deps.env,
      deps.dotenvText === undefined ? {} : { dotenvText: deps.dotenvText },
    );
    requirements = (deps.readRequirements ?? readAppManifest)();
  } catch (error) {
    if (error instanceof SettingsError) {
      // Each already says what to set, and how.
      return fail(error.problems.map((text) => ({ status: "problem", text })));
    }
    return fail([
      problem(
        error instanceof Error ? error.message : String(error),
        "fix that, then run the doctor again",
      ),
    ]);
  }

  return runDoctor({
    settings,
    requirements,
    github: createGitHubClients(deps.Octokit, settings),
    slack: (deps.createSlackClient ?? createDoctorSlackClient)(settings),
    repositories: parsed.repositories,
    production: deps.env.NODE_ENV === "production",
    now: deps.now,
    write: deps.write,
  });
}

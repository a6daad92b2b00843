import type { Settings } from "../../env.js";
import { appSettingsUrl, type AppLocation } from "./app-settings-url.js";
import { checkAppPermissions, type AppGrants } from "./check-app-permissions.js";
import {
  checkAnyInstallation,
  checkInstallation,
  type InstallationRecord,
} from "./check-installation.js";
import { checkWebhookConfig, type WebhookConfig } from "./check-webhook-config.js";
import { checkWebhookDeliveries, type DeliveryRecord } from "./check-webhook-deliveries.js";
import { describeAppAccessFailure, describeGitHubFailure } from "./describe-github-failure.js";
import { note, ok, type DoctorCheck } from "./doctor-check.js";
import type { GitHubClients } from "./create-github-clients.js";
import type { AppRequirements } from "./read-app-manifest.js";
import type { RequestedRepository } from "./parse-doctor-arguments.js";
import { runRepositoryChecks } from "./run-repository-checks.js";

/** `GET /app`, as far as the doctor reads it. */
export type AppRecord = AppLocation & AppGrants & { id: number; name: string };

export interface GitHubChecksInput {
  settings: Settings;
  requirements: AppRequirements;
  github: GitHubClients;
  /** `--repo owner/name`: only these repositories' configs are read; empty means all (up to a cap). */
  repositories: readonly RequestedRepository[];
  /** NODE_ENV is production. */
  production: boolean;
}

/**
 * Steps 1–5: the App as GitHub has it registered, its webhook, its installations and each
 * installed repository's config. Reports as it goes, and resolves to the Slack channels the
 * configs it read name, for the Slack checks.
 */
export async function runGitHubChecks(
  input: GitHubChecksInput,
  report: (...checks: DoctorCheck[]) => void,
): Promise<string[]> {
  const { settings, github } = input;
  const apiUrl = settings.githubApiUrl;
  let app: AppRecord;
  try {
    app = (await github.app.request("GET /app")).data as AppRecord;
  } catch (error) {
    report(
      describeAppAccessFailure(error, settings.appId, apiUrl),
      note("the other GitHub checks are skipped until GET /app succeeds"),
    );
    return [];
  }
  const settingsUrl = appSettingsUrl(app);
  report(
    ok(
      `GitHub App "${app.name}" (id ${app.id}): the private key belongs to APP_ID ${settings.appId}`,
    ),
    ...checkAppPermissions(app, input.requirements, settingsUrl),
  );

  try {
    const { data } = await github.app.request("GET /app/hook/config");
    report(
      ...checkWebhookConfig(data as WebhookConfig, {
        webhookPath: settings.webhookPath,
        webhookProxyUrl: settings.webhookProxyUrl,
        production: input.production,
        settingsUrl,
      }),
    );
  } catch (error) {
    report(describeGitHubFailure("GET /app/hook/config", error, apiUrl));
  }

  try {
    const { data } = await github.app.request("GET /app/hook/deliveries", { per_page: 10 });
    report(...checkWebhookDeliveries(data as DeliveryRecord[], settingsUrl));
  } catch (error) {
    report(describeGitHubFailure("GET /app/hook/deliveries", error, apiUrl));
  }

  let installations: InstallationRecord[];
  try {
    installations = (await github.app.paginate("GET /app/installations", {
      per_page: 100,
    })) as InstallationRecord[];
  } catch (error) {
    report(describeGitHubFailure("GET /app/installations", error, apiUrl));
    return [];
  }
  report(...checkAnyInstallation(installations.length, app.html_url));
  for (const installation of installations) {
    report(...checkInstallation(installation, app, settingsUrl));
  }
  return runRepositoryChecks(
    {
      settings,
      github,
      installations,
      repositories: input.repositories,
      appHtmlUrl: app.html_url,
    },
    report,
  );
}

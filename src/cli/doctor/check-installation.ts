import { CONFIG_PATH } from "../../config/config-path.js";
import { ok, problem, warn, type DoctorCheck } from "./doctor-check.js";
import { accessCovers, eventLabel } from "./github-labels.js";
import type { AppGrants } from "./check-app-permissions.js";

/** The parts of an item of `GET /app/installations` that decide whether it works. */
export interface InstallationRecord {
  id: number;
  account: { login?: string; slug?: string; type?: string } | null;
  html_url: string;
  permissions: Record<string, string | undefined>;
  events: string[];
  single_file_name: string | null;
  has_multiple_single_files?: boolean;
  single_file_paths?: string[];
  suspended_at: string | null;
}

/** The account an installation belongs to, as GitHub names it (an enterprise has a slug). */
export function accountOf(installation: InstallationRecord): string {
  return installation.account?.login ?? installation.account?.slug ?? `#${installation.id}`;
}

/** No installation at all: GitHub sends nothing, and there is nothing else to check. */
export function checkAnyInstallation(count: number, appHtmlUrl: string): DoctorCheck[] {
  return count === 0
    ? [
        problem(
          "the App is not installed anywhere",
          `install the App: ${appHtmlUrl}/installations/new`,
        ),
      ]
    : [];
}

/**
 * One installation: GitHub gives an installation only the permissions and events its owner
 * accepted, and the Single file path as it was when they did; a suspended installation gets
 * nothing. The App's own settings say none of that.
 */
export function checkInstallation(
  installation: InstallationRecord,
  app: AppGrants,
  settingsUrl: string,
): DoctorCheck[] {
  const login = accountOf(installation);
  if (installation.suspended_at) {
    return [
      problem(
        `the installation on ${login} is suspended (since ${installation.suspended_at}): GitHub sends nothing for it`,
        `an owner of ${login} unsuspends it: ${installation.html_url}`,
      ),
    ];
  }
  const checks: DoctorCheck[] = [];
  const missing = [
    ...Object.entries(app.permissions)
      .filter(
        ([name, access]) =>
          access !== undefined && !accessCovers(installation.permissions[name], access),
      )
      .map(([name, access]) => `${name}: ${access}`),
    ...app.events
      .filter((event) => !installation.events.includes(event))
      .map((event) => `the ${eventLabel(event)} event`),
  ];
  if (missing.length > 0) {
    checks.push(
      problem(
        `the installation on ${login} has not accepted ${missing.join(", ")}`,
        `an owner of ${login} must accept the new permissions: ${installation.html_url}`,
      ),
    );
  }
  if (!readsConfigFile(installation)) {
    checks.push(
      problem(
        `the installation on ${login} may not read ${CONFIG_PATH}: its Single file path is ${describeSingleFile(installation)}`,
        `In the App's settings (${settingsUrl}) → Permissions & events → Repository permissions → Single file: "Read-only",\npath ${CONFIG_PATH}; save, then the owner accepts the change`,
      ),
    );
  }
  if (checks.length === 0) {
    checks.push(ok(`installation on ${login}: permissions accepted, may read ${CONFIG_PATH}`));
  }
  return checks;
}

/**
 * An organisation's `.github` repository holds the config every repository without its own falls
 * back to; GitHub answers 404 for a repository the installation does not include, so the App
 * would take the shared config for absent and say nothing. `repositoryNames` are the
 * installation's repositories; `complete` says whether that is all of them, since only then is a
 * missing `.github` known to be missing.
 */
export function checkOrganizationConfigRepository(
  installation: InstallationRecord,
  repositoryNames: readonly string[],
  complete: boolean,
): DoctorCheck[] {
  if (installation.account?.type !== "Organization" || !complete) return [];
  if (repositoryNames.some((name) => name.toLowerCase() === ".github")) return [];
  const login = accountOf(installation);
  return [
    warn(
      `an organisation-wide config in ${login}/.github cannot be read: the App is not installed on it`,
      `if ${login}/.github holds (or should hold) ${login}'s threadline config, an owner of ${login} adds it under\nRepository access: ${installation.html_url} (the App reads only ${CONFIG_PATH} there)`,
    ),
  ];
}

/**
 * The App reads `.github/threadline.yml` through the Single file permission, whose path GitHub
 * keeps per installation (`single_file_name`, or `single_file_paths` when there are several).
 * With Contents access the whole repository is readable and no path is needed.
 */
export function readsConfigFile(installation: InstallationRecord): boolean {
  if (accessCovers(installation.permissions.contents, "read")) return true;
  if (!accessCovers(installation.permissions.single_file, "read")) return false;
  const paths = [installation.single_file_name, ...(installation.single_file_paths ?? [])];
  return paths.some((path) => path?.replace(/^\.?\//, "") === CONFIG_PATH);
}

function describeSingleFile(installation: InstallationRecord): string {
  if (!installation.permissions.single_file) return "not granted";
  const paths = [
    ...new Set(
      [installation.single_file_name, ...(installation.single_file_paths ?? [])].filter(
        (path): path is string => Boolean(path),
      ),
    ),
  ];
  return paths.length === 0 ? "not set" : paths.join(", ");
}

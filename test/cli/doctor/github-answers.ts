/**
 * GitHub's answers to the calls `threadline doctor` makes, shaped as GitHub's REST reference shows
 * them (trimmed of fields the doctor does not read, but never of ones it does), for an App
 * registered by the setup page from app.yml and owned by an organisation.
 */
import { readAppManifest } from "../../../src/cli/doctor/read-app-manifest.js";

export const APP_ID = 12345;
export const INSTALLATION_ID = 1;
export const INSTALLATION_TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
export const ORG = "octo-org";

const owner = (login: string, type: "Organization" | "User") => ({
  login,
  id: 9919,
  node_id: "MDEyOk9yZ2FuaXphdGlvbjk5MTk=",
  avatar_url: `https://avatars.githubusercontent.com/u/9919?v=4`,
  url: `https://api.github.com/users/${login}`,
  html_url: `https://github.com/${login}`,
  type,
  site_admin: false,
});

/**
 * What app.yml asks for, as GitHub lists it on an App the setup page registered from it: the same
 * permissions, and the events sorted (GitHub lists them by name).
 */
const MANIFEST = readAppManifest();
export const APP_PERMISSIONS: Record<string, string> = MANIFEST.permissions;
export const APP_EVENTS: string[] = [...MANIFEST.events].sort();

/** `GET /app`. */
export function appBody(
  overrides: Partial<{ permissions: Record<string, string>; events: string[] }> = {},
) {
  return {
    id: APP_ID,
    slug: "threadline",
    node_id: "MDExOkludGVncmF0aW9uMTIzNDU=",
    client_id: "Iv1.8a61f9b3a7aba766",
    owner: owner(ORG, "Organization"),
    name: "threadline",
    description:
      "Carries pull-request conversations into Slack, threaded, verified, never lost or doubled.",
    external_url: "https://github.com/",
    html_url: "https://github.com/apps/threadline",
    created_at: "2024-04-02T09:12:44Z",
    updated_at: "2024-04-02T09:20:01Z",
    permissions: overrides.permissions ?? APP_PERMISSIONS,
    events: overrides.events ?? APP_EVENTS,
    installations_count: 1,
  };
}

/** `GET /app/hook/config`: GitHub masks the secret. */
export function hookConfigBody(url = "https://threadline.octo-org.dev/api/github/webhooks") {
  return { content_type: "json", insecure_ssl: "0", secret: "********", url };
}

/** One item of `GET /app/hook/deliveries`. */
export function deliveryBody(
  statusCode: number,
  status = statusCode === 200 ? "OK" : `Invalid HTTP Response: ${statusCode}`,
) {
  return {
    id: 93676014012,
    guid: "0b989ba4-242f-11e5-81e1-c7b6966d2516",
    delivered_at: "2024-04-30T16:58:03Z",
    redelivery: false,
    duration: 0.27,
    status,
    status_code: statusCode,
    event: "issue_comment",
    action: "created",
    installation_id: INSTALLATION_ID,
    repository_id: 1296269,
  };
}

/**
 * One item of `GET /app/installations`. `single_file_name` is what the App's "Single file" path
 * was when the owner accepted it: null for an App the setup page registered (a manifest cannot
 * name the path) until an admin sets it by hand.
 */
export function installationBody(
  overrides: Partial<{
    permissions: Record<string, string>;
    events: string[];
    single_file_name: string | null;
    single_file_paths: string[];
    suspended_at: string | null;
  }> = {},
) {
  const singleFileName =
    overrides.single_file_name === undefined
      ? ".github/threadline.yml"
      : overrides.single_file_name;
  return {
    id: INSTALLATION_ID,
    client_id: "Iv1.8a61f9b3a7aba766",
    account: owner(ORG, "Organization"),
    repository_selection: "selected",
    access_tokens_url: `https://api.github.com/app/installations/${INSTALLATION_ID}/access_tokens`,
    repositories_url: "https://api.github.com/installation/repositories",
    html_url: `https://github.com/organizations/${ORG}/settings/installations/${INSTALLATION_ID}`,
    app_id: APP_ID,
    app_slug: "threadline",
    target_id: 9919,
    target_type: "Organization",
    permissions: overrides.permissions ?? APP_PERMISSIONS,
    events: overrides.events ?? APP_EVENTS,
    created_at: "2024-04-02T09:25:11Z",
    updated_at: "2024-04-02T09:31:40Z",
    single_file_name: singleFileName,
    has_multiple_single_files: false,
    single_file_paths: overrides.single_file_paths ?? (singleFileName ? [singleFileName] : []),
    suspended_by: null,
    suspended_at: overrides.suspended_at ?? null,
  };
}

/** `POST /app/installations/{id}/access_tokens`. */
export function accessTokenBody() {
  return {
    token: INSTALLATION_TOKEN,
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    permissions: APP_PERMISSIONS,
    repository_selection: "selected",
  };
}

/** `GET /installation/repositories`: the installation's repositories, by name. */
export function repositoriesBody(names: readonly string[], totalCount = names.length) {
  return {
    total_count: totalCount,
    repository_selection: "selected",
    repositories: names.map((name, index) => ({
      id: 1296269 + index,
      node_id: "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
      name,
      full_name: `${ORG}/${name}`,
      private: false,
      owner: owner(ORG, "Organization"),
      html_url: `https://github.com/${ORG}/${name}`,
      default_branch: "main",
    })),
  };
}

/** GitHub's error bodies. */
export const NOT_FOUND = {
  message: "Not Found",
  documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content",
  status: "404",
};
export const NOT_ACCESSIBLE = {
  message: "Resource not accessible by integration",
  documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content",
  status: "403",
};

/**
 * How GitHub reads an App manifest, for tests that check what the setup page registers. GitHub's
 * "Registering a GitHub App from a manifest" lists the keys it reads; others are ignored without
 * a word (Probot adds `version`, which is harmless), so a key like `single_file_name` looks like
 * configuration and configures nothing. GitHub also refuses to subscribe an App to events whose
 * permission it does not ask for ("Webhook events and payloads" names each event's permission).
 */

/** The manifest parameters GitHub documents. */
const MANIFEST_KEYS = new Set([
  "name",
  "url",
  "hook_attributes",
  "redirect_url",
  "callback_urls",
  "setup_url",
  "description",
  "public",
  "default_events",
  "default_permissions",
  "request_oauth_on_install",
  "setup_on_update",
]);

/** Added by Probot's ManifestCreation; GitHub ignores it. */
const PROBOT_KEYS = new Set(["version"]);

/** The repository permission each event needs (any access level). */
const EVENT_PERMISSIONS: Record<string, string> = {
  issue_comment: "issues",
  issues: "issues",
  pull_request: "pull_requests",
  pull_request_review: "pull_requests",
  pull_request_review_comment: "pull_requests",
  pull_request_review_thread: "pull_requests",
  push: "contents",
  check_run: "checks",
  check_suite: "checks",
  status: "statuses",
};

const ACCESS = new Set(["read", "write", "admin"]);

/** What GitHub would ignore or refuse in `manifest`, one sentence each; empty when all is read. */
export function checkManifestAsGitHubDoes(manifest: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(manifest)) {
    if (!MANIFEST_KEYS.has(key) && !PROBOT_KEYS.has(key)) {
      problems.push(`${key} is not a manifest key: GitHub ignores it`);
    }
  }
  const permissions = (manifest.default_permissions ?? {}) as Record<string, unknown>;
  for (const [name, access] of Object.entries(permissions)) {
    if (typeof access !== "string" || !ACCESS.has(access)) {
      problems.push(`permission ${name}: "${String(access)}" is not read, write or admin`);
    }
  }
  for (const event of (manifest.default_events ?? []) as string[]) {
    const needed = EVENT_PERMISSIONS[event];
    if (needed === undefined) problems.push(`${event}: no rule for this event in the test's table`);
    else if (!(needed in permissions)) {
      problems.push(`${event} needs the ${needed} permission, which the manifest does not ask for`);
    }
  }
  const hook = manifest.hook_attributes as { url?: unknown } | undefined;
  if (hook !== undefined && typeof hook.url !== "string") {
    problems.push("hook_attributes needs a url");
  }
  return problems;
}

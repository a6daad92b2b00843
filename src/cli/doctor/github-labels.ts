/**
 * Names as GitHub's App settings page shows them, so a fix can be followed by eye: the API says
 * `pull_requests: read`, the page says Pull requests → Read-only.
 */

/** Permissions whose label is not the API name in sentence case. */
const PERMISSION_LABELS: Record<string, string> = {
  statuses: "Commit statuses",
  repository_hooks: "Webhooks",
  vulnerability_alerts: "Dependabot alerts",
  security_events: "Code scanning alerts",
};

const ACCESS_LABELS: Record<string, string> = {
  read: "Read-only",
  write: "Read and write",
  admin: "Admin",
};

function sentenceCase(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `pull_requests` → `Repository permissions → Pull requests`, where the page lists it. */
export function permissionLabel(name: string): string {
  if (name.startsWith("organization_")) {
    return `Organization permissions → ${sentenceCase(name.slice("organization_".length))}`;
  }
  if (name === "members") return "Organization permissions → Members";
  return `Repository permissions → ${PERMISSION_LABELS[name] ?? sentenceCase(name)}`;
}

/** `read` → `Read-only`. */
export function accessLabel(access: string): string {
  return ACCESS_LABELS[access] ?? access;
}

/** `pull_request_review_comment` → `Pull request review comment`, as under "Subscribe to events". */
export function eventLabel(event: string): string {
  return sentenceCase(event);
}

/** Access levels in order, so `write` satisfies a need for `read`. */
const RANK: Record<string, number> = { read: 1, write: 2, admin: 3 };

/** True when `granted` gives at least what `needed` asks for. */
export function accessCovers(granted: string | undefined, needed: string): boolean {
  if (granted === undefined) return false;
  return (RANK[granted] ?? 0) >= (RANK[needed] ?? Number.POSITIVE_INFINITY);
}

import { isPermissionDenied, messageOf, statusOf } from "./github-error.js";

/** What a refused comment write means, for the worker and for the person who wrote the reply. */
export type GitHubWriteFailure =
  /** It may pass later: GitHub's 5xx, a network error, a rate limit (`retryAfterMs` when said). */
  | { kind: "transient"; reason: string; retryAfterMs?: number }
  /** It cannot pass as it is; `tell` is for the author, with what to do. */
  | { kind: "refused"; reason: string; tell: string }
  /** The comment to edit or delete is gone on GitHub: nothing left to do. */
  | { kind: "gone"; reason: string }
  /** A person's own token no longer works (revoked, expired): fall back to writing as the App. */
  | { kind: "token_revoked"; reason: string };

interface HeadersLike {
  response?: { headers?: Record<string, unknown> };
}

function header(error: unknown, name: string): string | undefined {
  const value = (error as HeadersLike | null)?.response?.headers?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * Milliseconds GitHub asked to wait: `retry-after` (secondary rate limits), else the primary
 * limit's reset time when none remain.
 */
function retryAfterMs(error: unknown, now: number): number | undefined {
  const retryAfter = Number(header(error, "retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  if (header(error, "x-ratelimit-remaining") === "0") {
    const reset = Number(header(error, "x-ratelimit-reset"));
    if (Number.isFinite(reset)) return Math.max(1000, reset * 1000 - now);
  }
  return undefined;
}

/**
 * Classifies an Octokit error from creating, editing or deleting a pull request's comment.
 * `repository` names where, for the author's message; `asPerson` says the write used the
 * person's own token (a 401 then means that token, not the App's).
 */
export function describeGitHubWriteError(
  error: unknown,
  context: { repository: string; action: "create" | "update" | "delete"; asPerson: boolean },
  now: number = Date.now(),
): GitHubWriteFailure {
  const status = statusOf(error);
  const message = messageOf(error);
  const reason = status ? `GitHub answered ${status}: ${message}` : message;
  const { repository } = context;

  if (status === 401 && context.asPerson) return { kind: "token_revoked", reason };
  const wait = retryAfterMs(error, now);
  if (status === 429 || ((status === 403 || status === 429) && wait !== undefined)) {
    return { kind: "transient", reason, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }
  if (status === 403 && /rate limit/i.test(message)) return { kind: "transient", reason };
  if (status === undefined || status >= 500 || status === 408) {
    return { kind: "transient", reason };
  }
  if (/archived/i.test(message)) {
    return {
      kind: "refused",
      reason,
      tell: `${repository} is archived, so GitHub takes no comments on it; your reply stays in Slack.`,
    };
  }
  if (/locked/i.test(message)) {
    return {
      kind: "refused",
      reason,
      tell: `The pull request is locked on GitHub (only collaborators may comment), so your reply stays in Slack. Ask a maintainer to unlock the conversation, or comment on GitHub.`,
    };
  }
  if (isPermissionDenied(error) && !context.asPerson) {
    return {
      kind: "refused",
      reason,
      tell: `threadline may not write comments in ${repository} yet: an owner must accept its new *Issues: write* permission (the installation's settings on GitHub show the request). Your reply stays in Slack.`,
    };
  }
  if (status === 403 && context.asPerson) {
    return {
      kind: "refused",
      reason,
      tell: `GitHub refused your own account a comment in ${repository} (you may not have access to it); your reply stays in Slack.`,
    };
  }
  if ((status === 404 || status === 410) && context.action !== "create") {
    return { kind: "gone", reason };
  }
  if (status === 404 || status === 410) {
    return {
      kind: "refused",
      reason,
      tell: `threadline can no longer reach ${repository} on GitHub (the App was uninstalled from it, or the pull request is gone); your reply stays in Slack.`,
    };
  }
  if (status === 422) {
    return {
      kind: "refused",
      reason,
      tell: `GitHub refused the comment (${message}); your reply stays in Slack.`,
    };
  }
  return {
    kind: "refused",
    reason,
    tell: `GitHub refused the comment (${reason}); your reply stays in Slack.`,
  };
}

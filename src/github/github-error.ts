/** The parts of an Octokit `RequestError` that say what GitHub refused, read defensively. */
interface RequestErrorLike {
  status?: unknown;
  message?: unknown;
  request?: { url?: unknown };
  response?: { headers?: Record<string, unknown> };
}

/** GitHub's HTTP status for a failed request, when the error carries one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as RequestErrorLike | null)?.status;
  return typeof status === "number" ? status : undefined;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The URL of the request that failed, when the error carries it. */
export function requestUrlOf(error: unknown): string | undefined {
  const url = (error as RequestErrorLike | null)?.request?.url;
  return typeof url === "string" ? url : undefined;
}

/**
 * A 403 that means "this installation may not do that" (GitHub says "Resource not accessible by
 * integration"). GitHub also answers rate limits with 403; those say so in the message or empty
 * `x-ratelimit-remaining`, and are not permission problems: they pass with time.
 */
export function isPermissionDenied(error: unknown): boolean {
  if (statusOf(error) !== 403) return false;
  const remaining = (error as RequestErrorLike).response?.headers?.["x-ratelimit-remaining"];
  return !/rate limit/i.test(messageOf(error)) && remaining !== "0" && remaining !== 0;
}

import { messageOf, statusOf } from "../../github/github-error.js";
import { problem, type DoctorCheck } from "./doctor-check.js";

/**
 * A failed GitHub call as a problem line: what was asked, what GitHub said, and, when GitHub was
 * not reached at all, where to look. Used for every call but `GET /app`, which has its own.
 */
export function describeGitHubFailure(
  request: string,
  error: unknown,
  apiUrl: string,
): DoctorCheck {
  const status = statusOf(error);
  if (status === undefined || !answered(error)) {
    return problem(
      `could not reach GitHub at ${apiUrl} (${request}): ${firstLine(error)}`,
      "check the network, any proxy, and GHE_HOST if the App lives on GitHub Enterprise Server",
    );
  }
  return problem(
    `GitHub answered ${status} to ${request}: ${firstLine(error)}`,
    status >= 500
      ? "GitHub failed: run the doctor again in a moment (https://www.githubstatus.com)"
      : "see GitHub's message above; the doctor's other checks may say what causes it",
  );
}

/**
 * `GET /app` is the first call made with the App's JWT, so its failure is about the credentials:
 * a key that belongs to another App (or APP_ID naming another App) is refused with 401, and so is
 * a JWT signed on a machine whose clock is off ("'Issued at' claim…", "'Expiration time'
 * claim…"), which needs another fix.
 */
export function describeAppAccessFailure(
  error: unknown,
  appId: number,
  apiUrl: string,
): DoctorCheck {
  const status = answered(error) ? statusOf(error) : undefined;
  if (status === 401 && /claim/i.test(messageOf(error)) && /\b(iat|exp)\b/.test(messageOf(error))) {
    return problem(
      `GitHub refused the App's token as issued at the wrong time: ${firstLine(error)}`,
      "this machine's clock is off: synchronise it (NTP) and run the doctor again",
    );
  }
  if (status === 401 || status === 404) {
    return problem(
      `GitHub refused to authenticate App ${appId} (${status}: ${firstLine(error)})`,
      `the private key does not belong to App ${appId} or APP_ID is wrong: download a new key from the App's settings page\n(General → Private keys) into PRIVATE_KEY or PRIVATE_KEY_PATH, and copy the App ID shown there into APP_ID`,
    );
  }
  return describeGitHubFailure("GET /app", error, apiUrl);
}

/**
 * Octokit reports a request that got no answer (refused, DNS, TLS) as a RequestError with status
 * 500 and no `response`; only a real answer carries one.
 */
function answered(error: unknown): boolean {
  return (error as { response?: unknown } | null)?.response !== undefined;
}

function firstLine(error: unknown): string {
  return messageOf(error).split("\n")[0]!.trim();
}

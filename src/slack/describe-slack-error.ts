import { ErrorCode } from "@slack/web-api";

/**
 * What a failed Slack call means for the post:
 * - `rate_limited` and `transient`: try again later (Slack asked to slow down, or it or the network
 *   failed);
 * - `auth`: the token is bad; every post will fail until an operator replaces it;
 * - `permanent`: this post can never succeed as it is (wrong channel, bot not invited, bad payload).
 */
export type SlackFailureKind = "rate_limited" | "transient" | "auth" | "permanent";

export interface SlackFailure {
  kind: SlackFailureKind;
  /** Slack's error code (`not_in_channel`) or a transport description (`http_503`, `timeout`). */
  code: string;
  /** One sentence an operator can act on. Never contains the token. */
  hint: string;
  /** Seconds Slack asked to wait, for `rate_limited`. */
  retryAfterSeconds?: number;
}

const AUTH_CODES = new Set([
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "account_inactive",
  "no_permission",
  "missing_scope",
  "ekm_access_denied",
]);

const HINTS: Record<string, (channel: string) => string> = {
  not_in_channel: (channel) =>
    `the bot is not a member of ${channel}: invite it with /invite @threadline in that channel, or grant the chat:write.public scope`,
  channel_not_found: (channel) =>
    `Slack cannot find channel ${channel}: check the channel ID in .github/threadline.yml or SLACK_CHANNEL, and invite the bot if the channel is private`,
  is_archived: (channel) =>
    `channel ${channel} is archived: unarchive it or map the repository to another channel`,
  invalid_auth: () =>
    "Slack rejected SLACK_BOT_TOKEN: replace it with the app's current Bot User OAuth Token (xoxb-…)",
  not_authed: () => "no Slack token was sent: set SLACK_BOT_TOKEN",
  token_revoked: () =>
    "SLACK_BOT_TOKEN was revoked: reinstall the Slack app and replace SLACK_BOT_TOKEN",
  token_expired: () =>
    "SLACK_BOT_TOKEN expired: replace it (or turn off token rotation for the Slack app)",
  account_inactive: () =>
    "the Slack app's bot user is deactivated: reinstall the Slack app and replace SLACK_BOT_TOKEN",
  missing_scope: () =>
    "SLACK_BOT_TOKEN lacks the chat:write scope: add it in the Slack app and reinstall",
  no_permission: () =>
    "SLACK_BOT_TOKEN lacks a needed permission: add chat:write and reinstall the Slack app",
  invalid_blocks: () =>
    "Slack refused the message layout: this is a threadline bug, please report it with the delivery id",
  msg_too_long: () =>
    "Slack refused the message as too long: this is a threadline bug, please report it with the delivery id",
};

interface ErrorLike {
  code?: unknown;
  data?: { error?: unknown };
  statusCode?: unknown;
  retryAfter?: unknown;
  message?: unknown;
}

/** Classifies an error thrown by `@slack/web-api` into what to do about it. */
export function describeSlackError(error: unknown, channel: string): SlackFailure {
  const failure = (error ?? {}) as ErrorLike;
  switch (failure.code) {
    case ErrorCode.PlatformError: {
      const code = String(failure.data?.error ?? "unknown_error");
      const hint = HINTS[code]?.(channel) ?? `Slack answered "${code}" for ${channel}`;
      if (code === "ratelimited") {
        return {
          kind: "rate_limited",
          code,
          hint: "Slack asked to slow down",
          retryAfterSeconds: 1,
        };
      }
      if (code === "internal_error" || code === "fatal_error" || code === "service_unavailable") {
        return { kind: "transient", code, hint: `Slack failed (${code}); it will be tried again` };
      }
      return { kind: AUTH_CODES.has(code) ? "auth" : "permanent", code, hint };
    }
    case ErrorCode.RateLimitedError: {
      const retryAfterSeconds = Number(failure.retryAfter) || 1;
      return {
        kind: "rate_limited",
        code: "rate_limited",
        hint: `Slack asked to wait ${retryAfterSeconds}s before posting to ${channel}`,
        retryAfterSeconds,
      };
    }
    case ErrorCode.HTTPError: {
      const status = Number(failure.statusCode);
      const code = `http_${status}`;
      if (status === 401 || status === 403) {
        return { kind: "auth", code, hint: HINTS.invalid_auth!(channel) };
      }
      return {
        kind: status >= 500 || status === 408 ? "transient" : "permanent",
        code,
        hint: `Slack answered HTTP ${status} for ${channel}`,
      };
    }
    case ErrorCode.RequestError: {
      // The SDK is told not to attach the axios error (it holds the token), so read the message.
      const message = String(failure.message ?? "");
      const timedOut = /timeout|ETIMEDOUT|ECONNABORTED/i.test(message);
      const network = /ECONNRESET|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up/i.exec(message);
      const code = timedOut
        ? "timeout"
        : network
          ? network[0].toLowerCase().replace(/ /g, "_")
          : "request_error";
      return {
        kind: "transient",
        code,
        hint: timedOut
          ? "Slack did not answer in time; check SLACK_API_URL and the network"
          : `could not reach Slack (${code}); check SLACK_API_URL and the network`,
      };
    }
    default:
      return {
        kind: "transient",
        code: "unknown_error",
        hint: "posting to Slack failed unexpectedly",
      };
  }
}

import type { Logger } from "pino";
import { GitHubOAuthError, type GitHubOAuth } from "../github/github-oauth.js";
import type { Metrics } from "../metrics/create-metrics.js";
import type { LinkedAccounts } from "../store/linked-accounts.js";
import type { LinkStateSigner } from "./link-state.js";

/** What GitHub's redirect to the callback carried (query parameters; absent ones undefined). */
export interface OAuthCallback {
  code: string | undefined;
  state: string | undefined;
  /** Set instead of `code` when the person declined, or GitHub refused the request. */
  error: string | undefined;
}

/** How a callback ended, for the page the person sees (never with the code or a token). */
export type LinkOutcome =
  | { kind: "linked"; githubLogin: string; slackUser: string }
  /** The state is older than ten minutes. */
  | { kind: "expired" }
  /** No state, or one threadline did not sign: not a link threadline gave out. */
  | { kind: "invalid"; reason: string }
  /** The person declined on GitHub (`error=access_denied`). */
  | { kind: "declined" }
  /** GitHub refused (the code was used or is old: `bad_verification_code`) or failed. */
  | { kind: "failed"; reason: string; retryable: boolean };

export type CompleteGitHubLink = (callback: OAuthCallback) => Promise<LinkOutcome>;

export interface LinkCompleterOptions {
  signer: LinkStateSigner;
  oauth: Pick<GitHubOAuth, "exchangeCode" | "user">;
  accounts: Pick<LinkedAccounts, "save">;
  log: Logger;
  metrics: Pick<Metrics, "linksChanged">;
  now?: () => number;
}

/** Why a state is refused, as the page says it. */
const STATE_REFUSALS = {
  malformed: "its state is damaged",
  bad_signature: "its state was not signed by this threadline",
  wrong_purpose: "its state is for something else",
};

/** A code as GitHub issues them: short, URL-safe. Anything else is not sent on to GitHub. */
const CODE = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * `GET /api/github/oauth/callback?code&state`: the person authorized the App on GitHub and was
 * sent back. The state must be one threadline signed in the last ten minutes; then the code is
 * exchanged for the person's token pair, `GET /user` says who they are, and the tokens are stored
 * (encrypted) under the Slack member the state names, replacing any earlier link.
 */
export function createLinkCompleter(options: LinkCompleterOptions): CompleteGitHubLink {
  const { signer, oauth, accounts, log, metrics, now = Date.now } = options;

  return async function completeGitHubLink(callback) {
    if (callback.state === undefined) {
      return { kind: "invalid", reason: "it has no state" };
    }
    const check = signer.verify(callback.state, now());
    if (!check.valid) {
      log.info({ reason: check.reason }, "a GitHub authorization came back with a state refused");
      return check.reason === "expired"
        ? { kind: "expired" }
        : { kind: "invalid", reason: STATE_REFUSALS[check.reason] };
    }
    const { request } = check;
    if (callback.error !== undefined) {
      const declined = callback.error === "access_denied";
      log.info(
        { slackUser: request.slackUser, error: callback.error.slice(0, 40) },
        declined ? "a person declined to authorize the App" : "GitHub refused the authorization",
      );
      return declined
        ? { kind: "declined" }
        : {
            kind: "failed",
            reason: `GitHub refused the authorization (${callback.error.slice(0, 40).replace(/[^a-z_]/g, "?")})`,
            retryable: false,
          };
    }
    if (callback.code === undefined || !CODE.test(callback.code)) {
      return { kind: "invalid", reason: "GitHub's answer carries no authorization code" };
    }
    try {
      const tokens = await oauth.exchangeCode(callback.code);
      const user = await oauth.user(tokens.accessToken);
      await accounts.save(
        { ...request, githubLogin: user.login, githubUserId: user.id, ...tokens },
        now(),
      );
      metrics.linksChanged.inc({ change: "linked" });
      log.info(
        {
          slackUser: request.slackUser,
          githubLogin: user.login,
          expires: tokens.accessExpiresAt !== undefined,
        },
        "a person linked their GitHub account",
      );
      return { kind: "linked", githubLogin: user.login, slackUser: request.slackUser };
    } catch (error) {
      if (error instanceof GitHubOAuthError) {
        log.warn(
          { slackUser: request.slackUser, code: error.code, reason: error.message },
          "linking a GitHub account failed",
        );
        return {
          kind: "failed",
          reason:
            error.code === "bad_verification_code"
              ? "GitHub says the authorization was already used or is too old"
              : error.message,
          retryable: error.transient,
        };
      }
      throw error;
    }
  };
}

import type { Logger } from "pino";
import { GitHubOAuthError, type GitHubOAuth } from "../github/github-oauth.js";
import type { Metrics } from "../metrics/create-metrics.js";
import type { GitHubIdentity, LinkedAccounts, SlackPerson } from "../store/linked-accounts.js";

/** A person's token for one write, or why there is none. */
export type PersonToken =
  /** Their user access token, good for a few minutes at least. */
  | { kind: "token"; token: string; identity: GitHubIdentity }
  /** They have not linked a GitHub account. */
  | { kind: "none" }
  /** Their link stopped working (refresh refused, token unreadable): it was dropped; tell them. */
  | { kind: "dropped"; identity: GitHubIdentity; reason: string }
  /** Not for this write, through no fault of theirs (the App's OAuth credentials were refused). */
  | { kind: "unavailable"; reason: string }
  /** Another replica is renewing their tokens right now: look again in a moment. */
  | { kind: "busy" };

export interface PersonTokens {
  /**
   * The person's usable access token, renewed first when it expires within
   * `refreshBeforeMs`. Throws (a transient failure, for the worker to retry) when it has expired
   * and GitHub could not renew it for now.
   */
  tokenFor(person: SlackPerson): Promise<PersonToken>;
  /** GitHub refused their token (401): forgets the link, if it still names `identity`. */
  drop(person: SlackPerson, identity: GitHubIdentity, reason: string): Promise<void>;
}

export interface PersonTokensOptions {
  accounts: Pick<
    LinkedAccounts,
    "get" | "saveTokens" | "claimRefresh" | "releaseRefresh" | "remove"
  >;
  oauth: Pick<GitHubOAuth, "refresh">;
  /** Names this replica in refresh claims. */
  holder: string;
  log: Logger;
  metrics: Pick<Metrics, "linksChanged">;
  /** Renew an access token that expires within this; five minutes. */
  refreshBeforeMs?: number;
  /** How long one replica's claim on renewing a person's tokens lasts; 30 s. */
  claimMs?: number;
  now?: () => number;
}

/** GitHub's OAuth errors that mean the person's refresh token is dead (not the App's setup). */
const DEAD_REFRESH_TOKEN = new Set(["bad_refresh_token"]);

/** An expired token GitHub could not renew for now: the worker retries the write later. */
export class TokenRenewalPending extends Error {
  override name = "TokenRenewalPending";
}

/**
 * People's GitHub user access tokens for the reply worker: read from the store (decrypted there),
 * renewed with the refresh token before they expire (GitHub's last eight hours, their refresh
 * tokens six months), one replica at a time per person (a refresh token works once, and the access
 * token it replaces stops working too), and dropped when GitHub no longer takes them.
 */
export function createPersonTokens(options: PersonTokensOptions): PersonTokens {
  const {
    accounts,
    oauth,
    holder,
    log,
    metrics,
    refreshBeforeMs = 5 * 60_000,
    claimMs = 30_000,
    now = Date.now,
  } = options;

  async function drop(person: SlackPerson, identity: GitHubIdentity, reason: string) {
    const removed = await accounts.remove(person, identity.githubUserId);
    if (!removed) return;
    metrics.linksChanged.inc({ change: "dropped" });
    log.info(
      { slackUser: person.slackUser, githubLogin: identity.githubLogin, reason },
      "a linked GitHub account stopped working; forgotten",
    );
  }

  async function tokenFor(person: SlackPerson): Promise<PersonToken> {
    const stored = await accounts.get(person.slackTeam, person.slackUser);
    if (!stored) return { kind: "none" };
    if (!stored.usable) {
      const identity = { githubLogin: stored.githubLogin, githubUserId: stored.githubUserId };
      const reason = `its token could not be read: ${stored.reason}`;
      await drop(person, identity, reason);
      return { kind: "dropped", identity, reason };
    }
    const { account } = stored;
    const identity = { githubLogin: account.githubLogin, githubUserId: account.githubUserId };
    const at = now();
    if (account.accessExpiresAt === undefined || account.accessExpiresAt > at + refreshBeforeMs) {
      return { kind: "token", token: account.accessToken, identity };
    }
    const stillValid = account.accessExpiresAt > at;
    if (
      account.refreshToken === undefined ||
      (account.refreshExpiresAt !== undefined && account.refreshExpiresAt <= at)
    ) {
      if (stillValid) return { kind: "token", token: account.accessToken, identity };
      const reason = "its token expired and cannot be renewed (the refresh token expired)";
      await drop(person, identity, reason);
      return { kind: "dropped", identity, reason };
    }
    if (!(await accounts.claimRefresh(person, holder, at, claimMs))) return { kind: "busy" };

    let renewed;
    try {
      renewed = await oauth.refresh(account.refreshToken);
    } catch (error) {
      await accounts.releaseRefresh(person, holder);
      if (!(error instanceof GitHubOAuthError)) throw error;
      if (DEAD_REFRESH_TOKEN.has(error.code)) {
        const reason = `GitHub refused to renew its token (${error.code})`;
        await drop(person, identity, reason);
        return { kind: "dropped", identity, reason };
      }
      if (stillValid) {
        log.warn(
          { slackUser: person.slackUser, reason: error.message },
          "could not renew a linked account's token yet; using it while it lasts",
        );
        return { kind: "token", token: account.accessToken, identity };
      }
      if (error.transient) {
        throw new TokenRenewalPending(
          `the linked account's token expired and GitHub could not renew it yet: ${error.message}`,
          { cause: error },
        );
      }
      // The App's own OAuth setup (client id or secret) was refused: not the person's doing.
      log.error(
        { code: error.code, reason: error.message },
        "GitHub refused to renew a linked account's token: check GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET",
      );
      return { kind: "unavailable", reason: error.message };
    }
    const saved = await accounts.saveTokens(person, account.githubUserId, renewed, now());
    if (!saved) return { kind: "none" };
    metrics.linksChanged.inc({ change: "refreshed" });
    log.info({ slackUser: person.slackUser }, "renewed a linked account's token");
    return { kind: "token", token: renewed.accessToken, identity };
  }

  return { tokenFor, drop };
}

/**
 * GitHub's user authorization of a GitHub App (the web application flow) and the renewal of the
 * user access tokens it gives, as "Generating a user access token for a GitHub App" and
 * "Refreshing user access tokens" describe them: the person is sent to
 * `<web>/login/oauth/authorize`, comes back with a code, and `POST <web>/login/oauth/access_token`
 * exchanges it (or a refresh token) for a token pair. GitHub answers that endpoint's refusals with
 * HTTP 200 and an `error` field (`bad_verification_code`, `bad_refresh_token`,
 * `incorrect_client_credentials`, `redirect_uri_mismatch`), not with a status.
 *
 * No error made here carries a token, a code or the client secret: they go out in request bodies
 * and headers only, and nothing of a request is quoted back.
 */

/** A user access token and its refresh token, as GitHub issues them; times in epoch ms. */
export interface IssuedTokens {
  accessToken: string;
  /** Absent when the App's user tokens do not expire (its "User-to-server token expiration" is off). */
  accessExpiresAt?: number;
  refreshToken?: string;
  refreshExpiresAt?: number;
}

/** Who a user access token belongs to (`GET /user`). */
export interface GitHubUser {
  login: string;
  id: number;
}

export interface GitHubOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** GitHub's web root (`https://github.com`, or the GitHub Enterprise Server's): OAuth lives there. */
  webUrl: string;
  /** The REST API root (`https://api.github.com`, or `<host>/api/v3`), for `GET /user`. */
  apiUrl: string;
  /** The App's Callback URL, where GitHub sends the person back with the code. */
  callbackUrl: string;
  fetch?: typeof fetch;
  /** Each request gives up after this long; 10 s. */
  timeoutMs?: number;
  now?: () => number;
}

/** What the App asks of GitHub's OAuth endpoints. */
export interface GitHubOAuth {
  /** Where to send a person to authorize the App; `state` comes back with them unchanged. */
  authorizeUrl(state: string): string;
  /** The token pair for the code GitHub sent the person back with (single use, ten minutes). */
  exchangeCode(code: string): Promise<IssuedTokens>;
  /** A new token pair; the refresh token given, and the access token issued with it, stop working. */
  refresh(refreshToken: string): Promise<IssuedTokens>;
  /** The person a user access token belongs to. */
  user(accessToken: string): Promise<GitHubUser>;
}

/** GitHub refused or failed an OAuth request. `code` is GitHub's `error`, or one of ours. */
export class GitHubOAuthError extends Error {
  override name = "GitHubOAuthError";
  constructor(
    message: string,
    /**
     * GitHub's error (`bad_verification_code`, `bad_refresh_token`,
     * `incorrect_client_credentials`, …), `bad_credentials` (a 401 for the token), `http_<status>`,
     * `network`, or `malformed` (an answer that is not what GitHub sends).
     */
    readonly code: string,
    /** It may pass if tried again later: GitHub's 5xx, 429, a timeout, the network. */
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  refresh_token_expires_in?: unknown;
  token_type?: unknown;
  error?: unknown;
  error_description?: unknown;
}

const OAUTH_ERROR = /^[a-z_]{1,64}$/;

/** A short, printable piece of what GitHub said, for an error message (GitHub's words only). */
function said(value: unknown): string {
  return typeof value === "string" ? value.replace(/[^\x20-\x7e]/g, "?").slice(0, 200) : "";
}

/** GitHub's OAuth endpoints and `GET /user`, over `fetch`. */
export function createGitHubOAuth(options: GitHubOAuthOptions): GitHubOAuth {
  const { clientId, clientSecret, callbackUrl, now = Date.now, timeoutMs = 10_000 } = options;
  const doFetch = options.fetch ?? fetch;
  const webUrl = options.webUrl.replace(/\/+$/, "");
  const apiUrl = options.apiUrl.replace(/\/+$/, "");

  async function send(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const timedOut = (error as { name?: unknown } | null)?.name === "TimeoutError";
      throw new GitHubOAuthError(
        `${what}: GitHub ${timedOut ? `did not answer within ${timeoutMs} ms` : "could not be reached"} at ${new URL(url).origin}`,
        "network",
        true,
        { cause: error },
      );
    }
  }

  /** `POST /login/oauth/access_token` with `fields`, read as GitHub answers it. */
  async function tokenRequest(fields: Record<string, string>, what: string) {
    const started = now();
    const response = await send(
      `${webUrl}/login/oauth/access_token`,
      {
        method: "POST",
        headers: {
          accept: "application/json",
          "content-type": "application/x-www-form-urlencoded",
          "user-agent": "threadline",
        },
        body: new URLSearchParams({
          client_id: clientId,
          client_secret: clientSecret,
          ...fields,
        }).toString(),
      },
      what,
    );
    if (!response.ok) {
      await response.body?.cancel();
      const transient = response.status >= 500 || response.status === 429;
      throw new GitHubOAuthError(
        `${what}: GitHub answered HTTP ${response.status}`,
        `http_${response.status}`,
        transient,
      );
    }
    let answer: TokenAnswer;
    try {
      answer = (await response.json()) as TokenAnswer;
    } catch (error) {
      throw new GitHubOAuthError(`${what}: GitHub's answer is not JSON`, "malformed", false, {
        cause: error,
      });
    }
    if (answer === null || typeof answer !== "object") {
      throw new GitHubOAuthError(`${what}: GitHub's answer is not an object`, "malformed", false);
    }
    if (answer.error !== undefined) {
      const code = OAUTH_ERROR.test(String(answer.error)) ? String(answer.error) : "unknown_error";
      const description = said(answer.error_description);
      throw new GitHubOAuthError(
        `${what}: GitHub refused it (${code}${description ? `: ${description}` : ""})`,
        code,
        false,
      );
    }
    if (typeof answer.access_token !== "string" || answer.access_token === "") {
      throw new GitHubOAuthError(
        `${what}: GitHub's answer has no access_token`,
        "malformed",
        false,
      );
    }
    // Counted from when the request left: a little early rather than a little late.
    const at = (seconds: unknown) =>
      typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0
        ? started + seconds * 1000
        : undefined;
    const accessExpiresAt = at(answer.expires_in);
    const refreshExpiresAt = at(answer.refresh_token_expires_in);
    const tokens: IssuedTokens = {
      accessToken: answer.access_token,
      ...(accessExpiresAt === undefined ? {} : { accessExpiresAt }),
      ...(typeof answer.refresh_token === "string" && answer.refresh_token !== ""
        ? { refreshToken: answer.refresh_token }
        : {}),
      ...(refreshExpiresAt === undefined ? {} : { refreshExpiresAt }),
    };
    return tokens;
  }

  return {
    authorizeUrl(state) {
      const url = new URL(`${webUrl}/login/oauth/authorize`);
      url.searchParams.set("client_id", clientId);
      url.searchParams.set("redirect_uri", callbackUrl);
      url.searchParams.set("state", state);
      // Only people who already have a GitHub account can post as themselves.
      url.searchParams.set("allow_signup", "false");
      return url.toString();
    },

    exchangeCode(code) {
      return tokenRequest({ code, redirect_uri: callbackUrl }, "exchanging the authorization code");
    },

    refresh(refreshToken) {
      return tokenRequest(
        { grant_type: "refresh_token", refresh_token: refreshToken },
        "refreshing a user access token",
      );
    },

    async user(accessToken) {
      const what = "reading the linked GitHub user";
      const response = await send(
        `${apiUrl}/user`,
        {
          headers: {
            accept: "application/vnd.github+json",
            authorization: `Bearer ${accessToken}`,
            "user-agent": "threadline",
            "x-github-api-version": "2022-11-28",
          },
        },
        what,
      );
      if (!response.ok) {
        await response.body?.cancel();
        const transient = response.status >= 500 || response.status === 429;
        throw new GitHubOAuthError(
          `${what}: GitHub answered HTTP ${response.status}`,
          response.status === 401 ? "bad_credentials" : `http_${response.status}`,
          transient,
        );
      }
      const body = (await response.json().catch(() => undefined)) as
        { login?: unknown; id?: unknown } | undefined;
      if (typeof body?.login !== "string" || typeof body.id !== "number") {
        throw new GitHubOAuthError(`${what}: GitHub's answer names no user`, "malformed", false);
      }
      return { login: body.login, id: body.id };
    },
  };
}

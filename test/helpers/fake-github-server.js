// @ts-check
/**
 * GitHub Enterprise Server's REST API (under `/api/v3`) on a loopback port: the one fake GitHub
 * for an App that runs as a process of its own (spawned by a test, the bench, the picture script),
 * where nock cannot reach. Point the App at it with `GHE_HOST=<host>` and `GHE_PROTOCOL=http`.
 * In-process tests fake GitHub with nock instead (test/helpers/fake-github.ts).
 *
 * It answers what the App calls, as GitHub does: the installation token exchange (to an App JWT
 * only), `.github/threadline.yml` (raw or as a contents object; to the installation's token only),
 * the App's webhook delivery log (paginated by cursor, newest first) and redelivery requests.
 *
 * And GitHub's user authorization of the App (with `oauth` options), at the host's root as on
 * GitHub Enterprise Server (the API is under `/api/v3`, OAuth is not): the authorize page (a
 * browser signed in with `signIn` who already authorized the App is sent straight back, as GitHub
 * does; anyone else gets a page), `POST /login/oauth/access_token` (client id and secret checked,
 * codes single-use and good for ten minutes, refresh tokens that rotate: the refresh token used
 * and the access token issued with it stop working; refusals as HTTP 200 with `error`, as GitHub
 * answers them), `GET /user`, and comments written with a user access token, by that user. An
 * expired or revoked user token is answered 401 "Bad credentials".
 * Refusals carry GitHub's bodies (`message`, `documentation_url`, `status`). A request for anything
 * else is recorded as unexpected and answered GitHub's 404; a test ends by asserting that list is
 * empty.
 *
 * JavaScript with JSDoc types, because `node` runs the bench and the picture script as they are;
 * `npm run typecheck` checks this file (tsconfig.json's `checkJs`) and the tests see its types.
 */
import { createHash, randomBytes, verify } from "node:crypto";
import { createServer } from "node:http";

/**
 * @typedef {object} GitHubRequest
 * @property {string} method
 * @property {string} url The path as received, query string included.
 * @property {string | undefined} authorization
 * @property {GitHubRoute | undefined} route The endpoint it was for, as Octokit names it; undefined when the fake does not implement it.
 * @property {number} [status] The HTTP status it was answered with.
 */

/**
 * The endpoints the fake implements.
 * @typedef {"POST /app/installations/{installation_id}/access_tokens"
 *   | "GET /repos/{owner}/{repo}/contents/{path}"
 *   | "GET /repos/{owner}/{repo}"
 *   | "GET /app/hook/deliveries"
 *   | "POST /app/hook/deliveries/{delivery_id}/attempts"
 *   | "GET /repos/{owner}/{repo}/installation"
 *   | "POST /repos/{owner}/{repo}/issues/{issue_number}/comments"
 *   | "GET /repos/{owner}/{repo}/issues/{issue_number}/comments"
 *   | "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}"
 *   | "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}"
 *   | "GET /user"
 *   | "GET /login/oauth/authorize"
 *   | "POST /login/oauth/access_token"} GitHubRoute
 */

/**
 * One item of `GET /app/hook/deliveries`, as GitHub lists it.
 * @typedef {object} HookDelivery
 * @property {number} id
 * @property {string} guid Shared by a delivery and its redeliveries.
 * @property {string} delivered_at
 * @property {boolean} redelivery
 * @property {number} duration
 * @property {string} status
 * @property {number} status_code
 * @property {string} event
 * @property {string | null} action
 * @property {number | null} installation_id
 * @property {number | null} repository_id
 */

/**
 * @typedef {object} FakeGitHubOptions
 * @property {string} [defaultConfig] The `.github/threadline.yml` of every repository `configs`
 *   does not name (the bench's one channel for all).
 * @property {HookDelivery[]} [deliveries] The App's webhook delivery log, newest first.
 * @property {number} [appId] The App whose JWTs are accepted (`iss`); any App's when unset.
 * @property {import("node:crypto").KeyLike} [publicKey] When given, JWT signatures are verified with it.
 * @property {(request: GitHubRequest) => void} [onUnexpected] Told of each unexpected request.
 * @property {Record<string, string>} [permissions] What installation tokens may do; app.yml's
 *   permissions when unset. Comments are written only with `pull_requests` or `issues` at `write`.
 * @property {number} [installationId] The installation `GET /repos/{owner}/{repo}/installation` names.
 * @property {FakeOAuthOptions} [oauth] The App's OAuth client: without it, the OAuth endpoints
 *   refuse every client (`incorrect_client_credentials`).
 */

/**
 * @typedef {object} FakeOAuthOptions
 * @property {string} clientId
 * @property {string} clientSecret
 * @property {string} [callbackUrl] The App's registered Callback URL; a `redirect_uri` must match it.
 * @property {number} [accessTokenSeconds] `expires_in` of user access tokens; GitHub's 28800 (8 hours).
 * @property {number} [refreshTokenSeconds] `refresh_token_expires_in`; GitHub's 15897600 (6 months).
 */

/**
 * A GitHub user who can authorize the App.
 * @typedef {object} FakeUser
 * @property {string} login
 * @property {number} id
 */

/**
 * One call of `POST /login/oauth/access_token`, as the fake answered it.
 * @typedef {object} OAuthExchange
 * @property {"authorization_code" | "refresh_token"} grant
 * @property {string} [error] GitHub's `error`, when refused.
 * @property {string} [login] Whose tokens were issued, when not refused.
 */

/**
 * A pull request's conversation comment as GitHub keeps it (issue comments API).
 * @typedef {object} FakeComment
 * @property {number} id
 * @property {string} repository `owner/repo`
 * @property {number} issue
 * @property {string} body
 * @property {string} created_at
 * @property {string} updated_at
 * @property {FakeUser | undefined} author The user whose access token wrote it; undefined: the App.
 */

/**
 * @typedef {object} FakeGitHubServer
 * @property {string} host `127.0.0.1:<port>`, for GHE_HOST.
 * @property {string} apiUrl The REST API root, `http://<host>/api/v3`.
 * @property {GitHubRequest[]} requests Every request, in the order it arrived.
 * @property {GitHubRequest[]} unexpected Requests the fake does not implement, answered 404.
 * @property {HookDelivery[]} deliveries The App's webhook delivery log, newest first; a test may add to it.
 * @property {number[]} redeliveries The delivery ids the App asked GitHub to redeliver, in order.
 * @property {(owner: string, repo: string, yaml: string | undefined) => void} setConfig Puts
 *   `yaml` at `.github/threadline.yml` in `owner/repo`; `undefined` removes it (404).
 * @property {Map<number, FakeComment>} comments The conversation comments the App wrote (and did not delete), by id.
 * @property {(repository: string, issue: number) => void} lock Locks a pull request's conversation: GitHub then refuses the App's comments on it.
 * @property {(...statuses: number[]) => void} failWrites The next comment writes are answered with these statuses (500, 502, …) instead.
 * @property {(hold: boolean) => void} holdWrites While on, a comment is created as GitHub creates it
 *   but its answer is held until `holdWrites(false)` (or the App hangs up): an answer a crash loses.
 * @property {() => number} heldWrites Writes whose answer is being held now.
 * @property {(login: string, id?: number) => FakeUser} addUser A GitHub user who can authorize the App.
 * @property {(login: string) => void} signIn The browser that opens the authorize page is signed
 *   in as `login`, who has authorized the App before: GitHub redirects at once, with a code.
 * @property {(login: string, redirectUri?: string) => string} issueCode A code for `login`, as the
 *   authorize page would give it (a test may skip the page).
 * @property {(login: string) => void} revoke `login` revokes the App's authorization on GitHub:
 *   every token of theirs stops working.
 * @property {(login: string, repository: string) => void} hideFrom `login` has no access to
 *   `repository` (`owner/repo`): their token is answered 404 there, as GitHub hides a private
 *   repository from someone who may not see it.
 * @property {(seconds: number) => void} setAccessTokenSeconds `expires_in` of user access tokens issued from now on.
 * @property {(token: string) => void} expireAccessToken Makes a user access token expire now.
 * @property {OAuthExchange[]} oauthExchanges Every call of `POST /login/oauth/access_token`, in order.
 * @property {() => string[]} issuedTokens Every user access and refresh token issued so far, in order (for
 *   tests asserting none reaches a log).
 * @property {() => string[]} issuedCodes Every authorization code issued so far.
 * @property {() => Promise<void>} close
 */

/** @typedef {import("node:http").IncomingMessage} IncomingMessage */

/** The token every installation is given. */
export const INSTALLATION_TOKEN = "ghs_fake_installation_token_0123456789";
export const CONFIG_PATH = ".github/threadline.yml";
/** What an installation token may do, as the App registers it (app.yml). */
/** @type {Record<string, string>} */
const PERMISSIONS = { pull_requests: "read", single_file: "read", metadata: "read" };

/** @type {Array<[RegExp, "GET" | "POST" | "PATCH" | "DELETE", GitHubRoute]>} */
const ROUTES = [
  [/^\/user$/, "GET", "GET /user"],
  [
    /^\/app\/installations\/(\d+)\/access_tokens$/,
    "POST",
    "POST /app/installations/{installation_id}/access_tokens",
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/,
    "GET",
    "GET /repos/{owner}/{repo}/contents/{path}",
  ],
  [/^\/repos\/([^/]+)\/([^/]+)$/, "GET", "GET /repos/{owner}/{repo}"],
  [/^\/repos\/([^/]+)\/([^/]+)\/installation$/, "GET", "GET /repos/{owner}/{repo}/installation"],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    "POST",
    "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    "GET",
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
    "PATCH",
    "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
    "DELETE",
    "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
  ],
  [/^\/app\/hook\/deliveries$/, "GET", "GET /app/hook/deliveries"],
  [
    /^\/app\/hook\/deliveries\/(\d+)\/attempts$/,
    "POST",
    "POST /app/hook/deliveries/{delivery_id}/attempts",
  ],
];

/** GitHub's documentation page for each endpoint, as its error bodies link them. */
const DOCUMENTATION = {
  "POST /app/installations/{installation_id}/access_tokens":
    "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app",
  "GET /repos/{owner}/{repo}/contents/{path}":
    "https://docs.github.com/rest/repos/contents#get-repository-content",
  "GET /repos/{owner}/{repo}": "https://docs.github.com/rest/repos/repos#get-a-repository",
  "GET /app/hook/deliveries":
    "https://docs.github.com/rest/apps/webhooks#list-deliveries-for-an-app-webhook",
  "POST /app/hook/deliveries/{delivery_id}/attempts":
    "https://docs.github.com/rest/apps/webhooks#redeliver-a-delivery-for-an-app-webhook",
  "GET /repos/{owner}/{repo}/installation":
    "https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments":
    "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments":
    "https://docs.github.com/rest/issues/comments#list-issue-comments",
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}":
    "https://docs.github.com/rest/issues/comments#update-an-issue-comment",
  "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}":
    "https://docs.github.com/rest/issues/comments#delete-an-issue-comment",
  "GET /user": "https://docs.github.com/rest/users/users#get-the-authenticated-user",
  "GET /login/oauth/authorize":
    "https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app",
  "POST /login/oauth/access_token":
    "https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app",
};

/**
 * The OAuth errors GitHub answers (HTTP 200), with its descriptions: "Troubleshooting OAuth app
 * access token request errors" and "Refreshing user access tokens".
 */
const OAUTH_ERRORS = {
  incorrect_client_credentials: "The client_id and/or client_secret passed are incorrect.",
  redirect_uri_mismatch:
    "The redirect_uri MUST match the registered callback URL for this application.",
  bad_verification_code: "The code passed is incorrect or expired.",
  bad_refresh_token: "The refresh token passed is incorrect or expired.",
  unsupported_grant_type: "The grant type is not supported.",
};

/** GitHub's lifetimes: user access tokens 8 hours, refresh tokens 6 months, codes 10 minutes. */
const ACCESS_TOKEN_SECONDS = 28_800;
const REFRESH_TOKEN_SECONDS = 15_897_600;
const CODE_MS = 10 * 60_000;

/**
 * A random token with GitHub's prefix (`ghu_` user access, `ghr_` refresh) and length.
 * @param {string} prefix
 * @param {number} length
 */
const randomToken = (prefix, length) =>
  `${prefix}${randomBytes(length).toString("base64url").replace(/[-_]/g, "x").slice(0, length)}`;

/**
 * GitHub's error body.
 * @param {number} status
 * @param {string} message
 * @param {string} [documentationUrl]
 */
const errorBody = (status, message, documentationUrl = "https://docs.github.com/rest") => ({
  message,
  documentation_url: documentationUrl,
  status: String(status),
});

/**
 * Why GitHub would refuse `authorization` as an App JWT (of `options.appId`), if it would:
 * RS256, issued now or a little before, expiring within ten minutes.
 * https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
 * @param {string | undefined} authorization
 * @param {FakeGitHubOptions} options
 * @returns {string | undefined}
 */
function jwtProblem(authorization, options) {
  const match = /^bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/i.exec(authorization ?? "");
  if (!match) return "A JSON web token could not be decoded";
  const [, header = "", payload = "", signature = ""] = match;
  /** @type {{ alg?: unknown }} */
  let head;
  /** @type {{ iss?: unknown; iat?: unknown; exp?: unknown }} */
  let claims;
  try {
    head = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return "A JSON web token could not be decoded";
  }
  const now = Math.floor(Date.now() / 1000);
  if (head.alg !== "RS256") return "A JSON web token could not be decoded";
  if (typeof claims.iat !== "number" || claims.iat > now + 60) {
    return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
  }
  if (typeof claims.exp !== "number" || claims.exp <= now) {
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  }
  if (claims.exp - now > 600) return "'Expiration time' claim ('exp') is too far in the future";
  if (options.appId !== undefined && Number(claims.iss) !== options.appId) {
    return "Integration not found";
  }
  if (
    options.publicKey !== undefined &&
    !verify(
      "RSA-SHA256",
      Buffer.from(`${header}.${payload}`),
      options.publicKey,
      Buffer.from(signature, "base64url"),
    )
  ) {
    return "A JSON web token could not be decoded";
  }
  return undefined;
}

/** @param {string | undefined} authorization */
const isInstallationToken = (authorization) =>
  /^(token|bearer) (\S+)$/i.exec(authorization ?? "")?.[2] === INSTALLATION_TOKEN;

/**
 * The request's body, as text.
 * @param {IncomingMessage} request
 */
async function readText(request) {
  /** @type {Buffer[]} */
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Starts the fake on 127.0.0.1 with an ephemeral port. `configs` maps `owner/repo` to the YAML of
 * its `.github/threadline.yml`; a repository not in it has none (unless `options.defaultConfig`),
 * nor has the owner's `.github` repository unless listed.
 * @param {Record<string, string>} [configs]
 * @param {FakeGitHubOptions} [options]
 * @returns {Promise<FakeGitHubServer>}
 */
export async function startFakeGitHubServer(configs = {}, options = {}) {
  const files = new Map(Object.entries(configs));
  /** @type {GitHubRequest[]} */
  const requests = [];
  /** @type {GitHubRequest[]} */
  const unexpected = [];
  const deliveries = [...(options.deliveries ?? [])];
  /** @type {number[]} */
  const redeliveries = [];
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();
  /** @param {string} owner @param {string} repo */
  const configOf = (owner, repo) => files.get(`${owner}/${repo}`) ?? options.defaultConfig;
  let apiUrl = "";

  /** @type {Record<string, string>} */
  const permissions = options.permissions ?? PERMISSIONS;
  /** @type {Map<number, FakeComment>} */
  const comments = new Map();
  /** @type {Set<string>} */
  const locked = new Set();
  /** @type {number[]} */
  const failing = [];
  let nextCommentId = 2_000_000_001;
  let holding = false;

  /** @type {Map<string, FakeUser>} */
  const users = new Map();
  let nextUserId = 583_231;
  /** @type {string | undefined} */
  let signedIn;
  /** @type {Map<string, { login: string; redirectUri: string | undefined; expiresAt: number }>} */
  const codes = new Map();
  /** @type {Map<string, { login: string; expiresAt: number }>} */
  const accessTokens = new Map();
  /** @type {Map<string, { login: string; expiresAt: number; accessToken: string }>} */
  const refreshTokens = new Map();
  /** @type {string[]} */
  const issued = [];
  /** `login owner/repo` pairs hidden from that user. @type {Set<string>} */
  const hidden = new Set();
  /** @type {string[]} */
  const issuedCodes = [];
  /** @type {OAuthExchange[]} */
  const oauthExchanges = [];
  let accessTokenSeconds = options.oauth?.accessTokenSeconds ?? ACCESS_TOKEN_SECONDS;

  /** @param {string} login @param {number} [id] */
  const addUser = (login, id) => {
    const user = { login, id: id ?? nextUserId++ };
    users.set(login, user);
    return user;
  };

  /** @param {string} login @param {string | undefined} redirectUri */
  const issueCode = (login, redirectUri) => {
    if (!users.has(login)) addUser(login);
    const code = randomBytes(10).toString("hex");
    issuedCodes.push(code);
    codes.set(code, { login, redirectUri, expiresAt: Date.now() + CODE_MS });
    return code;
  };

  /** A fresh token pair for `login`, as the token endpoint answers it. @param {string} login */
  const issueTokens = (login) => {
    const accessToken = randomToken("ghu_", 36);
    const refreshToken = randomToken("ghr_", 76);
    const now = Date.now();
    accessTokens.set(accessToken, { login, expiresAt: now + accessTokenSeconds * 1000 });
    refreshTokens.set(refreshToken, {
      login,
      expiresAt: now + (options.oauth?.refreshTokenSeconds ?? REFRESH_TOKEN_SECONDS) * 1000,
      accessToken,
    });
    issued.push(accessToken, refreshToken);
    return {
      access_token: accessToken,
      expires_in: accessTokenSeconds,
      refresh_token: refreshToken,
      refresh_token_expires_in: options.oauth?.refreshTokenSeconds ?? REFRESH_TOKEN_SECONDS,
      scope: "",
      token_type: "bearer",
    };
  };

  /**
   * The user a request's `Authorization` carries a live user access token of, if it does.
   * @param {string | undefined} authorization
   * @returns {FakeUser | "expired" | undefined}
   */
  const userOf = (authorization) => {
    const token = /^(token|bearer) (\S+)$/i.exec(authorization ?? "")?.[2];
    if (!token?.startsWith("ghu_")) return undefined;
    const known = accessTokens.get(token);
    if (!known) return "expired";
    if (known.expiresAt <= Date.now()) return "expired";
    return users.get(known.login);
  };
  /** @type {Set<() => void>} */
  const held = new Set();

  /**
   * GitHub's OAuth endpoints, at the host's root.
   * @param {IncomingMessage} request
   * @param {import("node:http").ServerResponse} response
   * @param {URL} url
   * @param {string} text
   */
  function answerOAuth(request, response, url, text) {
    /** @type {GitHubRoute | undefined} */
    const route =
      request.method === "GET" && url.pathname === "/login/oauth/authorize"
        ? "GET /login/oauth/authorize"
        : request.method === "POST" && url.pathname === "/login/oauth/access_token"
          ? "POST /login/oauth/access_token"
          : undefined;
    /** @type {GitHubRequest} */
    const received = {
      method: request.method ?? "",
      url: request.url ?? "/",
      authorization: request.headers.authorization,
      route,
    };
    requests.push(received);
    if (route === undefined) {
      unexpected.push(received);
      options.onUnexpected?.(received);
      received.status = 404;
      response.writeHead(404, { "content-type": "text/html; charset=utf-8" }).end("Not Found");
      return undefined;
    }
    if (route === "GET /login/oauth/authorize") return authorizePage(received, response, url);

    // Parameters as query parameters (as GitHub documents them), or a form or JSON body.
    /** @type {Record<string, string>} */
    const fields = Object.fromEntries(url.searchParams);
    const contentType = request.headers["content-type"] ?? "";
    if (contentType.includes("application/json")) {
      try {
        Object.assign(fields, JSON.parse(text || "{}"));
      } catch {
        // GitHub reads nothing from a body it cannot parse.
      }
    } else {
      Object.assign(fields, Object.fromEntries(new URLSearchParams(text)));
    }
    const wantsJson = (request.headers.accept ?? "").includes("application/json");
    /** @param {Record<string, unknown>} body */
    const answer = (body) => {
      received.status = 200;
      if (wantsJson) {
        response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        response.end(JSON.stringify(body));
      } else {
        response.writeHead(200, {
          "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        });
        response.end(
          new URLSearchParams(
            Object.fromEntries(Object.entries(body).map(([key, value]) => [key, String(value)])),
          ).toString(),
        );
      }
      return undefined;
    };
    const grant = fields.grant_type === "refresh_token" ? "refresh_token" : "authorization_code";
    /** @param {keyof typeof OAUTH_ERRORS} error */
    const refuse = (error) => {
      oauthExchanges.push({ grant, error });
      return answer({
        error,
        error_description: OAUTH_ERRORS[error],
        error_uri: `https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#${error.replaceAll("_", "-")}`,
      });
    };
    if (
      !options.oauth ||
      fields.client_id !== options.oauth.clientId ||
      fields.client_secret !== options.oauth.clientSecret
    ) {
      return refuse("incorrect_client_credentials");
    }
    if (fields.grant_type !== undefined && fields.grant_type !== "refresh_token") {
      if (fields.grant_type !== "authorization_code") return refuse("unsupported_grant_type");
    }
    if (grant === "refresh_token") {
      const known = refreshTokens.get(fields.refresh_token ?? "");
      if (!known || known.expiresAt <= Date.now()) return refuse("bad_refresh_token");
      // Once used, the refresh token and the access token issued with it stop working.
      refreshTokens.delete(fields.refresh_token ?? "");
      accessTokens.delete(known.accessToken);
      oauthExchanges.push({ grant, login: known.login });
      return answer(issueTokens(known.login));
    }
    const code = codes.get(fields.code ?? "");
    if (!code || code.expiresAt <= Date.now()) return refuse("bad_verification_code");
    // The redirect URI must be the one the person was sent back to (the registered one).
    const expected = code.redirectUri ?? options.oauth.callbackUrl;
    if (
      fields.redirect_uri !== undefined &&
      expected !== undefined &&
      fields.redirect_uri !== expected
    ) {
      return refuse("redirect_uri_mismatch");
    }
    // A code works once.
    codes.delete(fields.code ?? "");
    oauthExchanges.push({ grant, login: code.login });
    return answer(issueTokens(code.login));
  }

  /**
   * `GET /login/oauth/authorize`: a signed-in user who authorized the App before is sent straight
   * back to the redirect URI with a code and the state; anyone else sees GitHub's page.
   * @param {GitHubRequest} received
   * @param {import("node:http").ServerResponse} response
   * @param {URL} url
   */
  function authorizePage(received, response, url) {
    const clientId = url.searchParams.get("client_id");
    const redirectUri = url.searchParams.get("redirect_uri") ?? options.oauth?.callbackUrl;
    const state = url.searchParams.get("state");
    if (!options.oauth || clientId !== options.oauth.clientId || redirectUri === undefined) {
      received.status = 404;
      response.writeHead(404, { "content-type": "text/html; charset=utf-8" }).end("Not Found");
      return undefined;
    }
    if (options.oauth.callbackUrl !== undefined && redirectUri !== options.oauth.callbackUrl) {
      // GitHub sends the person to the registered Callback URL with the error.
      const back = new URL(options.oauth.callbackUrl);
      back.searchParams.set("error", "redirect_uri_mismatch");
      back.searchParams.set("error_description", OAUTH_ERRORS.redirect_uri_mismatch);
      if (state !== null) back.searchParams.set("state", state);
      received.status = 302;
      response.writeHead(302, { location: back.toString() }).end();
      return undefined;
    }
    if (signedIn === undefined) {
      received.status = 200;
      response
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end("<!doctype html><title>Sign in to GitHub</title><h1>Sign in to GitHub</h1>");
      return undefined;
    }
    const back = new URL(redirectUri);
    back.searchParams.set("code", issueCode(signedIn, redirectUri));
    if (state !== null) back.searchParams.set("state", state);
    received.status = 302;
    response.writeHead(302, { location: back.toString() }).end();
    return undefined;
  }

  const server = createServer(async (request, response) => {
    const text = await readText(request);
    const url = new URL(request.url ?? "/", "http://fake-github");
    if (url.pathname.startsWith("/login/oauth/")) {
      return answerOAuth(request, response, url, text);
    }
    const path = url.pathname.startsWith("/api/v3/") ? url.pathname.slice("/api/v3".length) : "";
    const found = ROUTES.map(([pattern, method, route]) => {
      const match = request.method === method ? pattern.exec(path) : null;
      return match
        ? { route, params: match.slice(1).map((part) => decodeURIComponent(part)) }
        : null;
    }).find((candidate) => candidate !== null);
    /** @type {GitHubRequest} */
    const received = {
      method: request.method ?? "",
      url: request.url ?? "/",
      authorization: request.headers.authorization,
      route: found?.route,
    };
    requests.push(received);

    /**
     * @param {number} status
     * @param {unknown} body
     * @param {Record<string, string>} [headers]
     */
    const json = (status, body, headers = {}) => {
      received.status = status;
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      response.end(JSON.stringify(body));
    };
    const notFound = () =>
      json(404, errorBody(404, "Not Found", found ? DOCUMENTATION[found.route] : undefined));

    if (!found) {
      unexpected.push(received);
      options.onUnexpected?.(received);
      return notFound();
    }
    const { route, params } = found;
    const [first = "", second = "", third = ""] = params;

    /** The user whose access token made the request; undefined for the App's tokens. */
    let user;
    const commentRoute =
      route.startsWith("POST /repos/{owner}/{repo}/issues") ||
      route.startsWith("GET /repos/{owner}/{repo}/issues") ||
      route.startsWith("PATCH /repos/{owner}/{repo}/issues") ||
      route.startsWith("DELETE /repos/{owner}/{repo}/issues");
    if (route === "GET /user" || (commentRoute && !isInstallationToken(received.authorization))) {
      const found = userOf(received.authorization);
      if (found === undefined || found === "expired") {
        return json(401, errorBody(401, "Bad credentials", "https://docs.github.com/rest"));
      }
      user = found;
      if (commentRoute && hidden.has(`${found.login} ${first}/${second}`)) return notFound();
    } else if (route.includes("/repos/") && route !== "GET /repos/{owner}/{repo}/installation") {
      if (!isInstallationToken(received.authorization)) {
        return json(401, errorBody(401, "Bad credentials"));
      }
    } else {
      const problem = jwtProblem(received.authorization, options);
      if (problem) return json(401, errorBody(401, problem));
    }

    switch (route) {
      case "GET /user":
        return json(200, userObject(/** @type {FakeUser} */ (user)));

      case "GET /login/oauth/authorize":
      case "POST /login/oauth/access_token":
        // Answered at the host's root (answerOAuth), never under /api/v3.
        return notFound();

      case "POST /app/installations/{installation_id}/access_tokens":
        return json(201, {
          token: INSTALLATION_TOKEN,
          expires_at: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
          permissions,
          repository_selection: "all",
        });

      case "GET /repos/{owner}/{repo}/contents/{path}": {
        // The fake holds no other file: a request for one is not something the App should make.
        if (third !== CONFIG_PATH) {
          unexpected.push(received);
          options.onUnexpected?.(received);
          return notFound();
        }
        const yaml = configOf(first, second);
        if (yaml === undefined) return notFound();
        // The config plugin asks for the raw media type and gets the file's bytes back.
        if ((request.headers.accept ?? "").includes("raw")) {
          received.status = 200;
          response.writeHead(200, {
            "content-type": "application/vnd.github.v3.raw; charset=utf-8",
          });
          response.end(yaml);
          return undefined;
        }
        return json(200, contentsObject(`${apiUrl}/repos/${first}/${second}`, yaml));
      }

      case "GET /repos/{owner}/{repo}":
        // Only the repositories with a config are known; the rest are outside the installation.
        return configOf(first, second) === undefined
          ? notFound()
          : json(200, repositoryObject(first, second));

      case "GET /app/hook/deliveries": {
        const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? 30)));
        const cursor = url.searchParams.get("cursor");
        const start = cursor ? deliveries.findIndex((d) => `v1_${d.id}` === cursor) : 0;
        if (start === -1) return json(400, errorBody(400, "Invalid cursor"));
        const page = deliveries.slice(start, start + perPage);
        const next = deliveries[start + perPage];
        /** @type {Record<string, string>} */
        const headers = {};
        if (next) {
          const nextUrl = `${apiUrl}/app/hook/deliveries?per_page=${perPage}&cursor=v1_${next.id}`;
          headers.link = `<${nextUrl}>; rel="next"`;
        }
        return json(200, page, headers);
      }

      case "POST /app/hook/deliveries/{delivery_id}/attempts": {
        const id = Number(first);
        if (!deliveries.some((delivery) => delivery.id === id)) return notFound();
        redeliveries.push(id);
        return json(202, {});
      }

      case "GET /repos/{owner}/{repo}/installation":
        // Installed only where the fake knows the repository (it has a config).
        return configOf(first, second) === undefined
          ? notFound()
          : json(200, {
              id: options.installationId ?? 1,
              account: { login: first, type: "Organization" },
              app_id: options.appId ?? 1,
              permissions,
              repository_selection: "all",
            });

      case "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": {
        const since = url.searchParams.get("since");
        const listed = [...comments.values()].filter(
          (comment) =>
            comment.repository === `${first}/${second}` &&
            comment.issue === Number(third) &&
            (!since || comment.updated_at >= since),
        );
        return json(
          200,
          listed.map((comment) => commentObject(apiUrl, comment)),
        );
      }

      case "POST /repos/{owner}/{repo}/issues/{issue_number}/comments":
      case "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}":
      case "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}": {
        const failure = failing.shift();
        if (failure !== undefined) return json(failure, errorBody(failure, "Server Error"));
        // https://docs.github.com/rest/issues/comments: "Issues" or "Pull requests" (write).
        if (permissions.pull_requests !== "write" && permissions.issues !== "write") {
          return json(
            403,
            errorBody(403, "Resource not accessible by integration", DOCUMENTATION[route]),
          );
        }
        const repository = `${first}/${second}`;
        if (route.startsWith("POST")) {
          if (locked.has(`${repository}#${third}`)) {
            return json(403, errorBody(403, "Unable to create comment because issue is locked."));
          }
          /** @type {{ body?: unknown }} */
          const args = JSON.parse(text || "{}");
          if (typeof args.body !== "string" || args.body === "") {
            return json(422, errorBody(422, "Validation Failed"));
          }
          const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
          const comment = {
            id: nextCommentId++,
            repository,
            issue: Number(third),
            body: args.body,
            created_at: at,
            updated_at: at,
            author: user,
          };
          comments.set(comment.id, comment);
          if (holding) {
            await new Promise((resolve) => {
              const release = () => resolve(undefined);
              held.add(release);
              response.once("close", () => {
                held.delete(release);
                resolve(undefined);
              });
            });
            if (response.destroyed) return undefined;
          }
          return json(201, commentObject(apiUrl, comment));
        }
        const comment = comments.get(Number(third));
        if (!comment || comment.repository !== repository) return notFound();
        // A person's token changes their own comments only (the App's changes any it may write).
        if (user && comment.author?.id !== user.id) {
          return json(
            403,
            errorBody(403, "Resource not accessible by integration", DOCUMENTATION[route]),
          );
        }
        if (route.startsWith("DELETE")) {
          comments.delete(comment.id);
          received.status = 204;
          response.writeHead(204).end();
          return undefined;
        }
        /** @type {{ body?: unknown }} */
        const args = JSON.parse(text || "{}");
        if (typeof args.body === "string") comment.body = args.body;
        comment.updated_at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
        return json(200, commentObject(apiUrl, comment));
      }
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  const host = `127.0.0.1:${port}`;
  apiUrl = `http://${host}/api/v3`;

  return {
    host,
    apiUrl,
    requests,
    unexpected,
    deliveries,
    redeliveries,
    setConfig(owner, repo, yaml) {
      if (yaml === undefined) files.delete(`${owner}/${repo}`);
      else files.set(`${owner}/${repo}`, yaml);
    },
    comments,
    lock(repository, issue) {
      locked.add(`${repository}#${issue}`);
    },
    failWrites(...statuses) {
      failing.push(...statuses);
    },
    holdWrites(hold) {
      holding = hold;
      if (hold) return;
      for (const release of [...held]) {
        held.delete(release);
        release();
      }
    },
    heldWrites: () => held.size,
    addUser,
    signIn(login) {
      if (!users.has(login)) addUser(login);
      signedIn = login;
    },
    issueCode: (login, redirectUri) => issueCode(login, redirectUri),
    revoke(login) {
      for (const [token, known] of accessTokens)
        if (known.login === login) accessTokens.delete(token);
      for (const [token, known] of refreshTokens) {
        if (known.login === login) refreshTokens.delete(token);
      }
    },
    hideFrom(login, repository) {
      hidden.add(`${login} ${repository}`);
    },
    setAccessTokenSeconds(seconds) {
      accessTokenSeconds = seconds;
    },
    expireAccessToken(token) {
      const known = accessTokens.get(token);
      if (known) known.expiresAt = Date.now();
    },
    oauthExchanges,
    issuedTokens: () => [...issued],
    issuedCodes: () => [...issuedCodes],
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A file as the contents API returns it without the raw media type: base64, with its blob sha.
 * @param {string} repositoryUrl
 * @param {string} text
 */
function contentsObject(repositoryUrl, text) {
  const bytes = Buffer.from(text, "utf8");
  const sha = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
  const url = `${repositoryUrl}/contents/${CONFIG_PATH}?ref=main`;
  return {
    type: "file",
    encoding: "base64",
    size: bytes.length,
    name: CONFIG_PATH.split("/").at(-1),
    path: CONFIG_PATH,
    content: bytes.toString("base64").replace(/.{60}/g, "$&\n"),
    sha,
    url,
    git_url: `${repositoryUrl}/git/blobs/${sha}`,
    html_url: null,
    download_url: null,
    _links: { self: url, git: `${repositoryUrl}/git/blobs/${sha}`, html: null },
  };
}

/**
 * A comment as GitHub returns it, written by the App's bot user or by the person whose token wrote it.
 * @param {string} apiUrl
 * @param {FakeComment} comment
 */
function commentObject(apiUrl, comment) {
  const [owner, repo] = comment.repository.split("/");
  return {
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${apiUrl}/repos/${comment.repository}/issues/comments/${comment.id}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${comment.issue}#issuecomment-${comment.id}`,
    issue_url: `${apiUrl}/repos/${comment.repository}/issues/${comment.issue}`,
    body: comment.body,
    user: comment.author
      ? { login: comment.author.login, id: comment.author.id, type: "User" }
      : { login: "threadline[bot]", id: 41898282, type: "Bot" },
    author_association: comment.author ? "MEMBER" : "NONE",
    created_at: comment.created_at,
    updated_at: comment.updated_at,
  };
}

/**
 * `GET /user` for a user access token, trimmed from GitHub's answer.
 * @param {FakeUser} user
 */
function userObject(user) {
  return {
    login: user.login,
    id: user.id,
    node_id: `U_${user.id}`,
    html_url: `https://github.com/${user.login}`,
    type: "User",
    site_admin: false,
    name: null,
  };
}

/**
 * The fields of `GET /repos/{owner}/{repo}` the App could read, trimmed from GitHub's answer.
 * @param {string} owner
 * @param {string} repo
 */
function repositoryObject(owner, repo) {
  return {
    id: 1296269,
    name: repo,
    full_name: `${owner}/${repo}`,
    private: false,
    owner: { login: owner, type: "Organization" },
    default_branch: "main",
  };
}

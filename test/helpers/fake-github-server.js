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
 * Refusals carry GitHub's bodies (`message`, `documentation_url`, `status`). A request for anything
 * else is recorded as unexpected and answered GitHub's 404; a test ends by asserting that list is
 * empty.
 *
 * JavaScript with JSDoc types, because `node` runs the bench and the picture script as they are;
 * `npm run typecheck` checks this file (tsconfig.json's `checkJs`) and the tests see its types.
 */
import { createHash, verify } from "node:crypto";
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
 *   | "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}"} GitHubRoute
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
};

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
  /** @type {Set<() => void>} */
  const held = new Set();

  const server = createServer(async (request, response) => {
    const text = await readText(request);
    const url = new URL(request.url ?? "/", "http://fake-github");
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

    if (route.includes("/repos/") && route !== "GET /repos/{owner}/{repo}/installation") {
      if (!isInstallationToken(received.authorization)) {
        return json(401, errorBody(401, "Bad credentials"));
      }
    } else {
      const problem = jwtProblem(received.authorization, options);
      if (problem) return json(401, errorBody(401, problem));
    }

    switch (route) {
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
 * A comment as GitHub returns it, written by the App's bot user.
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
    user: { login: "threadline[bot]", type: "Bot" },
    author_association: "NONE",
    created_at: comment.created_at,
    updated_at: comment.updated_at,
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

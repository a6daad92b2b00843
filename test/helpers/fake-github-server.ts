/**
 * GitHub Enterprise Server's REST API (under `/api/v3`) on a loopback port, for tests that run the
 * App as a child process, where nock cannot reach. Point the App at it with `GHE_HOST=host` and
 * `GHE_PROTOCOL=http`. It answers only what the App calls; anything else is recorded as unexpected
 * and answered 404, and a test ends by asserting that list is empty.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface GitHubRequest {
  method: string;
  /** The path as received, query string included. */
  url: string;
  authorization: string | undefined;
}

export interface FakeGitHubServer {
  /** `127.0.0.1:<port>`, for GHE_HOST. */
  host: string;
  /** Every request, in the order it arrived. */
  requests: GitHubRequest[];
  /** Requests the fake does not implement, answered 404. */
  unexpected: GitHubRequest[];
  /** Puts `yaml` at `.github/threadline.yml` in `owner/repo`; `undefined` removes it (404). */
  setConfig(owner: string, repo: string, yaml: string | undefined): void;
  close(): Promise<void>;
}

export const INSTALLATION_TOKEN = "ghs_fake_installation_token_0123456789";
const CONFIG_PATH = ".github/threadline.yml";
const TOKEN_ROUTE = /^\/api\/v3\/app\/installations\/(\d+)\/access_tokens$/;
const CONTENTS_ROUTE = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/;

async function drain(request: IncomingMessage): Promise<void> {
  for await (const _chunk of request) {
    // GitHub's API ignores the bodies the App sends (token permissions); only finish reading them.
  }
}

/**
 * Starts the fake on 127.0.0.1 with an ephemeral port. `configs` maps `owner/repo` to the YAML of
 * its `.github/threadline.yml`; a repository not in it, and the owner's `.github` repository unless
 * listed, has none.
 */
export async function startFakeGitHubServer(
  configs: Record<string, string> = {},
): Promise<FakeGitHubServer> {
  const files = new Map(Object.entries(configs));
  const requests: GitHubRequest[] = [];
  const unexpected: GitHubRequest[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer(async (request, response) => {
    await drain(request);
    const received: GitHubRequest = {
      method: request.method ?? "",
      url: request.url ?? "/",
      authorization: request.headers.authorization,
    };
    requests.push(received);
    const path = received.url.split("?")[0]!;
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      response.end(JSON.stringify(body));
    };

    if (received.method === "POST" && TOKEN_ROUTE.test(path)) {
      return json(201, {
        token: INSTALLATION_TOKEN,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { pull_requests: "read", single_file: "read", metadata: "read" },
        repository_selection: "all",
      });
    }

    const contents = received.method === "GET" ? CONTENTS_ROUTE.exec(path) : null;
    if (contents) {
      const [, owner, repo, encodedPath] = contents;
      // Octokit sends the file path as one segment (`.github%2Fthreadline.yml`).
      if (decodeURIComponent(encodedPath!) === CONFIG_PATH) {
        const yaml = files.get(`${decodeURIComponent(owner!)}/${decodeURIComponent(repo!)}`);
        if (yaml === undefined) {
          return json(404, {
            message: "Not Found",
            documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content",
          });
        }
        // The config plugin asks for the raw media type and gets the file's bytes back.
        response.writeHead(200, { "content-type": "application/vnd.github.v3.raw; charset=utf-8" });
        response.end(yaml);
        return undefined;
      }
    }

    if (received.method === "GET" && path === "/api/v3/app/hook/deliveries") {
      return json(200, []);
    }

    unexpected.push(received);
    return json(404, { message: "Not Found (not implemented by the fake GitHub)" });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    host: `127.0.0.1:${port}`,
    requests,
    unexpected,
    setConfig(owner, repo, yaml) {
      if (yaml === undefined) files.delete(`${owner}/${repo}`);
      else files.set(`${owner}/${repo}`, yaml);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The fake GitHub answers as GitHub's REST API does, to Probot's own Octokit (the App's client):
 * JWTs and installation tokens checked, GitHub's shapes and error bodies, cursor pagination.
 */
import { afterEach, describe, expect, test } from "@jest/globals";
import { createHash, createSign, generateKeyPairSync } from "node:crypto";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import {
  CONFIG_PATH,
  startFakeGitHubServer,
  type FakeGitHubServer,
  type HookDelivery,
} from "./fake-github-server.js";

const APP_ID = 12345;
const keyPair = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
const { privateKey, publicKey } = keyPair();
const YAML = "channel: C0123456789\n";
const NOT_FOUND = {
  message: "Not Found",
  documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content",
  status: "404",
};

const QuietOctokit = ProbotOctokit.defaults({
  retry: { enabled: false },
  throttle: { enabled: false },
});

let github: FakeGitHubServer | undefined;

afterEach(async () => {
  await github?.close();
  github = undefined;
});

async function start(
  configs: Record<string, string> = { "octo-org/repo": YAML },
  options: Parameters<typeof startFakeGitHubServer>[1] = {},
): Promise<FakeGitHubServer> {
  github = await startFakeGitHubServer(configs, { appId: APP_ID, publicKey, ...options });
  return github;
}

/** Probot as the App creates it, pointed at the fake (GHE layout). */
function probot(fake: FakeGitHubServer, key = privateKey): Probot {
  return new Probot({
    appId: APP_ID,
    privateKey: key,
    baseUrl: fake.apiUrl,
    Octokit: QuietOctokit,
    log: pino({ level: "silent" }),
  });
}

/** A JWT signed with the App's key, with these claims. */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}`;
  const signature = createSign("RSA-SHA256").update(unsigned).sign(privateKey, "base64url");
  return `${unsigned}.${signature}`;
}

function delivery(id: number, statusCode: number): HookDelivery {
  return {
    id,
    guid: `0b989ba4-242f-11e5-81e1-${String(id).padStart(12, "0")}`,
    delivered_at: new Date(Date.UTC(2024, 3, 30, 16, 0, id)).toISOString().replace(".000", ""),
    redelivery: false,
    duration: 0.27,
    status: statusCode === 200 ? "OK" : `Invalid HTTP Response: ${statusCode}`,
    status_code: statusCode,
    event: "issue_comment",
    action: "created",
    installation_id: 1,
    repository_id: 1296269,
  };
}

describe("installation token and config file", () => {
  test("Probot trades its JWT for a token and reads the config raw, as the App does", async () => {
    const fake = await start();
    const octokit = await probot(fake).auth(1);

    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: "octo-org",
      repo: "repo",
      path: CONFIG_PATH,
      mediaType: { format: "raw" },
    });

    expect(data).toBe(YAML);
    expect(fake.requests.map((request) => [request.route, request.status])).toEqual([
      ["POST /app/installations/{installation_id}/access_tokens", 201],
      ["GET /repos/{owner}/{repo}/contents/{path}", 200],
    ]);
    expect(fake.unexpected).toEqual([]);
  });

  test("without the raw media type: GitHub's contents object, base64 with the blob's sha", async () => {
    const fake = await start();
    const octokit = await probot(fake).auth(1);

    const { data } = await octokit.rest.repos.getContent({
      owner: "octo-org",
      repo: "repo",
      path: CONFIG_PATH,
    });

    const blobSha = createHash("sha1").update(`blob ${YAML.length}\0${YAML}`).digest("hex");
    expect(data).toMatchObject({
      type: "file",
      encoding: "base64",
      path: CONFIG_PATH,
      sha: blobSha,
    });
    const content = (data as { content: string }).content;
    expect(Buffer.from(content, "base64").toString("utf8")).toBe(YAML);
  });

  test("a repository without the file, and an unknown repository: GitHub's 404 bodies", async () => {
    const fake = await start();
    const octokit = await probot(fake).auth(1);

    await expect(
      octokit.rest.repos.getContent({ owner: "octo-org", repo: "other", path: CONFIG_PATH }),
    ).rejects.toMatchObject({ status: 404, response: { data: NOT_FOUND } });
    await expect(
      octokit.rest.repos.get({ owner: "octo-org", repo: ".github" }),
    ).rejects.toMatchObject({
      status: 404,
      response: {
        data: {
          ...NOT_FOUND,
          documentation_url: "https://docs.github.com/rest/repos/repos#get-a-repository",
        },
      },
    });
    await expect(
      octokit.rest.repos.get({ owner: "octo-org", repo: "repo" }),
    ).resolves.toMatchObject({
      data: { full_name: "octo-org/repo" },
    });
  });

  test("`setConfig` and `defaultConfig` decide which repositories have the file", async () => {
    const fake = await start({}, { defaultConfig: "channel: C0DEFAULT01\n" });
    fake.setConfig("octo-org", "special", "channel: C0SPECIAL1\n");
    const octokit = await probot(fake).auth(1);
    const read = async (repo: string) =>
      (
        await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
          owner: "octo-org",
          repo,
          path: CONFIG_PATH,
          mediaType: { format: "raw" },
        })
      ).data;

    expect(await read("any")).toBe("channel: C0DEFAULT01\n");
    expect(await read("special")).toBe("channel: C0SPECIAL1\n");
  });
});

describe("what GitHub refuses", () => {
  test("a JWT signed by another key, or by another App", async () => {
    const fake = await start();
    const stranger = await probot(fake, keyPair().privateKey).auth(1);
    await expect(
      stranger.rest.repos.get({ owner: "octo-org", repo: "repo" }),
    ).rejects.toMatchObject({
      status: 401,
      response: { data: { message: "A JSON web token could not be decoded", status: "401" } },
    });

    const now = Math.floor(Date.now() / 1000);
    const answer = await fetch(`${fake.apiUrl}/app/installations/1/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${jwt({ iss: 999, iat: now - 30, exp: now + 500 })}` },
    });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ message: "Integration not found" });
  });

  test.each([
    ["expired", -700, -100, "'Expiration time' claim ('exp') must be a numeric value"],
    ["too long-lived", -30, 3600, "'Expiration time' claim ('exp') is too far in the future"],
    ["issued in the future", 600, 900, "'Issued at' claim ('iat') must be an Integer"],
  ])("a JWT %s", async (_name, iat, exp, message) => {
    const fake = await start();
    const now = Math.floor(Date.now() / 1000);
    const answer = await fetch(`${fake.apiUrl}/app/hook/deliveries`, {
      headers: { authorization: `Bearer ${jwt({ iss: APP_ID, iat: now + iat, exp: now + exp })}` },
    });
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { message: string }).message).toContain(message);
  });

  test("a repository's file asked for without the installation's token: Bad credentials", async () => {
    const fake = await start();
    const answer = await fetch(
      `${fake.apiUrl}/repos/octo-org/repo/contents/.github%2Fthreadline.yml`,
      {
        headers: { authorization: "token ghs_not_the_one_it_issued" },
      },
    );
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({
      message: "Bad credentials",
      documentation_url: "https://docs.github.com/rest",
      status: "401",
    });
  });

  test("anything else is unexpected: recorded, reported, answered GitHub's 404", async () => {
    const told: string[] = [];
    const fake = await start({}, { onUnexpected: (request) => told.push(request.url) });
    const octokit = await probot(fake).auth();

    await expect(octokit.request("GET /app/installations")).rejects.toMatchObject({
      status: 404,
      response: { data: { message: "Not Found", status: "404" } },
    });
    expect(fake.unexpected.map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET /api/v3/app/installations",
    ]);
    expect(told).toEqual(["/api/v3/app/installations"]);
  });
});

describe("the App's webhook delivery log", () => {
  test("listed newest first, page by page through the Link header, as Octokit paginates", async () => {
    const log = [5, 4, 3, 2, 1].map((id) => delivery(id, id === 3 ? 502 : 200));
    const fake = await start({}, { deliveries: log });
    const octokit = await probot(fake).auth();

    const listed = await octokit.paginate("GET /app/hook/deliveries", { per_page: 2 });

    expect(listed).toEqual(log);
    expect(fake.requests.map((request) => request.url)).toEqual([
      "/api/v3/app/hook/deliveries?per_page=2",
      "/api/v3/app/hook/deliveries?per_page=2&cursor=v1_3",
      "/api/v3/app/hook/deliveries?per_page=2&cursor=v1_1",
    ]);
  });

  test("a redelivery of a delivery in the log is accepted (202), of any other one 404", async () => {
    const fake = await start({}, { deliveries: [delivery(7, 502)] });
    const octokit = await probot(fake).auth();

    const accepted = await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
      delivery_id: 7,
    });
    expect(accepted.status).toBe(202);
    await expect(
      octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: 8 }),
    ).rejects.toMatchObject({ status: 404 });
    expect(fake.redeliveries).toEqual([7]);
  });
});

describe("comments written with a person's user access token", () => {
  const OAUTH = { clientId: "Iv23liFAKE", clientSecret: "fake-client-secret-0123456789" };

  /** A user access token for `login`, through the token endpoint as GitHub issues it. */
  async function userToken(fake: FakeGitHubServer, login: string): Promise<string> {
    const response = await fetch(`http://${fake.host}/login/oauth/access_token`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify({
        client_id: OAUTH.clientId,
        client_secret: OAUTH.clientSecret,
        code: fake.issueCode(login),
      }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  test("are theirs on GitHub; their token changes only their own, the App's any", async () => {
    const fake = await start(
      { "octo-org/repo": YAML },
      { oauth: OAUTH, permissions: { metadata: "read", issues: "write" } },
    );
    fake.addUser("Codertocat", 21031067);
    const asPerson = new QuietOctokit({
      auth: { token: await userToken(fake, "Codertocat") },
      baseUrl: fake.apiUrl,
    });
    const asOther = new QuietOctokit({
      auth: { token: await userToken(fake, "mallory") },
      baseUrl: fake.apiUrl,
    });
    const asApp = await probot(fake).auth(1);
    const where = { owner: "octo-org", repo: "repo" };

    const { data: created } = await asPerson.rest.issues.createComment({
      ...where,
      issue_number: 1,
      body: "mine",
    });
    expect(created.user).toMatchObject({ login: "Codertocat", id: 21031067, type: "User" });
    await expect(
      asOther.rest.issues.updateComment({ ...where, comment_id: created.id, body: "theirs" }),
    ).rejects.toMatchObject({ status: 403 });
    await asApp.rest.issues.updateComment({ ...where, comment_id: created.id, body: "edited" });
    expect(fake.comments.get(created.id)).toMatchObject({
      body: "edited",
      author: { id: 21031067 },
    });

    fake.revoke("Codertocat");
    await expect(
      asPerson.rest.issues.deleteComment({ ...where, comment_id: created.id }),
    ).rejects.toMatchObject({ status: 401, message: expect.stringContaining("Bad credentials") });
  });
});

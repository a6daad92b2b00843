/**
 * GitHub's user authorization of the App, against the fake GitHub's OAuth endpoints over real
 * HTTP: the authorize URL, the code exchange, refresh (rotating: the old pair stops working),
 * `GET /user`, and GitHub's refusals (HTTP 200 with `error`) read as errors that carry no secret.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import {
  createGitHubOAuth,
  GitHubOAuthError,
  type GitHubOAuth,
} from "../../src/github/github-oauth.js";
import { startFakeGitHubServer, type FakeGitHubServer } from "../helpers/fake-github-server.js";

const CLIENT_ID = "Iv23liTHREADLINE01";
const CLIENT_SECRET = "3f2a9c0e5b7d4e1f8a6c2b0d9e7f5a3c1b8d6e4f";
const CALLBACK = "https://threadline.example.com/api/github/oauth/callback";

let github: FakeGitHubServer;
let oauth: GitHubOAuth;

beforeEach(async () => {
  github = await startFakeGitHubServer(
    {},
    { oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackUrl: CALLBACK } },
  );
  github.addUser("Codertocat", 21031067);
  oauth = client();
});
afterEach(async () => {
  await github.close();
  expect(github.unexpected).toEqual([]);
});

function client(overrides: Partial<Parameters<typeof createGitHubOAuth>[0]> = {}) {
  return createGitHubOAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    webUrl: `http://${github.host}`,
    apiUrl: github.apiUrl,
    callbackUrl: CALLBACK,
    ...overrides,
  });
}

/** The error `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<GitHubOAuthError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GitHubOAuthError);
    return error as GitHubOAuthError;
  }
  throw new Error("expected a refusal");
}

describe("the web application flow", () => {
  test("the authorize URL names the App, the callback and the state, at GitHub's web root", () => {
    const url = new URL(oauth.authorizeUrl("l1.state"));
    expect(`${url.origin}${url.pathname}`).toBe(`http://${github.host}/login/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: CLIENT_ID,
      redirect_uri: CALLBACK,
      state: "l1.state",
      allow_signup: "false",
    });
  });

  test("a signed-in person who authorized the App is sent back with a code; it buys their token pair", async () => {
    github.signIn("Codertocat");
    const sentBack = await fetch(oauth.authorizeUrl("l1.state"), { redirect: "manual" });
    expect(sentBack.status).toBe(302);
    const location = new URL(sentBack.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get("state")).toBe("l1.state");

    const before = Date.now();
    const tokens = await oauth.exchangeCode(location.searchParams.get("code")!);
    const after = Date.now();
    expect(tokens.accessToken).toMatch(/^ghu_[A-Za-z0-9]{36}$/);
    expect(tokens.refreshToken).toMatch(/^ghr_[A-Za-z0-9]{76}$/);
    // Counted from when the request left: GitHub's 8 hours and 6 months.
    expect(tokens.accessExpiresAt).toBeGreaterThanOrEqual(before + 28_800_000);
    expect(tokens.accessExpiresAt).toBeLessThanOrEqual(after + 28_800_000);
    expect(tokens.refreshExpiresAt).toBeGreaterThanOrEqual(before + 15_897_600_000);
    expect(tokens.refreshExpiresAt).toBeLessThanOrEqual(after + 15_897_600_000);
    expect(await oauth.user(tokens.accessToken)).toEqual({ login: "Codertocat", id: 21031067 });
    expect(github.oauthExchanges).toEqual([{ grant: "authorization_code", login: "Codertocat" }]);
  });

  test("someone not signed in sees GitHub's page; an unknown client, GitHub's 404", async () => {
    const page = await fetch(oauth.authorizeUrl("s"), { redirect: "manual" });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Sign in to GitHub");
    const unknown = await fetch(client({ clientId: "Iv23other" }).authorizeUrl("s"), {
      redirect: "manual",
    });
    expect(unknown.status).toBe(404);
  });

  test("a code works once: used again it is bad_verification_code, and the error holds no code", async () => {
    const code = github.issueCode("Codertocat");
    await oauth.exchangeCode(code);
    const error = await refusal(oauth.exchangeCode(code));
    expect(error.code).toBe("bad_verification_code");
    expect(error.transient).toBe(false);
    expect(error.message).toBe(
      "exchanging the authorization code: GitHub refused it (bad_verification_code: The code passed is incorrect or expired.)",
    );
    expect(error.message).not.toContain(code);
  });

  test("a wrong client secret or a redirect URI that is not the registered one is refused", async () => {
    const secretError = await refusal(
      client({ clientSecret: "not-the-secret" }).exchangeCode(github.issueCode("Codertocat")),
    );
    expect(secretError.code).toBe("incorrect_client_credentials");
    expect(secretError.message).not.toContain("not-the-secret");
    const redirectError = await refusal(
      client({ callbackUrl: "https://evil.example.com/cb" }).exchangeCode(
        github.issueCode("Codertocat"),
      ),
    );
    expect(redirectError.code).toBe("redirect_uri_mismatch");
  });
});

describe("refreshing", () => {
  test("a refresh gives a new pair; the refresh token used and its access token stop working", async () => {
    const first = await oauth.exchangeCode(github.issueCode("Codertocat"));
    const second = await oauth.refresh(first.refreshToken!);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await oauth.user(second.accessToken)).toMatchObject({ login: "Codertocat" });

    const reused = await refusal(oauth.refresh(first.refreshToken!));
    expect(reused.code).toBe("bad_refresh_token");
    expect(reused.message).not.toContain(first.refreshToken!);
    const old = await refusal(oauth.user(first.accessToken));
    expect(old.code).toBe("bad_credentials");
    expect(old.message).toBe("reading the linked GitHub user: GitHub answered HTTP 401");
    expect(github.oauthExchanges.map((exchange) => exchange.grant)).toEqual([
      "authorization_code",
      "refresh_token",
      "refresh_token",
    ]);
  });

  test("revoked on GitHub, the person's tokens stop working and cannot be renewed", async () => {
    const tokens = await oauth.exchangeCode(github.issueCode("Codertocat"));
    github.revoke("Codertocat");
    expect((await refusal(oauth.user(tokens.accessToken))).code).toBe("bad_credentials");
    expect((await refusal(oauth.refresh(tokens.refreshToken!))).code).toBe("bad_refresh_token");
  });

  test("an expired access token is refused with 401, Bad credentials", async () => {
    const tokens = await oauth.exchangeCode(github.issueCode("Codertocat"));
    github.expireAccessToken(tokens.accessToken);
    const response = await fetch(`${github.apiUrl}/user`, {
      headers: { authorization: `bearer ${tokens.accessToken}` },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: "Bad credentials" });
  });
});

describe("failures that may pass later", () => {
  test("GitHub unreachable, or answering 5xx: transient, with no secret in the message", async () => {
    const closed = client({ webUrl: "http://127.0.0.1:9" });
    const network = await refusal(closed.refresh("ghr_secret_refresh_token_0123456789"));
    expect(network).toMatchObject({ code: "network", transient: true });
    expect(network.message).not.toContain("ghr_secret");

    const failing = client({
      fetch: (async () => new Response("unavailable", { status: 503 })) as typeof fetch,
    });
    const unavailable = await refusal(failing.exchangeCode("0123456789abcdef0123"));
    expect(unavailable).toMatchObject({ code: "http_503", transient: true });
    const timedOut = client({
      timeoutMs: 50,
      fetch: ((_url: string, init: RequestInit) =>
        new Promise((_resolve, reject) =>
          init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
        )) as typeof fetch,
    });
    const late = await refusal(timedOut.refresh("ghr_x"));
    expect(late).toMatchObject({ code: "network", transient: true });
    expect(late.message).toMatch(/did not answer within 50 ms/);
  });

  test("without Accept: application/json, GitHub answers the form encoding", async () => {
    const response = await fetch(`http://${github.host}/login/oauth/access_token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        code: github.issueCode("Codertocat"),
      }).toString(),
    });
    expect(response.headers.get("content-type")).toMatch(/^application\/x-www-form-urlencoded/);
    const answer = new URLSearchParams(await response.text());
    expect(answer.get("token_type")).toBe("bearer");
    expect(answer.get("access_token")).toMatch(/^ghu_/);
  });
});

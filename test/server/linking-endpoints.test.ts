/**
 * The two doors of linking, through real HTTP on the App's own createHttpServer, wired to the
 * real intake decisions and an SQLite store: `POST /api/slack/commands` (signed as Slack signs,
 * form-encoded, answered to the person alone) and `GET /api/github/oauth/callback` (a state
 * threadline signed, the code exchanged, a page that never shows the code or a token).
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { GitHubOAuthError, type GitHubOAuth } from "../../src/github/github-oauth.js";
import { createSlackCommandAnswerer } from "../../src/intake/answer-slack-command.js";
import { createLinkCompleter } from "../../src/intake/complete-github-link.js";
import { createLinkStateSigner } from "../../src/intake/link-state.js";
import type { Metrics } from "../../src/metrics/create-metrics.js";
import { createHttpServer } from "../../src/server/create-http-server.js";
import { createOAuthCallbackHandler } from "../../src/server/create-oauth-callback-handler.js";
import { createSlackCommandsHandler } from "../../src/server/create-slack-commands-handler.js";
import { openStore, parseDatabaseUrl, type Store } from "../../src/store/open-store.js";
import { signSlackRequest } from "../helpers/sign-slack-request.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const KEY = randomBytes(32);
const TEAM = "T0THREADL1";
const USER = "U0CODERTO1";
const CODE = "0a1b2c3d4e5f60718293";
const ACCESS = "ghu_16C7e42F292c6912E7710c838347Ae178B4a";
const AUTHORIZE = "https://github.com/login/oauth/authorize";

let server: Server;
let url: string;
let store: Store;
let raw: string[];
let refused: string[];
/** What the fake GitHub OAuth answers the next code exchange with. */
let exchange: () => Promise<{ accessToken: string }>;

const metrics = { linksChanged: { inc: () => {} } } as unknown as Pick<Metrics, "linksChanged">;
const signer = createLinkStateSigner(KEY);

beforeEach(async () => {
  raw = [];
  refused = [];
  exchange = async () => ({ accessToken: ACCESS, refreshToken: "ghr_refresh_token_value_0123" });
  store = await openStore(parseDatabaseUrl("sqlite::memory:"), 12345, { tokenKey: KEY });
  const log = pino({ level: "debug" }, { write: (line: string) => raw.push(line) });
  const oauth: Pick<GitHubOAuth, "exchangeCode" | "user" | "authorizeUrl"> = {
    authorizeUrl: (state) => `${AUTHORIZE}?client_id=Iv23li&state=${encodeURIComponent(state)}`,
    exchangeCode: async (code) => {
      if (code !== CODE) {
        throw new GitHubOAuthError(
          "GitHub refused it (bad_verification_code)",
          "bad_verification_code",
          false,
        );
      }
      return exchange();
    },
    user: async () => ({ login: "Codertocat", id: 21031067 }),
  };
  const answer = createSlackCommandAnswerer({
    linking: { signer, authorizeUrl: oauth.authorizeUrl, githubWebUrl: "https://github.com" },
    accounts: store.linkedAccounts,
    log,
    metrics,
  });
  server = createHttpServer({
    log,
    routes: {
      "POST /api/slack/commands": createSlackCommandsHandler({
        signingSecrets: [SECRET],
        maxBodyBytes: 16 * 1024,
        log,
        answer,
        onRefused: (reason) => refused.push(reason),
      }),
      "GET /api/github/oauth/callback": createOAuthCallbackHandler({
        complete: createLinkCompleter({
          signer,
          oauth,
          accounts: store.linkedAccounts,
          log,
          metrics,
        }),
        log,
      }),
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
});

/** A slash command as Slack sends it: form-encoded, signed over the raw body. */
function commandBody(text: string, user = USER): string {
  return new URLSearchParams({
    token: "verification-token-unused",
    team_id: TEAM,
    team_domain: "threadline-test",
    channel_id: "C0123456789",
    channel_name: "pull-requests",
    user_id: user,
    user_name: "codertocat",
    command: "/threadline",
    text,
    api_app_id: "A0THREADL1",
    is_enterprise_install: "false",
    response_url: "https://hooks.slack.com/commands/T0THREADL1/1/abc",
    trigger_id: "13345224609.738474920.8088930838d88f008e0",
  }).toString();
}

async function command(
  text: string,
  headers: Record<string, string> = {},
  body = commandBody(text),
): Promise<{ status: number; json?: { response_type: string; text: string }; text: string }> {
  const signed = signSlackRequest(body, SECRET);
  const response = await fetch(`${url}/api/slack/commands`, {
    method: "POST",
    headers: { ...signed, "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
  const text2 = await response.text();
  return {
    status: response.status,
    text: text2,
    ...(response.headers.get("content-type")?.startsWith("application/json")
      ? { json: JSON.parse(text2) as { response_type: string; text: string } }
      : {}),
  };
}

/** The authorize URL in a command's answer (Slack's `<url|label>`, `&` escaped). */
function linkIn(text: string): URL {
  const match = /<(https:[^|>]+)\|/.exec(text);
  if (!match) throw new Error(`no link in ${text}`);
  return new URL(match[1]!.replaceAll("&amp;", "&"));
}

describe("POST /api/slack/commands", () => {
  test("`link` answers the person alone with GitHub's authorize URL and a signed state", async () => {
    const answer = await command("link");
    expect(answer.status).toBe(200);
    expect(answer.json?.response_type).toBe("ephemeral");
    const link = linkIn(answer.json!.text);
    expect(`${link.origin}${link.pathname}`).toBe(AUTHORIZE);
    expect(signer.verify(link.searchParams.get("state")!, Date.now())).toEqual({
      valid: true,
      request: { slackTeam: TEAM, slackUser: USER },
    });
    expect(answer.json!.text).toContain("You have not linked a GitHub account.");
  });

  test("`help` (or nothing) explains; an unknown verb says so; `unlink` with nothing linked says so", async () => {
    expect((await command("")).json?.text).toContain("/threadline link");
    expect((await command("HELP")).json?.text).toContain("/threadline unlink");
    expect((await command("dance")).json?.text).toMatch(/^threadline does not know `dance`/);
    expect((await command("unlink")).json?.text).toBe(
      "You had no GitHub account linked; nothing to forget.",
    );
  });

  test.each([
    ["unsigned", { "x-slack-signature": "" }, 401, "bad_signature"],
    [
      "signed with another secret",
      { "x-slack-signature": `v0=${"0".repeat(64)}` },
      401,
      "bad_signature",
    ],
    ["sent as JSON", { "content-type": "application/json" }, 415, "unsupported_media_type"],
  ])(
    "a request %s is refused with one short line, its body never logged",
    async (_name, headers, status, reason) => {
      const answer = await command("link", headers);
      expect(answer.status).toBe(status);
      expect(refused).toEqual([reason]);
      const refusals = raw.filter((line) => line.includes("Slack command refused"));
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).not.toContain("response_url");
      expect(raw.join("")).not.toContain("hooks.slack.com");
    },
  );

  test("a replayed command (signed six minutes ago) is refused", async () => {
    const body = commandBody("link");
    const old = signSlackRequest(body, SECRET, Math.floor(Date.now() / 1000) - 360);
    const response = await fetch(`${url}/api/slack/commands`, {
      method: "POST",
      headers: { ...old, "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toMatch(/more than 5 minutes/);
  });

  test("an oversized body is refused with 413 before it is read whole; a form without who: 400", async () => {
    expect((await command("x", {}, `text=${"a".repeat(20_000)}`)).status).toBe(413);
    expect((await command("x", {}, "command=%2Fthreadline&text=link")).status).toBe(400);
    expect(refused).toEqual(["too_large", "malformed_form"]);
  });
});

describe("GET /api/github/oauth/callback", () => {
  const callback = (query: Record<string, string>) =>
    fetch(`${url}/api/github/oauth/callback?${new URLSearchParams(query).toString()}`);

  test("a state threadline signed and GitHub's code: linked, a page saying as whom", async () => {
    const state = signer.sign({ slackTeam: TEAM, slackUser: USER }, Date.now());
    const response = await callback({ code: CODE, state });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    const page = await response.text();
    expect(page).toContain("<h1>Linked as @Codertocat</h1>");
    expect(page).toContain("You can close this tab.");
    expect(page).not.toContain(CODE);
    expect(page).not.toContain(state);
    expect(await store.linkedAccounts.get(TEAM, USER)).toMatchObject({
      usable: true,
      account: { githubLogin: "Codertocat", githubUserId: 21031067, accessToken: ACCESS },
    });
    expect(raw.join("")).not.toContain(CODE);
    expect(raw.join("")).not.toContain(ACCESS);
    // The command now says so.
    expect((await command("help")).json?.text).toContain("@Codertocat is linked");
    expect((await command("unlink")).json?.text).toMatch(
      /^threadline forgot your GitHub account @Codertocat/,
    );
    expect(await store.linkedAccounts.get(TEAM, USER)).toBe(undefined);
  });

  test.each([
    [
      "an expired link",
      () => ({
        code: CODE,
        state: signer.sign({ slackTeam: TEAM, slackUser: USER }, Date.now() - 11 * 60_000),
      }),
      400,
      "This link has expired",
      "Run /threadline link in Slack again",
    ],
    [
      "a state threadline did not sign",
      () => ({
        code: CODE,
        state: createLinkStateSigner(randomBytes(32)).sign(
          { slackTeam: TEAM, slackUser: USER },
          Date.now(),
        ),
      }),
      400,
      "This is not a link threadline gave out",
      "its state was not signed by this threadline",
    ],
    [
      "no state at all",
      () => ({ code: CODE }),
      400,
      "This is not a link threadline gave out",
      "no state",
    ],
    [
      "a code GitHub refuses (used already)",
      () => ({
        code: "ffffffffffffffffffff",
        state: signer.sign({ slackTeam: TEAM, slackUser: USER }, Date.now()),
      }),
      400,
      "Linking did not work",
      "already used or is too old",
    ],
    [
      "a person who declined on GitHub",
      () => ({
        error: "access_denied",
        state: signer.sign({ slackTeam: TEAM, slackUser: USER }, Date.now()),
      }),
      200,
      "Nothing was linked",
      "You declined",
    ],
  ])("%s: a clear page, nothing linked", async (_name, query, status, title, says) => {
    const parameters: Record<string, string> = query();
    const response = await callback(parameters);
    expect(response.status).toBe(status);
    const page = await response.text();
    expect(page).toContain(`<h1>${title}</h1>`);
    expect(page).toContain(says);
    if (parameters.code !== undefined) expect(page).not.toContain(parameters.code);
    expect(await store.linkedAccounts.count()).toBe(0);
  });

  test("GitHub failing: 502 and a page saying to try again in a minute", async () => {
    exchange = async () => {
      throw new GitHubOAuthError(
        "exchanging the authorization code: GitHub answered HTTP 503",
        "http_503",
        true,
      );
    };
    const state = signer.sign({ slackTeam: TEAM, slackUser: USER }, Date.now());
    const response = await callback({ code: CODE, state });
    expect(response.status).toBe(502);
    expect(await response.text()).toContain(
      "This may pass: run /threadline link in Slack again in a minute.",
    );
  });
});

/**
 * Posting as themselves, end to end: the built App as a process of its own, `/threadline`
 * commands POSTed to `/api/slack/commands` and replies to `/api/slack/events`, both signed as
 * Slack signs them; the fake GitHub's OAuth endpoints at its root (as on GitHub Enterprise
 * Server), its API under `/api/v3`. A person links their GitHub account once (the authorize page
 * sends a signed-in person straight back with a code, as GitHub does), and their replies become
 * comments written by them; their token is renewed before it expires, and when GitHub stops taking
 * it the App writes their reply itself, names them, and tells them. No token, client secret or
 * key reaches the App's log.
 */
import { afterEach, describe, expect, test } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { asAppDelivery, loadFixture, loadPullRequestCommentFixture } from "../fixtures/index.js";
import {
  startFakeGitHubServer,
  type FakeComment,
  type FakeGitHubServer,
  type FakeOAuthOptions,
} from "../helpers/fake-github-server.js";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.js";
import {
  edited,
  sendSlackCommand,
  sendSlackEvent,
  slashCommand,
  written,
  type PersonMessage,
} from "../helpers/slack-events.js";
import {
  createAppEnvironment,
  stopAllApps,
  type AppEnvironment,
  type SpawnedApp,
} from "../helpers/spawn-app.js";
import { sleep, waitUntil } from "../helpers/wait.js";

const CHANNEL = "C0123456789";
const SIGNING_SECRET = "8f742231b10e8888abcd99eeefff85a5";
const CLIENT_ID = "Iv23liTHREADLINE01";
const CLIENT_SECRET = "3f2a9c0e5b7d4e1f8a6c2b0d9e7f5a3c1b8d6e4f";
const TOKEN_KEY = randomBytes(32);
const REPOSITORY = "Codertocat/Hello-World";
const TEST_TIMEOUT_MS = 60_000;

/** Mapped to Codertocat in the repository's `mentions:`. */
const CODERTOCAT = "U0CODERTO1";
const GITHUB_USER = { login: "Codertocat", id: 21031067 };
const CONFIG = [
  `channel: ${CHANNEL}`,
  "replies: mapped",
  "mentions:",
  `  Codertocat: ${CODERTOCAT}`,
  "",
].join("\n");

let slack: FakeSlack;
let github: FakeGitHubServer;
let oauthOptions: FakeOAuthOptions;
let environment: AppEnvironment;
let app: SpawnedApp;
let parentTs: string;
let messages = 0;
/** Every App started by the test, for the log check at the end. */
let apps: SpawnedApp[] = [];

/** The environment linking needs, PUBLIC_URL being the App's own address. */
function linkingEnv(): Record<string, string> {
  return {
    GITHUB_CLIENT_ID: CLIENT_ID,
    GITHUB_CLIENT_SECRET: CLIENT_SECRET,
    THREADLINE_TOKEN_KEY: TOKEN_KEY.toString("base64"),
    PUBLIC_URL: `http://127.0.0.1:${environment.port}`,
  };
}

async function startWith(options: { accessTokenSeconds?: number } = {}) {
  slack = await startFakeSlack({
    scopes: "chat:write,channels:history,groups:history,users:read",
    members: { [CODERTOCAT]: { name: "codertocat", display_name: "Coder Cat" } },
  });
  oauthOptions = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...options };
  github = await startFakeGitHubServer(
    { [REPOSITORY]: CONFIG },
    {
      permissions: {
        metadata: "read",
        issues: "write",
        pull_requests: "read",
        single_file: "read",
      },
      oauth: oauthOptions,
    },
  );
  github.addUser(GITHUB_USER.login, GITHUB_USER.id);
  environment = await createAppEnvironment({
    slackUrl: slack.url,
    githubHost: github.host,
    env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, ORDER_WINDOW_MS: "0", LOG_LEVEL: "debug" },
  });
  // The GitHub App's registered Callback URL: under the App's PUBLIC_URL.
  oauthOptions.callbackUrl = `http://127.0.0.1:${environment.port}/api/github/oauth/callback`;
  app = await environment.start(linkingEnv());
  apps.push(app);
  const answer = await app.deliver(
    "issue_comment",
    asAppDelivery(loadPullRequestCommentFixture()),
    "delivery-first-comment",
  );
  expect(answer.status).toBe(200);
  await slack.waitForMessages(2);
  parentTs = slack.messages[0]!.ts!;
}

afterEach(async () => {
  const started = apps;
  apps = [];
  await stopAllApps();
  await slack?.close();
  await github?.close();
  expect(github.unexpected).toEqual([]);
  // Whatever the test did: no token, no code, no client secret, no key (in any encoding), in any
  // log line, at debug level.
  const logged = started.map((one) => JSON.stringify(one.logs) + one.stderr()).join("\n");
  for (const secret of [
    ...github.issuedTokens(),
    ...github.issuedCodes(),
    CLIENT_SECRET,
    TOKEN_KEY.toString("base64"),
    TOKEN_KEY.toString("base64url"),
    TOKEN_KEY.toString("hex"),
  ]) {
    expect(logged).not.toContain(secret);
  }
});

/** A new message in the thread by `user`, remembered by the fake Slack (for its permalink). */
function reply(text: string, user = CODERTOCAT): PersonMessage {
  messages += 1;
  const message: PersonMessage = {
    channel: CHANNEL,
    ts: `1700000200.${String(messages).padStart(6, "0")}`,
    threadTs: parentTs,
    user,
    text,
  };
  slack.remember(CHANNEL, { ts: message.ts, user, text, thread_ts: parentTs });
  return message;
}

const send = (payload: unknown) => sendSlackEvent(app.url, SIGNING_SECRET, payload);

async function command(text: string, user = CODERTOCAT) {
  const answer = await sendSlackCommand(app.url, SIGNING_SECRET, slashCommand(text, user));
  expect(answer.status).toBe(200);
  expect(answer.message?.response_type).toBe("ephemeral");
  return answer.message!.text!;
}

/** The authorize URL in `/threadline link`'s answer (Slack's `<url|label>`, `&` escaped). */
function authorizeUrlIn(text: string): URL {
  const match = /<(http[^|>]+)\|Authorize threadline on GitHub>/.exec(text);
  if (!match) throw new Error(`no authorize link in: ${text}`);
  return new URL(match[1]!.replaceAll("&amp;", "&"));
}

/**
 * Follows the link as the person's browser would: GitHub sends them (signed in, the App
 * authorized before) straight back to the App's callback, which answers its page.
 */
async function follow(link: URL): Promise<{ status: number; page: string; callback: URL }> {
  const atGitHub = await fetch(link, { redirect: "manual" });
  expect(atGitHub.status).toBe(302);
  const callback = new URL(atGitHub.headers.get("location")!);
  const atApp = await fetch(callback, { redirect: "manual" });
  return { status: atApp.status, page: await atApp.text(), callback };
}

/** `/threadline link`, then the link followed, signed in to GitHub as Codertocat. */
async function linkCodertocat() {
  github.signIn(GITHUB_USER.login);
  const followed = await follow(authorizeUrlIn(await command("link")));
  expect(followed.status).toBe(200);
  expect(followed.page).toContain("<h1>Linked as @Codertocat</h1>");
  return followed;
}

const comments = (): FakeComment[] => [...github.comments.values()];

/** Waits for the comment that `text` became. */
async function commentSaying(text: string): Promise<FakeComment> {
  await waitUntil(
    () => comments().some((comment) => comment.body.startsWith(text)),
    `a comment saying "${text}"`,
  );
  return comments().find((comment) => comment.body.startsWith(text))!;
}

const commentWrites = () =>
  github.requests.filter((request) => request.route?.startsWith("POST /repos/")).length;

describe("linking", () => {
  test(
    "`/threadline link` answers a link; following it links; the next reply is the person's own comment, without the written-by line",
    async () => {
      await startWith();
      const answer = await command("link");
      const link = authorizeUrlIn(answer);
      expect(`${link.origin}${link.pathname}`).toBe(`http://${github.host}/login/oauth/authorize`);
      expect(link.searchParams.get("client_id")).toBe(CLIENT_ID);
      expect(link.searchParams.get("redirect_uri")).toBe(oauthOptions.callbackUrl);
      expect(link.searchParams.get("state")).toMatch(/^l1\./);
      expect(answer).toContain("works for 10 minutes");

      github.signIn(GITHUB_USER.login);
      const { page, callback } = await follow(link);
      expect(page).toContain("<h1>Linked as @Codertocat</h1>");
      expect(page).not.toContain(callback.searchParams.get("code")!);
      expect(await command("help")).toContain("Your GitHub account @Codertocat is linked");

      const message = reply("*Fixed* in the last push, thanks!");
      expect((await send(written(message))).status).toBe(200);
      const comment = await commentSaying("**Fixed** in the last push, thanks!");
      expect(comment.author).toEqual(GITHUB_USER);
      expect(comment.body).not.toContain("Written in Slack by");
      expect(comment.body).toContain(
        `<sub>[Written in Slack](https://threadline-test.slack.com/archives/${CHANNEL}/p${message.ts.replace(".", "")}?`,
      );
      // Written with the person's token, not the installation's.
      const write = github.requests.find((request) => request.route?.startsWith("POST /repos/"));
      expect(write?.authorization).toMatch(/^token ghu_/);

      // Edited in Slack: edited on GitHub by the same person.
      await send(edited(message, "*Fixed* in the last two pushes, thanks!", "1700000300.000001"));
      await waitUntil(
        () => github.comments.get(comment.id)?.body.includes("two pushes") === true,
        "the comment is edited",
      );
      const edit = github.requests.find((request) => request.route?.startsWith("PATCH /repos/"));
      expect(edit?.authorization).toMatch(/^token ghu_/);
      expect(github.comments.get(comment.id)!.body).not.toContain("Written in Slack by");
      expect(slack.ephemerals()).toEqual([]);

      // Its echo, written by a person now rather than the App's bot, is still recognised.
      const echo = asAppDelivery(loadPullRequestCommentFixture());
      echo.comment.id = comment.id;
      echo.comment.body = comment.body;
      echo.comment.user = { ...echo.comment.user!, login: "Codertocat", id: GITHUB_USER.id };
      const shownBefore = slack.messages.length;
      expect((await app.deliver("issue_comment", echo, "delivery-echo")).status).toBe(200);
      await app.drained();
      await sleep(300);
      expect(slack.messages.length).toBe(shownBefore);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "a mapped member who has not linked is told once how to post as themselves",
    async () => {
      await startWith();
      await send(written(reply("First.")));
      await send(written(reply("Second.")));
      await waitUntil(() => github.comments.size === 2, "two comments");
      await sleep(300);
      for (const comment of comments()) {
        expect(comment.author).toBe(undefined);
        expect(comment.body).toContain("Written in Slack by [@Codertocat]");
      }
      const told = slack.ephemerals();
      expect(told).toHaveLength(1);
      expect(told[0]!.args.user).toBe(CODERTOCAT);
      expect(String(told[0]!.args.text)).toContain("run `/threadline link` once");
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "an account the repository does not map to the member is never posted as; they are told",
    async () => {
      await startWith();
      // Someone completed Codertocat's link while signed in to GitHub as another account.
      github.addUser("mallory", 9_000_001);
      github.signIn("mallory");
      const { page } = await follow(authorizeUrlIn(await command("link")));
      expect(page).toContain("<h1>Linked as @mallory</h1>");
      expect(page).toContain(`Slack member ${CODERTOCAT}`);

      await send(written(reply("Not as mallory, please.")));
      const comment = await commentSaying("Not as mallory, please.");
      expect(comment.author).toBe(undefined);
      expect(comment.body).toContain("Written in Slack by [@Codertocat]");
      await waitUntil(() => slack.ephemerals().length === 1, "the person is told");
      expect(String(slack.ephemerals()[0]!.args.text)).toContain(
        "not as @mallory: Codertocat/Hello-World's .github/threadline.yml maps you to @Codertocat",
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "a link that expired, or that threadline did not give out, answers a clear page and links nothing; a code works once",
    async () => {
      await startWith();
      const { callback } = await linkCodertocat();
      // The same callback again (a reload): GitHub's code is single-use.
      const again = await fetch(callback);
      expect(again.status).toBe(400);
      const page = await again.text();
      expect(page).toContain("<h1>Linking did not work</h1>");
      expect(page).toContain("already used or is too old");
      expect(page).not.toContain(callback.searchParams.get("code")!);

      const forged = new URL(callback);
      forged.searchParams.set("code", github.issueCode("mallory"));
      forged.searchParams.set("state", `${callback.searchParams.get("state")!.slice(0, -4)}AAAA`);
      const refused = await fetch(forged);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain("This is not a link threadline gave out");
      expect(await command("help")).toContain("@Codertocat is linked");
    },
    TEST_TIMEOUT_MS,
  );
});

describe("keeping the token alive", () => {
  test(
    "an access token that expires within five minutes is renewed before the write; the old pair stops working",
    async () => {
      // GitHub issues tokens that last two minutes: every use must renew first.
      await startWith({ accessTokenSeconds: 120 });
      await linkCodertocat();
      const firstAccess = github.issuedTokens()[0]!;

      await send(written(reply("Renewed first.")));
      const comment = await commentSaying("Renewed first.");
      expect(comment.author).toEqual(GITHUB_USER);
      expect(github.oauthExchanges).toEqual([
        { grant: "authorization_code", login: "Codertocat" },
        { grant: "refresh_token", login: "Codertocat" },
      ]);
      const order = github.requests.map((request) => request.route);
      expect(order.lastIndexOf("POST /login/oauth/access_token")).toBeLessThan(
        order.indexOf("POST /repos/{owner}/{repo}/issues/{issue_number}/comments"),
      );
      const write = github.requests.find((request) => request.route?.startsWith("POST /repos/"));
      expect(write?.authorization).not.toContain(firstAccess);
      // The first access token no longer works (GitHub: refreshed, the old pair is revoked).
      const old = await fetch(`${github.apiUrl}/user`, {
        headers: { authorization: `token ${firstAccess}` },
      });
      expect(old.status).toBe(401);

      // And again for the next reply, with the renewed refresh token.
      await send(written(reply("Renewed again.")));
      expect((await commentSaying("Renewed again.")).author).toEqual(GITHUB_USER);
      expect(github.oauthExchanges.filter((e) => e.grant === "refresh_token")).toHaveLength(2);
      expect(github.oauthExchanges.every((exchange) => exchange.error === undefined)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("when GitHub stops taking the token", () => {
  test(
    "revoked on GitHub (401): the reply is written by the App with the written-by line, and the person is told",
    async () => {
      await startWith();
      await linkCodertocat();
      github.revoke(GITHUB_USER.login);

      await send(written(reply("Still carried.")));
      const comment = await commentSaying("Still carried.");
      expect(comment.author).toBe(undefined);
      expect(comment.body).toContain(
        "Written in Slack by [@Codertocat](https://github.com/Codertocat)",
      );
      await waitUntil(() => slack.ephemerals().length === 1, "the person is told");
      const told = slack.ephemerals()[0]!;
      expect(told.args).toMatchObject({ channel: CHANNEL, user: CODERTOCAT, thread_ts: parentTs });
      expect(String(told.args.text)).toContain("Your GitHub link to @Codertocat stopped working");
      expect(String(told.args.text)).toContain("/threadline link");
      // Tried once as the person (401), then once as the App.
      const writes = github.requests.filter((request) => request.route?.startsWith("POST /repos/"));
      expect(writes.map((request) => request.status)).toEqual([401, 201]);
      expect(await command("help")).toContain("You have not linked a GitHub account.");

      // The next reply: the App, and no second notice about the link.
      await send(written(reply("And again.")));
      expect((await commentSaying("And again.")).author).toBe(undefined);
      await sleep(300);
      expect(slack.ephemerals()).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "a refresh GitHub refuses (bad_refresh_token) drops the link the same way",
    async () => {
      await startWith({ accessTokenSeconds: 120 });
      await linkCodertocat();
      github.revoke(GITHUB_USER.login);
      await send(written(reply("Written anyway.")));
      const comment = await commentSaying("Written anyway.");
      expect(comment.author).toBe(undefined);
      expect(github.oauthExchanges.at(-1)).toEqual({
        grant: "refresh_token",
        error: "bad_refresh_token",
      });
      await waitUntil(() => slack.ephemerals().length === 1, "the person is told");
      expect(String(slack.ephemerals()[0]!.args.text)).toContain("stopped working");
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "GitHub's github_app_authorization.revoked forgets the person's link at once",
    async () => {
      await startWith();
      await linkCodertocat();
      const revoked = loadFixture("github_app_authorization.revoked");
      revoked.sender = { ...revoked.sender, login: GITHUB_USER.login, id: GITHUB_USER.id };
      const answer = await app.deliver("github_app_authorization", revoked, "delivery-revoked");
      expect(answer.status).toBe(200);
      await app.waitForLog((line) => /their link is forgotten/.test(String(line.msg)));
      expect(await command("help")).toContain("You have not linked a GitHub account.");

      await send(written(reply("After revoking.")));
      const comment = await commentSaying("After revoking.");
      expect(comment.author).toBe(undefined);
      expect(comment.body).toContain("Written in Slack by [@Codertocat]");
    },
    TEST_TIMEOUT_MS,
  );
});

describe("when the person's own account may not comment there", () => {
  test(
    "GitHub hides the repository from them (404): the App writes the reply with their name, and they are told once",
    async () => {
      await startWith();
      await linkCodertocat();
      github.hideFrom(GITHUB_USER.login, REPOSITORY);
      await send(written(reply("Through the App.")));
      const comment = await commentSaying("Through the App.");
      expect(comment.author).toBe(undefined);
      expect(comment.body).toContain("Written in Slack by [@Codertocat]");
      const writes = github.requests.filter((request) => request.route?.startsWith("POST /repos/"));
      expect(writes.map((request) => request.status)).toEqual([404, 201]);
      await send(written(reply("Again through the App.")));
      expect((await commentSaying("Again through the App.")).author).toBe(undefined);
      await sleep(300);
      const told = slack.ephemerals();
      expect(told).toHaveLength(1);
      expect(String(told[0]!.args.text)).toContain(
        "GitHub does not let @Codertocat comment in Codertocat/Hello-World",
      );
      // Still linked: elsewhere they post as themselves.
      expect(await command("help")).toContain("@Codertocat is linked");
    },
    TEST_TIMEOUT_MS,
  );
});

describe("unlinking", () => {
  test(
    "`/threadline unlink` forgets; a comment the person wrote is then edited by the App, still without a written-by line",
    async () => {
      await startWith();
      await linkCodertocat();
      const message = reply("Mine.");
      await send(written(message));
      const comment = await commentSaying("Mine.");
      expect(comment.author).toEqual(GITHUB_USER);

      expect(await command("unlink")).toMatch(
        /^threadline forgot your GitHub account @Codertocat: your replies are written by threadline with your name again/,
      );
      expect(await command("unlink")).toBe("You had no GitHub account linked; nothing to forget.");

      await send(edited(message, "Mine, edited.", "1700000400.000001"));
      await waitUntil(
        () => github.comments.get(comment.id)?.body.startsWith("Mine, edited.") === true,
        "the comment is edited",
      );
      const edit = github.requests.find((request) => request.route?.startsWith("PATCH /repos/"));
      expect(edit?.authorization).not.toMatch(/ghu_/);
      expect(github.comments.get(comment.id)!.body).not.toContain("Written in Slack by");
      expect(github.comments.get(comment.id)!.author).toEqual(GITHUB_USER);

      await send(written(reply("Not mine any more.")));
      const next = await commentSaying("Not mine any more.");
      expect(next.author).toBe(undefined);
      expect(next.body).toContain("Written in Slack by [@Codertocat]");
      expect(commentWrites()).toBe(2);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("starting", () => {
  test(
    "the key missing while the client id, secret and PUBLIC_URL are set: the App refuses to start, saying how to make one",
    async () => {
      await startWith();
      app.kill("SIGKILL");
      await app.exited;
      const started = environment.start({ ...linkingEnv(), THREADLINE_TOKEN_KEY: "" });
      await expect(started).rejects.toThrow(
        /linking GitHub accounts \(post as themselves\) needs THREADLINE_TOKEN_KEY, 32 random bytes that encrypt people's GitHub tokens at rest: make one with `openssl rand -base64 32`/,
      );
      await expect(started).rejects.not.toThrow(CLIENT_SECRET);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "the client id and secret alone (Probot's setup writes them) leave linking off; everything else works",
    async () => {
      await startWith();
      app.kill("SIGKILL");
      await app.exited;
      app = await environment.start({
        GITHUB_CLIENT_ID: CLIENT_ID,
        GITHUB_CLIENT_SECRET: CLIENT_SECRET,
      });
      apps.push(app);
      expect(await command("link")).toContain("Linking GitHub accounts is not set up");
      const callback = await fetch(`${app.url}/api/github/oauth/callback?code=x&state=y`);
      expect(callback.status).toBe(404);
      await send(written(reply("Carried as before.")));
      expect((await commentSaying("Carried as before.")).body).toContain("Written in Slack by");
    },
    TEST_TIMEOUT_MS,
  );
});

/**
 * GitHub and Slack faked with nock, strict like the real services: GitHub answers `/app…` only to
 * a JWT that App APP_ID's key signed and that is valid now, and an installation's calls only to
 * the token it issued; Slack answers only to the bot token, and only calls whose form body is the
 * one expected.
 */
import { createPublicKey, verify } from "node:crypto";
import nock from "nock";
import { PROBE_TEXT } from "../../../src/cli/doctor/run-slack-checks.js";
import { TEST_PRIVATE_KEY, TEST_SLACK_TOKEN } from "../../helpers/start-test-app.js";
import { APP_ID, INSTALLATION_TOKEN } from "./github-answers.js";

export const GITHUB_API = "https://api.github.com";
export const SLACK_API_URL = "https://slack.test/api/";
const SLACK_ORIGIN = "https://slack.test";

const PUBLIC_KEY = createPublicKey(TEST_PRIVATE_KEY);

/** An App JWT as GitHub checks one: RS256, signed by the App's key, issued by the App, not expired. */
export function isAppJwt(authorization: string): boolean {
  const match = /^bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/i.exec(authorization);
  if (!match) return false;
  const [, header = "", payload = "", signature = ""] = match;
  const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  const { alg } = decode(header) as { alg?: string };
  const { iss, iat, exp } = decode(payload) as { iss?: unknown; iat?: number; exp?: number };
  const now = Date.now() / 1000;
  return (
    alg === "RS256" &&
    verify(
      "RSA-SHA256",
      Buffer.from(`${header}.${payload}`),
      PUBLIC_KEY,
      Buffer.from(signature, "base64url"),
    ) &&
    Number(iss) === APP_ID &&
    iat !== undefined &&
    iat <= now &&
    exp !== undefined &&
    exp > now &&
    exp - iat <= 600
  );
}

/** GitHub as the App's JWT sees it. */
export function githubAsApp(): nock.Scope {
  return nock(GITHUB_API, { reqheaders: { authorization: isAppJwt } });
}

/** GitHub as the installation's token sees it. */
export function githubAsInstallation(): nock.Scope {
  return nock(GITHUB_API, { reqheaders: { authorization: `token ${INSTALLATION_TOKEN}` } });
}

/** `.github/threadline.yml` of `octo-org/<repo>`, asked for raw as Probot's config plugin asks. */
export function configRead(owner: string, repo: string): nock.Interceptor {
  return githubAsInstallation()
    .matchHeader("accept", "application/vnd.github.v3.raw")
    .get(`/repos/${owner}/${repo}/contents/${encodeURIComponent(".github/threadline.yml")}`);
}

/** GitHub's headers for a file asked for raw. */
export const RAW = { "content-type": "application/vnd.github.v3.raw; charset=utf-8" };

/** Slack's Web API as the bot token sees it. */
export function slack(): nock.Scope {
  return nock(SLACK_ORIGIN, { reqheaders: { authorization: `Bearer ${TEST_SLACK_TOKEN}` } });
}

/** `auth.test` answered for the bot, with the scopes the token was granted in `x-oauth-scopes`. */
export function mockAuthTest(scopes: string): nock.Scope {
  return slack().post("/api/auth.test").reply(
    200,
    {
      ok: true,
      url: "https://octo-org.slack.com/",
      team: "Octo Org",
      user: "threadline",
      team_id: "T0OCTO0RG",
      user_id: "U0THREADL",
      bot_id: "B0THREADL",
      is_enterprise_install: false,
    },
    { "content-type": "application/json; charset=utf-8", "x-oauth-scopes": scopes },
  );
}

/** A Slack error as Slack sends it: HTTP 200, `ok: false`. */
export function slackError(error: string) {
  return { ok: false, error };
}

/**
 * The doctor's test post in `channel` (a #name or an ID; Slack answers with the ID, `id`),
 * scheduled for `postAt`: accepted and deleted, or refused with `error`.
 */
export function mockChannelProbe(
  channel: string,
  id: string,
  postAt: number,
  answer: { error: string } | "ok",
): void {
  const scheduled = slack().post("/api/chat.scheduleMessage", {
    channel,
    text: PROBE_TEXT,
    post_at: String(postAt),
  });
  if (answer !== "ok") {
    scheduled.reply(200, slackError(answer.error));
    return;
  }
  const scheduledId = `Q0${id.slice(1)}`;
  scheduled.reply(200, {
    ok: true,
    channel: id,
    scheduled_message_id: scheduledId,
    post_at: postAt,
    message: { type: "delayed_message", text: PROBE_TEXT, bot_id: "B0THREADL", user: "U0THREADL" },
  });
  slack()
    .post("/api/chat.deleteScheduledMessage", { channel: id, scheduled_message_id: scheduledId })
    .reply(200, { ok: true });
}

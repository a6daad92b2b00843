/**
 * The fake Slack answers as Slack's Web API does, through @slack/web-api's real client where the
 * App uses it, and with raw HTTP where the wire matters (status, headers, bodies).
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { LogLevel, WebClient } from "@slack/web-api";
import { context, section } from "../../src/render/block-kit.js";
import { FAKE_SLACK_BOT, startFakeSlack, type FakeSlack } from "./fake-slack.js";

const TOKEN = "xoxb-test-0000000000-abcdefghijklmnop";
const CHANNEL = "C0123456789";

let slack: FakeSlack;

beforeEach(async () => {
  slack = await startFakeSlack();
});

afterEach(async () => {
  await slack.close();
});

const quiet = () => undefined;

/** The SDK as the App configures it: no retries, 429 rejected, its own log lines dropped. */
function client(url = slack.url, token = TOKEN): WebClient {
  return new WebClient(token, {
    slackApiUrl: url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: {
      debug: quiet,
      info: quiet,
      warn: quiet,
      error: quiet,
      setLevel: quiet,
      getLevel: () => LogLevel.ERROR,
      setName: quiet,
    },
  });
}

/** A raw call, form-encoded unless `json`. */
async function call(
  method: string,
  args: Record<string, string>,
  options: { token?: string; json?: boolean } = {},
) {
  const headers: Record<string, string> = {
    "content-type": options.json
      ? "application/json; charset=utf-8"
      : "application/x-www-form-urlencoded",
  };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${slack.url}${method}`, {
    method: "POST",
    headers,
    body: options.json ? JSON.stringify(args) : new URLSearchParams(args).toString(),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const blocks = [section("*Hello*"), context("from a test")];

describe("messages", () => {
  test("a post is shown with a ts shaped like Slack's, and Slack's answer names it", async () => {
    const answer = await client().chat.postMessage({ channel: CHANNEL, text: "Hello", blocks });

    expect(answer).toMatchObject({
      ok: true,
      channel: CHANNEL,
      ts: "1700000000.000001",
      message: { type: "message", text: "Hello", ts: "1700000000.000001", blocks },
    });
    expect(answer.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.messages.map((message) => message.args.blocks)).toEqual([blocks]);
    expect(slack.history(CHANNEL)).toMatchObject([{ ts: "1700000000.000001", text: "Hello" }]);
  });

  test("an edit keeps the message's ts and marks it edited; a deletion removes it", async () => {
    const web = client();
    const parent = await web.chat.postMessage({ channel: CHANNEL, text: "parent" });
    const reply = await web.chat.postMessage({
      channel: CHANNEL,
      text: "reply",
      thread_ts: parent.ts!,
    });

    const edit = await web.chat.update({ channel: CHANNEL, ts: reply.ts!, text: "edited", blocks });
    expect(edit).toMatchObject({ ok: true, channel: CHANNEL, ts: reply.ts, text: "edited" });
    expect(slack.history(CHANNEL)).toMatchObject([
      { ts: parent.ts, text: "parent", thread_ts: undefined, edited: undefined },
      {
        ts: reply.ts,
        text: "edited",
        thread_ts: parent.ts,
        blocks,
        edited: { ts: expect.any(String) },
      },
    ]);

    await web.chat.delete({ channel: CHANNEL, ts: reply.ts! });
    expect(slack.history(CHANNEL).map((message) => message.text)).toEqual(["parent"]);
    // The messages shown are the posts Slack accepted, whatever happened to them later.
    expect(slack.messages).toHaveLength(2);
  });

  test("editing or deleting a message Slack does not have: message_not_found", async () => {
    const web = client();
    await expect(
      web.chat.update({ channel: CHANNEL, ts: "1700000000.999999", text: "x" }),
    ).rejects.toMatchObject({
      code: "slack_webapi_platform_error",
      data: { error: "message_not_found" },
    });
    await expect(
      web.chat.delete({ channel: CHANNEL, ts: "1700000000.999999" }),
    ).rejects.toMatchObject({ data: { error: "message_not_found" } });
    expect(slack.calls.map((received) => received.error)).toEqual([
      "message_not_found",
      "message_not_found",
    ]);
  });

  test("a JSON body is read as Slack reads it, the token from the header only", async () => {
    const posted = await call(
      "chat.postMessage",
      { channel: CHANNEL, text: "json" },
      {
        token: TOKEN,
        json: true,
      },
    );
    expect(posted.body).toMatchObject({ ok: true, channel: CHANNEL });

    const tokenInBody = await call(
      "chat.postMessage",
      { channel: CHANNEL, text: "x", token: TOKEN },
      {
        json: true,
      },
    );
    expect(tokenInBody.body).toEqual({ ok: false, error: "not_authed" });
  });
});

describe("what Slack refuses", () => {
  test.each([
    ["no token", {}, undefined, "not_authed"],
    ["a token that is not Slack's", {}, "ghp_not_slack", "invalid_auth"],
    ["no channel", { channel: "" }, TOKEN, "channel_not_found"],
    ["no text and no blocks", { text: "" }, TOKEN, "no_text"],
    ["blocks that are not JSON", { blocks: "[{" }, TOKEN, "invalid_blocks_format"],
  ])("%s", async (_name, change, token, error) => {
    const answer = await call(
      "chat.postMessage",
      { channel: CHANNEL, text: "x", ...change },
      {
        ...(token === undefined ? {} : { token }),
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: false, error });
    expect(slack.messages).toEqual([]);
  });

  test("a token other than the one it was given: invalid_auth", async () => {
    const strict = await startFakeSlack({ token: TOKEN });
    try {
      await expect(
        client(strict.url, "xoxb-another-0000000000").chat.postMessage({
          channel: CHANNEL,
          text: "x",
        }),
      ).rejects.toMatchObject({ data: { error: "invalid_auth" } });
    } finally {
      await strict.close();
    }
  });

  test("blocks over Block Kit's limits: invalid_blocks, with Slack's messages", async () => {
    const tooLong = section("x".repeat(3001));
    const tooMany = Array.from({ length: 51 }, () => section("x"));
    for (const refused of [[tooLong], tooMany, [{ type: "carousel" }]]) {
      await expect(
        client().chat.postMessage({ channel: CHANNEL, text: "x", blocks: refused as never }),
      ).rejects.toMatchObject({ data: { ok: false, error: "invalid_blocks" } });
    }
    const answer = await call(
      "chat.postMessage",
      {
        channel: CHANNEL,
        text: "x",
        blocks: JSON.stringify([tooLong]),
      },
      { token: TOKEN },
    );
    expect(answer.body).toEqual({
      ok: false,
      error: "invalid_blocks",
      response_metadata: {
        messages: ["[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text]"],
      },
    });
    expect(slack.messages).toEqual([]);
  });

  test("a refused call draws nothing from the script", async () => {
    slack.script({ kind: "error", error: "is_archived" });
    await call("chat.postMessage", { channel: CHANNEL, text: "x" });
    const answer = await call(
      "chat.postMessage",
      { channel: CHANNEL, text: "x" },
      { token: TOKEN },
    );
    expect(answer.body).toEqual({ ok: false, error: "is_archived" });
  });

  test("a method it does not implement: 404 unknown_method, recorded as unexpected", async () => {
    const seen: string[] = [];
    const fake = await startFakeSlack({ onUnexpected: (received) => seen.push(received.method) });
    try {
      const response = await fetch(`${fake.url}conversations.kick`, { method: "POST" });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        ok: false,
        error: "unknown_method",
        req_method: "conversations.kick",
      });
      expect(fake.unexpected.map((received) => received.method)).toEqual(["conversations.kick"]);
      expect(seen).toEqual(["conversations.kick"]);
    } finally {
      await fake.close();
    }
  });
});

describe("scripted answers", () => {
  test("429 with Retry-After, as the SDK reads it", async () => {
    slack.script({ kind: "rate_limited", retryAfterSeconds: 7 });
    await expect(client().chat.postMessage({ channel: CHANNEL, text: "x" })).rejects.toMatchObject({
      code: "slack_webapi_rate_limited_error",
      retryAfter: 7,
    });
    expect(slack.calls[0]).toMatchObject({ answer: "rate_limited", error: "ratelimited" });
  });

  test("the default answer applies once the script is used up", async () => {
    slack.setDefaultAnswer({ kind: "error", error: "internal_error" });
    slack.script({ kind: "ok" });
    const web = client();
    await web.chat.postMessage({ channel: CHANNEL, text: "first" });
    await expect(web.chat.postMessage({ channel: CHANNEL, text: "second" })).rejects.toMatchObject({
      data: { error: "internal_error" },
    });
    expect(slack.messages.map((message) => message.args.text)).toEqual(["first"]);
  });

  test("held calls wait for release; each App is told apart by its URL's prefix", async () => {
    slack.delayAnswers("hold");
    const posting = client(`${slack.url}replica-2/`).chat.postMessage({
      channel: CHANNEL,
      text: "x",
    });
    while (slack.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(slack.unanswered()).toBe(1);
    expect(slack.calls[0]?.from).toBe("replica-2");
    expect(slack.calls[0]?.answer).toBeUndefined();

    slack.release();
    await expect(posting).resolves.toMatchObject({ ok: true });
    expect(await slack.waitForMessages(1)).toHaveLength(1);
    expect(slack.unanswered()).toBe(0);
  });
});

describe("auth.test and receipts", () => {
  test("auth.test names the bot and the token's scopes", async () => {
    const fake = await startFakeSlack({ scopes: "chat:write,chat:write.public" });
    try {
      const response = await fetch(`${fake.url}auth.test`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.headers.get("x-oauth-scopes")).toBe("chat:write,chat:write.public");
      expect(await response.json()).toEqual({ ok: true, ...FAKE_SLACK_BOT });
    } finally {
      await fake.close();
    }
  });

  test("posts carrying a marker have their arrivals recorded under it", async () => {
    const times = [1_000.25, 2_000.5, 3_000.75, 4_000, 5_000, 6_000];
    const fake = await startFakeSlack({ receiptMarker: /mark-\d+/, now: () => times.shift() ?? 0 });
    try {
      const web = client(fake.url);
      await web.chat.postMessage({ channel: CHANNEL, text: "says mark-1" });
      await web.chat.postMessage({ channel: CHANNEL, text: "no marker" });
      expect(Object.fromEntries(fake.receipts)).toEqual({ "mark-1": [2_000.5] });
    } finally {
      await fake.close();
    }
  });
});

/**
 * Slack's Web API faked at the HTTP boundary for the delivery tests: the App's real client
 * (`createSlackClient`, @slack/web-api with its retries off) talks to nock at
 * `https://slack.test/api/`. Each expected call names its exact form body (what @slack/web-api
 * sends: JSON fields such as `blocks` as strings, booleans as "true"/"false") and answers as Slack
 * does: HTTP 200 with `ok: true` and the message, HTTP 200 with `ok: false` and an error code, or
 * an HTTP error. A call nobody expected matches nothing and is recorded in `unexpectedCalls`.
 */
import { isDeepStrictEqual } from "node:util";
import nock from "nock";
import pino from "pino";
import type { SlackMessage } from "../../src/render/block-kit.js";
import { createSlackClient, type SlackPoster } from "../../src/slack/create-slack-client.js";

export const SLACK_API_URL = "https://slack.test/api/";
const SLACK_ORIGIN = "https://slack.test";
/** Shaped like a bot token, as the App requires. */
export const SLACK_TOKEN = "xoxb-test-0000000000-delivery0tests";

const BOT = { user: "U0THREADL", bot_id: "B0THREADL" };

/** The App's Slack client, pointed at the fake. */
export function createNockedSlackClient(): SlackPoster {
  return createSlackClient({
    token: SLACK_TOKEN,
    apiUrl: SLACK_API_URL,
    log: pino({ level: "silent" }),
  });
}

/** How the fake answers a call: Slack's `ok` answer, a Slack error code, or an HTTP failure. */
export type SlackAnswer = "ok" | { error: string } | { status: number };

/** Calls that matched no expectation (method and body), in the order they came. */
export const unexpectedCalls: string[] = [];

/**
 * The calls the fake answered, in order, as a reader tells them apart: `post → <ts>`,
 * `reply to <thread ts> → <ts>`, `update <ts>`, `delete <ts>`, each with ` → <error>` when refused.
 */
export const slackCalls: string[] = [];
interface RequestLike {
  method?: string;
  path?: string;
}
nock.emitter.on("no match", (request: RequestLike, options?: RequestLike, body?: string) => {
  const { method = "?", path = "?" } = options ?? request;
  unexpectedCalls.push(`${method} ${path} ${body ?? ""}`.trim());
});

function slackApi(method: string, body: Record<string, string>): nock.Interceptor {
  return nock(SLACK_ORIGIN, { reqheaders: { authorization: `Bearer ${SLACK_TOKEN}` } }).post(
    `/api/${method}`,
    // nock parses the form into an object without a prototype.
    (received: object) => isDeepStrictEqual({ ...received }, body),
  );
}

/**
 * Answers the call, recording it as `label`: `ok` with `body`, or Slack's refusal (HTTP 200,
 * `ok: false`), or an HTTP failure with a text body, as a proxy in front of Slack sends.
 * `beforeAnswer` runs first: what happens elsewhere while Slack takes its time.
 */
function answerWith(
  interceptor: nock.Interceptor,
  label: string,
  answer: SlackAnswer,
  body: Record<string, unknown>,
  beforeAnswer?: () => Promise<void>,
): nock.Scope {
  return interceptor.reply(async () => {
    await beforeAnswer?.();
    if (answer === "ok") {
      slackCalls.push(label);
      return [200, body];
    }
    if ("error" in answer) {
      slackCalls.push(`${label} → ${answer.error}`);
      return [200, { ok: false, error: answer.error }];
    }
    slackCalls.push(`${label} → HTTP ${answer.status}`);
    return [answer.status, "upstream unavailable", { "content-type": "text/plain" }];
  });
}

/** What `chat.postMessage` and `chat.update` carry of a message, as @slack/web-api encodes it. */
function messageFields(message: SlackMessage): Record<string, string> {
  return { text: message.text, blocks: JSON.stringify(message.blocks) };
}

export interface PostExpectation {
  channel: string;
  message: SlackMessage;
  /** A reply in this message's thread. */
  threadTs?: string;
  broadcast?: boolean;
  /** The `ts` Slack gives the new message, when it answers `ok`. */
  ts?: string;
  answer?: SlackAnswer;
  /** Runs before Slack answers. */
  beforeAnswer?: () => Promise<void>;
}

/** One `chat.postMessage` of exactly `message`, top-level or as a reply. */
export function expectPost(expected: PostExpectation): nock.Scope {
  const { channel, message, threadTs, broadcast = false, ts, answer = "ok" } = expected;
  if (answer === "ok" && !ts) throw new Error("an expected post answered ok needs the ts it gets");
  const interceptor = slackApi("chat.postMessage", {
    channel,
    ...messageFields(message),
    unfurl_links: "false",
    unfurl_media: "false",
    ...(threadTs ? { thread_ts: threadTs, reply_broadcast: String(broadcast) } : {}),
  });
  const label = threadTs ? `reply to ${threadTs}` : "post";
  return answerWith(
    interceptor,
    answer === "ok" ? `${label} → ${ts}` : label,
    answer,
    {
      ok: true,
      channel,
      ts,
      message: {
        type: "message",
        ...BOT,
        text: message.text,
        ts,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      },
    },
    expected.beforeAnswer,
  );
}

/** One `chat.update` of message `ts` to exactly `message` (always with `parse: none`). */
export function expectUpdate(
  channel: string,
  ts: string,
  message: SlackMessage,
  answer: SlackAnswer = "ok",
): nock.Scope {
  const interceptor = slackApi("chat.update", {
    channel,
    ts,
    ...messageFields(message),
    parse: "none",
  });
  return answerWith(interceptor, `update ${ts}`, answer, {
    ok: true,
    channel,
    ts,
    text: message.text,
    message: { type: "message", ...BOT, text: message.text, edited: { user: BOT.user, ts } },
  });
}

/** One `chat.delete` of message `ts`. */
export function expectDelete(channel: string, ts: string, answer: SlackAnswer = "ok"): nock.Scope {
  const interceptor = slackApi("chat.delete", { channel, ts });
  return answerWith(interceptor, `delete ${ts}`, answer, { ok: true, channel, ts });
}

/**
 * After each test: every expected call was made and nothing else was asked of Slack. Clears
 * the fake for the next test either way.
 */
export function takeSlackLeftovers(): { pending: string[]; unexpected: string[] } {
  const pending = nock.pendingMocks();
  const unexpected = unexpectedCalls.splice(0);
  slackCalls.splice(0);
  nock.cleanAll();
  return { pending, unexpected };
}

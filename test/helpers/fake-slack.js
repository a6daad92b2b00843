// @ts-check
/**
 * Slack's Web API on a loopback port: the one fake Slack of the tests, the bench
 * (bench/servers/fake-apis.js) and the picture script (scripts/render-conversation-picture.mjs).
 * Point the App's SLACK_API_URL at `url`; @slack/web-api then takes its real HTTP path.
 *
 * It answers as Slack does (https://docs.slack.dev/reference/methods/chat.postMessage,
 * …/chat.update, …/chat.delete, …/auth.test): form-encoded or JSON bodies, HTTP 200 with
 * `ok: false` and Slack's error code for a call Slack would refuse (no token, no channel, no text,
 * blocks over Block Kit's limits, an edit of a message it never showed), 404 `unknown_method`,
 * 429 `ratelimited` with `Retry-After`, and `ts` values shaped like Slack's. Everything else it is
 * told to answer comes from a script, so a test can make Slack fail the way it fails in production.
 * It records every call, and keeps what each channel shows (posts, then edits and deletions).
 *
 * JavaScript with JSDoc types, because `node` runs the bench and the picture script as they are;
 * `npm run typecheck` checks this file (tsconfig.json's `checkJs`) and the tests see its types.
 */
import { createServer } from "node:http";

/**
 * What the fake answers one call with, once the call is one Slack would accept; `ok` (Slack's
 * real answer to the method) when nothing is scripted.
 * @typedef {{ kind: "ok" }
 *   | { kind: "error"; error: string }
 *   | { kind: "rate_limited"; retryAfterSeconds: number }
 *   | { kind: "http"; status: number }
 *   | { kind: "hang"; ms: number }
 *   | { kind: "reset" }} ScriptedAnswer
 */

/**
 * A message as Slack keeps it and returns it (`message` in chat.postMessage's answer).
 * @typedef {object} SlackMessage
 * @property {"message"} type
 * @property {string} channel
 * @property {string} ts
 * @property {string} text
 * @property {unknown[] | undefined} blocks
 * @property {string | undefined} thread_ts Set on a reply: its parent's `ts`.
 * @property {string} user The bot's user, as `auth.test` names it.
 * @property {string} bot_id
 * @property {{ user: string; ts: string } | undefined} edited Set by the first `chat.update`.
 */

/**
 * One call as the fake received it.
 * @typedef {object} ReceivedCall
 * @property {string} method
 * @property {string | undefined} authorization
 * @property {Record<string, unknown>} args The call's arguments, JSON fields decoded (`blocks` is an array again).
 * @property {string | undefined} from Which App sent it, when several share the fake: the segment after `/api/` in its SLACK_API_URL (`<url>replica-2/`), else undefined.
 * @property {number} receivedAt When the call arrived (the fake's clock: epoch ms unless `now` was given).
 * @property {number} [answeredAt] When it was answered, once it was.
 * @property {ScriptedAnswer["kind"]} [answer] How it was answered, once it was.
 * @property {string} [error] The error code of an `ok: false` answer.
 * @property {string} [ts] The `ts` of the message an `ok` answer made, edited or deleted.
 */

/**
 * @typedef {object} FakeSlackOptions
 * @property {string} [token] The bot token Slack accepts; any other answers `invalid_auth`. Unset:
 *   any token shaped like a Slack token (`xoxb-…`) is accepted.
 * @property {string} [scopes] `x-oauth-scopes` of `auth.test`'s answer.
 * @property {() => number} [now] The clock for `receivedAt`, `answeredAt` and receipts (the bench
 *   passes a sub-millisecond one); `Date.now` unless given.
 * @property {RegExp} [receiptMarker] Posts whose `text` matches it have their arrival recorded under
 *   the match, in `receipts` (the bench's end-to-end timing).
 * @property {(call: ReceivedCall) => void} [onUnexpected] Told of each call to a method the fake
 *   does not implement (answered 404 `unknown_method`, as Slack does).
 * @property {string} [socketModeUrl] The API root of a fake Socket Mode (test/helpers/fake-slack-socket.ts):
 *   `apps.connections.open` is answered by it, so one SLACK_API_URL serves the Web API and Socket Mode, as Slack's does.
 * @property {Record<string, FakeMember>} [members] The workspace's people, for `users.info`
 *   (which also needs `users:read` in `scopes`, as Slack does).
 */

/**
 * A person as `users.info` describes them (the fields threadline reads).
 * @typedef {object} FakeMember
 * @property {string} name
 * @property {string} [real_name]
 * @property {string} [display_name]
 * @property {string} [team_id] Their own workspace; the fake's own (`FAKE_SLACK_BOT.team_id`) unless given.
 * @property {boolean} [is_bot]
 */

/**
 * @typedef {object} FakeSlack
 * @property {string} url The API root, for SLACK_API_URL (`http://127.0.0.1:<port>/api/`).
 * @property {ReceivedCall[]} calls Every call, in the order they arrived.
 * @property {() => ReceivedCall[]} posts The `chat.postMessage` calls, in the order they arrived, whatever they were answered.
 * @property {ReceivedCall[]} messages The messages Slack "shows": posts answered `ok`, in order.
 * @property {(count: number, timeoutMs?: number) => Promise<ReceivedCall[]>} waitForMessages
 *   Resolves once `count` messages are shown; rejects after `timeoutMs`.
 * @property {(channel: string) => SlackMessage[]} history What `channel` shows now, oldest first:
 *   each message posted and not deleted, with the text and blocks of its latest `chat.update`.
 * @property {ReceivedCall[]} unexpected Calls to methods the fake does not implement.
 * @property {Map<string, number[]>} receipts With `receiptMarker`: marker -> when each post
 *   carrying it was read in full, in arrival order (more than one is a duplicate).
 * @property {(...answers: ScriptedAnswer[]) => void} script Answers the next calls Slack would
 *   accept with these, in order, then goes back to the default answer.
 * @property {(answer: ScriptedAnswer) => void} setDefaultAnswer What calls get once the script is
 *   used up (`ok` unless changed), e.g. a 429 for every post.
 * @property {(delay: number | "hold") => void} delayAnswers Makes every call that arrives from now
 *   on wait before it is answered: `ms` milliseconds, or `"hold"` until `release()`; `0` answers
 *   at once again. A call whose connection closes before its answer is dropped and never shown,
 *   which models Slack not having accepted it.
 * @property {() => void} release Answers every call being held or delayed now, each with the answer
 *   it drew on arrival.
 * @property {() => number} unanswered Calls received and not answered yet (held, delayed, or still being read).
 * @property {(channel: string, message: { ts: string; user: string; text: string; thread_ts?: string }) => void} remember
 *   A message a person wrote (the test then sends its event to the App): `chat.getPermalink` knows it.
 * @property {() => ReceivedCall[]} ephemerals The `chat.postEphemeral` calls answered `ok`: what each person alone was shown.
 * @property {() => Promise<void>} close
 */

/** @typedef {import("node:http").IncomingMessage} IncomingMessage */
/** @typedef {import("node:http").ServerResponse} ServerResponse */

/** Who the token belongs to, as `auth.test` says. */
export const FAKE_SLACK_BOT = Object.freeze({
  url: "https://threadline-test.slack.com/",
  team: "threadline test",
  user: "threadline",
  team_id: "T0THREADL1",
  user_id: "U0THREADL1",
  bot_id: "B0THREADL1",
  is_enterprise_install: false,
});

/** The methods the fake implements; any other is answered 404 `unknown_method`, as Slack does. */
const IMPLEMENTED = new Set([
  "api.test",
  "auth.test",
  "chat.postMessage",
  "chat.update",
  "chat.delete",
  "chat.postEphemeral",
  "chat.getPermalink",
  "users.info",
]);

/** Arguments Slack reads as JSON when they come form-encoded. */
const JSON_ARGUMENTS = new Set(["blocks", "attachments", "metadata"]);

/** Block Kit's limits: https://docs.slack.dev/reference/block-kit/blocks */
const LIMITS = { blocks: 50, sectionText: 3000, contextElements: 10 };

/** The block types Slack knows; the fake checks the two threadline sends. */
const BLOCK_TYPES = new Set([
  "actions",
  "context",
  "divider",
  "file",
  "header",
  "image",
  "input",
  "rich_text",
  "section",
  "video",
]);

/**
 * A refusal as Slack words it: HTTP status, error code, and Slack's `response_metadata.messages`.
 * @typedef {{ status: number; error: string; messages?: string[]; extra?: Record<string, unknown> }} Refusal
 */

/**
 * The call's arguments: the query string, then the body, form-encoded or JSON.
 * @param {IncomingMessage} request
 * @param {URLSearchParams} query
 * @returns {Promise<{ args: Record<string, unknown>; refusal?: Refusal }>}
 */
async function readArgs(request, query) {
  /** @type {Buffer[]} */
  const chunks = [];
  for await (const chunk of request) chunks.push(/** @type {Buffer} */ (chunk));
  const raw = Buffer.concat(chunks).toString("utf8");
  /** @type {Record<string, unknown>} */
  const args = Object.fromEntries(query);
  const contentType = request.headers["content-type"] ?? "";
  if (contentType.includes("application/json")) {
    if (raw === "") return { args };
    try {
      const body = JSON.parse(raw);
      if (body === null || typeof body !== "object" || Array.isArray(body)) {
        return { args, refusal: { status: 200, error: "invalid_json" } };
      }
      // A token in a JSON body is not read: JSON calls carry it in the Authorization header.
      const { token: _ignored, ...rest } = /** @type {Record<string, unknown>} */ (body);
      return { args: { ...args, ...rest } };
    } catch {
      return { args, refusal: { status: 200, error: "invalid_json" } };
    }
  }
  const form =
    contentType === "" || /^(application\/x-www-form-urlencoded|text\/plain)\b/.test(contentType);
  if (raw !== "" && !form) {
    return { args, refusal: { status: 200, error: "invalid_post_type" } };
  }
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!JSON_ARGUMENTS.has(key)) {
      args[key] = value;
      continue;
    }
    try {
      args[key] = JSON.parse(value);
    } catch {
      args[key] = value;
      if (key === "blocks")
        return { args, refusal: { status: 200, error: "invalid_blocks_format" } };
    }
  }
  return { args };
}

/**
 * Why Slack would refuse these blocks (`invalid_blocks` with a message per problem), if it would.
 * @param {unknown} blocks
 * @returns {Refusal | undefined}
 */
function checkBlocks(blocks) {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return { status: 200, error: "invalid_blocks_format" };
  /** @type {string[]} */
  const messages = [];
  if (blocks.length > LIMITS.blocks) {
    messages.push(`[ERROR] no more than ${LIMITS.blocks} items allowed [json-pointer:/blocks]`);
  }
  blocks.forEach((block, index) => {
    const at = `[json-pointer:/blocks/${index}`;
    const type = block && typeof block === "object" ? block.type : undefined;
    if (typeof type !== "string" || !BLOCK_TYPES.has(type)) {
      messages.push(`[ERROR] unsupported type: ${String(type)} ${at}/type]`);
    } else if (type === "section") {
      const problem = textObjectProblem(block.text, LIMITS.sectionText);
      if (problem) messages.push(`[ERROR] ${problem} ${at}/text]`);
    } else if (type === "context") {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) {
        messages.push(`[ERROR] missing required field: elements ${at}]`);
      } else if (elements.length > LIMITS.contextElements) {
        messages.push(
          `[ERROR] no more than ${LIMITS.contextElements} items allowed ${at}/elements]`,
        );
      } else {
        elements.forEach((element, n) => {
          const problem =
            element && element.type === "image"
              ? typeof element.image_url === "string" && typeof element.alt_text === "string"
                ? undefined
                : "image elements need image_url and alt_text"
              : textObjectProblem(element, Infinity);
          if (problem) messages.push(`[ERROR] ${problem} ${at}/elements/${n}]`);
        });
      }
    }
  });
  return messages.length > 0 ? { status: 200, error: "invalid_blocks", messages } : undefined;
}

/**
 * @param {unknown} text A Block Kit text object.
 * @param {number} maxLength
 * @returns {string | undefined}
 */
function textObjectProblem(text, maxLength) {
  if (!text || typeof text !== "object") return "missing required field: text";
  const { type, text: value } = /** @type {{ type?: unknown; text?: unknown }} */ (text);
  if (type !== "mrkdwn" && type !== "plain_text") return `unsupported type: ${String(type)}`;
  if (typeof value !== "string" || value.trim() === "") return "must be more than 0 characters";
  if (value.length > maxLength) return `must be less than ${maxLength + 1} characters`;
  return undefined;
}

/** @param {unknown} value */
const nonEmptyString = (value) => typeof value === "string" && value !== "";

/**
 * Starts the fake on 127.0.0.1 with an ephemeral port.
 * @param {FakeSlackOptions} [options]
 * @returns {Promise<FakeSlack>}
 */
export async function startFakeSlack(options = {}) {
  const now = options.now ?? Date.now;
  /** @type {ReceivedCall[]} */
  const calls = [];
  /** @type {ReceivedCall[]} */
  const messages = [];
  /** @type {ReceivedCall[]} */
  const unexpected = [];
  /** @type {Map<string, number[]>} */
  const receipts = new Map();
  /** @type {ScriptedAnswer[]} */
  const queue = [];
  /** channel -> ts -> the message; Map keeps posting order. */
  /** @type {Map<string, Map<string, SlackMessage>>} */
  const channels = new Map();
  /** Every `ok` answer advances it, so the nth call answered `ok` is `1700000000.<n>`. */
  let counter = 0;
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();

  /** @type {ScriptedAnswer} */
  let defaultAnswer = { kind: "ok" };
  /** @type {number | "hold"} */
  let delay = 0;
  /** Calls waiting for their answer, each with what answers it. */
  /** @type {Map<ServerResponse, () => void>} */
  const waiting = new Map();
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  let reading = 0;

  /** @param {unknown} channel @param {unknown} ts */
  const shownMessage = (channel, ts) => channels.get(String(channel))?.get(String(ts));

  /**
   * Why Slack would refuse this call before doing anything, if it would.
   * @param {ReceivedCall} call
   * @returns {Refusal | undefined}
   */
  function refusalOf(call) {
    const { method, args } = call;
    if (!IMPLEMENTED.has(method)) {
      return { status: 404, error: "unknown_method", extra: { req_method: method } };
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(call.authorization ?? "")?.[1];
    const token = bearer ?? (typeof args.token === "string" ? args.token : undefined);
    if (method === "api.test") return undefined;
    if (!token) return { status: 200, error: "not_authed" };
    if (options.token ? token !== options.token : !/^xox[a-z]-[\w-]+$/.test(token)) {
      return { status: 200, error: "invalid_auth" };
    }
    if (method === "auth.test") return undefined;
    if (method === "users.info") {
      const granted = (options.scopes ?? "chat:write").split(",").map((scope) => scope.trim());
      if (!granted.includes("users:read")) {
        return {
          status: 200,
          error: "missing_scope",
          extra: { needed: "users:read", provided: granted.join(",") },
        };
      }
      if (!nonEmptyString(args.user) || !options.members?.[String(args.user)]) {
        return { status: 200, error: "user_not_found" };
      }
      return undefined;
    }
    if (!nonEmptyString(args.channel)) return { status: 200, error: "channel_not_found" };
    if (method === "chat.postEphemeral") {
      if (!nonEmptyString(args.user)) return { status: 200, error: "user_not_found" };
      if (!nonEmptyString(args.text) && !Array.isArray(args.blocks)) {
        return { status: 200, error: "no_text" };
      }
    }
    if (method === "chat.getPermalink" && !shownMessage(args.channel, args.message_ts)) {
      return { status: 200, error: "message_not_found" };
    }
    if (method === "chat.postMessage" || method === "chat.update") {
      const blocks = checkBlocks(args.blocks);
      if (blocks) return blocks;
      const hasBlocks = Array.isArray(args.blocks) && args.blocks.length > 0;
      if (!nonEmptyString(args.text) && !hasBlocks && args.attachments === undefined) {
        return { status: 200, error: "no_text" };
      }
    }
    if (method === "chat.update" || method === "chat.delete") {
      if (!shownMessage(args.channel, args.ts)) return { status: 200, error: "message_not_found" };
    }
    return undefined;
  }

  /**
   * Slack's `ok` answer to the call, with what it changes in the channel.
   * @param {ReceivedCall} call
   * @param {string} ts A fresh `ts`, for a new message.
   * @returns {Record<string, unknown>}
   */
  function accept(call, ts) {
    const { method, args } = call;
    const channel = String(args.channel);
    const text = typeof args.text === "string" ? args.text : "";
    const blocks = Array.isArray(args.blocks) ? args.blocks : undefined;
    switch (method) {
      case "chat.postMessage": {
        /** @type {SlackMessage} */
        const message = {
          type: "message",
          channel,
          ts,
          text,
          blocks,
          thread_ts: nonEmptyString(args.thread_ts) ? String(args.thread_ts) : undefined,
          user: FAKE_SLACK_BOT.user_id,
          bot_id: FAKE_SLACK_BOT.bot_id,
          edited: undefined,
        };
        call.ts = ts;
        messages.push(call);
        let shown = channels.get(channel);
        if (!shown) channels.set(channel, (shown = new Map()));
        shown.set(ts, message);
        return { ok: true, channel, ts, message: withoutChannel(message) };
      }
      case "chat.update": {
        const message = shownMessage(channel, args.ts);
        // Deleted while the edit was held: Slack no longer has it.
        if (!message) return { ok: false, error: "message_not_found" };
        message.text = text;
        message.blocks = blocks;
        message.edited = { user: FAKE_SLACK_BOT.user_id, ts };
        call.ts = message.ts;
        return { ok: true, channel, ts: message.ts, text, message: withoutChannel(message) };
      }
      case "chat.delete": {
        const message = shownMessage(channel, args.ts);
        if (!message) return { ok: false, error: "message_not_found" };
        channels.get(channel)?.delete(message.ts);
        call.ts = message.ts;
        return { ok: true, channel, ts: message.ts };
      }
      case "auth.test":
        return { ok: true, ...FAKE_SLACK_BOT };
      case "chat.postEphemeral":
        return { ok: true, message_ts: ts };
      case "chat.getPermalink": {
        const message = /** @type {SlackMessage} */ (shownMessage(channel, args.message_ts));
        const thread = message.thread_ts ? `?thread_ts=${message.thread_ts}&cid=${channel}` : "";
        return {
          ok: true,
          channel,
          permalink: `${FAKE_SLACK_BOT.url}archives/${channel}/p${message.ts.replace(".", "")}${thread}`,
        };
      }
      case "users.info": {
        const id = String(args.user);
        const member = /** @type {FakeMember} */ (options.members?.[id]);
        return {
          ok: true,
          user: {
            id,
            team_id: member.team_id ?? FAKE_SLACK_BOT.team_id,
            name: member.name,
            real_name: member.real_name ?? member.name,
            is_bot: member.is_bot ?? false,
            profile: {
              display_name: member.display_name ?? "",
              real_name: member.real_name ?? member.name,
            },
          },
        };
      }
      default:
        return { ok: true, args };
    }
  }

  /**
   * @param {ReceivedCall} call
   * @param {ScriptedAnswer | Refusal} answer
   * @param {IncomingMessage} request
   * @param {ServerResponse} response
   * @returns {void}
   */
  const answerCall = (call, answer, request, response) => {
    // The App is gone (killed, timed out): Slack never got to accept this one.
    if (response.destroyed || request.socket.destroyed) return;
    call.answeredAt = now();
    /**
     * @param {number} status
     * @param {Record<string, unknown>} body
     * @param {Record<string, string>} [headers]
     */
    const send = (status, body, headers = {}) => {
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      response.end(JSON.stringify(body));
    };
    /** @param {string} error */
    const failed = (error) => {
      call.answer = "error";
      call.error = error;
    };
    if (!("kind" in answer)) {
      failed(answer.error);
      const metadata = answer.messages ? { response_metadata: { messages: answer.messages } } : {};
      return send(answer.status, { ok: false, error: answer.error, ...answer.extra, ...metadata });
    }
    call.answer = answer.kind;
    switch (answer.kind) {
      case "ok": {
        counter += 1;
        const body = accept(call, `1700000000.${String(counter).padStart(6, "0")}`);
        if (body.ok === false) failed(String(body.error));
        const scopes = { "x-oauth-scopes": options.scopes ?? "chat:write" };
        return send(200, body, call.method === "auth.test" ? scopes : {});
      }
      case "error":
        call.error = answer.error;
        return send(200, { ok: false, error: answer.error });
      case "rate_limited":
        call.error = "ratelimited";
        return send(
          429,
          { ok: false, error: "ratelimited" },
          { "retry-after": String(answer.retryAfterSeconds) },
        );
      case "http":
        return send(answer.status, { ok: false });
      case "hang": {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!response.destroyed) send(200, { ok: false, error: "timeout_in_test" });
        }, answer.ms);
        timers.add(timer);
        return undefined;
      }
      case "reset":
        request.socket.destroy();
        return undefined;
    }
  };

  const server = createServer(async (request, response) => {
    const receivedAt = now();
    const url = new URL(request.url ?? "/", "http://fake-slack");
    const [, from, method = ""] = /^\/api\/(?:([^/]+)\/)?([^/]+)$/.exec(url.pathname) ?? [];
    if (method === "apps.connections.open" && options.socketModeUrl) {
      request.resume();
      const answer = await fetch(`${options.socketModeUrl}apps.connections.open`, {
        method: "POST",
        headers: request.headers.authorization
          ? { authorization: request.headers.authorization }
          : {},
      });
      response.writeHead(answer.status, { "content-type": "application/json; charset=utf-8" });
      response.end(await answer.text());
      return;
    }
    reading += 1;
    /** @type {Awaited<ReturnType<typeof readArgs>>} */
    let read;
    try {
      read = await readArgs(request, url.searchParams);
    } finally {
      reading -= 1;
    }
    const readAt = now();
    /** @type {ReceivedCall} */
    const call = {
      method,
      authorization: request.headers.authorization,
      args: read.args,
      from,
      receivedAt,
    };
    calls.push(call);
    const refusal = read.refusal ?? refusalOf(call);
    if (refusal?.error === "unknown_method") {
      unexpected.push(call);
      options.onUnexpected?.(call);
    }
    if (
      options.receiptMarker &&
      method === "chat.postMessage" &&
      typeof call.args.text === "string"
    ) {
      const marker = options.receiptMarker.exec(call.args.text)?.[0];
      if (marker !== undefined) {
        const seen = receipts.get(marker);
        if (seen) seen.push(readAt);
        else receipts.set(marker, [readAt]);
      }
    }
    // A call Slack refuses draws nothing from the script.
    const answer = refusal ?? queue.shift() ?? defaultAnswer;
    if (delay === 0) return answerCall(call, answer, request, response);

    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const respond = () => {
      if (!waiting.delete(response)) return;
      if (timer) {
        clearTimeout(timer);
        timers.delete(timer);
      }
      answerCall(call, answer, request, response);
    };
    waiting.set(response, respond);
    response.once("close", () => {
      if (timer) {
        clearTimeout(timer);
        timers.delete(timer);
      }
      waiting.delete(response);
    });
    if (delay !== "hold") {
      timer = setTimeout(respond, delay);
      timers.add(timer);
    }
    return undefined;
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    posts: () => calls.filter((call) => call.method === "chat.postMessage"),
    messages,
    async waitForMessages(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`fake Slack shows ${messages.length} messages, expected ${count}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return messages;
    },
    history: (channel) => [...(channels.get(channel)?.values() ?? [])].map((m) => ({ ...m })),
    unexpected,
    receipts,
    script: (...answers) => {
      queue.push(...answers);
    },
    setDefaultAnswer(answer) {
      defaultAnswer = answer;
    },
    delayAnswers(next) {
      delay = next;
    },
    release() {
      for (const respond of [...waiting.values()]) respond();
    },
    unanswered: () => reading + waiting.size,
    remember(channel, message) {
      let shown = channels.get(channel);
      if (!shown) channels.set(channel, (shown = new Map()));
      shown.set(message.ts, {
        type: "message",
        channel,
        ts: message.ts,
        text: message.text,
        blocks: undefined,
        thread_ts: message.thread_ts,
        user: message.user,
        bot_id: "",
        edited: undefined,
      });
    },
    ephemerals: () =>
      calls.filter(
        (call) => call.method === "chat.postEphemeral" && call.answer === "ok" && !call.error,
      ),
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        waiting.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A message as Slack's answers carry it: they name the channel beside it, not in it.
 * @param {SlackMessage} message
 */
function withoutChannel(message) {
  const { channel: _channel, ...rest } = message;
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
}

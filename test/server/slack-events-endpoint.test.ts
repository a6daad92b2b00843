/**
 * `POST /api/slack/events` through real HTTP: the handler on a real node:http server (the App's
 * own createHttpServer) on an ephemeral port, requests signed as Slack signs them. What Slack
 * sends is answered; what it did not sign, or signed too long ago, is refused with one short log
 * line that holds no body and no more of the sender's values than capLoggedValue keeps.
 */
import { afterEach, describe, expect, test } from "@jest/globals";
import { request as httpRequest, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import pino from "pino";
import type { ConnectionLimits } from "../../src/server/connection-limits.js";
import { createHttpServer } from "../../src/server/create-http-server.js";
import type { SlackEventOutcome, SlackRetry } from "../../src/events/slack-thread-message.js";
import {
  createSlackEventsHandler,
  type SlackEventsHandlerOptions,
  type SlackRefusalReason,
} from "../../src/server/create-slack-events-handler.js";
import { signSlackRequest } from "../helpers/sign-slack-request.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const PREVIOUS_SECRET = "previous-signing-secret-0123";
const PATH = "/api/slack/events";
/** Text only the bodies hold: the log must never show it. */
const BODY_MARKER = "the-quarterly-numbers-are-secret";

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

interface Endpoint {
  url: string;
  port: number;
  lines: LogLine[];
  raw: string[];
  received: { payload: object; retry: SlackRetry }[];
  refused: SlackRefusalReason[];
  server: Server;
}

let endpoint: Endpoint | undefined;

afterEach(async () => {
  if (!endpoint) return;
  const { server } = endpoint;
  endpoint = undefined;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function start(
  options: Partial<SlackEventsHandlerOptions> = {},
  limits?: ConnectionLimits,
): Promise<Endpoint> {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const log = pino(
    { level: "debug" },
    {
      write: (line: string) => {
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  );
  const received: Endpoint["received"] = [];
  const refused: SlackRefusalReason[] = [];
  const handler = createSlackEventsHandler({
    signingSecrets: [SECRET],
    maxBodyBytes: 64 * 1024,
    log,
    receive: async (payload, retry) => {
      received.push({ payload, retry });
      return "recorded";
    },
    onRefused: (reason) => refused.push(reason),
    ...options,
  });
  const server = createHttpServer({ log, routes: { [`POST ${PATH}`]: handler }, limits });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  endpoint = {
    url: `http://127.0.0.1:${port}${PATH}`,
    port,
    lines,
    raw,
    received,
    refused,
    server,
  };
  return endpoint;
}

/** A person's reply in a pull request's thread, in the envelope Slack sends it in. */
function threadReply(text = `Agreed, ${BODY_MARKER}`) {
  return {
    token: "XXYYZZ",
    team_id: "T123ABC456",
    api_app_id: "A123ABC456",
    event: {
      client_msg_id: "51e3533b-6fd8-4705-ae34-045ee74db354",
      type: "message",
      text,
      user: "U123ABC456",
      ts: "1700000005.000200",
      team: "T123ABC456",
      thread_ts: "1700000000.000100",
      parent_user_id: "U0THREADLN",
      channel: "C123ABC456",
      event_ts: "1700000005.000200",
      channel_type: "channel",
    },
    type: "event_callback",
    authorizations: [
      { team_id: "T123ABC456", user_id: "U0THREADLN", is_bot: true, is_enterprise_install: false },
    ],
    event_id: "Ev0PV52K25",
    event_time: 1700000005,
    event_context: "4-eyJldCI6Im1lc3NhZ2UifQ",
  };
}

/** Slack's url_verification, exactly as its docs show it. */
const URL_VERIFICATION = {
  token: "Jhj5dZrVaK7ZwHHjRyZWjbDl",
  challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
  type: "url_verification",
};

function post(body: string, headers: Record<string, string>) {
  return fetch(endpoint!.url, {
    method: "POST",
    headers: { "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)", ...headers },
    body,
  });
}

/** POSTs `payload` signed as Slack signs it, with extra headers (retries, a user agent). */
function postSigned(
  payload: unknown,
  headers: Record<string, string> = {},
  secret = SECRET,
  timestampSeconds?: number,
) {
  const body = JSON.stringify(payload);
  return post(body, { ...signSlackRequest(body, secret, timestampSeconds), ...headers });
}

function refusals(): LogLine[] {
  return endpoint!.lines.filter((line) => line.msg === "Slack request refused");
}

function refusalLines(): string[] {
  return endpoint!.raw.filter((line) => line.includes("Slack request refused"));
}

describe("what Slack sends", () => {
  test("a signed event reaches receive once and is answered 200", async () => {
    await start();
    const payload = threadReply();
    const response = await postSigned(payload);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok\n");
    expect(endpoint!.received).toEqual([{ payload, retry: { num: 0 } }]);
    expect(refusals()).toEqual([]);
    expect(endpoint!.raw.join("")).not.toContain(BODY_MARKER);
  });

  test("a retry's X-Slack-Retry-Num and X-Slack-Retry-Reason are passed to receive", async () => {
    await start({ receive: async (payload, retry) => record(payload, retry, "duplicate") });
    const response = await postSigned(threadReply(), {
      "x-slack-retry-num": "2",
      "x-slack-retry-reason": "http_timeout",
    });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe("duplicate; already recorded\n");
    expect(endpoint!.received.map(({ retry }) => retry)).toEqual([
      { num: 2, reason: "http_timeout" },
    ]);
  });

  test("a retry count that is not a number is read as a first delivery", async () => {
    await start();
    await postSigned(threadReply(), { "x-slack-retry-num": "two" });
    expect(endpoint!.received[0]!.retry).toEqual({ num: 0 });
  });

  test("url_verification is answered with its challenge as JSON, without calling receive", async () => {
    await start();
    const response = await postSigned(URL_VERIFICATION);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    });
    expect(endpoint!.received).toEqual([]);
  });

  test("an unsigned url_verification is refused like anything else", async () => {
    await start();
    const response = await post(JSON.stringify(URL_VERIFICATION), {
      "content-type": "application/json",
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(URL_VERIFICATION.challenge);
  });

  test("the previous signing secret is still accepted during a rotation", async () => {
    await start({ signingSecrets: [SECRET, PREVIOUS_SECRET] });
    const statuses = [];
    for (const secret of [SECRET, PREVIOUS_SECRET, "neither"]) {
      statuses.push((await postSigned(threadReply(), {}, secret)).status);
    }
    expect(statuses).toEqual([200, 200, 401]);
    expect(endpoint!.received).toHaveLength(2);
  });

  test("app_rate_limited is answered 200 without calling receive, and logged", async () => {
    await start();
    const response = await postSigned({
      token: "Jhj5dZrVaK7ZwHHjRyZWjbDl",
      type: "app_rate_limited",
      team_id: "T123ABC456",
      minute_rate_limited: 1518467820,
      api_app_id: "A123ABC456",
    });
    expect(response.status).toBe(200);
    expect(endpoint!.received).toEqual([]);
    expect(endpoint!.lines.filter((line) => line.level === 40)).toEqual([
      expect.objectContaining({ type: "app_rate_limited", msg: expect.stringMatching(/rate/) }),
    ]);
  });
});

function record(
  payload: object,
  retry: SlackRetry,
  outcome: SlackEventOutcome,
): Promise<SlackEventOutcome> {
  endpoint!.received.push({ payload, retry });
  return Promise.resolve(outcome);
}

describe("requests that are refused", () => {
  const body = JSON.stringify(threadReply());
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Record<string, string>, RegExp][] = [
    [
      "forged (signed with another secret)",
      () => signSlackRequest(body, "not-the-secret"),
      /does not match/,
    ],
    ["unsigned", () => ({ "content-type": "application/json" }), /is missing/],
    [
      "stale (signed 6 minutes ago: a replay)",
      () => signSlackRequest(body, SECRET, now() - 360),
      /more than 5 minutes/,
    ],
    [
      "signed 6 minutes in the future",
      () => signSlackRequest(body, SECRET, now() + 360),
      /ahead, more than 5 minutes/,
    ],
    [
      "a signature without v0=",
      () => {
        const headers = signSlackRequest(body, SECRET);
        return { ...headers, "x-slack-signature": headers["x-slack-signature"]!.slice(3) };
      },
      /malformed/,
    ],
  ];

  test.each(cases)(
    "%s: 401, receive not called, one log line without the body",
    async (_name, headersFor, reason) => {
      await start();
      const response = await post(body, headersFor());

      expect(response.status).toBe(401);
      expect(await response.text()).toMatch(reason);
      expect(endpoint!.received).toEqual([]);
      expect(refusals()).toEqual([
        expect.objectContaining({ level: 40, reason: expect.stringMatching(reason) }),
      ]);
      expect(endpoint!.refused).toEqual(["bad_signature"]);
      expect(endpoint!.raw.join("")).not.toContain(BODY_MARKER);
    },
  );

  test("a body changed after signing is refused", async () => {
    await start();
    const headers = signSlackRequest(body, SECRET);
    const response = await post(body.replace("Agreed", "Refused"), headers);
    expect(response.status).toBe(401);
  });

  test("an 8 KB header: the one log line stays short, each value cut to 40 characters", async () => {
    await start();
    const response = await post(body, {
      ...signSlackRequest(body, "not-the-secret"),
      "user-agent": "u".repeat(8000),
      "x-slack-retry-reason": "r".repeat(5000),
      "x-slack-retry-num": "9".repeat(1000),
    });

    expect(response.status).toBe(401);
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]).toMatchObject({
      userAgent: `${"u".repeat(40)}…[+7960]`,
      retryReason: `${"r".repeat(40)}…[+4960]`,
      retryNum: `${"9".repeat(40)}…[+960]`,
    });
    const [line] = refusalLines();
    expect(Buffer.byteLength(line!)).toBeLessThan(500);
  });

  test("an 8 KB timestamp is refused as malformed, and logged cut", async () => {
    await start();
    const headers = signSlackRequest(body, SECRET);
    const response = await post(body, {
      ...headers,
      "x-slack-request-timestamp": "1".repeat(8000),
    });
    expect(response.status).toBe(401);
    expect(refusals()[0]).toMatchObject({ requestTimestamp: `${"1".repeat(40)}…[+7960]` });
    expect(Buffer.byteLength(refusalLines()[0]!)).toBeLessThan(500);
  });

  test("a wrong content type gets 415", async () => {
    await start();
    const form = `payload=${encodeURIComponent(body)}`;
    const response = await post(form, {
      ...signSlackRequest(form, SECRET),
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(response.status).toBe(415);
    expect(endpoint!.refused).toEqual(["unsupported_media_type"]);
    expect(refusals()).toHaveLength(1);
    expect(endpoint!.received).toEqual([]);
  });

  test("a body over the cap gets 413 and the connection is closed", async () => {
    await start({ maxBodyBytes: 1024 });
    const big = JSON.stringify(threadReply("x".repeat(4096)));
    const { status, headers } = await rawPost(big, signSlackRequest(big, SECRET));

    expect(status).toBe(413);
    expect(headers.connection).toBe("close");
    expect(refusals()).toEqual([
      expect.objectContaining({ reason: "body is larger than 1024 bytes" }),
    ]);
    expect(endpoint!.refused).toEqual(["too_large"]);
    expect(endpoint!.received).toEqual([]);
  });

  test("signed but malformed JSON gets 400", async () => {
    await start();
    const broken = '{"type": "event_callback", ';
    const response = await post(broken, signSlackRequest(broken, SECRET));
    expect(response.status).toBe(400);
    expect(endpoint!.refused).toEqual(["malformed_json"]);
    expect(endpoint!.received).toEqual([]);
  });

  test("signed JSON that is not an object gets 400", async () => {
    await start();
    const array = JSON.stringify([threadReply()]);
    const response = await post(array, signSlackRequest(array, SECRET));
    expect(response.status).toBe(400);
    expect(endpoint!.received).toEqual([]);
  });

  test("a body that does not arrive in time is cut with 408 and logged once", async () => {
    await start(
      {},
      {
        headersTimeoutMs: 500,
        requestTimeoutMs: 1_000,
        keepAliveTimeoutMs: 5_000,
        checkIntervalMs: 100,
        maxConnections: 10,
        maxHeadersCount: 100,
        refusalReportMs: 100,
      },
    );
    const headers = signSlackRequest(body, SECRET);
    const socket = connect(endpoint!.port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("error", () => {});
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write(
      [
        `POST ${PATH} HTTP/1.1`,
        "Host: 127.0.0.1",
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        "Content-Length: 1000",
        "",
        "",
      ].join("\r\n"),
    );
    const timer = setInterval(() => socket.write("{"), 100);
    await closed;
    clearInterval(timer);

    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    const deadline = Date.now() + 1_000;
    while (refusals().length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refusals()).toEqual([
      expect.objectContaining({
        reason: "the body did not arrive in time; answered 408 and closed",
      }),
    ]);
    expect(endpoint!.refused).toEqual(["timeout"]);
    expect(endpoint!.received).toEqual([]);
  });
});

describe("when receive fails", () => {
  test("Slack gets 500 (so it retries); the log says the error, never the payload", async () => {
    await start({
      receive: () => Promise.reject(new Error("the store did not answer within 2000 ms")),
    });
    const response = await postSigned(threadReply(), { "x-slack-retry-num": "1" });

    expect(response.status).toBe(500);
    const errors = endpoint!.lines.filter((line) => line.level >= 50);
    expect(errors).toEqual([
      expect.objectContaining({
        error: "the store did not answer within 2000 ms",
        eventId: "Ev0PV52K25",
        retryNum: "1",
      }),
    ]);
    expect(endpoint!.raw.join("")).not.toContain(BODY_MARKER);
  });

  test("an error carrying the payload does not bring it into the log", async () => {
    await start({
      receive: (payload) =>
        Promise.reject(Object.assign(new Error("could not record"), { payload })),
    });
    const response = await postSigned(threadReply());
    expect(response.status).toBe(500);
    expect(endpoint!.raw.join("")).not.toContain(BODY_MARKER);
  });
});

/** A POST through node:http, so every response header (connection) can be seen. */
function rawPost(
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: endpoint!.port,
        method: "POST",
        path: PATH,
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      },
      (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, headers: response.headers });
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

import { afterEach, describe, expect, test } from "@jest/globals";
import { inspect } from "node:util";
import { pino } from "pino";
import type { SlackEventOutcome, SlackRetry } from "../../src/events/slack-thread-message.js";
import {
  startSocketMode,
  type SocketModeConnection,
  type SocketModeOptions,
} from "../../src/slack/start-socket-mode.js";
import {
  eventsApiEnvelope,
  startFakeSlackSocket,
  type FakeSlackSocket,
} from "../helpers/fake-slack-socket.js";
import { sleep, waitUntil } from "../helpers/wait.js";

/** A reply in a pull request's thread, as the Events API sends it (`message` event, `event_callback`). */
const threadReply = {
  token: "unused-verification-token",
  team_id: "T0TEAM0001",
  api_app_id: "A0FAKESOCKET",
  event: {
    type: "message",
    user: "U0AUTHOR01",
    text: "Looks good, but please rename `foo`",
    ts: "1700000100.000200",
    thread_ts: "1700000000.000100",
    team: "T0TEAM0001",
    channel: "C0123456789",
    event_ts: "1700000100.000200",
    channel_type: "channel",
    client_msg_id: "5f0c7e4a-1b2c-4d3e-8f90-a1b2c3d4e5f6",
  },
  type: "event_callback",
  event_id: "Ev0THREAD001",
  event_time: 1700000100,
  authorizations: [
    {
      enterprise_id: null,
      team_id: "T0TEAM0001",
      user_id: "U0BOT00001",
      is_bot: true,
      is_enterprise_install: false,
    },
  ],
  is_ext_shared_channel: false,
  event_context: "4-eyJldCI6Im1lc3NhZ2UifQ",
};

interface Received {
  payload: object;
  retry: SlackRetry;
}

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeSlack(): Promise<FakeSlackSocket> {
  const fake = await startFakeSlackSocket();
  cleanups.push(() => fake.close());
  return fake;
}

/** Starts Socket Mode against the fake; `receive` records each call, then does what it is told. */
async function start(
  fake: FakeSlackSocket,
  receive: (payload: object, retry: SlackRetry) => Promise<SlackEventOutcome> = async () =>
    "recorded",
  overrides: Partial<SocketModeOptions> = {},
) {
  const received: Received[] = [];
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
  const connection: SocketModeConnection = await startSocketMode({
    appToken: fake.appToken,
    apiUrl: fake.apiUrl,
    log,
    receive: (payload, retry) => {
      received.push({ payload, retry });
      return receive(payload, retry);
    },
    reconnectDelayMs: 20,
    ...overrides,
  });
  cleanups.push(() => connection.close());
  return { connection, received, lines, raw };
}

describe("startSocketMode", () => {
  test("an events_api envelope reaches receive with its payload, and is acknowledged only once receive settles", async () => {
    const fake = await fakeSlack();
    let settle: (outcome: SlackEventOutcome) => void = () => {};
    const { received, raw } = await start(
      fake,
      () => new Promise<SlackEventOutcome>((resolve) => (settle = resolve)),
    );

    const envelope = eventsApiEnvelope(threadReply);
    fake.send(envelope);
    await waitUntil(() => received.length === 1, "receive was called");
    expect(received[0]).toEqual({ payload: threadReply, retry: { num: 0 } });

    // A slow store: no ack while receive is still recording.
    await sleep(300);
    expect(fake.acks).toEqual([]);
    const settledAt = Date.now();
    settle("recorded");
    const ack = await fake.waitForAck(envelope.envelope_id);
    expect(ack.receivedAt).toBeGreaterThanOrEqual(settledAt);
    expect(fake.acks).toHaveLength(1);

    // The SDK's debug lines came through pino, without the token or the URL's ticket.
    const all = raw.join("\n");
    expect(all).toContain("ticket=[redacted]");
    expect(all).not.toContain(fake.appToken);
    expect(all).not.toMatch(/ticket=(?!\[redacted\])/);
  });

  test("a receive that throws gets no ack, and one short line without the payload", async () => {
    const fake = await fakeSlack();
    const { received, lines, raw } = await start(fake, async () => {
      throw new Error("the store did not answer in time");
    });

    const envelope = eventsApiEnvelope(threadReply);
    fake.send(envelope);
    await waitUntil(() => received.length === 1, "receive was called");
    await expect(fake.waitForAck(envelope.envelope_id, 500)).rejects.toThrow(/timed out/);
    expect(fake.acks).toEqual([]);

    const failures = lines.filter((line) => line.level >= 50);
    expect(failures).toEqual([
      expect.objectContaining({
        msg: "Slack event failed; left unacknowledged, Slack will send it again",
        error: "the store did not answer in time",
        envelopeId: envelope.envelope_id,
        eventId: "Ev0THREAD001",
        retryNum: 0,
      }),
    ]);
    expect(raw.filter((line) => line.includes('"level":50'))[0]).not.toContain("rename");
  });

  test("Slack's re-sent envelope is passed with its retry count and reason, and acknowledged", async () => {
    const fake = await fakeSlack();
    const outcomes: SlackEventOutcome[] = ["recorded", "duplicate"];
    const { received } = await start(fake, async () => outcomes.shift() ?? "ignored");

    const first = eventsApiEnvelope(threadReply);
    const again = eventsApiEnvelope(threadReply, { attempt: 1, reason: "timeout" });
    fake.send(first);
    await fake.waitForAck(first.envelope_id);
    fake.send(again);
    await fake.waitForAck(again.envelope_id);

    expect(received.map((call) => call.retry)).toEqual([{ num: 0 }, { num: 1, reason: "timeout" }]);
  });

  test("envelopes that are not events (slash commands, interactivity) are acknowledged, not received", async () => {
    const fake = await fakeSlack();
    const { received } = await start(fake);

    const command = {
      envelope_id: "c0mmand-0001",
      type: "slash_commands" as const,
      payload: { command: "/threadline", text: "", team_id: "T0TEAM0001", user_id: "U0AUTHOR01" },
      accepts_response_payload: true,
    };
    const shortcut = {
      envelope_id: "sh0rtcut-0001",
      type: "interactive" as const,
      payload: { type: "shortcut", callback_id: "do-something", trigger_id: "111.222.xxx" },
      accepts_response_payload: false,
    };
    fake.send(command);
    fake.send(shortcut);
    await fake.waitForAck(command.envelope_id);
    await fake.waitForAck(shortcut.envelope_id);
    expect(received).toEqual([]);
  });

  test("with answerCommand, a slash command is answered in its acknowledgement, to the person alone", async () => {
    const fake = await fakeSlack();
    const asked: unknown[] = [];
    const { received, lines } = await start(fake, undefined, {
      answerCommand: async (command) => {
        asked.push(command);
        if (command.text === "fail") throw new Error("the store did not answer");
        return { text: `you asked for ${command.text}` };
      },
    });
    const envelope = (id: string, text: string) => ({
      envelope_id: id,
      type: "slash_commands" as const,
      payload: {
        token: "unused",
        command: "/threadline",
        text,
        team_id: "T0TEAM0001",
        user_id: "U0AUTHOR01",
        response_url: "https://hooks.slack.com/commands/T0TEAM0001/1/abc",
      },
      accepts_response_payload: true,
    });
    fake.send(envelope("c0mmand-0001", "link"));
    expect((await fake.waitForAck("c0mmand-0001")).payload).toEqual({
      response_type: "ephemeral",
      text: "you asked for link",
    });
    expect(asked).toEqual([
      { command: "/threadline", text: "link", teamId: "T0TEAM0001", userId: "U0AUTHOR01" },
    ]);
    fake.send(envelope("c0mmand-0002", "fail"));
    expect((await fake.waitForAck("c0mmand-0002")).payload).toEqual({
      response_type: "ephemeral",
      text: "threadline could not do that just now (its log says why); try again in a minute.",
    });
    expect(lines.filter((line) => line.level >= 50)).toEqual([
      expect.objectContaining({ msg: "Slack command failed", error: "the store did not answer" }),
    ]);
    expect(received).toEqual([]);
  });

  test.each([
    ["the connection is dropped", (fake: FakeSlackSocket) => fake.drop()],
    ["Slack asks for a refresh", (fake: FakeSlackSocket) => fake.requestRefresh()],
  ])(
    "after %s, the client reconnects with a new URL and later envelopes still arrive",
    async (_, cut) => {
      const fake = await fakeSlack();
      const { received } = await start(fake);

      cut(fake);
      await fake.waitForConnections(2);
      await waitUntil(() => fake.openConnectionCount() === 1, "the old connection closed");
      const envelope = eventsApiEnvelope(threadReply);
      fake.send(envelope);
      await fake.waitForAck(envelope.envelope_id);

      expect(received).toHaveLength(1);
      expect(fake.opens.map((call) => call.answer)).toEqual(["ok", "ok"]);
    },
  );

  test("reconnects that fail (HTTP 503, then a refused token) are retried with a line that says why", async () => {
    const fake = await fakeSlack();
    const { lines } = await start(fake);

    fake.failNextOpens({ status: 503 }, { error: "invalid_auth" });
    fake.drop();
    await fake.waitForConnections(2);

    expect(fake.opens.map((call) => call.answer)).toEqual(["ok", "http_503", "invalid_auth", "ok"]);
    const warnings = lines.filter((line) => line.level === 40).map((line) => line.msg);
    expect(warnings).toEqual([
      "Socket Mode could not reconnect: Slack answered HTTP 503 to apps.connections.open",
      expect.stringMatching(
        /^Socket Mode could not reconnect: Slack refused SLACK_APP_TOKEN \(invalid_auth\): replace SLACK_APP_TOKEN .*connections:write/,
      ),
    ]);
    const envelope = eventsApiEnvelope(threadReply);
    fake.send(envelope);
    await fake.waitForAck(envelope.envelope_id);
  });

  test("close() disconnects, and nothing reconnects afterwards", async () => {
    const fake = await fakeSlack();
    const { connection } = await start(fake);
    expect(fake.openConnectionCount()).toBe(1);

    await connection.close();
    await waitUntil(() => fake.openConnectionCount() === 0, "the connection closed");
    await sleep(200);
    expect(fake.connectionCount()).toBe(1);
    expect(fake.opens).toHaveLength(1);
  });

  test.each([
    [
      "a wrong App-Level Token",
      "xapp-1-A0FAKESOCKET-1234567890123-ffffffffffffffffffffffffffffffff",
      /Slack refused SLACK_APP_TOKEN \(invalid_auth\)/,
    ],
    [
      "the bot token",
      "xoxb-1234567890-1234567890123-abcdefghijklmnopqrstuvwx",
      /SLACK_APP_TOKEN is not an App-Level Token \(not_allowed_token_type\)/,
    ],
  ])(
    "%s makes startSocketMode reject with what to do, without the token",
    async (_, token, reason) => {
      const fake = await fakeSlack();
      const raw: string[] = [];
      const log = pino({ level: "debug" }, { write: (line: string) => void raw.push(line) });

      const started = startSocketMode({
        appToken: token,
        apiUrl: fake.apiUrl,
        log,
        receive: async () => "recorded",
      });
      const error = await started.then(
        () => undefined,
        (rejection: unknown) => rejection,
      );

      expect(error).toBeInstanceOf(Error);
      const { message } = error as Error;
      expect(message).toMatch(reason);
      expect(message).toContain(
        "replace SLACK_APP_TOKEN with the Slack app's App-Level Token (xapp-…) that has the connections:write scope",
      );
      expect(inspect(error, { depth: null })).not.toContain(token);
      expect(raw.join("\n")).not.toContain(token);
      expect(fake.connectionCount()).toBe(0);
    },
  );
});

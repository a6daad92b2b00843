import { LogLevel, SocketModeClient, type Logger as SlackLogger } from "@slack/socket-mode";
import { ErrorCode } from "@slack/web-api";
import type { Logger } from "pino";
import type {
  ReceiveSlackEvent,
  SlackEventOutcome,
  SlackRetry,
} from "../events/slack-thread-message.js";

export interface SocketModeOptions {
  /** SLACK_APP_TOKEN: the App-Level Token (`xapp-…`) with the `connections:write` scope. */
  appToken: string;
  /** SLACK_API_URL (ends in `/api/`), where `apps.connections.open` is called. */
  apiUrl: string;
  log: Logger;
  /**
   * The function the HTTP endpoint calls, with an `event_callback` payload: an `events_api`
   * envelope's `payload` is exactly the Events API body. The envelope is acknowledged only once
   * it settles; when it throws, it is not, and Slack sends the envelope again.
   */
  receive: ReceiveSlackEvent;
  /**
   * Answers a slash command (`/threadline link`), as `POST /api/slack/commands` does over HTTP:
   * the `slash_commands` envelope is acknowledged with `{"response_type":"ephemeral","text":…}`.
   * Without it, commands are acknowledged with nothing.
   */
  answerCommand?: (command: SocketModeCommand) => Promise<{ text: string }>;
  /** Wait before reconnecting after a connection ends; doubled after each failed attempt. */
  reconnectDelayMs?: number;
  /** Longest wait between reconnect attempts. */
  maxReconnectDelayMs?: number;
  /** The SDK's `clientPingTimeout`: a pong must come back this soon (it pings 3 times as often). */
  clientPingTimeoutMs?: number;
  /** The SDK's `serverPingTimeout`: once Slack has pinged, the next ping must come this soon. */
  serverPingTimeoutMs?: number;
  /** Each `apps.connections.open` call gives up after this long. */
  timeoutMs?: number;
}

/** A slash command from a `slash_commands` envelope: Slack's command fields, as ours name them. */
export interface SocketModeCommand {
  command: string;
  text: string;
  teamId: string;
  userId: string;
}

export interface SocketModeConnection {
  /** Disconnects and stops reconnecting; resolves once the connection is closed. */
  close(): Promise<void>;
}

/** What `slack_event` hands its listeners (@slack/socket-mode 2.x `onWebSocketMessage`). */
interface SlackEventArgs {
  ack: (response?: Record<string, unknown>) => Promise<void>;
  envelope_id?: unknown;
  type?: unknown;
  body?: unknown;
  retry_num?: unknown;
  retry_reason?: unknown;
}

/** Slack tokens (`xapp-…`, `xoxb-…`) and the single-use ticket of a Socket Mode URL. */
const SECRETS = /\b(xapp|xox[a-z])-[A-Za-z0-9-]+|(ticket=)[^&\s"']+/g;

function redact(text: string): string {
  return text.replace(SECRETS, (_match, token: string | undefined, ticket: string | undefined) =>
    token ? `${token}-[redacted]` : `${ticket}[redacted]`,
  );
}

/** An error's message as one short log line carries it: no stack, no payload, no token. */
function shortMessage(error: unknown): string {
  const message = redact(error instanceof Error ? error.message : String(error));
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/**
 * Sends the SDK's own diagnostics through our logger (never console), at debug: the SDK logs a
 * routine reconnect as errors and warnings, and what matters is logged here in its place. Tokens
 * and the WebSocket URL's ticket are masked (the SDK logs `apps.connections.open`'s answer).
 */
function toSlackLogger(log: Logger): SlackLogger {
  const child = log.child({ name: "slack-socket-mode" });
  const write = (...parts: unknown[]) => child.debug(redact(parts.map(String).join(" ")));
  return {
    debug: write,
    info: write,
    warn: write,
    error: write,
    setLevel: () => {},
    getLevel: () => (child.isLevelEnabled("debug") ? LogLevel.DEBUG : LogLevel.INFO),
    setName: () => {},
  };
}

interface ErrorLike {
  code?: unknown;
  data?: { error?: unknown };
  statusCode?: unknown;
  retryAfter?: unknown;
}

const FIX_APP_TOKEN =
  "replace SLACK_APP_TOKEN with the Slack app's App-Level Token (xapp-…) that has the connections:write scope (app settings, Basic Information, App-Level Tokens)";

/**
 * Why a connection could not be opened, as one line an operator can act on; never the token.
 * `undefined` is what the SDK rejects with when the WebSocket closed before Slack's `hello`.
 */
function describeConnectFailure(error: unknown, socketError: unknown): string {
  const failure = (error ?? {}) as ErrorLike;
  switch (failure.code) {
    case ErrorCode.PlatformError: {
      const code = String(failure.data?.error ?? "unknown_error");
      if (["invalid_auth", "not_authed", "token_revoked", "token_expired"].includes(code)) {
        return `Slack refused SLACK_APP_TOKEN (${code}): ${FIX_APP_TOKEN}`;
      }
      if (code === "not_allowed_token_type") {
        return `SLACK_APP_TOKEN is not an App-Level Token (${code}): ${FIX_APP_TOKEN}`;
      }
      if (code === "missing_scope" || code === "no_permission") {
        return `SLACK_APP_TOKEN lacks the connections:write scope (${code}): ${FIX_APP_TOKEN}`;
      }
      return `Slack answered "${redact(code)}" to apps.connections.open`;
    }
    case ErrorCode.RateLimitedError:
      return `Slack rate-limited apps.connections.open for ${String(failure.retryAfter)}s`;
    case ErrorCode.HTTPError:
      return `Slack answered HTTP ${String(failure.statusCode)} to apps.connections.open`;
    case ErrorCode.RequestError:
      return `could not reach Slack at SLACK_API_URL (${shortMessage(error)})`;
  }
  if (error === undefined) {
    return socketError === undefined
      ? "the Socket Mode WebSocket closed before Slack said hello"
      : `the Socket Mode WebSocket failed: ${shortMessage(socketError)}`;
  }
  return shortMessage(error);
}

/**
 * Receives Slack events over Socket Mode (`SLACK_APP_TOKEN` set): for installations that cannot
 * expose `POST /api/slack/events`. Resolves once Slack has said `hello` on the first connection;
 * rejects, with what to do, when it cannot (a wrong token first of all).
 *
 * Each `events_api` envelope goes to `receive` and is acknowledged (`{"envelope_id": …}`) only
 * after `receive` settles: an envelope the App did not record is left for Slack to send again.
 * A `slash_commands` envelope is answered by `answerCommand` in its acknowledgement; other
 * envelope types (interactivity) are acknowledged and ignored.
 *
 * The SDK's own reconnecting is off: @slack/socket-mode 2.x chains a failed reconnect into a
 * promise nobody observes, which ends the process (slackapi/node-slack-sdk#2656). Reconnects
 * happen here instead, after every ended connection (Slack's `disconnect` refresh, a lost
 * network, a missing pong), with a backoff while they fail; they never end the process.
 */
export async function startSocketMode(options: SocketModeOptions): Promise<SocketModeConnection> {
  const { appToken, apiUrl, log, receive } = options;
  const reconnectDelayMs = options.reconnectDelayMs ?? 1_000;
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 60_000;

  const client = new SocketModeClient({
    appToken,
    logger: toSlackLogger(log),
    autoReconnectEnabled: false,
    clientPingTimeout: options.clientPingTimeoutMs ?? 5_000,
    serverPingTimeout: options.serverPingTimeoutMs ?? 30_000,
    clientOptions: {
      slackApiUrl: apiUrl,
      timeout: options.timeoutMs ?? 10_000,
      // Retries are the reconnect loop's; the SDK's default (100 retries) would hold a start.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      // The axios error would carry the request config, Authorization header included.
      attachOriginalToWebAPIRequestError: false,
    },
  });

  let socketError: unknown;
  client.on("error", (error: unknown) => {
    socketError = error;
  });
  client.on("slack_event", (event: SlackEventArgs) => {
    void handleEnvelope(event);
  });

  async function acknowledge(
    event: SlackEventArgs,
    envelopeId: string,
    response?: Record<string, unknown>,
  ): Promise<void> {
    try {
      await event.ack(response);
    } catch (error) {
      // The connection ended in between: Slack sends the envelope again, and it is a duplicate.
      log.info(
        { envelopeId, error: shortMessage(error) },
        "could not acknowledge a Socket Mode envelope; Slack will send it again",
      );
    }
  }

  async function handleEnvelope(event: SlackEventArgs): Promise<void> {
    const envelopeId = typeof event.envelope_id === "string" ? event.envelope_id : undefined;
    if (envelopeId === undefined) {
      log.debug({ type: String(event.type) }, "Socket Mode message without an envelope_id");
      return;
    }
    const body = event.body;
    if (event.type === "slash_commands" && options.answerCommand) {
      return acknowledge(event, envelopeId, await answerCommand(body, options.answerCommand));
    }
    const payloadType =
      typeof body === "object" && body !== null ? (body as { type?: unknown }).type : undefined;
    if (event.type !== "events_api" || payloadType !== "event_callback") {
      log.debug(
        { envelopeId, type: String(event.type), payloadType: String(payloadType) },
        "Socket Mode envelope threadline does not handle; acknowledged",
      );
      return acknowledge(event, envelopeId);
    }

    const retry: SlackRetry = {
      num: typeof event.retry_num === "number" ? event.retry_num : 0,
      ...(typeof event.retry_reason === "string" && event.retry_reason !== ""
        ? { reason: event.retry_reason }
        : {}),
    };
    const eventId = (body as { event_id?: unknown }).event_id;
    const logged = {
      envelopeId,
      eventId: typeof eventId === "string" ? eventId.slice(0, 40) : undefined,
      retryNum: retry.num,
    };
    let outcome: SlackEventOutcome;
    try {
      outcome = await receive(body as object, retry);
    } catch (error) {
      // The message only: whatever the error carries may hold the payload.
      log.error(
        { ...logged, error: shortMessage(error) },
        "Slack event failed; left unacknowledged, Slack will send it again",
      );
      return;
    }
    log.debug({ ...logged, outcome }, "Socket Mode event received");
    await acknowledge(event, envelopeId);
  }

  /** The command's answer, shown to the person alone; a failure is said, and logged. */
  async function answerCommand(
    body: unknown,
    answer: NonNullable<SocketModeOptions["answerCommand"]>,
  ): Promise<Record<string, unknown>> {
    const fields = (typeof body === "object" && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    const field = (name: string) => (typeof fields[name] === "string" ? fields[name] : "");
    const command = {
      command: field("command"),
      text: field("text"),
      teamId: field("team_id"),
      userId: field("user_id"),
    };
    if (!command.command || !command.teamId || !command.userId) {
      log.warn("a Socket Mode slash command without command, team_id or user_id; ignored");
      return {};
    }
    try {
      const { text } = await answer(command);
      return { response_type: "ephemeral", text };
    } catch (error) {
      log.error({ error: shortMessage(error) }, "Slack command failed");
      return {
        response_type: "ephemeral",
        text: "threadline could not do that just now (its log says why); try again in a minute.",
      };
    }
  }

  try {
    await client.start();
  } catch (error) {
    throw new Error(
      `Socket Mode could not connect: ${describeConnectFailure(error, socketError)}`,
      { cause: error },
    );
  }
  log.info("receiving Slack events over Socket Mode");

  let closing = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> | undefined;

  function scheduleReconnect(delayMs: number): void {
    if (closing || timer !== undefined || attempt !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      attempt = reconnect().finally(() => {
        attempt = undefined;
      });
    }, delayMs);
  }

  async function reconnect(): Promise<void> {
    socketError = undefined;
    try {
      await client.start();
    } catch (error) {
      if (closing) return;
      failures += 1;
      const backoff = Math.min(reconnectDelayMs * 2 ** failures, maxReconnectDelayMs);
      const retryAfter = (error as ErrorLike | undefined)?.retryAfter;
      const delayMs = Math.max(backoff, typeof retryAfter === "number" ? retryAfter * 1000 : 0);
      log.warn(
        { failures, retryInMs: delayMs },
        `Socket Mode could not reconnect: ${describeConnectFailure(error, socketError)}`,
      );
      // After this attempt has settled (`attempt` is cleared first).
      setImmediate(() => scheduleReconnect(delayMs));
      return;
    }
    if (closing) {
      // close() was called while this connection was being opened.
      await client.disconnect();
      return;
    }
    if (failures > 0) log.info({ failures }, "Socket Mode connected again");
    else log.debug("Socket Mode connected again");
    failures = 0;
  }

  // Every ended connection comes here: Slack's `disconnect` message (the SDK closes the socket),
  // a dropped connection, a missing pong. While an attempt is under way, it schedules the next.
  client.on("disconnected", () => {
    if (closing) return;
    log.debug({ reconnectInMs: reconnectDelayMs }, "Socket Mode connection ended; reconnecting");
    scheduleReconnect(reconnectDelayMs);
  });

  return {
    async close() {
      closing = true;
      clearTimeout(timer);
      timer = undefined;
      await client.disconnect();
      await attempt;
    },
  };
}

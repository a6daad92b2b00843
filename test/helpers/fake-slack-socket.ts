/**
 * Slack's Socket Mode on a loopback port, for tests: `POST /api/apps.connections.open` and the
 * WebSocket it hands out. Point SLACK_API_URL at `apiUrl`; @slack/socket-mode then takes its real
 * path (an HTTP call, then a WebSocket).
 *
 * It answers as Slack does (https://docs.slack.dev/reference/methods/apps.connections.open,
 * https://api.slack.com/apis/connections/socket-implement):
 * - the App-Level Token must come in the `Authorization: Bearer` header (a token in the body is an
 *   error, says Slack): none is `not_authed`, a bot or user token `not_allowed_token_type`, any
 *   other wrong one `invalid_auth`, all as HTTP 200 with `ok: false`; the right one gets
 *   `{ ok: true, url: "ws://…/link/?ticket=…&app_id=…" }`;
 * - each URL's ticket opens one connection (Slack's URLs are temporary: a reconnect asks for a new
 *   one); a used or unknown ticket is refused at the upgrade;
 * - on connect it sends `hello` (`num_connections`, `debug_info`, `connection_info.app_id`);
 * - envelopes go out on the newest open connection; an acknowledgement is any message with the
 *   envelope's `envelope_id` (the SDK adds an empty `payload`).
 * A `disconnect` (`refresh_requested`) is only sent: the client is expected to close and
 * reconnect, as Slack expects; `drop` cuts the connection without a close frame, as a lost
 * network does.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { waitUntil } from "./wait.js";

/** An envelope as Slack sends it over Socket Mode. */
export interface SocketModeEnvelope {
  envelope_id: string;
  type: "events_api" | "slash_commands" | "interactive";
  payload: object;
  accepts_response_payload: boolean;
  /** `events_api` only: 0 on the first delivery. */
  retry_attempt?: number;
  /** `events_api` only: "" on the first delivery, else why Slack sends it again (`timeout`). */
  retry_reason?: string;
}

/** An acknowledgement as the fake received it. */
export interface ReceivedAck {
  envelope_id: string;
  payload?: unknown;
  /** Date.now() when it arrived. */
  receivedAt: number;
}

/** One `apps.connections.open` call: the token sent and Slack's answer. */
export interface ConnectionsOpenCall {
  authorization: string | undefined;
  /** `ok`, Slack's error code, or `http_<status>`. */
  answer: string;
}

/** A scripted answer for the next `apps.connections.open` with the right token. */
export type ScriptedOpenAnswer = { error: string } | { status: number };

export interface FakeSlackSocket {
  /** For SLACK_API_URL: `http://127.0.0.1:<port>/api/`. */
  apiUrl: string;
  /** The App-Level Token the fake accepts. */
  appToken: string;
  opens: ConnectionsOpenCall[];
  acks: ReceivedAck[];
  /** Connections accepted (hello sent) since the start. */
  connectionCount(): number;
  /** Connections open now. */
  openConnectionCount(): number;
  /** Resolves once `count` connections have been accepted; rejects after `timeoutMs`. */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  /** Sends an envelope on the newest open connection; throws when none is open. */
  send(envelope: SocketModeEnvelope): void;
  /** Resolves with the envelope's acknowledgement; rejects after `timeoutMs` without one. */
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<ReceivedAck>;
  /** Answers the next `apps.connections.open` calls (with the right token) with these, in order. */
  failNextOpens(...answers: ScriptedOpenAnswer[]): void;
  /** Sends Slack's `{"type":"disconnect","reason":"refresh_requested"}` on the newest connection. */
  requestRefresh(): void;
  /** Cuts the newest connection without a close frame. */
  drop(): void;
  close(): Promise<void>;
}

const APP_ID = "A0FAKESOCKET";

/** An `events_api` envelope around an Events API body, as Slack sends it. */
export function eventsApiEnvelope(
  payload: object,
  retry: { attempt: number; reason: string } = { attempt: 0, reason: "" },
  envelopeId: string = randomUUID(),
): SocketModeEnvelope {
  return {
    envelope_id: envelopeId,
    type: "events_api",
    payload,
    accepts_response_payload: false,
    retry_attempt: retry.attempt,
    retry_reason: retry.reason,
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

export async function startFakeSlackSocket(
  appToken = "xapp-1-A0FAKESOCKET-1234567890123-0123456789abcdef0123456789abcdef",
): Promise<FakeSlackSocket> {
  const opens: ConnectionsOpenCall[] = [];
  const acks: ReceivedAck[] = [];
  const script: ScriptedOpenAnswer[] = [];
  const tickets = new Set<string>();
  const open: WebSocket[] = [];
  let accepted = 0;
  let port = 0;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on("end", () => {
      if (
        request.method !== "POST" ||
        request.url?.split("?")[0] !== "/api/apps.connections.open"
      ) {
        json(response, 404, { ok: false, error: "unknown_method" });
        return;
      }
      const authorization = request.headers.authorization;
      const token = authorization?.match(/^Bearer (.+)$/)?.[1];
      const refuse = (error: string) => {
        opens.push({ authorization, answer: error });
        json(response, 200, { ok: false, error });
      };
      if (token === undefined) return refuse("not_authed");
      if (/^xox[bp]-/.test(token)) return refuse("not_allowed_token_type");
      if (token !== appToken) return refuse("invalid_auth");
      const scripted = script.shift();
      if (scripted && "status" in scripted) {
        opens.push({ authorization, answer: `http_${scripted.status}` });
        json(response, scripted.status, { ok: false, error: "service_unavailable" });
        return;
      }
      if (scripted) return refuse(scripted.error);
      const ticket = randomUUID();
      tickets.add(ticket);
      opens.push({ authorization, answer: "ok" });
      json(response, 200, {
        ok: true,
        url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${APP_ID}`,
      });
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const ticket = url.searchParams.get("ticket") ?? "";
    if (url.pathname !== "/link/" || !tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      accepted += 1;
      open.push(ws);
      ws.on("close", () => {
        const index = open.indexOf(ws);
        if (index >= 0) open.splice(index, 1);
      });
      ws.on("message", (data, isBinary) => {
        if (isBinary) return;
        const message = JSON.parse(data.toString()) as { envelope_id?: unknown; payload?: unknown };
        if (typeof message.envelope_id === "string") {
          acks.push({
            envelope_id: message.envelope_id,
            payload: message.payload,
            receivedAt: Date.now(),
          });
        }
      });
      ws.send(
        JSON.stringify({
          type: "hello",
          num_connections: open.length,
          debug_info: {
            host: "applink-fake",
            build_number: 1,
            approximate_connection_time: 18060,
          },
          connection_info: { app_id: APP_ID },
        }),
      );
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;

  const newest = (): WebSocket => {
    const ws = open.at(-1);
    if (!ws) throw new Error("the fake Slack has no open Socket Mode connection");
    return ws;
  };

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    appToken,
    opens,
    acks,
    connectionCount: () => accepted,
    openConnectionCount: () => open.length,
    waitForConnections: (count, timeoutMs = 5_000) =>
      waitUntil(() => accepted >= count, `${count} Socket Mode connections`, timeoutMs),
    send(envelope) {
      newest().send(JSON.stringify(envelope));
    },
    async waitForAck(envelopeId, timeoutMs = 5_000) {
      const find = () => acks.find((ack) => ack.envelope_id === envelopeId);
      await waitUntil(() => find() !== undefined, `an ack for ${envelopeId}`, timeoutMs);
      return find() as ReceivedAck;
    },
    failNextOpens(...answers) {
      script.push(...answers);
    },
    requestRefresh() {
      newest().send(
        JSON.stringify({
          type: "disconnect",
          reason: "refresh_requested",
          debug_info: { host: "applink-fake" },
        }),
      );
    },
    drop() {
      newest().terminate();
    },
    async close() {
      for (const ws of [...open]) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

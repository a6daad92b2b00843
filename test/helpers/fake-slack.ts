/**
 * A small Slack Web API on a loopback port, for tests that go through @slack/web-api's real HTTP
 * path (point SLACK_API_URL at `url`). It records what it receives and answers from a script.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedCall {
  method: string;
  authorization: string | undefined;
  /** The call's arguments, JSON fields decoded (`blocks` is an array again). */
  args: Record<string, unknown>;
}

/** What the fake answers one call with; `ok: true` with a fresh `ts` when nothing is scripted. */
export type ScriptedAnswer =
  | { kind: "ok" }
  | { kind: "error"; error: string }
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "http"; status: number }
  | { kind: "hang"; ms: number }
  | { kind: "reset" };

export interface FakeSlack {
  url: string;
  calls: ReceivedCall[];
  /** The `chat.postMessage` calls, in the order they arrived, whatever they were answered. */
  posts(): ReceivedCall[];
  /** The messages Slack "shows": posts answered `ok`, in order. */
  messages: ReceivedCall[];
  /** Resolves once `count` messages are shown; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedCall[]>;
  /** Answers the next calls with these, in order, then goes back to `ok`. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

async function readArgs(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if ((request.headers["content-type"] ?? "").includes("application/json")) {
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return args;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: ReceivedCall[] = [];
  const messages: ReceivedCall[] = [];
  const queue: ScriptedAnswer[] = [];
  let counter = 0;
  const sockets = new Set<import("node:net").Socket>();

  const server: Server = createServer(async (request, response) => {
    const method = (request.url ?? "").replace(/^\/api\//, "").split("?")[0]!;
    const args = await readArgs(request);
    const call = { method, authorization: request.headers.authorization, args };
    calls.push(call);
    const answer = queue.shift() ?? { kind: "ok" };
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(JSON.stringify(body));
    };
    switch (answer.kind) {
      case "ok": {
        counter += 1;
        const ts = `1700000000.${String(counter).padStart(6, "0")}`;
        if (method === "chat.postMessage") messages.push(call);
        return json(200, { ok: true, channel: args.channel, ts, message: { ts } });
      }
      case "error":
        return json(200, { ok: false, error: answer.error });
      case "rate_limited":
        return json(
          429,
          { ok: false, error: "ratelimited" },
          {
            "retry-after": String(answer.retryAfterSeconds),
          },
        );
      case "http":
        return json(answer.status, { ok: false });
      case "hang":
        setTimeout(() => json(200, { ok: false, error: "timeout_in_test" }), answer.ms);
        return undefined;
      case "reset":
        request.socket.destroy();
        return undefined;
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

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
    script: (...answers) => queue.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

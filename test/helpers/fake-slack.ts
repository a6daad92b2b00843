/**
 * A small Slack Web API on a loopback port, for tests that go through @slack/web-api's real HTTP
 * path (point SLACK_API_URL at `url`). It records what it receives and answers from a script.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedCall {
  method: string;
  authorization: string | undefined;
  /** The call's arguments, JSON fields decoded (`blocks` is an array again). */
  args: Record<string, unknown>;
  /**
   * Which App sent it, when several share the fake: the segment after `/api/` in its
   * SLACK_API_URL (`<url>replica-2/`), else undefined.
   */
  from: string | undefined;
  /** Epoch ms the call arrived. */
  receivedAt: number;
  /** Epoch ms and kind of the answer, once answered. */
  answeredAt?: number;
  answer?: ScriptedAnswer["kind"];
  /** The `ts` given to a message answered `ok`. */
  ts?: string;
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
  /** Answers the next calls with these, in order, then goes back to the default answer. */
  script(...answers: ScriptedAnswer[]): void;
  /** What calls get once the script is used up (`ok` unless changed), e.g. a 429 for every post. */
  setDefaultAnswer(answer: ScriptedAnswer): void;
  /**
   * Makes every call that arrives from now on wait before it is answered: `ms` milliseconds, or
   * `"hold"` until `release()`; `0` answers at once again. A call whose connection closes before
   * its answer is dropped and never shown, which models Slack not having accepted it.
   */
  delayAnswers(delay: number | "hold"): void;
  /** Answers every call being held or delayed now, each with the answer it drew on arrival. */
  release(): void;
  /** Calls received and not answered yet (held, delayed, or still being read). */
  unanswered(): number;
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

  let defaultAnswer: ScriptedAnswer = { kind: "ok" };
  let delay: number | "hold" = 0;
  /** Calls waiting for their answer, each with what answers it. */
  const waiting = new Map<ServerResponse, () => void>();
  const timers = new Set<NodeJS.Timeout>();
  let reading = 0;

  const answerCall = (
    call: ReceivedCall,
    answer: ScriptedAnswer,
    request: IncomingMessage,
    response: ServerResponse,
  ): void => {
    // The App is gone (killed, timed out): Slack never got to accept this one.
    if (response.destroyed || request.socket.destroyed) return;
    call.answeredAt = Date.now();
    call.answer = answer.kind;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(JSON.stringify(body));
    };
    switch (answer.kind) {
      case "ok": {
        counter += 1;
        const ts = `1700000000.${String(counter).padStart(6, "0")}`;
        call.ts = ts;
        if (call.method === "chat.postMessage") messages.push(call);
        return json(200, { ok: true, channel: call.args.channel, ts, message: { ts } });
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
      case "hang": {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!response.destroyed) json(200, { ok: false, error: "timeout_in_test" });
        }, answer.ms);
        timers.add(timer);
        return undefined;
      }
      case "reset":
        request.socket.destroy();
        return undefined;
    }
  };

  const server: Server = createServer(async (request, response) => {
    const receivedAt = Date.now();
    const [, from, method = ""] =
      /^\/api\/(?:([^/?]+)\/)?([^/?]+)/.exec((request.url ?? "").split("?")[0]!) ?? [];
    reading += 1;
    let args: Record<string, unknown>;
    try {
      args = await readArgs(request);
    } finally {
      reading -= 1;
    }
    const call: ReceivedCall = {
      method,
      authorization: request.headers.authorization,
      args,
      from,
      receivedAt,
    };
    calls.push(call);
    const answer = queue.shift() ?? defaultAnswer;
    if (delay === 0) return answerCall(call, answer, request, response);

    let timer: NodeJS.Timeout | undefined;
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        waiting.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

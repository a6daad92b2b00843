/**
 * A slowloris: raw connections that each send a delivery's headers at once, then its body one
 * byte at a time, so the server holds every one of them for as long as it is willing to wait.
 */
import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import { summarize } from "./latency-summary.js";

/**
 * Opens `connections` connections to `port` and trickles `delivery` (validly signed, so nothing
 * but its pace gives it away) over each, one byte per `intervalMs`. Resolves once every one has
 * connected or failed to (bounded by `connectTimeoutMs`).
 */
export async function startSlowSenders({
  port,
  path,
  delivery,
  connections,
  intervalMs = 1000,
  connectTimeoutMs = 10_000,
}) {
  const senders = [];
  const head = (id) =>
    [
      `POST ${path} HTTP/1.1`,
      "Host: 127.0.0.1",
      "Content-Type: application/json",
      "User-Agent: GitHub-Hookshot/bench-slow",
      `X-GitHub-Event: ${delivery.event}`,
      `X-GitHub-Delivery: ${id}`,
      `X-Hub-Signature-256: ${delivery.validSignature}`,
      `Content-Length: ${delivery.body.length}`,
      "",
      "",
    ].join("\r\n");

  const opened = Array.from({ length: connections }, () => {
    const sender = { socket: undefined, openedAt: 0, closedAt: undefined, status: undefined, sent: 0 };
    senders.push(sender);
    return new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1");
      sender.socket = socket;
      socket.setNoDelay(true);
      socket.on("error", () => {});
      socket.once("data", (chunk) => {
        sender.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString("latin1"))?.[1]) || "other";
      });
      socket.once("close", () => {
        sender.closedAt = performance.now();
        resolve();
      });
      socket.once("connect", () => {
        sender.openedAt = performance.now();
        socket.write(head(randomUUID()));
        resolve();
      });
    });
  });
  await Promise.race([
    Promise.all(opened),
    new Promise((resolve) => setTimeout(resolve, connectTimeoutMs).unref()),
  ]);

  // One timer for all of them: a byte each per tick, never the whole body.
  const timer = setInterval(() => {
    for (const sender of senders) {
      if (sender.closedAt !== undefined || !sender.socket.writable) continue;
      if (sender.sent >= delivery.body.length - 1) continue; // never finish
      sender.socket.write(delivery.body.subarray(sender.sent, sender.sent + 1));
      sender.sent += 1;
    }
  }, intervalMs);

  return {
    /** Connections still open now. */
    open: () => senders.filter((sender) => sender.openedAt && sender.closedAt === undefined).length,
    /** What became of them so far. */
    summary() {
      const connected = senders.filter((sender) => sender.openedAt);
      const closed = connected.filter((sender) => sender.closedAt !== undefined);
      const statuses = {};
      for (const sender of closed) {
        const key = String(sender.status ?? "none");
        statuses[key] = (statuses[key] ?? 0) + 1;
      }
      const closedAfterMs = summarize(closed.map((sender) => sender.closedAt - sender.openedAt));
      return {
        connections,
        connected: connected.length,
        refusedAtConnect: connections - connected.length,
        stillOpen: connected.length - closed.length,
        closedByServer: closed.length,
        /** The server's first answer on each closed connection (`none`: closed without one). */
        statuses,
        closedAfterMs: { p50: closedAfterMs.p50, max: closedAfterMs.max },
        bytesTrickledPerConnection: Math.max(0, ...connected.map((sender) => sender.sent)),
      };
    },
    stop() {
      clearInterval(timer);
      for (const sender of senders) sender.socket?.destroy();
    },
  };
}

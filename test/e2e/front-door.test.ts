/**
 * The public port against hostile senders, through the real App on a real port: forged
 * deliveries whose headers would fill the log, senders that trickle a request a byte at a time,
 * and more connections than the port holds. The timeouts are shortened (they are seconds in
 * production) through startApp's `connectionLimits`.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { connect, type Socket } from "node:net";
import nock from "nock";
import { signBody } from "../../src/server/verify-signature.js";
import type { ConnectionLimits } from "../../src/server/connection-limits.js";
import { loadPingFixture } from "../fixtures/index.js";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.js";
import { TEST_WEBHOOK_SECRET, startTestApp, type TestApp } from "../helpers/start-test-app.js";
import { useStrictNock } from "../helpers/strict-nock.js";
import { sleep, waitUntil } from "../helpers/wait.js";

let slack: FakeSlack;
let app: TestApp;
const sockets: Socket[] = [];

useStrictNock({ allowLocal: true });

beforeEach(async () => {
  slack = await startFakeSlack();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await app?.close();
  await slack.close();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

function start(env: Record<string, string> = {}, limits: Partial<ConnectionLimits> = {}) {
  return startTestApp(
    { SLACK_API_URL: slack.url, ...env },
    { connectionLimits: { refusalReportMs: 100, ...limits } },
  ).then((started) => (app = started));
}

function refusals() {
  return app.logs.filter((line) => line.msg === "delivery refused");
}

/** The connection-level refusals counted so far, summed over the report's lines. */
function connectionRefusals(): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const line of app.logs) {
    if (line.msg !== "connections refused before a request was read") continue;
    for (const [reason, count] of Object.entries(line.refused as Record<string, number>)) {
      sums[reason] = (sums[reason] ?? 0) + count;
    }
  }
  return sums;
}

interface RawConnection {
  socket: Socket;
  /** Everything the server wrote. */
  received(): string;
  /** Resolves once the server has closed the connection, with the milliseconds since it opened. */
  closed: Promise<number>;
}

/** A raw TCP connection to the App's public port, resolved once connected. */
async function openConnection(): Promise<RawConnection> {
  const { port } = new URL(app.url);
  const opened = Date.now();
  const socket = connect(Number(port), "127.0.0.1");
  sockets.push(socket);
  let text = "";
  socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
  socket.on("error", () => {});
  const closed = new Promise<number>((resolve) =>
    socket.once("close", () => resolve(Date.now() - opened)),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, received: () => text, closed };
}

/** Resolves once the App's public server holds `count` connections. */
async function waitForConnections(count: number): Promise<void> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const held = await new Promise<number>((resolve, reject) =>
      app.server.getConnections((error, held) => (error ? reject(error) : resolve(held))),
    );
    if (held === count) return;
    if (Date.now() > deadline) throw new Error(`the App holds ${held} connections, not ${count}`);
    await sleep(10);
  }
}

/** Rejects unless `promise` settles within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms).then(() => Promise.reject(new Error(`${what} took longer than ${ms} ms`))),
  ]);
}

/** A signed `ping` (GitHub sends one when a webhook is set up): answered 200, posts nothing. */
function signedPing(id: string, headers: Record<string, string> = {}) {
  const body = JSON.stringify(loadPingFixture());
  const head = [
    "POST /api/github/webhooks HTTP/1.1",
    "Host: 127.0.0.1",
    "Content-Type: application/json",
    "User-Agent: GitHub-Hookshot/test",
    "X-GitHub-Event: ping",
    `X-GitHub-Delivery: ${id}`,
    `X-Hub-Signature-256: ${signBody(body, TEST_WEBHOOK_SECRET)}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ].join("\r\n");
  return { head: `${head}\r\n\r\n`, body };
}

/** Starts a request whose body then comes one byte per `everyMs`; stops when the socket closes. */
function trickle(connection: RawConnection, deliveryId: string, everyMs: number) {
  const { head } = signedPing(deliveryId);
  connection.socket.write(head.replace(/Content-Length: \d+/, "Content-Length: 1000"));
  const timer = setInterval(() => connection.socket.write("{"), everyMs);
  void connection.closed.then(() => clearInterval(timer));
}

describe("what a forged delivery's headers can make the App log", () => {
  test("8 KB X-GitHub-Delivery and X-GitHub-Event: one line under 400 bytes, each value cut to 40 characters with a marker", async () => {
    await start();
    const response = await app.deliver(
      "e".repeat(8000),
      { zen: "forged" },
      {
        id: "d".repeat(8000),
        secret: "not-the-secret",
      },
    );

    expect(response.status).toBe(401);
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]).toMatchObject({
      deliveryId: `${"d".repeat(40)}…[+7960]`,
      event: `${"e".repeat(40)}…[+7960]`,
    });
    const [line] = app
      .rawLog()
      .split("\n")
      .filter((text) => text.includes("delivery refused"));
    expect(Buffer.byteLength(line!)).toBeLessThan(400);
  });

  test("characters that JSON would escape or widen are shown as ?, so they cannot lengthen the line", async () => {
    await start();
    const widening = '"\\é'.repeat(2600);
    const response = await app.deliver(
      widening,
      { zen: "forged" },
      {
        id: widening,
        secret: "not-the-secret",
      },
    );

    expect(response.status).toBe(401);
    expect(refusals()[0]!.deliveryId).toBe(`${"?".repeat(40)}…[+7760]`);
    const [line] = app
      .rawLog()
      .split("\n")
      .filter((text) => text.includes("delivery refused"));
    expect(Buffer.byteLength(line!)).toBeLessThan(400);
  });

  test("GitHub's own values are logged whole", async () => {
    await start();
    const id = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
    await app.deliver("branch_protection_configuration", {}, { id, secret: "not-the-secret" });
    expect(refusals()[0]).toMatchObject({
      deliveryId: id,
      event: "branch_protection_configuration",
    });
  });
});

describe("slow senders", () => {
  const fast = { headersTimeoutMs: 500, requestTimeoutMs: 1_000, checkIntervalMs: 100 };

  test("a body trickled a byte at a time is cut with 408 within the request timeout and logged once, while a delivery sent meanwhile is answered", async () => {
    await start({}, fast);
    const slow = await openConnection();
    trickle(slow, `slow-${"s".repeat(100)}`, 100);

    await sleep(300);
    const meanwhile = await app.deliver("ping", loadPingFixture(), { id: "meanwhile" });
    expect(meanwhile.status).toBe(200);

    const elapsed = await within(slow.closed, 3_000, "closing the slow connection");
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    await waitUntil(() => refusals().length > 0, "the refusal is logged", 1_000);
    await sleep(300);
    expect(refusals()).toEqual([
      expect.objectContaining({
        deliveryId: `slow-${"s".repeat(35)}…[+65]`,
        event: "ping",
        remoteAddress: "127.0.0.1",
        reason: "the body did not arrive in time; answered 408 and closed",
      }),
    ]);
    // Neither an error with a stack per slow sender nor a second line for it.
    expect(app.logs.filter((line) => line.level >= 50)).toEqual([]);
    expect(connectionRefusals()).toEqual({});
  });

  test("connections that never finish their headers are closed by the headers timeout, and counted in one line rather than one each", async () => {
    await start({}, fast);
    const silent = await Promise.all([1, 2, 3, 4, 5].map(() => openConnection()));
    const dribbling = await Promise.all([1, 2, 3, 4, 5].map(() => openConnection()));
    for (const connection of dribbling) {
      connection.socket.write("POST /api/github/webhooks HTTP/1.1\r\n");
      const timer = setInterval(() => connection.socket.write("X-Padding: 1\r\n"), 100);
      void connection.closed.then(() => clearInterval(timer));
    }

    const closedAfter = await within(
      Promise.all([...silent, ...dribbling].map((connection) => connection.closed)),
      2_000,
      "closing the connections",
    );
    expect(Math.min(...closedAfter)).toBeGreaterThanOrEqual(400);
    for (const connection of [...silent, ...dribbling]) {
      expect(connection.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    }
    await waitUntil(() => connectionRefusals().timeout === 10, "all ten are counted", 1_000);
    const lines = app.logs.filter((line) => line.msg.startsWith("connections refused"));
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(refusals()).toEqual([]);
  });
});

describe("the connection bound", () => {
  test("connections beyond WEBHOOK_MAX_CONNECTIONS are closed at once, while those within it are answered", async () => {
    await start({ WEBHOOK_MAX_CONNECTIONS: "3" });
    const within3 = await Promise.all([1, 2, 3].map(() => openConnection()));
    await waitForConnections(3);

    const beyond = await openConnection();
    await within(beyond.closed, 1_000, "closing the fourth connection");
    expect(beyond.received()).toBe("");

    for (const [index, connection] of within3.entries()) {
      const { head, body } = signedPing(`within-${index}`, { Connection: "close" });
      connection.socket.write(head + body);
      await within(connection.closed, 2_000, "answering a connection within the bound");
      expect(connection.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    }
    await waitUntil(
      () => connectionRefusals().over_connection_limit === 1,
      "the dropped connection is counted",
      1_000,
    );
    expect(
      app.logs.find((line) => line.msg.startsWith("connections refused"))?.maxConnections,
    ).toBe(3);
  });

  test("with the bound taken by slow senders, a delivery gets through as soon as they are timed out", async () => {
    await start(
      { WEBHOOK_MAX_CONNECTIONS: "3" },
      { headersTimeoutMs: 500, requestTimeoutMs: 1_000, checkIntervalMs: 100 },
    );
    const slow = await Promise.all([1, 2, 3].map(() => openConnection()));
    slow.forEach((connection, index) => trickle(connection, `slow-${index}`, 100));
    await waitForConnections(3);

    const started = Date.now();
    let answered: number | undefined;
    while (answered === undefined && Date.now() - started < 3_000) {
      const attempt = await openConnection();
      const { head, body } = signedPing(`attempt-${Date.now()}`, { Connection: "close" });
      attempt.socket.write(head + body);
      await attempt.closed;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(attempt.received())?.[1];
      if (status) answered = Number(status);
      else await sleep(50);
    }

    expect(answered).toBe(200);
    // Within the request timeout (1 s) and one check of it (0.1 s), and a little for the machine.
    expect(Date.now() - started).toBeLessThan(2_000);
    await Promise.all(slow.map((connection) => connection.closed));
    expect(refusals().filter((line) => /in time/.test(String(line.reason)))).toHaveLength(3);
  });
});

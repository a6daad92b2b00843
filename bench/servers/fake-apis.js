/**
 * Fake Slack Web API and fake GitHub REST API (GHES layout, under /api/v3) on 127.0.0.1, in a
 * process of their own so they do not share a core's event loop with the load generator.
 * Tells its parent `{ slackPort, githubPort }` once listening. IPC: `{ type: "counts" }` is
 * answered with the request counts; `{ type: "receipts", prefix }` with when each
 * chat.postMessage whose text holds an end-to-end marker (`bench-e2e-…`) starting with `prefix` arrived.
 */
import { createServer } from "node:http";

const CONFIG_PATH = ".github/threadline.yml";
const CONFIG_YAML = "channel: C0123456789\n";
const MAX_LOGGED_UNEXPECTED = 20;

const counts = {
  slackPosts: 0,
  tokenExchanges: 0,
  configReads: 0,
  hookDeliveryListings: 0,
  unexpected: 0,
};
let slackTs = 0;

/** The marker the end-to-end phase puts in each comment body; the rendered message repeats it. */
const MARKER = /bench-e2e-[0-9a-z]+-\d+/;
/** marker -> arrival times (ms since the epoch, sub-millisecond; same clock as the bench's). */
const receipts = new Map();
const wallClock = () => performance.timeOrigin + performance.now();

function unexpected(api, request, response) {
  counts.unexpected += 1;
  if (counts.unexpected <= MAX_LOGGED_UNEXPECTED) {
    process.stderr.write(`[fake ${api}] unexpected request: ${request.method} ${request.url}\n`);
  }
  response.writeHead(404, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify({ ok: false, message: "Not Found", error: "unknown_method" }));
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** @slack/web-api posts form-encoded; JSON is accepted too. */
function channelOf(body, contentType = "") {
  if (contentType.includes("json")) {
    try {
      return JSON.parse(body).channel;
    } catch {
      return undefined;
    }
  }
  return new URLSearchParams(body).get("channel") ?? undefined;
}

const slack = createServer(async (request, response) => {
  const body = await readBody(request);
  // Timed once the whole request is read: what Slack would have received.
  const receivedAt = wallClock();
  if (request.method !== "POST" || request.url !== "/api/chat.postMessage") {
    return unexpected("slack", request, response);
  }
  counts.slackPosts += 1;
  slackTs += 1;
  const marker = MARKER.exec(body)?.[0];
  if (marker) {
    const seen = receipts.get(marker);
    if (seen) seen.push(receivedAt);
    else receipts.set(marker, [receivedAt]);
  }
  const channel = channelOf(body, request.headers["content-type"]) ?? "C0123456789";
  const ts = `${Math.floor(Date.now() / 1000)}.${String(slackTs).padStart(6, "0")}`;
  response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify({ ok: true, channel, ts, message: { ts } }));
});

const TOKEN_PATH = /^\/api\/v3\/app\/installations\/(\d+)\/access_tokens$/;
const HOOK_DELIVERIES_PATH = /^\/api\/v3\/app\/hook\/deliveries(\?.*)?$/;
const CONTENTS_PATH = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/contents\/([^?]+)(\?.*)?$/;

const github = createServer(async (request, response) => {
  await readBody(request);
  const url = request.url ?? "/";
  if (request.method === "POST" && TOKEN_PATH.test(url)) {
    counts.tokenExchanges += 1;
    response.writeHead(201, { "content-type": "application/json; charset=utf-8" });
    response.end(
      JSON.stringify({
        token: "ghs_bench_installation_token",
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { pull_requests: "read", single_file: "read", metadata: "read" },
        repository_selection: "all",
      }),
    );
    return;
  }
  // threadline's missed-delivery sweep lists the App's recent deliveries at start: none failed.
  if (request.method === "GET" && HOOK_DELIVERIES_PATH.test(url)) {
    counts.hookDeliveryListings += 1;
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    response.end("[]");
    return;
  }
  const contents = request.method === "GET" ? CONTENTS_PATH.exec(url) : null;
  if (contents && decodeURIComponent(contents[3]) === CONFIG_PATH) {
    counts.configReads += 1;
    response.writeHead(200, { "content-type": "application/vnd.github.v3.raw; charset=utf-8" });
    response.end(CONFIG_YAML);
    return;
  }
  unexpected("github", request, response);
});

const listen = (server) =>
  new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
const [slackPort, githubPort] = await Promise.all([listen(slack), listen(github)]);
process.send({ slackPort, githubPort });
process.on("message", (message) => {
  if (message?.type === "receipts") {
    const prefix = String(message.prefix ?? "");
    const list = [...receipts].filter(([marker]) => marker.startsWith(prefix));
    process.send({ type: "receipts", receipts: Object.fromEntries(list) });
  } else {
    process.send({ type: "counts", counts: { ...counts } });
  }
});
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));

/**
 * `npm run bench`: webhook throughput, latency, and cost of a forged flood for three servers, each
 * in its own `node` process: a bare HMAC check (the machine's ceiling), a bare Probot 14 app, and
 * threadline (`lib/main.js`) against fake Slack and GitHub APIs. Prints a table, writes
 * bench/results/latest.json. See bench/README.md.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { load } from "./lib/load.js";
import { buildDelivery } from "./lib/payload.js";
import {
  freePort,
  sampleRss,
  sleep,
  startByteCounter,
  startIpcChild,
  startServer,
  stop,
  stopAll,
  waitForPort,
} from "./lib/processes.js";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RESULTS = fileURLToPath(new URL("results/latest.json", import.meta.url));

/** Bounded knobs; the defaults keep the whole run near two minutes. */
function boundedInt(name, fallback, min, max) {
  const raw = Number(process.env[name] ?? fallback);
  return Number.isFinite(raw) ? Math.min(max, Math.max(min, Math.round(raw))) : fallback;
}
const SETTINGS = {
  connections: boundedInt("BENCH_CONNECTIONS", 50, 1, 200),
  warmupSeconds: boundedInt("BENCH_WARMUP_SECONDS", 3, 0, 10),
  seconds: boundedInt("BENCH_SECONDS", 10, 1, 20),
  settleMs: 1000,
  afterFloodMs: 2000,
  /** After those 2 s, how long to wait at most for a server's log to stop growing. */
  maxDrainMs: 20_000,
  rssIntervalMs: 250,
};
// Every phase is bounded; this is the backstop should something hang anyway.
const PER_SERVER_MAX_MS =
  20_000 + // start-up (waitForPort)
  (SETTINGS.warmupSeconds + 2 * SETTINGS.seconds) * 1000 +
  2 * SETTINGS.settleMs +
  SETTINGS.afterFloodMs +
  SETTINGS.maxDrainMs +
  2 * 3000 + // stop(): SIGTERM grace, server and counter
  5000;

const SERVERS = [
  { key: "bareHmac", label: "bare HMAC", args: [`${BENCH_DIR}servers/bare-hmac.js`] },
  { key: "bareProbot", label: "bare Probot", args: [`${BENCH_DIR}servers/bare-probot.js`] },
  { key: "threadline", label: "threadline", args: [`${ROOT}lib/main.js`] },
];
const WATCHDOG_MS = SERVERS.length * PER_SERVER_MAX_MS + 30_000;

function progress(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

function fakeApiCounts(fakes) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("fake APIs did not answer")), 5000);
    fakes.once("message", (counts) => {
      clearTimeout(timer);
      resolve(counts);
    });
    fakes.send({});
  });
}

function delta(after, before) {
  return Object.fromEntries(Object.keys(after).map((key) => [key, after[key] - before[key]]));
}

/** Runs the valid and the forged phase against one server, then stops it. */
async function measure(spec, { env, delivery, fakes }) {
  const port = await freePort();
  const counter = startByteCounter();
  const child = startServer({
    name: spec.label,
    args: spec.args,
    env: { ...env, PORT: String(port) },
    cwd: BENCH_DIR, // no .env here for dotenv to pick up
    stdout: counter.stream,
  });
  const url = `http://127.0.0.1:${port}/api/github/webhooks`;
  const run = (signature, seconds) =>
    load({ url, delivery, signature, connections: SETTINGS.connections, seconds });
  let rss;
  try {
    await waitForPort(port, child);
    rss = sampleRss(child.pid, SETTINGS.rssIntervalMs);
    const rssIdle = rss.now();

    progress(`${spec.label}: valid warm-up ${SETTINGS.warmupSeconds}s`);
    if (SETTINGS.warmupSeconds > 0) await run(delivery.validSignature, SETTINGS.warmupSeconds);
    await sleep(SETTINGS.settleMs);

    progress(`${spec.label}: valid ${SETTINGS.seconds}s`);
    const bytesBeforeValid = await counter.bytes();
    const apisBeforeValid = await fakeApiCounts(fakes);
    const validMark = performance.now();
    const valid = await run(delivery.validSignature, SETTINGS.seconds);
    const rssPeakValid = Math.max(rss.peakSince(validMark), rss.now() ?? 0);
    await sleep(SETTINGS.settleMs);
    const bytesAfterValid = await counter.bytes();
    const apisDuringValid = delta(await fakeApiCounts(fakes), apisBeforeValid);

    progress(`${spec.label}: forged flood ${SETTINGS.seconds}s`);
    const rssBefore = rss.now();
    const floodMark = performance.now();
    const forged = await run(delivery.forgedSignature, SETTINGS.seconds);
    const bytesAtFloodEnd = await counter.bytes();
    // RSS may drop under GC during the flood; "peak" is never below "before".
    const rssPeak = Math.max(rssBefore ?? 0, rss.peakSince(floodMark), rss.now() ?? 0);
    await sleep(SETTINGS.afterFloodMs);
    const rssAfter = rss.now();
    // A server whose logging fell behind keeps writing after the flood: count all of it.
    const { bytes: bytesAfterFlood, extraDrainMs, stillGrowing } = await waitForQuietLog(counter);

    const alive = child.exitCode === null && child.signalCode === null;
    if (!alive) throw new Error(`${spec.label} died during the run:\n${child.stderrTail()}`);
    // Probot refuses a bad signature with 400, the others with 401: every non-2xx is a refusal.
    const refused = forged.non2xx;
    const validLogBytes = bytesAfterValid - bytesBeforeValid;
    const floodLogBytes = bytesAfterFlood - bytesAfterValid;
    return {
      label: spec.label,
      pid: child.pid,
      valid,
      forged,
      rssMB: {
        idle: mb(rssIdle),
        peakDuringValid: mb(rssPeakValid),
        beforeFlood: mb(rssBefore),
        peakDuringFlood: mb(rssPeak),
        afterFlood: mb(rssAfter),
        floodGrowth: mb(rssPeak - rssBefore),
      },
      log: {
        validBytes: validLogBytes,
        bytesPerValidDelivery: valid.ok > 0 ? validLogBytes / valid.ok : null,
        floodBytes: floodLogBytes,
        /** Only what reached stdout while the flood ran; a server that falls behind writes the rest later. */
        floodWindowBytes: bytesAtFloodEnd - bytesAfterValid,
        refused,
        bytesPerRefusal: refused > 0 ? floodLogBytes / refused : null,
        /** How long the log kept growing past the 2 s wait after the flood. */
        extraDrainMs,
        /** The log was still growing when the bench stopped waiting: floodBytes is a lower bound. */
        stillGrowing,
      },
      fakeApisDuringValid: apisDuringValid,
      stderr: child.stderrTail().slice(-2000) || undefined,
    };
  } finally {
    rss?.stop();
    child.expectedExit = true;
    await stop(child);
    await stop(counter.child);
  }
}

/**
 * Waits until the server's stdout has been still for half a second, at most `maxMs`; resolves with
 * the byte count and how long it kept growing.
 */
async function waitForQuietLog(counter, maxMs = SETTINGS.maxDrainMs) {
  const start = performance.now();
  let bytes = await counter.bytes();
  let lastChange = start;
  while (performance.now() - start < maxMs && performance.now() - lastChange < 500) {
    await sleep(250);
    const now = await counter.bytes();
    if (now !== bytes) {
      bytes = now;
      lastChange = performance.now();
    }
  }
  return {
    bytes,
    extraDrainMs: Math.round(lastChange - start),
    stillGrowing: performance.now() - lastChange < 500,
  };
}

/** As `prettier --check .` wants it, should the file be committed; plain JSON without prettier. */
async function formatJson(json) {
  try {
    const prettier = await import("prettier");
    return await prettier.format(json, { parser: "json", printWidth: 100 });
  } catch {
    return `${JSON.stringify(JSON.parse(json), null, 2)}\n`;
  }
}

function mb(bytes) {
  return bytes === undefined ? null : Math.round((bytes / 1024 / 1024) * 10) / 10;
}

function ratio(numerator, denominator) {
  return numerator != null && denominator ? Number((numerator / denominator).toPrecision(2)) : null;
}

function formatTable(results) {
  const fixed = (value, digits = 0) => (value == null ? "n/a" : value.toFixed(digits));
  const header = [
    "server",
    "valid rps",
    "p50 ms",
    "p99 ms",
    "err/non2xx",
    "forged rps",
    "RSS MB before/peak/after",
    "log B/refusal",
    "log B/valid",
  ];
  const rows = results.map((r) => [
    r.label,
    fixed(r.valid.rps),
    fixed(r.valid.latencyMs.p50),
    fixed(r.valid.latencyMs.p99),
    // errors are socket errors and timeouts; non2xx are answers other than 2xx
    `${r.valid.errors}/${r.valid.non2xx}`,
    fixed(r.forged.rps),
    `${fixed(r.rssMB.beforeFlood, 1)}/${fixed(r.rssMB.peakDuringFlood, 1)}/${fixed(r.rssMB.afterFlood, 1)}`,
    `${r.log.stillGrowing ? ">=" : ""}${fixed(r.log.bytesPerRefusal, 0)}`,
    fixed(r.log.bytesPerValidDelivery, 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

async function main() {
  const watchdog = setTimeout(() => {
    progress(`gave up after ${WATCHDOG_MS / 1000}s`);
    process.exit(1);
  }, WATCHDOG_MS);

  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const secret = randomBytes(20).toString("hex");
  const delivery = buildDelivery(secret);

  const fakeApis = startIpcChild(`${BENCH_DIR}servers/fake-apis.js`);
  const { slackPort, githubPort } = await fakeApis.ready;
  const env = {
    NODE_ENV: "production",
    APP_ID: "12345",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: secret,
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    HOST: "127.0.0.1",
    SLACK_BOT_TOKEN: "xoxb-bench-token",
    SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
    GHE_HOST: `127.0.0.1:${githubPort}`,
    GHE_PROTOCOL: "http",
  };

  const machine = {
    cpus: cpus().length,
    loadavgAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
  progress(
    `${machine.cpus} CPUs, load average ${machine.loadavgAtStart.join(" ")}; body ${delivery.body.length} bytes`,
  );

  const results = [];
  for (const spec of SERVERS) {
    results.push(await measure(spec, { env, delivery, fakes: fakeApis.child }));
  }
  const byKey = Object.fromEntries(SERVERS.map((spec, i) => [spec.key, results[i]]));
  const fakeApisTotal = await fakeApiCounts(fakeApis.child);

  const { bareHmac, bareProbot, threadline } = byKey;
  const ratios = {
    threadlineValidRpsOverBareProbot: ratio(threadline.valid.rps, bareProbot.valid.rps),
    threadlineForgedRpsOverBareHmac: ratio(threadline.forged.rps, bareHmac.forged.rps),
    threadlineFloodRssGrowthMB: threadline.rssMB.floodGrowth,
    bareProbotFloodRssGrowthMB: bareProbot.rssMB.floodGrowth,
    threadlineRssGrowthOverBareProbot: ratio(
      threadline.rssMB.floodGrowth,
      bareProbot.rssMB.floodGrowth,
    ),
  };

  console.log(
    `\nwebhook bench: ${SETTINGS.connections} connections, ${SETTINGS.seconds}s per phase, ${delivery.body.length}-byte issue_comment.created\n`,
  );
  console.log(formatTable(results));
  console.log(`
threadline valid rps / bare Probot valid rps:   ${ratios.threadlineValidRpsOverBareProbot ?? "n/a"}
threadline forged rps / bare HMAC forged rps:   ${ratios.threadlineForgedRpsOverBareHmac ?? "n/a"}
RSS growth during flood: threadline ${ratios.threadlineFloodRssGrowthMB} MB, bare Probot ${ratios.bareProbotFloodRssGrowthMB} MB (ratio ${ratios.threadlineRssGrowthOverBareProbot ?? "n/a"})
threadline during valid phase: ${threadline.fakeApisDuringValid.slackPosts} Slack posts for ${threadline.valid.ok} deliveries, ${threadline.fakeApisDuringValid.tokenExchanges} token exchanges, ${threadline.fakeApisDuringValid.configReads} config reads; unexpected API requests in the whole run: ${fakeApisTotal.unexpected}`);

  mkdirSync(new URL("results/", import.meta.url), { recursive: true });
  const json = JSON.stringify({
    finishedAt: new Date().toISOString(),
    node: process.version,
    machine: { ...machine, loadavgAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
    settings: { ...SETTINGS, bodyBytes: delivery.body.length, event: "issue_comment.created" },
    servers: byKey,
    ratios,
    fakeApis: fakeApisTotal,
  });
  writeFileSync(RESULTS, await formatJson(json));
  console.log(`\nwrote ${RESULTS}`);
  clearTimeout(watchdog);
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await stopAll();
}
process.exit();

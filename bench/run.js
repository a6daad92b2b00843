/**
 * `npm run bench`: webhook throughput, ack latency, and cost of a forged flood for three servers,
 * each in its own `node` process: a bare HMAC check (the machine's ceiling), a bare Probot 14 app,
 * and threadline (`lib/main.js`) against fake Slack and GitHub APIs; for threadline also a forged
 * flood with 8 KB headers and a slowloris with valid deliveries through it; then, in a fresh
 * threadline process, the end-to-end latency from a delivery to the fake Slack's receipt of its
 * message.
 * Prints a table, writes bench/results/latest.json. See bench/README.md.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  durableCheck,
  E2E,
  E2E_ENV,
  E2E_MAX_MS,
  formatJson,
  ratio,
  runEndToEnd,
} from "./lib/end-to-end.js";
import { countsDelta, fakeApiCounts } from "./lib/fake-apis-client.js";
import { runBigHeaderFlood, runSlowloris } from "./lib/hostile-phases.js";
import { boundedInt, namesFrom } from "./lib/knobs.js";
import { THREADLINE_ARGS, threadlineEnv } from "./lib/threadline-command.js";
import { load } from "./lib/load.js";
import { buildDelivery } from "./lib/payload.js";
import { sendSteady } from "./lib/steady.js";
import {
  cpuMs,
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
const RESULTS = fileURLToPath(new URL("results/latest.json", import.meta.url));

const SETTINGS = {
  connections: boundedInt("BENCH_CONNECTIONS", 50, 1, 200),
  warmupSeconds: boundedInt("BENCH_WARMUP_SECONDS", 3, 0, 10),
  seconds: boundedInt("BENCH_SECONDS", 10, 1, 20),
  settleMs: 1000,
  afterFloodMs: 2000,
  /** After those 2 s, how long to wait at most for a server's log to stop growing. */
  maxDrainMs: 20_000,
  rssIntervalMs: 250,
  /** The baselines measured beside threadline (`BENCH_BASELINES`); both by default. */
  baselines: namesFrom("BENCH_BASELINES", ["bare-hmac", "bare-probot"]),
  /** threadline's hostile phases and the end-to-end phase (`BENCH_EXTRAS=0` leaves them out). */
  extras: boundedInt("BENCH_EXTRAS", 1, 0, 1) === 1,
  /** threadline only: the forged flood with big headers, and the slowloris. */
  hostile: {
    /** X-GitHub-Delivery and X-GitHub-Event each this long; both fit Node's 16 KB of headers. */
    headerBytes: 8000,
    bigHeaderSeconds: boundedInt("BENCH_HOSTILE_SECONDS", 5, 1, 20),
    slowConnections: boundedInt("BENCH_SLOW_CONNECTIONS", 800, 1, 900),
    /** Valid load just before the slowloris and during it: within threadline's 10 s request timeout. */
    loadSeconds: 5,
    /** How long after the slow senders connected their connections are counted again. */
    observeSeconds: 20,
  },
  /** Targets from the issue, printed beside the measurements. */
  targets: {
    validRpsOverBareProbot: 1.0,
    ackP99Ms: 50,
    rssAfterBothPhasesMB: 150,
    forgedRpsOverBareHmac: 0.9,
  },
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
// threadline's hostile phases on top: big-header flood, its wait for a quiet log, the slowloris.
const HOSTILE_MAX_MS =
  SETTINGS.hostile.bigHeaderSeconds * 1000 +
  SETTINGS.afterFloodMs +
  SETTINGS.maxDrainMs +
  10_000 + // slow senders connecting
  (SETTINGS.hostile.loadSeconds + SETTINGS.hostile.observeSeconds) * 1000 +
  5000;

const SERVERS = [
  {
    key: "bareHmac",
    name: "bare-hmac",
    label: "bare HMAC",
    args: [`${BENCH_DIR}servers/bare-hmac.js`],
  },
  {
    key: "bareProbot",
    name: "bare-probot",
    label: "bare Probot",
    args: [`${BENCH_DIR}servers/bare-probot.js`],
  },
  {
    key: "threadline",
    name: "threadline",
    label: "threadline",
    args: THREADLINE_ARGS,
    outboxMetrics: true,
    hostile: SETTINGS.extras,
  },
].filter((spec) => spec.name === "threadline" || SETTINGS.baselines.includes(spec.name));
const WATCHDOG_MS =
  SERVERS.length * PER_SERVER_MAX_MS + (SETTINGS.extras ? HOSTILE_MAX_MS + E2E_MAX_MS : 0) + 30_000;

function progress(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

/** threadline's outbox depth by status, and its verified-delivery counts, from its operator port's GET /metrics. */
async function outboxMetrics(port) {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  const series = (name, label) => {
    const values = {};
    const pattern = new RegExp(`^${name}\\{${label}="([^"]+)"\\} (\\S+)$`, "gm");
    for (const [, key, value] of text.matchAll(pattern)) values[key] = Number(value);
    return values;
  };
  const posts = {
    pending: 0,
    sending: 0,
    sent: 0,
    dead: 0,
    ...series("threadline_outbox_posts", "status"),
  };
  return {
    posts,
    totalPosts: Object.values(posts).reduce((sum, n) => sum + n, 0),
    deliveriesReceived: series("threadline_deliveries_received_total", "outcome"),
  };
}

/** Runs the valid and the forged phase against one server, then stops it. */
async function measure(spec, { env, extraEnv = {}, delivery, fakes }) {
  const port = await freePort();
  // threadline answers /metrics on its operator port, apart from the webhook's.
  const operatorPort = await freePort();
  const counter = startByteCounter();
  const child = startServer({
    name: spec.label,
    args: spec.args,
    env: { ...env, ...extraEnv, PORT: String(port), METRICS_PORT: String(operatorPort) },
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
    const warmup =
      SETTINGS.warmupSeconds > 0
        ? await run(delivery.validSignature, SETTINGS.warmupSeconds)
        : { ok: 0, cutOff: 0 };
    await sleep(SETTINGS.settleMs);

    progress(`${spec.label}: valid ${SETTINGS.seconds}s`);
    const bytesBeforeValid = await counter.bytes();
    const apisBeforeValid = await fakeApiCounts(fakes);
    const validMark = performance.now();
    const cpuBeforeValid = cpuMs(child.pid);
    const valid = await run(delivery.validSignature, SETTINGS.seconds);
    const cpuValid = cpuMs(child.pid) - cpuBeforeValid;
    const rssPeakValid = Math.max(rss.peakSince(validMark), rss.now() ?? 0);
    await sleep(SETTINGS.settleMs);
    const bytesAfterValid = await counter.bytes();
    const apisDuringValid = countsDelta(await fakeApiCounts(fakes), apisBeforeValid);
    // Every 2xx must be a recorded delivery: the outbox holds one post per answered delivery
    // (warm-up included), plus any for requests cut off in flight when a load run stopped.
    const outbox = spec.outboxMetrics
      ? durableCheck(await outboxMetrics(operatorPort), warmup, valid)
      : undefined;

    progress(`${spec.label}: forged flood ${SETTINGS.seconds}s`);
    const rssBefore = rss.now();
    const floodMark = performance.now();
    const cpuBeforeFlood = cpuMs(child.pid);
    const forged = await run(delivery.forgedSignature, SETTINGS.seconds);
    const cpuFlood = cpuMs(child.pid) - cpuBeforeFlood;
    const bytesAtFloodEnd = await counter.bytes();
    // RSS may drop under GC during the flood; "peak" is never below "before".
    const rssPeak = Math.max(rssBefore ?? 0, rss.peakSince(floodMark), rss.now() ?? 0);
    await sleep(SETTINGS.afterFloodMs);
    const rssAfter = rss.now();
    // A server whose logging fell behind keeps writing after the flood: count all of it.
    const { bytes: bytesAfterFlood, extraDrainMs, stillGrowing } = await waitForQuietLog(counter);

    // Probot refuses a bad signature with 400, the others with 401: every non-2xx is a refusal.
    const refused = forged.non2xx;
    const validLogBytes = bytesAfterValid - bytesBeforeValid;
    const floodLogBytes = bytesAfterFlood - bytesAfterValid;

    const hostile = spec.hostile
      ? await measureHostile({
          port,
          url,
          delivery,
          pid: child.pid,
          rss,
          counter,
          logBytesPerValidDelivery: valid.ok > 0 ? validLogBytes / valid.ok : 0,
          label: spec.label,
        })
      : undefined;

    const alive = child.exitCode === null && child.signalCode === null;
    if (!alive) throw new Error(`${spec.label} died during the run:\n${child.stderrTail()}`);
    return {
      label: spec.label,
      pid: child.pid,
      warmup: { ok: warmup.ok, cutOff: warmup.cutOff },
      valid,
      forged,
      outbox,
      /** Server CPU (user + system) per answered request, microseconds. */
      cpuUs: {
        perValidDelivery: valid.ok > 0 ? Math.round((cpuValid * 1000) / valid.ok) : null,
        perRefusal: forged.non2xx > 0 ? Math.round((cpuFlood * 1000) / forged.non2xx) : null,
      },
      rssMB: {
        idle: mb(rssIdle),
        peakDuringValid: mb(rssPeakValid),
        beforeFlood: mb(rssBefore),
        peakDuringFlood: mb(rssPeak),
        afterFlood: mb(rssAfter),
        /** After the valid load and the forged flood: the target's figure. */
        afterBothPhases: mb(Math.max(rssAfter ?? 0, rssBefore ?? 0)),
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
      hostile,
      stderr: child.stderrTail().slice(-2000) || undefined,
    };
  } finally {
    rss?.stop();
    child.expectedExit = true;
    await stop(child);
    await stop(counter.child);
  }
}

/** threadline's hostile phases, after its forged flood: big-header forged flood, then slowloris. */
async function measureHostile({
  port,
  url,
  delivery,
  pid,
  rss,
  counter,
  logBytesPerValidDelivery,
  label,
}) {
  const { hostile } = SETTINGS;
  progress(
    `${label}: forged flood with ${hostile.headerBytes}-byte X-GitHub-Delivery and X-GitHub-Event ${hostile.bigHeaderSeconds}s`,
  );
  const bigHeaders = await runBigHeaderFlood({
    url,
    delivery,
    connections: SETTINGS.connections,
    seconds: hostile.bigHeaderSeconds,
    headerBytes: hostile.headerBytes,
    pid,
    rss,
    counter,
    afterMs: SETTINGS.afterFloodMs,
    waitForQuietLog,
  });
  progress(
    `${label}: valid ${hostile.loadSeconds}s, then slowloris: ${hostile.slowConnections} connections trickling 1 byte/s, valid load for ${hostile.loadSeconds}s, counted again at ${hostile.observeSeconds}s`,
  );
  const slowloris = await runSlowloris({
    port,
    path: new URL(url).pathname,
    url,
    delivery,
    slowConnections: hostile.slowConnections,
    connections: SETTINGS.connections,
    loadSeconds: hostile.loadSeconds,
    observeSeconds: hostile.observeSeconds,
    pid,
    rss,
    counter,
    logBytesPerValidDelivery,
  });
  return { bigHeaders, slowloris };
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

/** End-to-end phase, threadline only, in a process and database of its own. */
async function measureEndToEnd({ env, secret, fakes, databaseUrl }) {
  const name = "threadline (end-to-end)";
  const port = await freePort();
  const counter = startByteCounter();
  const child = startServer({
    name,
    args: THREADLINE_ARGS,
    env: {
      ...env,
      PORT: String(port),
      METRICS_PORT: String(await freePort()),
      DATABASE_URL: databaseUrl,
      ...E2E_ENV,
    },
    cwd: BENCH_DIR,
    stdout: counter.stream,
  });
  const url = `http://127.0.0.1:${port}/api/github/webhooks`;
  try {
    await waitForPort(port, child);
    const { result } = await runEndToEnd({
      secret,
      fakes,
      send: (deliveries) => sendSteady({ url, deliveries, ratePerSecond: E2E.ratePerSecond }),
      warmupCount: E2E.warmupDeliveries,
      progress: (message) => progress(`${name}: ${message}`),
      assertAlive: () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`threadline died during the end-to-end phase:\n${child.stderrTail()}`);
      },
    });
    return {
      settings: { ...E2E },
      ...result,
      stderr: child.stderrTail().slice(-2000) || undefined,
    };
  } finally {
    child.expectedExit = true;
    await stop(child);
    await stop(counter.child);
  }
}

function mb(bytes) {
  return bytes === undefined ? null : Math.round((bytes / 1024 / 1024) * 10) / 10;
}

function formatTable(results) {
  const fixed = (value, digits = 0) => (value == null ? "n/a" : value.toFixed(digits));
  const header = [
    "server",
    "valid rps",
    "ack p50 ms",
    "ack p99 ms",
    "err/non2xx",
    "forged rps",
    "forged p50/p99 ms",
    "RSS MB before/peak/after flood",
    "CPU µs/valid",
    "CPU µs/refusal",
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
    `${fixed(r.forged.latencyMs.p50)}/${fixed(r.forged.latencyMs.p99)}`,
    `${fixed(r.rssMB.beforeFlood, 1)}/${fixed(r.rssMB.peakDuringFlood, 1)}/${fixed(r.rssMB.afterFlood, 1)}`,
    fixed(r.cpuUs.perValidDelivery),
    fixed(r.cpuUs.perRefusal),
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

const verdict = (met) => (met == null ? "n/a" : met ? "met" : "MISSED");

function formatOutbox(outbox) {
  if (!outbox) return "threadline outbox after the valid phase: not measured";
  const { posts, totalPosts, answered2xx, cutOff, extra, ok, deliveriesReceived } = outbox;
  return [
    `threadline outbox after the valid phase (GET /metrics): pending ${posts.pending}, sending ${posts.sending}, sent ${posts.sent}, dead ${posts.dead}; deliveries recorded as queued ${deliveriesReceived.queued ?? 0}`,
    `  durable check: pending + sending + sent + dead = ${totalPosts} posts vs ${answered2xx} deliveries answered 2xx (warm-up + valid): ${extra >= 0 ? "+" : ""}${extra}, allowed 0..${cutOff} (requests cut off in flight when a load run stopped) -> ${ok ? "OK" : "FAILED"}`,
  ].join("\n");
}

function formatHostile(hostile, threadline) {
  if (!hostile) return "threadline against hostile senders: not measured";
  const { bigHeaders: big, slowloris: slow } = hostile;
  const fixed = (value, digits = 0) => (value == null ? "n/a" : value.toFixed(digits));
  const statuses = (codes) =>
    Object.entries(codes)
      .map(([code, count]) => `${code} x${count}`)
      .join(", ") || "none";
  return [
    `threadline, forged flood with ${big.headerBytes}-byte X-GitHub-Delivery and X-GitHub-Event (${big.seconds}s): ${fixed(big.rps)} refusals/s (${statuses(big.statusCodes)}), p99 ${fixed(big.latencyMs.p99)} ms, CPU ${big.cpuUsPerRefusal} µs/refusal; log ${big.log.stillGrowing ? ">=" : ""}${fixed(big.log.bytesPerRefusal)} B/refusal (the plain forged flood: ${fixed(threadline.log.bytesPerRefusal)} B); RSS ${fixed(big.rssMB.before, 1)}/${fixed(big.rssMB.peak, 1)}/${fixed(big.rssMB.after, 1)} MB before/peak/after`,
    `threadline, slowloris: ${slow.slowConnections} connections trickling a delivery's body at 1 byte/s (${slow.slow.connected} connected), valid load on ${SETTINGS.connections} more for ${slow.valid.seconds}s meanwhile`,
    `  valid during the attack: ${fixed(slow.valid.rps)} rps, ack p50 ${fixed(slow.valid.latencyMs.p50)} ms, p99 ${fixed(slow.valid.latencyMs.p99)} ms (just before it, without: ${fixed(slow.validAlone.rps)} rps, p50 ${fixed(slow.validAlone.latencyMs.p50)} ms, p99 ${fixed(slow.validAlone.latencyMs.p99)} ms), err/non2xx ${slow.valid.errors}/${slow.valid.non2xx}`,
    `  slow connections held: ${slow.held.atStart} at the start, ${slow.held.atLoadEnd} when the valid load ended, ${slow.held.afterObserveSeconds} after ${slow.observeSeconds}s; closed by the server after p50 ${fixed(slow.slow.closedAfterMs.p50)} ms, max ${fixed(slow.slow.closedAfterMs.max)} ms (${statuses(slow.slow.statuses)})`,
    `  server file descriptors: ${slow.fds.before} before, ${slow.fds.peak} at the peak; RSS peak ${fixed(slow.rssPeakMB, 1)} MB; log ${fixed(slow.log.bytesPerSlowConnection)} B per slow connection`,
  ].join("\n");
}

function formatEndToEnd(e2e) {
  if (!e2e) return "end-to-end: not measured";
  const ms = (s) => `p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms`;
  return [
    `end-to-end (threadline, fresh process and database): ${e2e.deliveries} distinct comments at ${e2e.settings.ratePerSecond}/s over ${e2e.settings.pullRequests} pull requests, one channel; ORDER_WINDOW_MS=${e2e.settings.orderWindowMs}, SLACK_CHANNEL_RATE=${e2e.settings.slackChannelRate} SLACK_CHANNEL_BURST=${e2e.settings.slackChannelBurst}`,
    `  delivery sent -> fake Slack receipt: ${ms(e2e.endToEndMs)} (min ${e2e.endToEndMs.min} ms; beyond the order window: p50 ${e2e.beyondOrderWindowMs.p50} ms, p99 ${e2e.beyondOrderWindowMs.p99} ms)`,
    `  ack: p50 ${e2e.ackMs.p50} ms, p99 ${e2e.ackMs.p99} ms; answered 2xx ${e2e.answered2xx}/${e2e.deliveries}, received by Slack ${e2e.received}, missing ${e2e.missing}, duplicates ${e2e.duplicates}`,
  ].join("\n");
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

  // A database of its own per threadline process, removed on the way out; ./data is never touched.
  tempDir = mkdtempSync(join(tmpdir(), "threadline-bench-"));
  const databaseUrl = (name) => `sqlite://${join(tempDir, name)}`;

  const fakeApis = startIpcChild(`${BENCH_DIR}servers/fake-apis.js`);
  const { slackPort, githubPort } = await fakeApis.ready;
  const env = threadlineEnv({ privateKey, secret, slackPort, githubPort });

  const machine = {
    cpus: cpus().length,
    loadavgAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
  progress(
    `${machine.cpus} CPUs, load average ${machine.loadavgAtStart.join(" ")}; body ${delivery.body.length} bytes; databases under ${tempDir}`,
  );

  const results = [];
  for (const spec of SERVERS) {
    const extraEnv =
      spec.key === "threadline" ? { DATABASE_URL: databaseUrl("throughput.db") } : {};
    results.push(await measure(spec, { env, extraEnv, delivery, fakes: fakeApis.child }));
  }
  const byKey = Object.fromEntries(SERVERS.map((spec, i) => [spec.key, results[i]]));
  const endToEnd = SETTINGS.extras
    ? await measureEndToEnd({
        env,
        secret,
        fakes: fakeApis.child,
        databaseUrl: databaseUrl("end-to-end.db"),
      })
    : undefined;
  const fakeApisTotal = await fakeApiCounts(fakeApis.child);

  const { bareHmac, bareProbot, threadline } = byKey;
  const { targets } = SETTINGS;
  const ratios = {
    threadlineValidRpsOverBareProbot: ratio(threadline.valid.rps, bareProbot?.valid.rps),
    threadlineAckP99Ms: threadline.valid.latencyMs.p99,
    threadlineForgedRpsOverBareHmac: ratio(threadline.forged.rps, bareHmac?.forged.rps),
    threadlineRssAfterBothPhasesMB: threadline.rssMB.afterBothPhases,
    threadlineCpuPerValidOverBareProbot: ratio(
      threadline.cpuUs.perValidDelivery,
      bareProbot?.cpuUs.perValidDelivery,
    ),
    threadlineFloodRssGrowthMB: threadline.rssMB.floodGrowth,
    bareProbotFloodRssGrowthMB: bareProbot?.rssMB.floodGrowth ?? null,
    bareHmacFloodRssGrowthMB: bareHmac?.rssMB.floodGrowth ?? null,
  };
  const met = {
    validRps:
      ratios.threadlineValidRpsOverBareProbot == null
        ? null
        : ratios.threadlineValidRpsOverBareProbot >= targets.validRpsOverBareProbot,
    ackP99: ratios.threadlineAckP99Ms == null ? null : ratios.threadlineAckP99Ms < targets.ackP99Ms,
    rss:
      ratios.threadlineRssAfterBothPhasesMB == null
        ? null
        : ratios.threadlineRssAfterBothPhasesMB < targets.rssAfterBothPhasesMB,
    forgedRps:
      ratios.threadlineForgedRpsOverBareHmac == null
        ? null
        : ratios.threadlineForgedRpsOverBareHmac >= targets.forgedRpsOverBareHmac,
  };

  const loadavgAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  console.log(
    `\nwebhook bench: ${SETTINGS.connections} connections, ${SETTINGS.seconds}s per phase, ${delivery.body.length}-byte issue_comment.created; ${machine.cpus} CPUs, load average ${machine.loadavgAtStart.join(" ")} at start, ${loadavgAtEnd.join(" ")} at end\n`,
  );
  console.log(formatTable(results));
  console.log(`
threadline valid rps / bare Probot valid rps:  ${ratios.threadlineValidRpsOverBareProbot ?? "n/a"}  (target >= ${targets.validRpsOverBareProbot}: ${verdict(met.validRps)})
threadline ack p99 (valid phase):              ${ratios.threadlineAckP99Ms ?? "n/a"} ms  (target < ${targets.ackP99Ms} ms: ${verdict(met.ackP99)})
threadline RSS after both phases:              ${ratios.threadlineRssAfterBothPhasesMB ?? "n/a"} MB  (target < ${targets.rssAfterBothPhasesMB} MB: ${verdict(met.rss)})
threadline CPU per valid delivery / bare Probot's: ${ratios.threadlineCpuPerValidOverBareProbot ?? "n/a"}  (${threadline.cpuUs.perValidDelivery} µs vs ${bareProbot?.cpuUs.perValidDelivery ?? "n/a"} µs; steadier than rps on a shared machine)
threadline forged rps / bare HMAC forged rps:  ${ratios.threadlineForgedRpsOverBareHmac ?? "n/a"}  (target >= ${targets.forgedRpsOverBareHmac}: ${verdict(met.forgedRps)})
RSS growth during the flood (peak - before):   threadline ${ratios.threadlineFloodRssGrowthMB} MB, bare Probot ${ratios.bareProbotFloodRssGrowthMB ?? "n/a"} MB, bare HMAC ${ratios.bareHmacFloodRssGrowthMB ?? "n/a"} MB
threadline during the valid phase: ${threadline.fakeApisDuringValid.slackPosts} Slack posts (paced at 1/s) for ${threadline.valid.ok} deliveries, ${threadline.fakeApisDuringValid.tokenExchanges} token exchanges, ${threadline.fakeApisDuringValid.configReads} config reads; unexpected API requests in the whole run: ${fakeApisTotal.unexpected}
${formatOutbox(threadline.outbox)}

${formatHostile(threadline.hostile, threadline)}

${formatEndToEnd(endToEnd)}`);

  mkdirSync(new URL("results/", import.meta.url), { recursive: true });
  const json = JSON.stringify({
    finishedAt: new Date().toISOString(),
    node: process.version,
    machine: { ...machine, loadavgAtEnd },
    settings: { ...SETTINGS, bodyBytes: delivery.body.length, event: "issue_comment.created" },
    servers: byKey,
    ratios,
    targetsMet: met,
    endToEnd,
    fakeApis: fakeApisTotal,
  });
  writeFileSync(RESULTS, await formatJson(json));
  console.log(`\nwrote ${RESULTS}`);
  clearTimeout(watchdog);
}

let tempDir;
const removeTempDir = () => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
};
// Backstop for the watchdog and signals; processes.js's own hook has killed the children by then.
process.on("exit", removeTempDir);
try {
  await main();
} catch (error) {
  process.exitCode = 1;
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await stopAll();
  removeTempDir();
}
process.exit();

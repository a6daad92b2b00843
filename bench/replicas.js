/**
 * `npm run bench:replicas`: threadline's webhook throughput, ack latency and end-to-end latency on
 * SQLite (one process) and on PostgreSQL with 1, 2 and 3 replicas (processes on their own ports,
 * one shared database), beside a bare Probot 14 app as the baseline. The load is spread over the
 * replicas with one autocannon per replica, no proxy in the middle. Prints a table, writes
 * bench/results/replicas.json. See "Replicas" in bench/README.md.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { boundedInt } from "./lib/knobs.js";
import {
  createBenchStores,
  maskUrl,
  probePostgres,
  START_POSTGRES_HINT,
} from "./lib/bench-stores.js";
import { countsDelta, fakeApiCounts, fakeSlackReceipts } from "./lib/fake-apis-client.js";
import { summarize } from "./lib/latency-summary.js";
import { buildCommentDelivery, buildDelivery } from "./lib/payload.js";
import { sleep, startIpcChild, stopAll } from "./lib/processes.js";
import { startReplicas } from "./lib/replica-set.js";
import { loadSplit } from "./lib/split-load.js";
import { sendSteady } from "./lib/steady.js";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const THREADLINE = `${ROOT}lib/main.js`;
const RESULTS = fileURLToPath(new URL("results/replicas.json", import.meta.url));

const SETTINGS = {
  /** Divided between the replicas of a configuration: 50 over 3 is 17 + 17 + 16. */
  connections: boundedInt("BENCH_CONNECTIONS", 50, 1, 200),
  warmupSeconds: boundedInt("BENCH_WARMUP_SECONDS", 3, 0, 10),
  seconds: boundedInt("BENCH_SECONDS", 8, 1, 20),
  /** PostgreSQL rows: 1, 2, … up to this many replicas. */
  maxReplicas: boundedInt("BENCH_MAX_REPLICAS", 3, 1, 4),
  /** The database the per-configuration schemas are created in. */
  postgresUrl: process.env.BENCH_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/test",
  settleMs: 1000,
};
/** End-to-end phase, per threadline configuration, in fresh processes and a fresh database. */
const E2E = {
  ratePerSecond: boundedInt("BENCH_E2E_RPS", 10, 1, 40),
  deliveries: 0, // below: at most 30 s of sending
  /** At least two per replica, so every replica has exchanged its token and read the config. */
  warmupDeliveries: 5,
  pullRequests: 5,
  /** Raised from the default 1/s, burst 3, so the pace never holds a post back at this rate. */
  slackChannelRate: 50,
  slackChannelBurst: 10,
  orderWindowMs: boundedInt("BENCH_ORDER_WINDOW_MS", 500, 0, 5000),
  /** After the last delivery, how long to wait at most for the rest of the messages. */
  maxWaitMs: 15_000,
};
E2E.deliveries = Math.min(
  boundedInt("BENCH_E2E_DELIVERIES", 100, 10, 1200),
  E2E.ratePerSecond * 30,
);

const BASELINE = {
  key: "bareProbot",
  label: "bare Probot",
  replicas: 1,
  args: [`${BENCH_DIR}servers/bare-probot.js`],
};
const CONFIGS = [
  { key: "sqlite1", label: "threadline SQLite", store: "sqlite", replicas: 1, args: [THREADLINE] },
  ...Array.from({ length: SETTINGS.maxReplicas }, (_, i) => ({
    key: `postgres${i + 1}`,
    label: "threadline PostgreSQL",
    store: "postgres",
    replicas: i + 1,
    args: [THREADLINE],
  })),
];

// Every phase is bounded; this is the backstop should something hang anyway.
const THROUGHPUT_MAX_MS =
  20_000 + // start-up (waitForPort)
  (SETTINGS.warmupSeconds + SETTINGS.seconds + 10) * 1000 + // autocannon, its 10 s timeout
  2 * SETTINGS.settleMs +
  10_000 + // counting the outbox
  2 * 3000; // stop(): SIGTERM grace, replicas and counter
const E2E_MAX_MS =
  20_000 + // start-up
  2 * (10_000 + E2E.orderWindowMs) + // warm-up deliveries and their messages
  (E2E.deliveries / E2E.ratePerSecond) * 1000 +
  10_000 + // the last answers
  E2E.orderWindowMs +
  E2E.maxWaitMs +
  2 * 3000; // stop()
const WATCHDOG_MS = (1 + CONFIGS.length) * THROUGHPUT_MAX_MS + CONFIGS.length * E2E_MAX_MS + 30_000;

function progress(message) {
  process.stderr.write(`[bench replicas] ${message}\n`);
}

function describe(config) {
  return config.replicas > 1 ? `${config.label} x${config.replicas}` : config.label;
}

/** A database of its own for one configuration and phase; none for the baseline. */
async function createStore(config, stores, phase) {
  if (config.store === "sqlite") return stores.sqlite(`${phase}-${config.key}`);
  if (config.store === "postgres") return stores.postgres();
  return undefined;
}

/** Drops a configuration's schema once its replicas have stopped; removeAll retries at the end. */
async function removeStore(stores, store) {
  if (!store) return;
  try {
    await stores.remove(store);
  } catch (error) {
    progress(`could not drop ${store.schema} yet (dropped at the end): ${error.message}`);
  }
}

/**
 * Every 2xx must be a recorded delivery: the outbox holds one post per answered delivery (warm-up
 * included), plus any for requests cut off in flight when a load run stopped.
 */
function durableCheck(counts, warmup, valid) {
  const answered2xx = warmup.ok + valid.ok;
  const cutOff = warmup.cutOff + valid.cutOff;
  const extra = counts.totalPosts - answered2xx;
  return { ...counts, answered2xx, cutOff, extra, ok: extra >= 0 && extra <= cutOff };
}

/**
 * PostgreSQL's work over the valid phase and the settle after it (server-wide, approximate: the
 * counters are reported about once a second): transactions and WAL flushes per second, and how
 * many deliveries one flush made durable (threadline's group commit and PostgreSQL's own).
 */
function postgresRates({ transactions, walSyncs }, valid) {
  const seconds = valid.seconds + SETTINGS.settleMs / 1000;
  return {
    transactions,
    walSyncs,
    transactionsPerSecond: transactions / seconds,
    walSyncsPerSecond: walSyncs / seconds,
    deliveriesPerWalSync: walSyncs > 0 ? valid.ok / walSyncs : null,
  };
}

/** Warm-up, then the valid phase spread over the configuration's replicas; then stops them. */
async function measureThroughput(config, { env, delivery, fakes, stores }) {
  const name = describe(config);
  const store = await createStore(config, stores, "throughput");
  let replicas;
  try {
    replicas = await startReplicas({
      name,
      count: config.replicas,
      args: config.args,
      env: store ? { ...env, DATABASE_URL: store.databaseUrl } : env,
      cwd: BENCH_DIR, // no .env here for dotenv to pick up
    });
    const run = (seconds) =>
      loadSplit({
        urls: replicas.urls,
        delivery,
        signature: delivery.validSignature,
        connections: SETTINGS.connections,
        seconds,
      });

    progress(`${name}: valid warm-up ${SETTINGS.warmupSeconds}s`);
    const warmup =
      SETTINGS.warmupSeconds > 0 ? await run(SETTINGS.warmupSeconds) : { ok: 0, cutOff: 0 };
    await sleep(SETTINGS.settleMs);

    progress(`${name}: valid ${SETTINGS.seconds}s, ${SETTINGS.connections} connections`);
    const logBefore = await replicas.logBytes();
    const apisBefore = await fakeApiCounts(fakes);
    const pgBefore = store?.kind === "postgres" ? await stores.postgresActivity() : undefined;
    const valid = await run(SETTINGS.seconds);
    await sleep(SETTINGS.settleMs);
    const logBytes = (await replicas.logBytes()) - logBefore;
    const apisDuringValid = countsDelta(await fakeApiCounts(fakes), apisBefore);
    const pgDuring = pgBefore && countsDelta(await stores.postgresActivity(), pgBefore);
    const outbox = store ? durableCheck(await stores.count(store), warmup, valid) : undefined;
    replicas.assertAlive("the valid phase");

    return {
      key: config.key,
      label: config.label,
      replicas: config.replicas,
      store: store?.kind ?? null,
      warmup: { ok: warmup.ok, cutOff: warmup.cutOff },
      valid,
      /** The worst replica's own p99, beside the merged one in `valid.latencyMs`. */
      worstReplicaAckP99Ms: Math.max(
        ...(valid.perReplica ?? []).map((replica) => replica.latencyMs.p99),
      ),
      outbox,
      postgres: pgDuring && postgresRates(pgDuring, valid),
      logBytesPerValidDelivery: valid.ok > 0 ? logBytes / valid.ok : null,
      fakeApisDuringValid: apisDuringValid,
      stderr: replicas.stderrTails(),
    };
  } finally {
    await replicas?.stop();
    await removeStore(stores, store);
  }
}

/**
 * End-to-end phase for one configuration, in fresh replicas and a fresh database: distinct
 * comments at a steady rate, dealt round-robin over the replicas, each timed from the moment its
 * delivery was sent to the fake Slack's receipt of the message that carries it.
 */
async function measureEndToEnd(config, { env, secret, fakes, stores }) {
  const name = `${describe(config)} (end-to-end)`;
  const store = await createStore(config, stores, "end-to-end");
  let replicas;
  try {
    replicas = await startReplicas({
      name,
      count: config.replicas,
      args: config.args,
      env: {
        ...env,
        DATABASE_URL: store.databaseUrl,
        SLACK_CHANNEL_RATE: String(E2E.slackChannelRate),
        SLACK_CHANNEL_BURST: String(E2E.slackChannelBurst),
        ORDER_WINDOW_MS: String(E2E.orderWindowMs),
      },
      cwd: BENCH_DIR,
    });
    const tag = randomBytes(4).toString("hex");
    const deliveries = (kind, count, firstCommentId) =>
      Array.from({ length: count }, (_, n) => {
        const marker = `bench-e2e-${kind}${tag}-${n}`;
        const delivery = buildCommentDelivery(secret, {
          pullRequest: 100 + (n % E2E.pullRequests),
          commentId: firstCommentId + n,
          marker,
        });
        return { ...delivery, marker };
      });
    /** Polls the fake Slack until every marker of `sent` (2xx only) has arrived, or `maxMs` passed. */
    const receiptsFor = async (prefix, sent, maxMs) => {
      const expected = sent.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.marker);
      const deadline = performance.now() + maxMs;
      let receipts = {};
      for (;;) {
        receipts = await fakeSlackReceipts(fakes, prefix);
        if (expected.every((marker) => receipts[marker]) || performance.now() > deadline) break;
        await sleep(100);
      }
      return { expected, receipts };
    };
    const send = (list) =>
      sendSteady({ urls: replicas.urls, deliveries: list, ratePerSecond: E2E.ratePerSecond });

    // Token exchange, config read, JIT: paid here by every replica, not by the measured deliveries.
    const warmupCount = Math.max(E2E.warmupDeliveries, 2 * config.replicas);
    progress(`${name}: ${warmupCount} warm-up deliveries`);
    const warm = await send(deliveries("w", warmupCount, 800_000_000));
    await receiptsFor(`bench-e2e-w${tag}-`, warm, 10_000 + E2E.orderWindowMs);

    progress(
      `${name}: ${E2E.deliveries} deliveries at ${E2E.ratePerSecond}/s over ${E2E.pullRequests} pull requests, round-robin over ${config.replicas} replica(s)`,
    );
    const sent = await send(deliveries("m", E2E.deliveries, 900_000_000));
    const { expected, receipts } = await receiptsFor(
      `bench-e2e-m${tag}-`,
      sent,
      E2E.orderWindowMs + E2E.maxWaitMs,
    );
    replicas.assertAlive("the end-to-end phase");

    const latencies = [];
    let missing = 0;
    let duplicates = 0;
    for (const r of sent) {
      const arrivals = receipts[r.marker];
      if (!arrivals) {
        if (expected.includes(r.marker)) missing += 1;
        continue;
      }
      if (arrivals.length > 1) duplicates += arrivals.length - 1;
      latencies.push(arrivals[0] - r.sentAt);
    }
    const statusCodes = {};
    for (const r of sent) statusCodes[r.status] = (statusCodes[r.status] ?? 0) + 1;
    const answered = sent.filter((r) => r.status !== 0);
    return {
      key: config.key,
      replicas: config.replicas,
      deliveries: sent.length,
      answered2xx: expected.length,
      statusCodes,
      received: latencies.length,
      missing,
      duplicates,
      ackMs: summarize(answered.map((r) => r.ackMs)),
      ackMsPerReplica: replicas.urls.map((url) =>
        summarize(answered.filter((r) => r.url === url).map((r) => r.ackMs)),
      ),
      endToEndMs: summarize(latencies),
      /** The same latencies less the order window every post waits on purpose. */
      beyondOrderWindowMs: summarize(latencies.map((ms) => ms - E2E.orderWindowMs)),
      stderr: replicas.stderrTails(),
    };
  } finally {
    await replicas?.stop();
    await removeStore(stores, store);
  }
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

function ratio(numerator, denominator) {
  return numerator != null && denominator ? Number((numerator / denominator).toPrecision(2)) : null;
}

const fixed = (value, digits = 0) => (value == null ? "n/a" : value.toFixed(digits));

function formatTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function formatResults({ baseline, rows, endToEnd, skipped }) {
  const header = [
    "configuration",
    "replicas",
    "valid rps",
    "/ bare Probot",
    "ack p50 ms",
    "ack p99 ms",
    "err/non2xx",
    "outbox vs 2xx",
    "e2e p50 ms",
    "e2e p99 ms",
    "e2e recv/missing/dup",
  ];
  const throughputRow = (r) => {
    const e2e = endToEnd.find((e) => e.key === r.key);
    return [
      r.label,
      String(r.replicas),
      fixed(r.valid.rps),
      fixed(ratio(r.valid.rps, baseline.valid.rps), 2),
      fixed(r.valid.latencyMs.p50),
      fixed(r.valid.latencyMs.p99),
      `${r.valid.errors}/${r.valid.non2xx}`,
      r.outbox
        ? `${r.outbox.ok ? "OK" : "FAILED"} ${r.outbox.extra >= 0 ? "+" : ""}${r.outbox.extra}`
        : "-",
      e2e ? fixed(e2e.endToEndMs.p50) : "-",
      e2e ? fixed(e2e.endToEndMs.p99) : "-",
      e2e ? `${e2e.received}/${e2e.missing}/${e2e.duplicates}` : "-",
    ];
  };
  const table = formatTable(header, [
    throughputRow(baseline),
    ...rows.map(throughputRow),
    ...skipped.map((config) => [
      config.label,
      String(config.replicas),
      "skipped",
      ...header.slice(3).map(() => "-"),
    ]),
  ]);

  const details = rows.map((r) => {
    const parts = [];
    if (r.replicas > 1) {
      const split = r.valid.perReplica
        .map((p) => `${fixed(p.rps)} rps p99 ${fixed(p.latencyMs.p99)} ms`)
        .join(", ");
      parts.push(`per replica: ${split}`);
    }
    if (r.postgres) {
      parts.push(
        `PostgreSQL ${fixed(r.postgres.transactionsPerSecond)} transactions/s (reads included), ${fixed(r.postgres.walSyncsPerSecond)} WAL flushes/s (${fixed(r.postgres.deliveriesPerWalSync, 1)} deliveries per flush)`,
      );
    }
    parts.push(
      `outbox ${r.outbox.totalPosts} posts (pending ${r.outbox.posts.pending}, sending ${r.outbox.posts.sending}, sent ${r.outbox.posts.sent}, dead ${r.outbox.posts.dead}) for ${r.outbox.answered2xx} deliveries answered 2xx, allowed +0..${r.outbox.cutOff}`,
    );
    return `  ${describe(r)}: ${parts.join("; ")}`;
  });
  const e2eDetails = endToEnd.map((e) => {
    const config = CONFIGS.find((c) => c.key === e.key);
    const perReplica =
      e.replicas > 1 ? ` (per replica ${e.ackMsPerReplica.map((a) => a.p99).join("/")})` : "";
    return `  ${describe(config)}: e2e min ${e.endToEndMs.min} ms, p50 ${e.endToEndMs.p50}, p99 ${e.endToEndMs.p99}, max ${e.endToEndMs.max}; beyond the order window p50 ${e.beyondOrderWindowMs.p50}, p99 ${e.beyondOrderWindowMs.p99}; ack p50 ${e.ackMs.p50} ms, p99 ${e.ackMs.p99}${perReplica}; answered 2xx ${e.answered2xx}/${e.deliveries}`;
  });
  return [
    table,
    "",
    `throughput (${SETTINGS.seconds}s valid phase after ${SETTINGS.warmupSeconds}s warm-up, ${SETTINGS.connections} connections split over the replicas; ack p99 from the merged histograms; outbox vs 2xx: posts in the outbox minus deliveries answered 2xx, OK when 0..requests cut off in flight):`,
    ...details,
    "",
    `end-to-end (fresh replicas and database per row; ${E2E.deliveries} distinct comments at ${E2E.ratePerSecond}/s round-robin over the replicas, ${E2E.pullRequests} pull requests, one channel; ORDER_WINDOW_MS=${E2E.orderWindowMs} is part of every latency; SLACK_CHANNEL_RATE=${E2E.slackChannelRate} SLACK_CHANNEL_BURST=${E2E.slackChannelBurst}):`,
    ...e2eDetails,
  ].join("\n");
}

let stores;
// Backstop for the watchdog and signals; processes.js's own hook has killed the children by then.
process.on("exit", () => {
  const left = stores?.removeAllSync() ?? [];
  if (left.length > 0) {
    process.stderr.write(
      `[bench replicas] could not drop ${left.join(", ")}: drop them with "drop schema … cascade"\n`,
    );
  }
});

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

  const machine = {
    cpus: cpus().length,
    loadavgAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
  stores = createBenchStores({ postgresUrl: SETTINGS.postgresUrl });
  progress(
    `${machine.cpus} CPUs, load average ${machine.loadavgAtStart.join(" ")}; body ${delivery.body.length} bytes; SQLite files under ${stores.tempDir}`,
  );

  const postgres = await probePostgres(SETTINGS.postgresUrl);
  let postgresNote;
  if (postgres.ok) {
    progress(`PostgreSQL ${postgres.version} at ${maskUrl(SETTINGS.postgresUrl)}`);
  } else {
    postgresNote = `PostgreSQL is not reachable at ${maskUrl(SETTINGS.postgresUrl)} (${postgres.reason}): the PostgreSQL rows are skipped. Start it with\n  ${START_POSTGRES_HINT}\nor point BENCH_POSTGRES_URL at another server, and run the bench again.`;
    progress(postgresNote);
  }
  const configs = CONFIGS.filter((config) => config.store !== "postgres" || postgres.ok);
  const skipped = CONFIGS.filter((config) => !configs.includes(config));

  const fakeApis = startIpcChild(`${BENCH_DIR}servers/fake-apis.js`);
  const { slackPort, githubPort } = await fakeApis.ready;
  const fakes = fakeApis.child;
  const env = {
    NODE_ENV: "production",
    APP_ID: "12345",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: secret,
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    HOST: "127.0.0.1",
    SLACK_BOT_TOKEN: "bench-fake-slack-token",
    SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
    GHE_HOST: `127.0.0.1:${githubPort}`,
    GHE_PROTOCOL: "http",
  };
  const context = { env, secret, delivery, fakes, stores };

  const baseline = await measureThroughput(BASELINE, context);
  const rows = [];
  for (const config of configs) rows.push(await measureThroughput(config, context));
  const endToEnd = [];
  for (const config of configs) endToEnd.push(await measureEndToEnd(config, context));
  const fakeApisTotal = await fakeApiCounts(fakes);

  const loadavgAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  console.log(
    `\nreplicas bench: ${SETTINGS.connections} connections, ${SETTINGS.seconds}s valid phase per row, ${delivery.body.length}-byte issue_comment.created; ${machine.cpus} CPUs, load average ${machine.loadavgAtStart.join(" ")} at start, ${loadavgAtEnd.join(" ")} at end\n`,
  );
  if (postgresNote) console.log(`${postgresNote}\n`);
  console.log(formatResults({ baseline, rows, endToEnd, skipped }));
  console.log(`\nunexpected API requests in the whole run: ${fakeApisTotal.unexpected}`);

  mkdirSync(new URL("results/", import.meta.url), { recursive: true });
  const json = JSON.stringify({
    finishedAt: new Date().toISOString(),
    node: process.version,
    machine: { ...machine, loadavgAtEnd },
    settings: {
      ...SETTINGS,
      postgresUrl: maskUrl(SETTINGS.postgresUrl),
      bodyBytes: delivery.body.length,
      event: "issue_comment.created",
    },
    endToEndSettings: E2E,
    postgres: postgres.ok
      ? { reachable: true, version: postgres.version }
      : { reachable: false, reason: postgres.reason },
    baseline,
    rows: rows.map((r) => ({
      ...r,
      validRpsOverBareProbot: ratio(r.valid.rps, baseline.valid.rps),
    })),
    endToEnd,
    skipped: skipped.map((config) => config.key),
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
  try {
    await stores?.removeAll();
  } catch (error) {
    progress(`could not drop every schema: ${error.message}`);
  }
}
process.exit();

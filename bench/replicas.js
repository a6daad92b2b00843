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
import { THREADLINE_ARGS, threadlineEnv } from "./lib/threadline-command.js";
import {
  createBenchStores,
  maskUrl,
  probePostgres,
  START_POSTGRES_HINT,
} from "./lib/bench-stores.js";
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
import { summarize } from "./lib/latency-summary.js";
import { buildDelivery } from "./lib/payload.js";
import { sleep, startIpcChild, stopAll } from "./lib/processes.js";
import { startReplicas } from "./lib/replica-set.js";
import { loadSplit } from "./lib/split-load.js";
import { sendSteady } from "./lib/steady.js";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));
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

const BASELINE = {
  key: "bareProbot",
  label: "bare Probot",
  replicas: 1,
  args: [`${BENCH_DIR}servers/bare-probot.js`],
};
const CONFIGS = [
  {
    key: "sqlite1",
    label: "threadline SQLite",
    store: "sqlite",
    replicas: 1,
    args: THREADLINE_ARGS,
  },
  ...Array.from({ length: SETTINGS.maxReplicas }, (_, i) => ({
    key: `postgres${i + 1}`,
    label: "threadline PostgreSQL",
    store: "postgres",
    replicas: i + 1,
    args: THREADLINE_ARGS,
  })),
];

// Every phase is bounded; this is the backstop should something hang anyway.
const THROUGHPUT_MAX_MS =
  20_000 + // start-up (waitForPort)
  (SETTINGS.warmupSeconds + SETTINGS.seconds + 10) * 1000 + // autocannon, its 10 s timeout
  2 * SETTINGS.settleMs +
  10_000 + // counting the outbox
  2 * 3000; // stop(): SIGTERM grace, replicas and counter
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
      env: { ...env, DATABASE_URL: store.databaseUrl, ...E2E_ENV },
      cwd: BENCH_DIR,
    });
    const { answered, result } = await runEndToEnd({
      secret,
      fakes,
      send: (deliveries) =>
        sendSteady({ urls: replicas.urls, deliveries, ratePerSecond: E2E.ratePerSecond }),
      warmupCount: Math.max(E2E.warmupDeliveries, 2 * config.replicas),
      progress: (message) => progress(`${name}: ${message}`),
      assertAlive: () => replicas.assertAlive("the end-to-end phase"),
    });
    return {
      key: config.key,
      replicas: config.replicas,
      ...result,
      ackMsPerReplica: replicas.urls.map((url) =>
        summarize(answered.filter((r) => r.url === url).map((r) => r.ackMs)),
      ),
      stderr: replicas.stderrTails(),
    };
  } finally {
    await replicas?.stop();
    await removeStore(stores, store);
  }
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
  const env = threadlineEnv({ privateKey, secret, slackPort, githubPort });
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

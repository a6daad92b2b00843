/**
 * `node bench/profile.js [seconds]`: threadline alone under the bench's valid load, with V8's CPU
 * profiler on (`--cpu-prof`), to see where a delivery's time goes before changing anything.
 * Writes a .cpuprofile (open it in Chrome's DevTools, or read the summary printed here: the
 * functions taking the most self time, and the share of time under each of a few frames).
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { load } from "./lib/load.js";
import { buildDelivery } from "./lib/payload.js";
import { THREADLINE_ARGS, threadlineEnv } from "./lib/threadline-command.js";
import {
  freePort,
  rssBytes,
  startByteCounter,
  startIpcChild,
  startServer,
  stop,
  stopAll,
  waitForPort,
} from "./lib/processes.js";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));
const seconds = Number(process.argv[2] ?? 10);
/** `--forged`: a flood of deliveries with a wrong signature instead of valid ones. */
const forged = process.argv.includes("--forged");
/** `--no-profile`: the same load without the profiler, whose sampling costs throughput. */
const profiling = !process.argv.includes("--no-profile");

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const secret = randomBytes(20).toString("hex");
const delivery = buildDelivery(secret);
const directory = mkdtempSync(join(tmpdir(), "threadline-profile-"));
try {
  const fakeApis = startIpcChild(`${BENCH_DIR}servers/fake-apis.js`);
  const { slackPort, githubPort } = await fakeApis.ready;
  const port = await freePort();
  const counter = startByteCounter();
  const child = startServer({
    name: "threadline (profiled)",
    args: [...(profiling ? ["--cpu-prof", `--cpu-prof-dir=${directory}`] : []), ...THREADLINE_ARGS],
    env: {
      ...threadlineEnv({ privateKey, secret, slackPort, githubPort }),
      LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? "info",
      PORT: String(port),
      METRICS_PORT: String(await freePort()),
      ...(process.env.CHILD_NODE_OPTIONS ? { NODE_OPTIONS: process.env.CHILD_NODE_OPTIONS } : {}),
      DATABASE_URL: process.env.DATABASE_URL ?? `sqlite://${join(directory, "profile.db")}`,
    },
    cwd: BENCH_DIR,
    stdout: counter.stream,
  });
  await waitForPort(port, child);
  const rssMb = () => Math.round(rssBytes(child.pid) / 1048576);
  console.log(`RSS after start: ${rssMb()} MB`);
  const url = `http://127.0.0.1:${port}/api/github/webhooks`;
  await load({ url, delivery, signature: delivery.validSignature, connections: 50, seconds: 2 });
  const cpuMs = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
    // utime and stime, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const cpuBefore = cpuMs();
  const result = await load({
    url,
    delivery,
    signature: forged ? delivery.forgedSignature : delivery.validSignature,
    connections: 50,
    seconds,
  });
  const cpuPerDelivery =
    ((cpuMs() - cpuBefore) * 1000) / Math.max(1, forged ? result.non2xx : result.ok);
  if (process.env.PROFILE_SIGNAL) {
    // For a diagnosis hook the profiled process may install (a heap snapshot, a forced GC).
    child.kill(process.env.PROFILE_SIGNAL);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  console.log(
    `RSS after the load: ${rssMb()} MB; server CPU ${Math.round(cpuPerDelivery)} µs per delivery`,
  );
  await stop(child, 10_000);
  if (process.env.SHOW_STDERR) console.log(child.stderrTail());
  console.log(
    `valid rps ${Math.round(result.rps)}, p99 ${result.latencyMs.p99} ms, 2xx ${result.ok}, non-2xx ${result.non2xx}`,
  );
  if (!profiling) process.exit(0);
  const file = readdirSync(directory).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error("no profile was written");
  summarise(JSON.parse(readFileSync(join(directory, file), "utf8")));
} finally {
  await stopAll();
  rmSync(directory, { recursive: true, force: true });
}

/** Self time per function, and total time under a few frames of interest. */
function summarise(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map();
  const interval = (profile.endTime - profile.startTime) / profile.samples.length;
  for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + interval);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const label = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/(src|lib)\//, "$1/");
    return `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
  };
  const selfByLabel = new Map();
  for (const [id, time] of self) {
    const key = label(byId.get(id));
    selfByLabel.set(key, (selfByLabel.get(key) ?? 0) + time);
  }
  console.log("\nself time, top 30:");
  for (const [key, time] of [...selfByLabel].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
  // Inclusive time by package/file, attributing each sample to every distinct file on its stack.
  const inclusive = new Map();
  for (const [id, time] of self) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { url } = byId.get(at).callFrame;
      const key = url.includes("node_modules/")
        ? url.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, "$1")
        : url.replace(/^.*\/(lib|src)\//, "$1/").replace(/^node:.*/, "(node)") || "(native)";
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + time);
    }
  }
  // Which of threadline's own functions the time under a frame of interest comes from.
  const focus = process.env.PROFILE_FOCUS;
  if (focus) {
    const under = new Map();
    for (const [id, time] of self) {
      let hit = false;
      for (let at = id; at !== undefined; at = parent.get(at)) {
        const node = byId.get(at);
        if (!hit && label(node).startsWith(focus)) hit = true;
        else if (hit && /\/(lib|src)\//.test(node.callFrame.url)) {
          const key = label(node);
          under.set(key, (under.get(key) ?? 0) + time);
          break;
        }
      }
    }
    console.log(`\ntime under ${focus}, by the nearest threadline function above it:`);
    for (const [key, time] of [...under].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
      console.log(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}`);
    }
  }
  // Inclusive time per function (each counted once per sample), threadline's and its packages'.
  const byFunction = new Map();
  for (const [id, time] of self) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = label(byId.get(at));
      if (seen.has(key)) continue;
      seen.add(key);
      byFunction.set(key, (byFunction.get(key) ?? 0) + time);
    }
  }
  console.log("\ninclusive time by function, top 40:");
  for (const [key, time] of [...byFunction]
    .filter(([key]) => !/^\(/.test(key) && !/ :0$/.test(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 40)) {
    console.log(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
  console.log("\ninclusive time by file or package, top 40:");
  for (const [key, time] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}

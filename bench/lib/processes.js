/**
 * Child processes for the bench: every one is registered so that it is killed on the way out,
 * whatever way out that is.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { fileURLToPath } from "node:url";

const children = new Set();

function killAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  children.clear();
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

function track(child) {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. Resolves once it has exited. */
export async function stop(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every child still running; the `exit` hook is the backstop for crashes. */
export async function stopAll() {
  await Promise.all([...children].map((child) => stop(child)));
}

/**
 * A `node` child that counts the bytes written to its stdin; asked `{}` over IPC, it answers
 * `{ bytes }`. Servers get its stdin as their stdout, so their logging is drained by a process of
 * its own (not the load generator's event loop) and measured.
 */
export function startByteCounter() {
  const script = fileURLToPath(new URL("../servers/count-bytes.js", import.meta.url));
  const child = track(
    spawn(process.execPath, [script], { stdio: ["pipe", "ignore", "inherit", "ipc"] }),
  );
  return {
    child,
    stream: child.stdin,
    bytes: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("byte counter did not answer")), 5000);
        child.once("message", (message) => {
          clearTimeout(timer);
          resolve(message.bytes);
        });
        child.send({});
      }),
  };
}

/**
 * Spawns a server under `node` with a clean environment (only PATH and `env`), stdout into
 * `stdout`, and stderr kept (last 8 KB) for the error message should it die.
 */
export function startServer({ name, args, env, cwd, stdout }) {
  const child = track(
    spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", stdout, "pipe"],
    }),
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-8192);
  });
  child.once("exit", (code, signal) => {
    if (child.expectedExit) return;
    process.stderr.write(`[bench] ${name} exited early (code ${code}, signal ${signal})\n${stderr}\n`);
  });
  child.stderrTail = () => stderr;
  return child;
}

/** Spawns a `node` child with IPC and waits for its first message (bounded). */
export function startIpcChild(script, { timeoutMs = 10_000 } = {}) {
  const child = track(spawn(process.execPath, [script], { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in ${timeoutMs} ms`)), timeoutMs);
    child.once("message", (message) => {
      clearTimeout(timer);
      resolve(message);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready`));
    });
  });
  return { child, ready };
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on `port`; gives up after `timeoutMs`. */
export async function waitForPort(port, child, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited before listening:\n${child.stderrTail?.() ?? ""}`);
    }
    const open = await new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** Resident set size of `pid` in bytes, from /proc (Linux), or undefined once it is gone. */
export function rssBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time `pid` has used so far (user + system, every thread), in milliseconds, from /proc
 * (Linux; clock ticks of 10 ms). A steadier measure than throughput on a shared machine.
 */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** File descriptors `pid` holds now (sockets included), from /proc (Linux); undefined once gone. */
export function openFds(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** Samples `rssBytes(pid)` every `intervalMs`; `peakSince(mark)` is the highest sample after it. */
export function sampleRss(pid, intervalMs = 250) {
  const samples = [];
  const take = () => {
    const rss = rssBytes(pid);
    if (rss !== undefined) samples.push({ at: performance.now(), rss });
    return rss;
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    now: take,
    peakSince(mark) {
      return samples.filter((sample) => sample.at >= mark).reduce((peak, s) => Math.max(peak, s.rss), 0);
    },
    stop: () => clearInterval(timer),
  };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs the built App (`node lib/main.js`) as a child process, the way it runs in production, so a
 * test can kill it (SIGKILL, SIGTERM) and start it again on the same database file and port.
 * GitHub and Slack are loopback fakes; the App logs JSON lines to stdout, which are kept parsed.
 *
 * Every child is tracked: `stopAllApps()` (for afterEach) kills any still running and removes the
 * temporary directories, and an exit hook kills them should the test process end first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { signBody } from "../../src/server/verify-signature.js";
import type { LogLine } from "./start-test-app.js";
import { createTestDatabaseUrl, dropTestDatabases } from "./test-store.js";
import { sleep } from "./wait.js";

export const SPAWN_WEBHOOK_SECRET = "spawned-webhook-secret-5c4b3a";
export const SPAWN_SLACK_TOKEN = "xoxb-spawned-0000000000-abcdefghijklmnop";
const MAIN_SCRIPT = fileURLToPath(new URL("../../lib/main.js", import.meta.url));
const STARTUP_TIMEOUT_MS = 20_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DeliveryAnswer {
  status: number;
  body: string;
}

export interface SpawnedApp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `http://127.0.0.1:<METRICS_PORT>`: `/healthz`, `/readyz`, `/metrics`. */
  operatorUrl: string;
  child: ChildProcess;
  /** Every JSON line the App wrote to stdout, parsed, in order. */
  logs: LogLine[];
  /** The last 16 KB of stderr, for failure messages. */
  stderr(): string;
  /** Resolves with the first log line that matches; rejects after `timeoutMs` or if the App exits. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** POSTs a delivery signed as GitHub signs it; rejects if no HTTP answer came (connection refused). */
  deliver(event: string, payload: unknown, id: string): Promise<DeliveryAnswer>;
  /** The value of an unlabelled metric from `/metrics`, or undefined when absent. */
  metric(name: string): Promise<number | undefined>;
  /** Resolves once the outbox has nothing pending nor being sent (read from `/metrics`). */
  drained(timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited. */
  exited: Promise<Exit>;
}

export interface AppEnvironment {
  /** Temporary directory holding the database (and the App's working directory). */
  directory: string;
  port: number;
  databaseUrl: string;
  /** The environment every start gets. */
  env: Record<string, string>;
  /** Starts the App; resolves once `/healthz` answers 200. `extraEnv` overrides for this start only. */
  start(extraEnv?: Record<string, string>): Promise<SpawnedApp>;
}

export interface AppEnvironmentOptions {
  /** The fake Slack's API root, for SLACK_API_URL. */
  slackUrl: string;
  /** The fake GitHub's `host:port`, for GHE_HOST. */
  githubHost: string;
  /** Variables to add or override (SLACK_CHANNEL_RATE, ORDER_WINDOW_MS, LOG_LEVEL, …). */
  env?: Record<string, string>;
}

const running = new Set<ChildProcess>();
const directories = new Set<string>();
let privateKey: string | undefined;

process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** One RSA key for all spawned Apps: generating it costs more than a test should spend. */
function testPrivateKey(): string {
  privateKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  return privateKey;
}

/** A port that was free a moment ago on 127.0.0.1, kept so a restarted App listens where the first did. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A complete environment for the App: its own temporary database (an SQLite file, or a PostgreSQL
 * schema in the PostgreSQL run) and port, the fakes' addresses,
 * the missed-delivery sweep off (REDELIVERY_SWEEP_HOURS=0) unless `env` turns it on.
 */
export async function createAppEnvironment(
  options: AppEnvironmentOptions,
): Promise<AppEnvironment> {
  if (!existsSync(MAIN_SCRIPT)) {
    throw new Error(`${MAIN_SCRIPT} does not exist: run \`npm run build\` first`);
  }
  const directory = mkdtempSync(join(tmpdir(), "threadline-e2e-"));
  directories.add(directory);
  const port = await freePort();
  // Each App port keeps its operator port, so a restarted replica answers where it did before.
  const operatorPorts = new Map<number, number>([[port, await freePort()]]);
  const operatorPortFor = async (appPort: number) => {
    if (!operatorPorts.has(appPort)) operatorPorts.set(appPort, await freePort());
    return operatorPorts.get(appPort)!;
  };
  const databaseUrl = await createTestDatabaseUrl(`sqlite://${join(directory, "threadline.db")}`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    APP_ID: "12345",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: SPAWN_WEBHOOK_SECRET,
    SLACK_BOT_TOKEN: SPAWN_SLACK_TOKEN,
    SLACK_API_URL: options.slackUrl,
    GHE_HOST: options.githubHost,
    GHE_PROTOCOL: "http",
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: "127.0.0.1",
    METRICS_PORT: String(operatorPorts.get(port)),
    METRICS_HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    REDELIVERY_SWEEP_HOURS: "0",
    ...options.env,
  };
  return {
    directory,
    port,
    databaseUrl,
    env,
    // A PORT in `extraEnv` starts another replica beside the first, on the same database.
    async start(extraEnv = {}) {
      const appPort = Number(extraEnv.PORT ?? port);
      const operatorPort = Number(extraEnv.METRICS_PORT ?? (await operatorPortFor(appPort)));
      return spawnApp(
        { ...env, ...extraEnv, METRICS_PORT: String(operatorPort) },
        directory,
        appPort,
        operatorPort,
      );
    },
  };
}

async function spawnApp(
  env: Record<string, string>,
  directory: string,
  port: number,
  operatorPort: number,
): Promise<SpawnedApp> {
  const url = `http://127.0.0.1:${port}`;
  const operatorUrl = `http://127.0.0.1:${operatorPort}`;
  // The working directory is the temporary one, so no developer's .env is read by dotenv.
  const child = spawn(process.execPath, [MAIN_SCRIPT], {
    cwd: directory,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const logs: LogLine[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      logs.push({ level: 0, msg: line });
    }
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-16_384);
  });

  const app: SpawnedApp = {
    url,
    operatorUrl,
    child,
    logs,
    stderr: () => stderr,
    async waitForLog(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = logs.find(match);
        if (line) return line;
        if (hasExited)
          throw new Error(`the App exited before logging the expected line\n${stderr}`);
        if (Date.now() > deadline) throw new Error("the expected log line never came");
        await sleep(20);
      }
    },
    async deliver(event, payload, id) {
      const body = JSON.stringify(payload);
      const response = await fetch(`${url}/api/github/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": id,
          "x-hub-signature-256": signBody(body, SPAWN_WEBHOOK_SECRET),
          "user-agent": "GitHub-Hookshot/test",
        },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      return { status: response.status, body: await response.text() };
    },
    async metric(name) {
      const response = await fetch(`${operatorUrl}/metrics`, {
        signal: AbortSignal.timeout(5_000),
      });
      const text = await response.text();
      const line = text.split("\n").find((candidate) => candidate.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.slice(name.length + 1));
    },
    async drained(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const pending = await app.metric('threadline_outbox_posts{status="pending"}');
        const sending = await app.metric('threadline_outbox_posts{status="sending"}');
        if (pending === 0 && sending === 0) return;
        if (Date.now() > deadline) {
          throw new Error(`outbox not drained: ${pending} pending, ${sending} sending`);
        }
        await sleep(50);
      }
    },
    kill(signal) {
      child.kill(signal);
    },
    exited,
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (hasExited) {
      throw new Error(`the App exited while starting (${JSON.stringify(await exited)})\n${stderr}`);
    }
    try {
      const response = await fetch(`${operatorUrl}/healthz`, {
        signal: AbortSignal.timeout(1_000),
      });
      await response.text();
      if (response.status === 200) return app;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the App did not answer /healthz within ${STARTUP_TIMEOUT_MS} ms\n${stderr}`);
    }
    await sleep(50);
  }
}

/** Kills every App still running (SIGKILL), waits for each to exit, removes the temporary directories. */
export async function stopAllApps(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  directories.clear();
  await dropTestDatabases();
}

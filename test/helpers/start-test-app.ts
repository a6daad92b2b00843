/**
 * Starts the real App (real HTTP endpoint, real verification, real Slack client) on an ephemeral
 * port, with GitHub's API left to nock and Slack pointed at a fake server. Logs are captured as
 * JSON objects so tests can assert what an operator would read.
 */
import { generateKeyPairSync } from "node:crypto";
import { ProbotOctokit } from "probot";
import { readSettings, secretsOf, type Settings } from "../../src/env.js";
import { createLogger } from "../../src/log/create-logger.js";
import { signBody } from "../../src/server/verify-signature.js";
import { startApp, type AppOverrides, type RunningApp } from "../../src/start-app.js";
import type { Store } from "../../src/store/open-store.js";
import { openTestStore } from "./test-store.js";

export const TEST_WEBHOOK_SECRET = "test-webhook-secret-9f8e7d";
export const TEST_SLACK_TOKEN = "xoxb-test-0000000000-abcdefghijklmnop";
export const TEST_PRIVATE_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface TestApp extends RunningApp {
  settings: Settings;
  /** The App's outbox (in memory unless the test passed its own). */
  store: Store;
  /** Resolves with the outbox's counts once nothing is pending or being sent. */
  drained(timeoutMs?: number): Promise<Awaited<ReturnType<Store["operations"]["counts"]>>>;
  /** Resolves with the first log line that matches; rejects after `timeoutMs`. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Every line the App logged, parsed. */
  logs: LogLine[];
  /** The raw text the App logged, for "this never appears" checks. */
  rawLog(): string;
  /** POSTs a delivery signed like GitHub signs it. */
  deliver(event: string, payload: unknown, options?: DeliveryOptions): Promise<Response>;
}

export interface DeliveryOptions {
  id?: string;
  secret?: string;
  headers?: Record<string, string>;
}

/** Test-speed Octokit: GitHub's retries and throttling would turn a failing test into a slow one. */
export const TestOctokit = ProbotOctokit.defaults({
  retry: { enabled: false },
  throttle: { enabled: false },
});

let deliveryCounter = 0;

export async function startTestApp(
  env: Record<string, string | undefined>,
  overrides: AppOverrides = {},
): Promise<TestApp> {
  const settings = readSettings({
    APP_ID: "12345",
    PRIVATE_KEY: TEST_PRIVATE_KEY,
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    SLACK_BOT_TOKEN: TEST_SLACK_TOKEN,
    // Fast enough for tests; the pacing tests set their own.
    SLACK_CHANNEL_RATE: "1000",
    SLACK_CHANNEL_BURST: "1000",
    ORDER_WINDOW_MS: "0",
    REVIEW_WAIT_MS: "0",
    REDELIVERY_SWEEP_HOURS: "0",
    PORT: "0",
    HOST: "127.0.0.1",
    METRICS_PORT: "0",
    LOG_LEVEL: "trace",
    LOG_FORMAT: "json",
    ...env,
  });
  const raw: string[] = [];
  const logs: LogLine[] = [];
  const log = await createLogger({
    level: settings.logLevel,
    format: "json",
    secrets: secretsOf(settings),
    destination: {
      write(line: string) {
        raw.push(line);
        logs.push(JSON.parse(line) as LogLine);
      },
    },
  });
  const store = overrides.store ?? (await openTestStore(settings.appId));
  const app = await startApp(settings, log, {
    Octokit: TestOctokit,
    pollIntervalMs: 20,
    // Card edits go at once, as posts do with ORDER_WINDOW_MS=0; the coalescing tests set a wait.
    cardWaitMs: 0,
    ...overrides,
    store,
  });
  return {
    ...app,
    async close(graceMs?: number) {
      await app.close(graceMs);
      if (!overrides.store) await store.close();
    },
    settings,
    store,
    logs,
    async drained(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await store.operations.counts();
        if (counts.pending === 0 && counts.sending === 0) return counts;
        if (Date.now() > deadline)
          throw new Error(`the outbox never drained: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async waitForLog(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = logs.find(match);
        if (line) return line;
        if (Date.now() > deadline) throw new Error("the expected log line never came");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    rawLog: () => raw.join(""),
    async deliver(event, payload, options = {}) {
      const body = typeof payload === "string" ? payload : JSON.stringify(payload);
      deliveryCounter += 1;
      return fetch(`${app.url}${settings.webhookPath}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": options.id ?? `delivery-${deliveryCounter}`,
          "x-hub-signature-256": signBody(body, options.secret ?? TEST_WEBHOOK_SECRET),
          "user-agent": "GitHub-Hookshot/test",
          ...options.headers,
        },
        body,
      });
    },
  };
}

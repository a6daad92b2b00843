import { getPrivateKey } from "@probot/get-private-key";
import { databasePasswordsOf } from "./log/redact-secrets.js";

/** Everything the App reads from its environment, validated once at start. */
export interface Settings {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** Also accepted while a new secret rolls out on GitHub's side. */
  previousWebhookSecret: string | undefined;
  port: number;
  host: string;
  logLevel: string;
  logFormat: "pretty" | "json";
  webhookProxyUrl: string | undefined;
  /** GitHub's REST API root: api.github.com, or `<GHE_HOST>/api/v3` for GitHub Enterprise Server. */
  githubApiUrl: string;
  slackBotToken: string;
  slackApiUrl: string;
  /** How long one Slack call may take before it counts as failed (and is retried). */
  slackTimeoutMs: number;
  /** Channel for repositories that have no `.github/threadline.yml` anywhere. */
  defaultChannel: string | undefined;
  /** Deliveries larger than this are refused with 413 before they are read whole. */
  maxWebhookBytes: number;
  /** DATABASE_URL as given; unset means the embedded SQLite file under ./data. */
  databaseUrl: string | undefined;
  /** Messages per second per Slack channel, and the burst allowed after a quiet spell. */
  slackChannelRate: number;
  slackChannelBurst: number;
  /** How long a post waits for a late delivery of an earlier comment of the same pull request. */
  orderWindowMs: number;
  /** How long a review's message waits for the deliveries of its line comments. */
  reviewWaitMs: number;
  /** Hours between sweeps for deliveries GitHub failed to make; 0 turns the sweep off. */
  redeliverySweepHours: number;
  /**
   * How long a replica's claim on a post (and its channel) lasts: a replica that dies mid-send
   * gives its posts back after this.
   */
  claimLeaseMs: number;
}

/** Raised when the environment cannot run the App; the message names every variable to fix. */
export class SettingsError extends Error {
  override name = "SettingsError";
  constructor(readonly problems: string[]) {
    super(`threadline cannot start:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];
const DEFAULT_MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function readPrivateKey(env: NodeJS.ProcessEnv, problems: string[]): string {
  if (!nonEmpty(env.PRIVATE_KEY) && !nonEmpty(env.PRIVATE_KEY_PATH)) {
    problems.push(
      "PRIVATE_KEY or PRIVATE_KEY_PATH is not set: download a private key from the GitHub App's settings page",
    );
    return "";
  }
  try {
    return getPrivateKey({ env }) ?? "";
  } catch {
    // The library's message is safe, but a key pasted into the wrong variable could be echoed by a
    // future version: say what to do without quoting anything.
    problems.push(
      "PRIVATE_KEY / PRIVATE_KEY_PATH does not hold a PEM private key: paste the whole .pem file, or point PRIVATE_KEY_PATH at it",
    );
    return "";
  }
}

/** A non-negative number from the environment, or `fallback` when unset; problems are collected. */
function readNumber(
  name: string,
  raw: string | undefined,
  fallback: number,
  problems: string[],
  kind: "whole" | "any" = "any",
): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  const valid = kind === "whole" ? Number.isInteger(value) : Number.isFinite(value);
  if (!valid || value < 0) {
    problems.push(
      `${name} must be ${kind === "whole" ? "a whole number" : "a number"} of at least 0, got "${raw}"`,
    );
    return fallback;
  }
  return value;
}

function readInteger(name: string, raw: string | undefined, fallback: number, problems: string[]) {
  return readNumber(name, raw, fallback, problems, "whole");
}

/** True when the GitHub App has not been registered yet, so Probot's setup flow should run. */
export function needsAppSetup(env: NodeJS.ProcessEnv): boolean {
  return (
    !nonEmpty(env.APP_ID) &&
    !nonEmpty(env.PRIVATE_KEY) &&
    !nonEmpty(env.PRIVATE_KEY_PATH) &&
    env.NODE_ENV !== "production"
  );
}

/**
 * Reads and checks the environment. Unlike Probot alone, a missing WEBHOOK_SECRET is an error:
 * Probot would fall back to the public secret "development" and accept forged deliveries.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const problems: string[] = [];

  const appId = readInteger("APP_ID", env.APP_ID, 0, problems);
  if (!nonEmpty(env.APP_ID)) {
    problems.push("APP_ID is not set: copy the App ID from the GitHub App's settings page");
  }
  const privateKey = readPrivateKey(env, problems);

  const webhookSecret = nonEmpty(env.WEBHOOK_SECRET);
  if (!webhookSecret) {
    problems.push(
      "WEBHOOK_SECRET is not set: use the webhook secret from the GitHub App's settings page (without it anyone could forge deliveries)",
    );
  }

  const slackBotToken = nonEmpty(env.SLACK_BOT_TOKEN);
  if (!slackBotToken) {
    problems.push(
      "SLACK_BOT_TOKEN is not set: install the Slack app and copy its Bot User OAuth Token (xoxb-…)",
    );
  }

  const logLevel = (nonEmpty(env.LOG_LEVEL) ?? "info").toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${env.LOG_LEVEL}"`);
  }

  const port = readInteger("PORT", env.PORT, 3000, problems);
  const maxWebhookBytes = readInteger(
    "WEBHOOK_MAX_BYTES",
    env.WEBHOOK_MAX_BYTES,
    DEFAULT_MAX_WEBHOOK_BYTES,
    problems,
  );

  const slackChannelRate = readNumber("SLACK_CHANNEL_RATE", env.SLACK_CHANNEL_RATE, 1, problems);
  const slackChannelBurst = readInteger(
    "SLACK_CHANNEL_BURST",
    env.SLACK_CHANNEL_BURST,
    3,
    problems,
  );
  const slackTimeoutMs = readInteger("SLACK_TIMEOUT_MS", env.SLACK_TIMEOUT_MS, 10_000, problems);
  const orderWindowMs = readInteger("ORDER_WINDOW_MS", env.ORDER_WINDOW_MS, 500, problems);
  const reviewWaitMs = readInteger("REVIEW_WAIT_MS", env.REVIEW_WAIT_MS, 3_000, problems);
  const redeliverySweepHours = readNumber(
    "REDELIVERY_SWEEP_HOURS",
    env.REDELIVERY_SWEEP_HOURS,
    3,
    problems,
  );

  const claimLeaseMs = readInteger("CLAIM_LEASE_MS", env.CLAIM_LEASE_MS, 60_000, problems);
  if (claimLeaseMs < 3 * slackTimeoutMs) {
    problems.push(
      `CLAIM_LEASE_MS (${claimLeaseMs}) must be at least three times SLACK_TIMEOUT_MS (${slackTimeoutMs}): a post can take a few Slack calls, and a claim that expires mid-send lets another replica send it twice`,
    );
  }

  const gheHost = nonEmpty(env.GHE_HOST);
  const githubApiUrl = gheHost
    ? `${nonEmpty(env.GHE_PROTOCOL) ?? "https"}://${gheHost}/api/v3`
    : "https://api.github.com";

  let slackApiUrl = nonEmpty(env.SLACK_API_URL) ?? "https://slack.com/api/";
  if (!slackApiUrl.endsWith("/")) slackApiUrl += "/";
  if (!URL.canParse(slackApiUrl)) {
    problems.push(`SLACK_API_URL is not a URL: "${env.SLACK_API_URL}"`);
  }

  if (problems.length > 0) throw new SettingsError(problems);

  return {
    appId,
    privateKey,
    webhookSecret: webhookSecret!,
    previousWebhookSecret: nonEmpty(env.WEBHOOK_SECRET_PREVIOUS),
    port,
    host: nonEmpty(env.HOST) ?? "localhost",
    logLevel,
    logFormat:
      (nonEmpty(env.LOG_FORMAT) ?? (env.NODE_ENV === "production" ? "json" : "pretty")) === "json"
        ? "json"
        : "pretty",
    webhookProxyUrl: nonEmpty(env.WEBHOOK_PROXY_URL),
    githubApiUrl,
    slackBotToken: slackBotToken!,
    slackApiUrl,
    defaultChannel: nonEmpty(env.SLACK_CHANNEL),
    maxWebhookBytes,
    databaseUrl: nonEmpty(env.DATABASE_URL),
    slackTimeoutMs,
    slackChannelRate,
    slackChannelBurst: Math.max(1, slackChannelBurst),
    orderWindowMs,
    reviewWaitMs,
    redeliverySweepHours,
    claimLeaseMs,
  };
}

/** Every secret value in the settings, for the log redactor. */
export function secretsOf(settings: Settings): string[] {
  return [
    settings.privateKey,
    settings.webhookSecret,
    settings.previousWebhookSecret,
    settings.slackBotToken,
    ...databasePasswordsOf(settings.databaseUrl),
  ].filter((secret): secret is string => Boolean(secret));
}

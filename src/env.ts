import { createPrivateKey } from "node:crypto";
import { getPrivateKey } from "@probot/get-private-key";
import { slackChannel } from "./config/schema.js";
import { databasePasswordsOf } from "./log/redact-secrets.js";

/**
 * Posting as themselves (optional): people link their GitHub account through GitHub's user
 * authorization of the App (the web application flow), and their Slack replies are written with
 * their own user access token. Set only when every variable it needs is.
 */
export interface LinkingSettings {
  /** GITHUB_CLIENT_ID: the GitHub App's client id (Probot's setup writes it to .env). */
  clientId: string;
  /** GITHUB_CLIENT_SECRET: the GitHub App's client secret (the setup writes it too). */
  clientSecret: string;
  /** THREADLINE_TOKEN_KEY, decoded: 32 random bytes that encrypt the tokens at rest. */
  tokenKey: Buffer;
  /** PUBLIC_URL: the App's public base URL, without a trailing slash. */
  publicUrl: string;
  /** Where GitHub sends people back after they authorize: `${publicUrl}/api/github/oauth/callback`. */
  callbackUrl: string;
}

/** Where GitHub sends a person back after they authorize the App (the App's Callback URL). */
export const OAUTH_CALLBACK_PATH = "/api/github/oauth/callback";

/** Everything the App reads from its environment, validated once at start. */
export interface Settings {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** Also accepted while a new secret rolls out on GitHub's side. */
  previousWebhookSecret: string | undefined;
  port: number;
  host: string;
  /** Where GitHub's deliveries are received (Probot's WEBHOOK_PATH); `/api/github/webhooks`. */
  webhookPath: string;
  /**
   * The operator routes (`/healthz`, `/readyz`, `/metrics`) listen apart from the public webhook
   * port, on loopback unless METRICS_HOST opens them to a scraper.
   */
  operatorPort: number;
  operatorHost: string;
  logLevel: string;
  logFormat: "pretty" | "json";
  /** JSON logs: the level as `"info"` instead of `30` (Probot's LOG_LEVEL_IN_STRING). */
  logLevelInString: boolean;
  /** JSON logs: the key of the message (Probot's LOG_MESSAGE_KEY); `msg`. */
  logMessageKey: string;
  webhookProxyUrl: string | undefined;
  /** GitHub's REST API root: api.github.com, or `<GHE_HOST>/api/v3` for GitHub Enterprise Server. */
  githubApiUrl: string;
  /**
   * GitHub's web root, where its OAuth endpoints are (`/login/oauth/…`): https://github.com, or
   * `<GHE_PROTOCOL>://<GHE_HOST>` for GitHub Enterprise Server.
   */
  githubWebUrl: string;
  /** Posting as themselves; undefined when it is off (THREADLINE_TOKEN_KEY and PUBLIC_URL unset). */
  linking: LinkingSettings | undefined;
  slackBotToken: string;
  slackApiUrl: string;
  /** How long one Slack call may take before it counts as failed (and is retried). */
  slackTimeoutMs: number;
  /**
   * SLACK_SIGNING_SECRET (and SLACK_SIGNING_SECRET_PREVIOUS during a rotation): set, Slack's
   * Events API is received at `POST /api/slack/events`, for answering from Slack.
   */
  slackSigningSecrets: string[];
  /** SLACK_APP_TOKEN (`xapp-…`): set, Slack's events come over Socket Mode instead. */
  slackAppToken: string | undefined;
  /** Channel for repositories that have no `.github/threadline.yml` anywhere. */
  defaultChannel: string | undefined;
  /** Deliveries larger than this are refused with 413 before they are read whole. */
  maxWebhookBytes: number;
  /**
   * Connections the public port holds at once (WEBHOOK_MAX_CONNECTIONS); past it new ones are
   * closed as they arrive, so slow senders cannot take every file descriptor.
   */
  webhookMaxConnections: number;
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
  /** Days deliveries and their sent or dead posts are kept; 0 keeps them for ever. */
  retentionDays: number;
  /**
   * Days what Slack shows of a conversation is kept after its last change, unless its pull
   * request is open (edits and deletions must find their message); 0 keeps it for ever.
   */
  conversationRetentionDays: number;
  /**
   * Secrets in the environment beyond the App's own credentials, masked in logs all the same: the
   * OAuth client secret (Probot's setup writes it, whether or not linking uses it), the token key
   * (as written, and in its other encodings), a PostgreSQL password given as PGPASSWORD.
   */
  otherSecrets: string[];
  /** Things to tell the operator at start that do not stop the App (a variable it ignores). */
  warnings: string[];
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
/**
 * Far above what GitHub sends at once, and below the open-file limit of common systems (Node
 * raises its own to the hard limit: 4,096, often far more), with room for the store and the APIs.
 */
const DEFAULT_WEBHOOK_MAX_CONNECTIONS = 1_000;
export const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";
/** The port Prometheus exporters customarily use. */
export const DEFAULT_OPERATOR_PORT = 9464;

/**
 * Probot variables that threadline does not act on, with what to do instead. Both make Probot
 * fetch a package at run time (Sentry's SDK, ioredis), which a locked-down server cannot do.
 */
const IGNORED_PROBOT_VARIABLES: Record<string, string> = {
  SENTRY_DSN:
    "SENTRY_DSN is set but threadline does not report to Sentry: read errors from its log (LOG_FORMAT=json suits log shippers)",
  REDIS_URL:
    "REDIS_URL is set but threadline does not use Redis: replicas share their state through DATABASE_URL (PostgreSQL)",
};

/**
 * The value, trimmed and without one pair of outer quotes, or undefined when empty: dotenv
 * removes quotes, but `docker run --env-file` passes `SLACK_CHANNEL="#prs"` with them.
 */
function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value === undefined ? undefined : withoutOuterQuotes(value).trim();
  return trimmed ? trimmed : undefined;
}

/**
 * One pair of matching outer quotes removed. Probot's setup writes `PRIVATE_KEY="-----BEGIN…"` for
 * dotenv, which drops the quotes; `docker run --env-file` keeps them, and the key would not decode.
 */
export function withoutOuterQuotes(value: string): string {
  const trimmed = value.trim();
  const first = trimmed[0];
  if (trimmed.length >= 2 && (first === '"' || first === "'") && trimmed.endsWith(first)) {
    return trimmed.slice(1, -1);
  }
  return value;
}

function readPrivateKey(env: NodeJS.ProcessEnv, problems: string[]): string {
  const inline = nonEmpty(env.PRIVATE_KEY);
  const path = nonEmpty(env.PRIVATE_KEY_PATH);
  if (!inline && !path) {
    problems.push(
      "PRIVATE_KEY or PRIVATE_KEY_PATH is not set: download a private key from the GitHub App's settings page",
    );
    return "";
  }
  // Said without quoting anything: a key pasted into the wrong variable must not be echoed.
  const unusable = inline
    ? "PRIVATE_KEY does not hold a PEM private key: paste the whole .pem file (newlines as \\n), or mount the file and set PRIVATE_KEY_PATH instead"
    : "PRIVATE_KEY_PATH does not point at a readable PEM private key: check the path (inside the container, if it runs in one) and that the file is the .pem GitHub gave you";
  let key: string;
  try {
    key =
      getPrivateKey({
        env: {
          ...(inline ? { PRIVATE_KEY: withoutOuterQuotes(inline) } : {}),
          ...(path ? { PRIVATE_KEY_PATH: withoutOuterQuotes(path) } : {}),
        },
      }) ?? "";
  } catch {
    problems.push(unusable);
    return "";
  }
  // Decoded now, so a damaged key stops the start instead of failing every GitHub call later.
  try {
    createPrivateKey(key);
  } catch {
    problems.push(unusable);
    return "";
  }
  return key;
}

/** Bot tokens only: a user, app-level or config token posts as someone else, or not at all. */
function checkSlackBotToken(token: string, problems: string[]): void {
  const where = "the Slack app's OAuth & Permissions page, Bot User OAuth Token";
  if (token.startsWith("xoxp-")) {
    problems.push(`SLACK_BOT_TOKEN is a user token (xoxp-…): use the bot token from ${where}`);
  } else if (token.startsWith("xapp-")) {
    problems.push(
      `SLACK_BOT_TOKEN is an app-level token (xapp-…): use the bot token (xoxb-…) from ${where}`,
    );
  } else if (!/^xoxb-[A-Za-z0-9-]*[A-Za-z0-9]$/.test(token)) {
    problems.push(
      `SLACK_BOT_TOKEN is not a bot token (it must look like xoxb-1234-5678-abcd…; the .env.example placeholder does not count): copy it from ${where}`,
    );
  }
}

/**
 * Lines of a .env file whose unquoted value starts with `#`: dotenv reads the rest of the line as
 * a comment, so `SLACK_CHANNEL=#prs` sets nothing at all. Returns one problem per such line.
 */
export function findValuesReadAsComments(dotenvText: string): string[] {
  const problems: string[] = [];
  for (const line of dotenvText.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(#\S*)/.exec(line);
    if (!match) continue;
    const [, name, value] = match;
    problems.push(
      `${name}=${value} in .env is read as a comment (an unquoted # starts one), so ${name} is empty: quote it, ${name}="${value}"`,
    );
  }
  return problems;
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

/**
 * THREADLINE_TOKEN_KEY as bytes: exactly 32, written as 64 hex digits or in base64 (standard or
 * URL-safe, padded or not), which is what `openssl rand -base64 32` and `-hex 32` print.
 * Undefined for anything else.
 */
export function parseTokenKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)) return undefined;
  const bytes = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length === 32 ? bytes : undefined;
}

const MAKE_TOKEN_KEY = "make one with `openssl rand -base64 32`";

/** Hosts a person's browser reaches on their own machine: plain http is enough there. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * PUBLIC_URL without a trailing slash, or a problem: GitHub sends people back to it with a code
 * that is as good as their token for ten minutes, so it must be https (http only on this machine).
 */
function readPublicUrl(raw: string, problems: string[]): string | undefined {
  if (!URL.canParse(raw)) {
    problems.push(
      `PUBLIC_URL is not a URL: "${raw}" (use the App's public base URL, e.g. https://threadline.example.com)`,
    );
    return undefined;
  }
  const url = new URL(raw);
  if (
    url.protocol !== "https:" &&
    !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname))
  ) {
    problems.push(
      `PUBLIC_URL must be an https:// URL (GitHub sends people back to it with their authorization code), got "${raw}"`,
    );
    return undefined;
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    problems.push(
      `PUBLIC_URL must be a plain base URL, without a query, fragment or user name, got "${url.origin}${url.pathname}…"`,
    );
    return undefined;
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/**
 * Posting as themselves, when THREADLINE_TOKEN_KEY or PUBLIC_URL asks for it (GITHUB_CLIENT_ID and
 * GITHUB_CLIENT_SECRET alone do not: Probot's setup writes them to every .env). Then every
 * variable it needs must be set, and answering from Slack be on; each missing one is a problem.
 */
function readLinking(
  env: NodeJS.ProcessEnv,
  answering: boolean,
  problems: string[],
): LinkingSettings | undefined {
  const clientId = nonEmpty(env.GITHUB_CLIENT_ID);
  const clientSecret = nonEmpty(env.GITHUB_CLIENT_SECRET);
  const keyText = nonEmpty(env.THREADLINE_TOKEN_KEY);
  const publicUrlText = nonEmpty(env.PUBLIC_URL);
  if (keyText === undefined && publicUrlText === undefined) return undefined;

  const before = problems.length;
  const tokenKey = keyText === undefined ? undefined : parseTokenKey(keyText);
  if (keyText === undefined) {
    problems.push(
      `linking GitHub accounts (post as themselves) needs THREADLINE_TOKEN_KEY, 32 random bytes that encrypt people's GitHub tokens at rest: ${MAKE_TOKEN_KEY}, or unset PUBLIC_URL to leave linking off`,
    );
  } else if (tokenKey === undefined) {
    // Said without quoting it: a secret pasted into the wrong variable must not be echoed.
    problems.push(
      `THREADLINE_TOKEN_KEY must be 32 random bytes in base64 (44 characters) or hex (64 digits): ${MAKE_TOKEN_KEY}`,
    );
  }
  const publicUrl =
    publicUrlText === undefined ? undefined : readPublicUrl(publicUrlText, problems);
  if (publicUrlText === undefined) {
    problems.push(
      `linking GitHub accounts needs PUBLIC_URL, the App's public https base URL (GitHub sends people back to ${OAUTH_CALLBACK_PATH} under it), or unset THREADLINE_TOKEN_KEY to leave linking off`,
    );
  }
  const missingClient = [
    clientId === undefined ? "GITHUB_CLIENT_ID" : undefined,
    clientSecret === undefined ? "GITHUB_CLIENT_SECRET" : undefined,
  ].filter((name): name is string => name !== undefined);
  if (missingClient.length > 0) {
    problems.push(
      `linking GitHub accounts needs ${missingClient.join(" and ")}: copy the Client ID (and generate a client secret) on the GitHub App's settings page (Probot's setup writes both to .env)`,
    );
  }
  if (!answering) {
    problems.push(
      "linking GitHub accounts posts people's Slack replies as themselves, so answering from Slack must be on: set SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN), or unset THREADLINE_TOKEN_KEY and PUBLIC_URL",
    );
  }
  if (problems.length > before) return undefined;
  return {
    clientId: clientId!,
    clientSecret: clientSecret!,
    tokenKey: tokenKey!,
    publicUrl: publicUrl!,
    callbackUrl: `${publicUrl!}${OAUTH_CALLBACK_PATH}`,
  };
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

export interface ReadSettingsOptions {
  /** The text of the .env file the environment was loaded from, to catch what dotenv misreads. */
  dotenvText?: string;
}

/**
 * Reads and checks the environment. Unlike Probot alone, a missing WEBHOOK_SECRET is an error:
 * Probot would fall back to the public secret "development" and accept forged deliveries.
 */
export function readSettings(
  env: NodeJS.ProcessEnv = process.env,
  options: ReadSettingsOptions = {},
): Settings {
  const problems: string[] = [];
  if (options.dotenvText !== undefined)
    problems.push(...findValuesReadAsComments(options.dotenvText));

  const appId = readInteger("APP_ID", env.APP_ID, 0, problems);
  if (!nonEmpty(env.APP_ID)) {
    problems.push("APP_ID is not set: copy the App ID from the GitHub App's settings page");
  } else if (appId === 0) {
    problems.push(`APP_ID must be the GitHub App's numeric id, got "${env.APP_ID}"`);
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
  } else {
    checkSlackBotToken(slackBotToken, problems);
  }

  const defaultChannel = nonEmpty(env.SLACK_CHANNEL);
  if (defaultChannel !== undefined && !slackChannel.safeParse(defaultChannel).success) {
    problems.push(
      `SLACK_CHANNEL "${defaultChannel}" is not a Slack channel: use the channel's ID such as C0123456789 (in Slack: the channel's details, at the bottom) or its name with a #, quoted in .env: SLACK_CHANNEL="#pull-requests"`,
    );
  }

  const logLevel = (nonEmpty(env.LOG_LEVEL) ?? "info").toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${env.LOG_LEVEL}"`);
  }
  const logFormat =
    nonEmpty(env.LOG_FORMAT)?.toLowerCase() ?? (env.NODE_ENV === "production" ? "json" : "pretty");
  if (logFormat !== "json" && logFormat !== "pretty") {
    problems.push(`LOG_FORMAT must be pretty or json, got "${env.LOG_FORMAT}"`);
  }

  const port = readInteger("PORT", env.PORT, 3000, problems);
  const operatorPort = readInteger(
    "METRICS_PORT",
    env.METRICS_PORT,
    DEFAULT_OPERATOR_PORT,
    problems,
  );
  if (operatorPort !== 0 && operatorPort === port) {
    problems.push(
      `METRICS_PORT (${operatorPort}) must differ from PORT: the operator routes are kept off the public webhook port`,
    );
  }
  const webhookPath = nonEmpty(env.WEBHOOK_PATH) ?? DEFAULT_WEBHOOK_PATH;
  if (!/^\/[\w\-./~]*$/.test(webhookPath)) {
    problems.push(`WEBHOOK_PATH must be a path such as /api/github/webhooks, got "${webhookPath}"`);
  }
  const maxWebhookBytes = readInteger(
    "WEBHOOK_MAX_BYTES",
    env.WEBHOOK_MAX_BYTES,
    DEFAULT_MAX_WEBHOOK_BYTES,
    problems,
  );
  const webhookMaxConnections = readInteger(
    "WEBHOOK_MAX_CONNECTIONS",
    env.WEBHOOK_MAX_CONNECTIONS,
    DEFAULT_WEBHOOK_MAX_CONNECTIONS,
    problems,
  );
  if (webhookMaxConnections === 0) {
    problems.push(
      `WEBHOOK_MAX_CONNECTIONS must be at least 1, got "0": it bounds the connections slow senders can hold (default ${DEFAULT_WEBHOOK_MAX_CONNECTIONS})`,
    );
  }

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

  const retentionDays = readNumber("RETENTION_DAYS", env.RETENTION_DAYS, 30, problems);
  const conversationRetentionDays = readNumber(
    "CONVERSATION_RETENTION_DAYS",
    env.CONVERSATION_RETENTION_DAYS,
    90,
    problems,
  );

  const gheHost = nonEmpty(env.GHE_HOST);
  // As Probot and @octokit/oauth-methods read them: the API under /api/v3, OAuth at the root.
  const githubWebUrl = gheHost
    ? `${nonEmpty(env.GHE_PROTOCOL) ?? "https"}://${gheHost}`
    : "https://github.com";
  const githubApiUrl = gheHost ? `${githubWebUrl}/api/v3` : "https://api.github.com";

  let slackApiUrl = nonEmpty(env.SLACK_API_URL) ?? "https://slack.com/api/";
  if (!slackApiUrl.endsWith("/")) slackApiUrl += "/";
  if (!URL.canParse(slackApiUrl)) {
    problems.push(`SLACK_API_URL is not a URL: "${env.SLACK_API_URL}"`);
  }

  const slackSigningSecrets = [
    nonEmpty(env.SLACK_SIGNING_SECRET),
    nonEmpty(env.SLACK_SIGNING_SECRET_PREVIOUS),
  ].filter((secret): secret is string => Boolean(secret));
  if (slackSigningSecrets.length > 0 && !/^[A-Za-z0-9]{20,}$/.test(slackSigningSecrets[0]!)) {
    problems.push(
      "SLACK_SIGNING_SECRET is not a Slack signing secret (32 letters and digits, not a token): copy it from the Slack app's Basic Information page, App Credentials",
    );
  }
  const slackAppToken = nonEmpty(env.SLACK_APP_TOKEN);
  if (slackAppToken !== undefined && !/^xapp-\d-[A-Za-z0-9]+-\d+-[0-9a-f]+$/.test(slackAppToken)) {
    problems.push(
      "SLACK_APP_TOKEN is not an app-level token (xapp-…): create one with the connections:write scope on the Slack app's Basic Information page, App-Level Tokens",
    );
  }

  const linking = readLinking(
    env,
    slackSigningSecrets.length > 0 || slackAppToken !== undefined,
    problems,
  );

  if (problems.length > 0) throw new SettingsError(problems);

  const warnings = Object.entries(IGNORED_PROBOT_VARIABLES)
    .filter(([name]) => nonEmpty(env[name]) !== undefined)
    .map(([, warning]) => warning);

  return {
    appId,
    privateKey,
    webhookSecret: webhookSecret!,
    previousWebhookSecret: nonEmpty(env.WEBHOOK_SECRET_PREVIOUS),
    port,
    host: nonEmpty(env.HOST) ?? "localhost",
    webhookPath,
    operatorPort,
    operatorHost: nonEmpty(env.METRICS_HOST) ?? "127.0.0.1",
    logLevel,
    logFormat: logFormat === "json" ? "json" : "pretty",
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
    logMessageKey: nonEmpty(env.LOG_MESSAGE_KEY) ?? "msg",
    webhookProxyUrl: nonEmpty(env.WEBHOOK_PROXY_URL),
    githubApiUrl,
    githubWebUrl,
    linking,
    slackBotToken: slackBotToken!,
    slackApiUrl,
    defaultChannel,
    maxWebhookBytes,
    webhookMaxConnections,
    databaseUrl: nonEmpty(env.DATABASE_URL),
    slackTimeoutMs,
    slackSigningSecrets,
    slackAppToken,
    slackChannelRate,
    slackChannelBurst: Math.max(1, slackChannelBurst),
    orderWindowMs,
    reviewWaitMs,
    redeliverySweepHours,
    claimLeaseMs,
    retentionDays,
    conversationRetentionDays,
    otherSecrets: otherSecretsOf(env),
    warnings,
  };
}

/**
 * Secrets in the environment beyond the App's own credentials, for the log redactor (also before
 * the settings are read, by src/main.ts and the command line): the OAuth client secret Probot's
 * setup writes to .env, THREADLINE_TOKEN_KEY as written and in its other encodings, and
 * PGPASSWORD (node-postgres reads it when DATABASE_URL carries no password).
 */
export function otherSecretsOf(env: NodeJS.ProcessEnv): string[] {
  const keyText = nonEmpty(env.THREADLINE_TOKEN_KEY);
  const key = keyText === undefined ? undefined : parseTokenKey(keyText);
  return [
    nonEmpty(env.GITHUB_CLIENT_SECRET),
    keyText,
    ...(key ? [key.toString("base64"), key.toString("base64url"), key.toString("hex")] : []),
    nonEmpty(env.PGPASSWORD),
  ].filter((secret): secret is string => Boolean(secret));
}

/** Every secret value in the settings, for the log redactor. */
export function secretsOf(settings: Settings): string[] {
  return [
    settings.privateKey,
    settings.webhookSecret,
    settings.previousWebhookSecret,
    settings.slackBotToken,
    ...settings.slackSigningSecrets,
    settings.slackAppToken,
    ...databasePasswordsOf(settings.databaseUrl),
    ...settings.otherSecrets,
  ].filter((secret): secret is string => Boolean(secret));
}

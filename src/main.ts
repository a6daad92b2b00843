#!/usr/bin/env node
/**
 * Process start: reads the environment, starts the App, and stops it cleanly on SIGTERM/SIGINT.
 * With no GitHub App registered yet (no APP_ID, no key, not production), runs Probot's manifest
 * flow instead, which creates the App from app.yml and writes its credentials to .env.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { config as loadDotenv } from "dotenv";
import { needsAppSetup, otherSecretsOf, readSettings, secretsOf, SettingsError } from "./env.js";
import { createLogger } from "./log/create-logger.js";
import { createSecretRedactor, databasePasswordsOf } from "./log/redact-secrets.js";
import { startSetupFlow } from "./setup/start-setup-flow.js";
import { startApp } from "./start-app.js";

const SHUTDOWN_GRACE_MS = 10_000;
const ENV_PATH = resolve(".env");

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  if (needsAppSetup(env)) {
    process.stdout.write(
      [
        "No GitHub App is configured yet (APP_ID is not set): starting the setup page; open the URL below to register the App from app.yml.",
        "It writes the App's credentials to .env. To own the App with an organisation, stop now and start again with GH_ORG=<organisation> (a private App can only be installed on the account that owns it).",
        "",
      ].join("\n"),
    );
    await startSetupFlow({ envPath: ENV_PATH });
    return;
  }

  let settings;
  try {
    settings = readSettings(env, {
      ...(existsSync(ENV_PATH) ? { dotenvText: readFileSync(ENV_PATH, "utf8") } : {}),
    });
  } catch (error) {
    if (error instanceof SettingsError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const log = await createLogger({
    level: settings.logLevel,
    format: settings.logFormat,
    secrets: secretsOf(settings),
    levelInString: settings.logLevelInString,
    messageKey: settings.logMessageKey,
  });
  for (const warning of settings.warnings) log.warn(warning);

  // Listen for signals before starting, so a SIGTERM during migrations still ends cleanly.
  let stopRequested: string | undefined;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  const stop = async (signal: string) => {
    log.info({ signal }, "stopping");
    const deadline = setTimeout(() => {
      log.error("did not stop in time; exiting");
      log.flush();
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    deadline.unref();
    try {
      await app?.close();
      log.info("stopped");
      log.flush();
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, "could not stop cleanly");
      log.flush();
      process.exit(1);
    }
  };
  const onSignal = (signal: string) => {
    if (stopRequested) return;
    stopRequested = signal;
    if (app) void stop(signal);
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));

  app = await startApp(settings, log);
  log.info(
    { url: app.url, operatorUrl: app.operatorUrl },
    `threadline is listening for GitHub deliveries at ${settings.webhookPath}; /healthz, /readyz and /metrics answer on the operator port`,
  );
  if (stopRequested) await stop(stopRequested);
}

loadDotenv({ quiet: true });
main(process.env).catch((error: unknown) => {
  // The logger may not exist yet, so mask the secrets here as it would.
  const redact = createSecretRedactor(
    [
      process.env.PRIVATE_KEY,
      process.env.WEBHOOK_SECRET,
      process.env.WEBHOOK_SECRET_PREVIOUS,
      process.env.SLACK_BOT_TOKEN,
      process.env.SLACK_SIGNING_SECRET,
      process.env.SLACK_SIGNING_SECRET_PREVIOUS,
      process.env.SLACK_APP_TOKEN,
      ...databasePasswordsOf(process.env.DATABASE_URL),
      ...otherSecretsOf(process.env),
    ].filter((secret): secret is string => Boolean(secret)),
  );
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`threadline failed to start: ${redact(message)}\n`);
  process.exit(1);
});

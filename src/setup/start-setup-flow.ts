import type { Logger } from "pino";
import { run, type Server } from "probot";
import { createEnvFileUpdater } from "./update-env-file.js";

/** What Probot's setup needs of smee-client: a new channel for the App's webhook URL. */
export interface WebhookChannelFactory {
  createChannel(): Promise<string | undefined>;
}

export interface SetupFlowOptions {
  /** The .env file the credentials are written to (and the App reads on its next start). */
  envPath: string;
  /** PORT, HOST and the other variables Probot's server reads; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Creates the smee.io channel GitHub delivers to in development; smee-client's by default. */
  SmeeClient?: WebhookChannelFactory;
  log?: Logger;
}

/**
 * Probot's manifest flow, as `npm start` runs it before the App exists: a page that registers a
 * GitHub App from app.yml, then writes APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GITHUB_CLIENT_ID and
 * GITHUB_CLIENT_SECRET to .env. In development it first creates a smee.io channel and makes it the
 * App's webhook URL (app.yml leaves `hook_attributes` out so that Probot's URL is the one GitHub
 * gets). Two things differ from stock Probot: .env keeps its comments, and smee-client is the
 * project's own copy instead of a package fetched at run time.
 */
export async function startSetupFlow(options: SetupFlowOptions): Promise<Server> {
  const SmeeClient = options.SmeeClient ?? (await localSmeeClient());
  return run(() => {}, {
    ...(options.env ? { env: options.env as Record<string, string> } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(SmeeClient ? { SmeeClient } : {}),
    updateEnv: createEnvFileUpdater(options.envPath),
  });
}

/** smee-client is a development dependency; without it Probot tries to fetch it, then goes on. */
async function localSmeeClient(): Promise<WebhookChannelFactory | undefined> {
  try {
    const { SmeeClient } = await import("smee-client");
    return { createChannel: () => SmeeClient.createChannel() };
  } catch {
    return undefined;
  }
}

#!/usr/bin/env node
/**
 * `threadline outbox list|stats|retry|drop`: the operator's view of the App's outbox. Reads only
 * APP_ID and DATABASE_URL (from the environment or ./.env), so no secret can reach its output.
 */
import { config as loadDotenv } from "dotenv";
import type { OutboxStore } from "../store/outbox-store.js";
import { createDatabaseUrlMasker, openCliStore, readCliStoreSettings } from "./open-cli-store.js";
import { runOutboxCommand } from "./run-outbox-command.js";

loadDotenv({ quiet: true });
const env = process.env;
const mask = createDatabaseUrlMasker(env.DATABASE_URL);

// `threadline outbox list | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

let store: OutboxStore | undefined;
const code = await runOutboxCommand(process.argv.slice(2), {
  openStore: async () => (store ??= await openCliStore(readCliStoreSettings(env))),
  now: Date.now,
  write: (line) => process.stdout.write(`${line}\n`),
  warn: (line) => process.stderr.write(`${mask(line)}\n`),
});
try {
  await store?.close();
} catch (error) {
  process.stderr.write(`threadline: could not close the database: ${mask(String(error))}\n`);
}
process.exitCode = code;

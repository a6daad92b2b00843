#!/usr/bin/env node
/**
 * `threadline outbox list|stats|retry|drop` and `explain`: the operator's view of the App's
 * outbox. They read only APP_ID and DATABASE_URL (from the environment or ./.env), so no secret
 * can reach their output.
 *
 * `threadline doctor`: checks the install through GitHub's and Slack's APIs. It reads every
 * setting the App reads, secrets included, and prints only through the App's secret redactor.
 *
 * `threadline preview`: renders a comment as the App would send it to Slack; reads no setting.
 *
 * `threadline backup <file>`: a consistent copy of the SQLite store, taken while the App runs.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { config as loadDotenv } from "dotenv";
import type { Store } from "../store/open-store.js";
import { createDatabaseUrlMasker, openCliStore, readCliStoreSettings } from "./open-cli-store.js";
import { runOutboxCommand } from "./run-outbox-command.js";

loadDotenv({ quiet: true });
const env = process.env;
const argv = process.argv.slice(2);

// `threadline outbox list | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

async function outbox(): Promise<number> {
  const mask = createDatabaseUrlMasker(env.DATABASE_URL);
  let store: Store | undefined;
  const code = await runOutboxCommand(argv, {
    openStore: async () => (store ??= await openCliStore(readCliStoreSettings(env))).operations,
    now: Date.now,
    write: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`${mask(line)}\n`),
  });
  try {
    await store?.close();
  } catch (error) {
    process.stderr.write(`threadline: could not close the database: ${mask(String(error))}\n`);
  }
  return code;
}

async function doctor(): Promise<number> {
  // Loaded only here: the outbox commands need neither Probot nor Slack's SDK.
  const { DoctorOctokit } = await import("./doctor/create-github-clients.js");
  const { runDoctorCommand } = await import("./doctor/run-doctor-command.js");
  const envPath = resolve(".env");
  return runDoctorCommand(argv.slice(1), {
    env,
    // The same file dotenv just loaded, for the checks the App makes of it (an unquoted `#`).
    dotenvText: existsSync(envPath) ? readFileSync(envPath, "utf8") : undefined,
    Octokit: DoctorOctokit,
    now: Date.now,
    write: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`${line}\n`),
  });
}

async function preview(): Promise<number> {
  // Loaded only here: rendering needs no store, no setting and no network.
  const { runPreviewCommand } = await import("./preview/run-preview-command.js");
  const { readFile } = await import("node:fs/promises");
  return runPreviewCommand(argv.slice(1), {
    readFile: (path) => readFile(path, "utf8"),
    readStdin: async () => {
      // Decoded as a stream, so a character split between two chunks stays whole.
      process.stdin.setEncoding("utf8");
      let text = "";
      for await (const chunk of process.stdin) text += chunk as string;
      return text;
    },
    stdinIsTerminal: process.stdin.isTTY === true,
    now: () => new Date(),
    write: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`${line}\n`),
  });
}

async function backup(): Promise<number> {
  const { runBackupCommand } = await import("./run-backup-command.js");
  return runBackupCommand(argv.slice(1), {
    env,
    write: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`${createDatabaseUrlMasker(env.DATABASE_URL)(line)}\n`),
  });
}

const COMMANDS: Record<string, () => Promise<number>> = { doctor, preview, backup };
process.exitCode = await (COMMANDS[argv[0] ?? ""] ?? outbox)();

import pino, { type Logger } from "pino";
import { getTransformStream } from "@probot/pino";
import { createSecretRedactor } from "./redact-secrets.js";

export interface LoggerOptions {
  level: string;
  format: "pretty" | "json";
  /** Values that must never be written: the private key, webhook secrets, the Slack token. */
  secrets: readonly string[];
  /** JSON only: the level as its name (`"info"`) rather than its number, as Probot offers. */
  levelInString?: boolean;
  /** JSON only: the message's key; `msg`. */
  messageKey?: string;
  /** Where lines go; stdout unless a test captures them. */
  destination?: { write(line: string): unknown };
}

/** How long a log line may wait in the buffer before it is written. */
const LOG_FLUSH_MS = 100;

/**
 * Standard output, written in batches: under a flood of refusals (each logged as a line) a write
 * per line would cost more than refusing. Lines wait until 4 KB have gathered or for at most
 * LOG_FLUSH_MS, and pino writes what is left when the process exits.
 */
function bufferedStdout() {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      destination.flush();
    } catch {
      // A write is in flight (it takes the buffer with it) or stdout is closing: next time.
    }
  }, LOG_FLUSH_MS).unref();
  return destination;
}

/**
 * A pino logger whose every output line passes through the secret redactor last, after pretty
 * printing, so nothing (an error's message, a library's debug output) can carry a secret out.
 */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const redact = createSecretRedactor(options.secrets);
  const destination = options.destination ?? bufferedStdout();
  const redactingDestination = {
    write(line: string) {
      destination.write(redact(line));
    },
  };
  const pinoOptions = { level: options.level, name: "threadline", messageKey: "msg" };
  if (options.format === "json") {
    return pino(
      {
        ...pinoOptions,
        messageKey: options.messageKey ?? "msg",
        ...(options.levelInString
          ? { formatters: { level: (label: string) => ({ level: label }) } }
          : {}),
      },
      redactingDestination,
    );
  }
  const pretty = await getTransformStream({ logFormat: "pretty" });
  pretty.on("data", (line: Buffer | string) => redactingDestination.write(line.toString()));
  return pino(pinoOptions, pretty);
}

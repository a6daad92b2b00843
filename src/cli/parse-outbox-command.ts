import { parseArgs } from "node:util";
import { closestMatch } from "../config/closest-match.js";
import type { OutboxStatus } from "../store/schema.js";

/** One operator action on the outbox, as read from the command line. */
export type OutboxCommand =
  | { name: "list"; status: OutboxStatus | undefined; limit: number; json: boolean }
  | { name: "stats"; json: boolean }
  | { name: "retry"; ids: number[] | "all-dead" }
  | { name: "drop"; ids: number[] }
  | { name: "explain"; deliveryId: string };

/** What the arguments ask for; a usage error's message says what to type instead. */
export type ParsedArguments =
  | { kind: "help" }
  | { kind: "usage-error"; message: string }
  | { kind: "command"; command: OutboxCommand };

export const STATUSES: readonly OutboxStatus[] = ["pending", "sending", "sent", "dead"];
const COMMANDS = ["list", "stats", "retry", "drop"] as const;
const HELP_WORDS = ["-h", "--help", "help"];
export const DEFAULT_LIST_LIMIT = 50;

export const USAGE = `Usage: threadline outbox <command> [options]
       threadline explain <delivery-id>
       threadline doctor [--repo owner/name]...
       threadline preview [FILE|-] [options]
       threadline backup <file>

doctor [--repo owner/name]...
    Verifies the install through GitHub's and Slack's APIs (the App's key, permissions, events
    and webhook; each installation and repository config; the Slack token and each channel in
    use) and says how to fix each problem; exits 1 while any remains. Reads the same settings as
    the App; prints no secret. "threadline doctor --help" says more.

preview [FILE|-] [options]
    Renders a comment exactly as the App would send it to Slack: the payload, a sketch, and a
    Block Kit Builder link. "threadline preview --help" says more.

backup <file>
    A consistent copy of the SQLite store, taken while the App runs (SQLite's online backup).
    For PostgreSQL, use pg_dump.

explain <delivery-id>
    Why a delivery (its X-GitHub-Delivery id, as GitHub's "Recent Deliveries" shows it) was or
    wasn't carried: the config that decided, the route behind each channel or the filter that
    dropped it, and what became of each post.

See the posts threadline keeps for Slack, and send dead ones again once their cause is fixed.

Commands:
  list [--status <status>] [--limit <n>] [--json]
      Posts in id order, oldest first: id, status, channel, pull request, attempts, age and
      last error. --status is one of pending, sending, sent, dead; --limit defaults to ${DEFAULT_LIST_LIMIT};
      --json prints one object per line, with the delivery id and without the message body.
  stats [--json]
      How many posts are in each status, how long the oldest waiting post has waited, how large
      the database is and how far back it goes (RETENTION_DAYS prunes older rows).
  retry <id...> | --all-dead
      Dead posts back to pending, attempts reset: the running App sends them on its next poll,
      within a second. Ids that were not dead are reported and left alone.
  drop <id...>
      Deletes posts, except those being sent right now. Ids are required; there is no "drop all".

Environment (also read from ./.env):
  APP_ID        The GitHub App's id, as the App has it: the outbox keeps posts per App. Required.
  DATABASE_URL  The App's database, sqlite:///path/to/file.db; unset: ./data/threadline.db.

Examples:
  threadline outbox list --status dead
  threadline outbox retry 12 15
  threadline outbox retry --all-dead

Exit status: 0 on success, 1 on a usage or runtime error (the reason is printed to stderr).`;

const usageError = (message: string): ParsedArguments => ({
  kind: "usage-error",
  message: `${message}. Run "threadline outbox --help" for usage`,
});

/**
 * Reads `process.argv.slice(2)` into a command, without touching the store, so help and usage
 * errors need no database and no environment.
 */
export function parseOutboxArguments(argv: readonly string[]): ParsedArguments {
  const [group, command, ...rest] = argv;
  if (group === undefined) return usageError("missing a command, e.g. threadline outbox stats");
  if (HELP_WORDS.includes(group)) return { kind: "help" };
  if (group === "explain") {
    if (command === undefined || HELP_WORDS.includes(command)) {
      return command === undefined
        ? usageError(
            '"explain" needs a delivery id (X-GitHub-Delivery, as GitHub\'s "Recent Deliveries" shows it)',
          )
        : { kind: "help" };
    }
    if (rest.length > 0)
      return usageError(`"explain" takes one delivery id, got ${argv.length - 1}`);
    return { kind: "command", command: { name: "explain", deliveryId: command } };
  }
  if (group !== "outbox") {
    return usageError(`unknown command "${group}"; use "outbox" or "explain"`);
  }
  if (command === undefined) {
    return usageError(`"outbox" needs a command: ${COMMANDS.join(", ")}`);
  }
  if (HELP_WORDS.includes(command)) return { kind: "help" };
  if (!isCommandName(command)) {
    const guess = closestMatch(command, COMMANDS);
    return usageError(
      `unknown outbox command "${command}"${guess ? ` (did you mean "${guess}"?)` : `; use one of ${COMMANDS.join(", ")}`}`,
    );
  }
  try {
    return parseCommand(command, rest);
  } catch (error) {
    if (isParseArgsError(error)) {
      // Node's first sentence names the option; the rest of its advice is about `--`.
      const sentence = error.message.split(". ")[0]!;
      return usageError(
        `outbox ${command}: ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`,
      );
    }
    throw error;
  }
}

function isCommandName(word: string): word is (typeof COMMANDS)[number] {
  return (COMMANDS as readonly string[]).includes(word);
}

/** Checked by shape: under a test runner's VM, Node's errors are not instances of its `Error`. */
function isParseArgsError(error: unknown): error is { code: string; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_") && typeof message === "string"
  );
}

function parseCommand(command: (typeof COMMANDS)[number], args: string[]): ParsedArguments {
  switch (command) {
    case "list": {
      const { values } = parseArgs({
        args,
        options: {
          status: { type: "string" },
          limit: { type: "string" },
          json: { type: "boolean", default: false },
          help: { type: "boolean", short: "h", default: false },
        },
        strict: true,
      });
      if (values.help) return { kind: "help" };
      const status = values.status;
      if (status !== undefined && !isStatus(status)) {
        const guess = closestMatch(status, STATUSES);
        return usageError(
          `outbox list: --status "${status}" is not a status${guess ? ` (did you mean "${guess}"?)` : ""}; use one of ${STATUSES.join(", ")}`,
        );
      }
      const limit = values.limit === undefined ? DEFAULT_LIST_LIMIT : positiveInteger(values.limit);
      if (limit === undefined) {
        return usageError(
          `outbox list: --limit must be a whole number above 0, got "${values.limit}"`,
        );
      }
      return { kind: "command", command: { name: "list", status, limit, json: values.json } };
    }
    case "stats": {
      const { values } = parseArgs({
        args,
        options: {
          json: { type: "boolean", default: false },
          help: { type: "boolean", short: "h", default: false },
        },
        strict: true,
      });
      if (values.help) return { kind: "help" };
      return { kind: "command", command: { name: "stats", json: values.json } };
    }
    case "retry": {
      const { values, positionals } = parseArgs({
        args,
        options: {
          "all-dead": { type: "boolean", default: false },
          help: { type: "boolean", short: "h", default: false },
        },
        allowPositionals: true,
        strict: true,
      });
      if (values.help) return { kind: "help" };
      if (values["all-dead"]) {
        if (positionals.length > 0) {
          return usageError("outbox retry: give ids or --all-dead, not both");
        }
        return { kind: "command", command: { name: "retry", ids: "all-dead" } };
      }
      if (positionals.length === 0) {
        return usageError(
          'outbox retry: give the ids of dead posts (see "threadline outbox list --status dead"), or --all-dead',
        );
      }
      const ids = parseIds("retry", positionals);
      return typeof ids === "string"
        ? usageError(ids)
        : { kind: "command", command: { name: "retry", ids } };
    }
    case "drop": {
      const { values, positionals } = parseArgs({
        args,
        options: { help: { type: "boolean", short: "h", default: false } },
        allowPositionals: true,
        strict: true,
      });
      if (values.help) return { kind: "help" };
      if (positionals.length === 0) {
        return usageError(
          'outbox drop: give the ids of the posts to delete (see "threadline outbox list"); there is no "drop all"',
        );
      }
      const ids = parseIds("drop", positionals);
      return typeof ids === "string"
        ? usageError(ids)
        : { kind: "command", command: { name: "drop", ids } };
    }
  }
}

function isStatus(value: string): value is OutboxStatus {
  return (STATUSES as readonly string[]).includes(value);
}

function positiveInteger(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** Distinct ids in the order given, or the message for the first word that is not one. */
function parseIds(command: string, words: readonly string[]): number[] | string {
  const ids: number[] = [];
  for (const word of words) {
    const id = positiveInteger(word);
    if (id === undefined) {
      return `outbox ${command}: "${word}" is not a post id (the numbers in the ID column of "threadline outbox list")`;
    }
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

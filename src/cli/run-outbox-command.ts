import type { OutboxOperations } from "../store/outbox-operations.js";
import { describeCliError } from "./describe-cli-error.js";
import { formatOutboxStats, toOutboxStatsJson } from "./format-outbox-stats.js";
import { formatExplanation } from "./format-explanation.js";
import { formatOutboxTable, toOutboxJson } from "./format-outbox-list.js";
import { parseOutboxArguments, USAGE, type OutboxCommand } from "./parse-outbox-command.js";

export interface OutboxCommandDeps {
  /**
   * The App's store, opened only for a command that needs it, so `--help` and usage errors work
   * without APP_ID or a database. The caller closes what it opened.
   */
  openStore: () => Promise<OutboxOperations>;
  now: () => number;
  /** A line of output (stdout): the table, JSON lines, what was done. */
  write: (line: string) => void;
  /** A line for the operator (stderr): errors, skipped ids, a truncated list. */
  warn: (line: string) => void;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/**
 * `threadline …` as a function: parses `argv` (without `node` and the script), runs the command
 * against the store, and resolves to the exit code: 0 done, 1 usage or runtime error, said on one
 * line that tells what to do.
 */
export async function runOutboxCommand(
  argv: readonly string[],
  deps: OutboxCommandDeps,
): Promise<number> {
  const parsed = parseOutboxArguments(argv);
  if (parsed.kind === "help") {
    deps.write(USAGE);
    return 0;
  }
  if (parsed.kind === "usage-error") {
    deps.warn(`threadline: ${parsed.message}`);
    return 1;
  }
  try {
    await execute(parsed.command, await deps.openStore(), deps);
    return 0;
  } catch (error) {
    deps.warn(`threadline: ${describeCliError(error)}`);
    return 1;
  }
}

async function execute(
  command: OutboxCommand,
  store: OutboxOperations,
  { now, write, warn }: OutboxCommandDeps,
): Promise<void> {
  switch (command.name) {
    case "list": {
      const rows = await store.list({ status: command.status, limit: command.limit });
      const at = now();
      if (command.json) {
        for (const row of rows) write(JSON.stringify(toOutboxJson(row, at)));
      } else if (rows.length === 0) {
        write(command.status ? `no ${command.status} posts` : "no posts");
      } else {
        for (const line of formatOutboxTable(rows, at)) write(line);
      }
      if (rows.length === command.limit) {
        warn(
          `showing the first ${plural(command.limit, "post")} by id; there may be more: raise --limit`,
        );
      }
      return;
    }
    case "stats": {
      const stats = {
        counts: await store.counts(),
        oldestWaitingSince: await store.oldestWaitingSince(),
        footprint: await store.footprint(),
      };
      if (command.json) write(JSON.stringify(toOutboxStatsJson(stats, now())));
      else for (const line of formatOutboxStats(stats, now())) write(line);
      return;
    }
    case "retry": {
      if (command.ids === "all-dead") {
        const retried = await store.retry("all-dead", now());
        write(
          retried === 0
            ? "no dead posts to retry"
            : `retried ${plural(retried, "dead post")}: the running App sends them within a second`,
        );
        return;
      }
      // One id at a time, so the ones that were not dead can be named.
      const skipped: number[] = [];
      for (const id of command.ids) {
        if ((await store.retry([id], now())) === 0) skipped.push(id);
      }
      const retried = command.ids.length - skipped.length;
      write(
        `retried ${plural(retried, "dead post")}${retried > 0 ? ": the running App sends them within a second" : ""}`,
      );
      if (skipped.length > 0) {
        warn(`not retried, as not dead or not found: ${skipped.join(", ")}`);
      }
      return;
    }
    case "explain": {
      const delivery = await store.getDelivery(command.deliveryId);
      if (!delivery) {
        write(
          `delivery ${command.deliveryId} was never recorded: GitHub did not reach the App, or it was refused (bad signature, too large); see the App's log, or ask GitHub to redeliver it`,
        );
        return;
      }
      for (const line of formatExplanation(delivery, now())) write(line);
      return;
    }
    case "drop": {
      const skipped: number[] = [];
      for (const id of command.ids) {
        if ((await store.drop([id])) === 0) skipped.push(id);
      }
      write(`dropped ${plural(command.ids.length - skipped.length, "post")}`);
      if (skipped.length > 0) {
        warn(
          `not dropped, as being sent right now or not found: ${skipped.join(", ")} (a post being sent can be dropped once its attempt ends)`,
        );
      }
      return;
    }
  }
}

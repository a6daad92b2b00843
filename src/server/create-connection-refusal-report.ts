import type { Logger } from "pino";
import type { ConnectionRefusal } from "./describe-client-error.js";

export interface ConnectionRefusalReport {
  count(refusal: ConnectionRefusal): void;
  /** Logs what was counted and not yet logged (the server is closing). */
  flush(): void;
}

export interface ConnectionRefusalReportOptions {
  log: Logger;
  /** At most one line per this period, however many connections were refused in it. */
  periodMs: number;
  /** Said in the line, so an operator whose senders were dropped knows what to raise. */
  maxConnections: number;
}

/**
 * Counts connections refused before any request on them reached a route, and logs the counts as
 * one line per period. Such a connection carries nothing worth a line of its own (no delivery id,
 * no event), and a slowloris or a connection flood is thousands of them: a line each would let
 * the sender fill the log.
 */
export function createConnectionRefusalReport(
  options: ConnectionRefusalReportOptions,
): ConnectionRefusalReport {
  const { log, periodMs, maxConnections } = options;
  let counts: Partial<Record<ConnectionRefusal, number>> = {};
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (Object.keys(counts).length === 0) return;
    const refused = counts;
    counts = {};
    log.warn(
      { refused, periodMs, ...(refused.over_connection_limit ? { maxConnections } : {}) },
      "connections refused before a request was read",
    );
  };

  return {
    count(refusal) {
      counts[refusal] = (counts[refusal] ?? 0) + 1;
      // The first refusal of a quiet spell starts the period; its line comes at the period's end.
      timer ??= setTimeout(flush, periodMs).unref();
    },
    flush,
  };
}

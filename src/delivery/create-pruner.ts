import type { Logger } from "pino";
import type { Metrics } from "../metrics/create-metrics.js";
import type { SharedState } from "../store/shared-state.js";
import type { Pruned, StoreRetention } from "../store/store-retention.js";

const DAY_MS = 24 * 60 * 60_000;
const PRUNE_JOB = "prune";
/** Longer than a prune takes; a replica that dies mid-prune frees it after this. */
const PRUNE_LEASE_MS = 15 * 60_000;

export interface PrunerOptions {
  retention: StoreRetention;
  shared: Pick<SharedState, "tryLease" | "releaseLease">;
  log: Logger;
  metrics: Pick<Metrics, "rowsPruned">;
  /** Deliveries and their sent or dead posts older than this go; 0 keeps them for ever. */
  retentionDays: number;
  /**
   * What Slack shows of a conversation not changed for this long goes, unless its pull request
   * is open; 0 keeps it for ever.
   */
  conversationRetentionDays: number;
  /** This process, as named in the lease: one replica prunes at a time. */
  holder: string;
  intervalMs?: number;
  /** Rows per statement: small, so the store is never held for long. */
  batch?: number;
  /** Pause between batches, for the rest of the App's work. */
  pauseMs?: number;
  now?: () => number;
}

export interface Pruner {
  /** Prunes once now (after start), then every interval. */
  start(): void;
  /** One whole prune: batches until nothing past the cutoffs is left. */
  runOnce(): Promise<Pruned & { skipped?: boolean }>;
  stop(): void;
}

/**
 * Keeps the store small over months: every hour, on one replica at a time, deletes in small
 * batches what no one will read again (old deliveries and their finished posts, conversations of
 * closed pull requests gone quiet), counting each table's rows in /metrics.
 */
export function createPruner(options: PrunerOptions): Pruner {
  const { retention, shared, log, metrics, holder, now = Date.now } = options;
  const { batch = 500, pauseMs = 20, intervalMs = 60 * 60_000 } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  const cutoff = (days: number, at: number) =>
    // Never: a cutoff before any row.
    days > 0 ? at - days * DAY_MS : Number.MIN_SAFE_INTEGER;

  async function runOnce() {
    const total: Pruned = {
      outbox: 0,
      deliveries: 0,
      messages: 0,
      threads: 0,
      pullRequests: 0,
      slackReplies: 0,
      replyComments: 0,
      replyNotices: 0,
    };
    const startedAt = now();
    if (!(await shared.tryLease(PRUNE_JOB, holder, startedAt, PRUNE_LEASE_MS))) {
      log.debug("another replica is pruning the store; skipped");
      return { ...total, skipped: true };
    }
    try {
      const cutoffs = {
        deliveriesBefore: cutoff(options.retentionDays, startedAt),
        conversationsBefore: cutoff(options.conversationRetentionDays, startedAt),
      };
      for (;;) {
        const pruned = await retention.pruneBatch(cutoffs, batch);
        for (const [table, rows] of Object.entries(pruned) as [keyof Pruned, number][]) {
          total[table] += rows;
          if (rows > 0) metrics.rowsPruned.inc({ table }, rows);
        }
        if (stopped || Object.values(pruned).every((rows) => rows < batch)) break;
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    } finally {
      await shared.releaseLease(PRUNE_JOB, holder);
    }
    if (Object.values(total).some((rows) => rows > 0))
      log.info(total, "pruned old rows from the store");
    return total;
  }

  const runLogged = () => {
    running ??= runOnce()
      .catch((error: unknown) =>
        log.warn({ err: error }, "could not prune the store; trying again later"),
      )
      .finally(() => (running = undefined));
  };

  return {
    start() {
      if (options.retentionDays <= 0 && options.conversationRetentionDays <= 0) return;
      // A minute after start: not in the way of the start itself and the redelivery sweep.
      timer = setTimeout(
        function again() {
          runLogged();
          timer = setTimeout(again, intervalMs).unref();
        },
        Math.min(60_000, intervalMs),
      ).unref();
    },
    runOnce,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

import type { Store } from "./open-store.js";

/** Whether the store answers, as its last call found it. */
export interface StoreHealth {
  /** Why the store cannot be used now (for /readyz; no secret, no channel), or undefined. */
  problem(): string | undefined;
}

/** What an error code means for the operator. */
const FIXES: Record<string, string> = {
  SQLITE_READONLY: "the database file or its directory is read-only",
  SQLITE_FULL: "the disk is full",
  SQLITE_IOERR: "the disk failed a read or write",
  SQLITE_CANTOPEN: "the database file cannot be opened",
  SQLITE_BUSY: "another process holds the database's write lock",
  ECONNREFUSED: "PostgreSQL does not answer",
  ECONNRESET: "the connection to PostgreSQL was cut",
  ETIMEDOUT: "PostgreSQL did not answer in time",
  "57P01": "PostgreSQL was shut down or the connection terminated",
  "57P03": "PostgreSQL is starting or failing over",
  "25006": "PostgreSQL is read-only (a standby, or failing over)",
  "53100": "PostgreSQL's disk is full",
};

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const known = typeof code === "string" ? FIXES[code] : undefined;
  if (typeof code === "string") return `the store failed (${code})${known ? `: ${known}` : ""}`;
  return "the store failed";
}

/** The store's methods that only read: a read-only database still answers them. */
const READS = new Set([
  "get",
  "count",
  "hasDelivery",
  "findDue",
  "listGroup",
  "getMessage",
  "getThread",
  "threadChannels",
  "findThreadKey",
  "nextDueAt",
  "getComment",
  "wroteComment",
  "getPullRequest",
  "pullRequestsWithHead",
  "getState",
  "counts",
  "oldestWaitingSince",
  "list",
  "getDelivery",
  "footprint",
]);

/**
 * The store with every call watched: a failure makes the store unhealthy (with its reason) until
 * a call of the same kind succeeds: a write clears any failure, a read only a failed read (a
 * read-only or full disk still answers reads). Reported by /readyz, so an orchestrator stops
 * sending traffic to a replica whose database is gone, and sends it again when it is back,
 * without anyone restarting it.
 */
export function watchStoreHealth(store: Store): { store: Store; health: StoreHealth } {
  let problem: { text: string; onRead: boolean } | undefined;
  const watch = <T extends object>(room: T): T =>
    new Proxy(room, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== "function") return value;
        const read = READS.has(String(key));
        return async (...args: unknown[]) => {
          try {
            const result = await (value as (...args: unknown[]) => unknown).apply(target, args);
            if (!read || problem?.onRead) problem = undefined;
            return result;
          } catch (error) {
            problem = { text: describe(error), onRead: read };
            throw error;
          }
        };
      },
    });
  return {
    store: {
      intake: watch(store.intake),
      queue: watch(store.queue),
      conversations: watch(store.conversations),
      replies: watch(store.replies),
      linkedAccounts: watch(store.linkedAccounts),
      shared: watch(store.shared),
      operations: watch(store.operations),
      retention: watch(store.retention),
      close: () => store.close(),
    },
    health: { problem: () => problem?.text },
  };
}

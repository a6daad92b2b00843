import type { Logger } from "pino";
import type { ConfigSource } from "./config-source.js";

/**
 * Where replicas keep the change log: one value read by key and written by compare-and-set.
 * The store's shared state provides it; declared here so config needs nothing above it.
 */
export interface ChangeLogStore {
  getState(key: string): Promise<string | undefined>;
  compareAndSetState(key: string, expected: string | undefined, value: string): Promise<boolean>;
}

/** A config change as replicas tell each other: one repository, or all of an owner's. */
interface ConfigChange {
  seq: number;
  owner: string;
  /** Absent: the owner's `.github` repository changed, the fallback of all its repositories. */
  repo?: string;
}

interface ChangeLog {
  seq: number;
  changes: ConfigChange[];
}

const CHANGES_KEY = "config_changes";
/** Changes kept; a replica that falls further behind than this forgets every config it has. */
const KEPT_CHANGES = 200;

export interface SharedConfigSource extends ConfigSource {
  /** Applies the changes other replicas recorded since the last look. */
  poll(): Promise<void>;
  /** Polls every `intervalMs` until `stop`. */
  start(intervalMs: number): void;
  stop(): void;
}

/**
 * A push that changes `.github/threadline.yml` reaches one replica. This wraps that replica's
 * cache so the change is also written to the store, and every replica applies the changes it
 * reads there every few seconds: a config change takes effect everywhere within the poll interval
 * instead of the cache's minute. One small value in the store, read by key, is all it costs.
 */
export function createSharedConfigSource(
  local: ConfigSource,
  store: ChangeLogStore,
  log: Logger,
): SharedConfigSource {
  let lastSeen: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const read = async (): Promise<{ raw: string | undefined; log: ChangeLog }> => {
    const raw = await store.getState(CHANGES_KEY);
    return { raw, log: raw ? (JSON.parse(raw) as ChangeLog) : { seq: 0, changes: [] } };
  };

  async function record(owner: string, repo: string | undefined): Promise<void> {
    for (;;) {
      const { raw, log: changeLog } = await read();
      const seq = changeLog.seq + 1;
      const next: ChangeLog = {
        seq,
        changes: [...changeLog.changes, { seq, owner, ...(repo ? { repo } : {}) }].slice(
          -KEPT_CHANGES,
        ),
      };
      if (await store.compareAndSetState(CHANGES_KEY, raw, JSON.stringify(next))) {
        // This replica already applied it.
        if (lastSeen === seq - 1) lastSeen = seq;
        return;
      }
    }
  }

  // One record at a time per replica: a burst of pushes then costs no compare-and-set retries here.
  let recording = Promise.resolve();
  const share = (owner: string, repo: string | undefined) => {
    recording = recording
      .then(() => record(owner, repo))
      .catch((error: unknown) =>
        log.warn(
          { err: error, owner, repo },
          "could not tell the other replicas about a config change; they reload it within a minute",
        ),
      );
  };

  async function poll(): Promise<void> {
    const { log: changeLog } = await read();
    if (lastSeen === undefined || changeLog.seq === lastSeen) {
      // The first look only learns where the log stands: this replica's cache starts empty.
      lastSeen = changeLog.seq;
      return;
    }
    const missed = changeLog.changes.filter((change) => change.seq > lastSeen!);
    if (missed.length < changeLog.seq - lastSeen) {
      local.invalidateAll();
    } else {
      for (const change of missed) {
        if (change.repo) local.invalidate(change.owner, change.repo);
        else local.invalidateOwner(change.owner);
      }
    }
    log.debug(
      { changes: changeLog.seq - lastSeen },
      "applied config changes seen by other replicas",
    );
    lastSeen = changeLog.seq;
  }

  return {
    get: (octokit, repository) => local.get(octokit, repository),
    invalidate(owner, repo) {
      local.invalidate(owner, repo);
      share(owner, repo);
    },
    invalidateOwner(owner) {
      local.invalidateOwner(owner);
      share(owner, undefined);
    },
    invalidateAll: () => local.invalidateAll(),
    poll,
    start(intervalMs) {
      const pollLogged = () =>
        void poll().catch((error: unknown) =>
          log.warn({ err: error }, "could not read config changes from the store; trying again"),
        );
      pollLogged();
      timer = setInterval(pollLogged, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

import type { Logger } from "pino";
import type { SharedState } from "../store/shared-state.js";

/** The slice of GitHub's "list deliveries for an app webhook" answer the sweep reads. */
export interface HookDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
}

/** The two App-level GitHub calls the sweep needs; Probot's App-authenticated Octokit has them. */
export interface HookDeliveriesApi {
  /** Newest first, page by page, as GitHub returns them. */
  listDeliveries(): AsyncIterable<HookDelivery[]>;
  redeliver(deliveryId: number): Promise<void>;
}

export interface RedeliverySweepOptions {
  api: () => Promise<HookDeliveriesApi>;
  shared: SharedState;
  log: Logger;
  intervalMs: number;
  /** This process, as named in the sweep's lease: one replica sweeps at a time. */
  holder: string;
  now?: () => number;
}

const LAST_SWEEP_KEY = "redelivery_sweep.last_started_at";
const SWEEP_JOB = "redelivery_sweep";
/** Longer than any sweep takes; a replica that dies mid-sweep frees it after this. */
const SWEEP_LEASE_MS = 15 * 60_000;
/** GitHub only redelivers deliveries of the last three days. */
const REDELIVERY_HORIZON_MS = 3 * 24 * 60 * 60_000;
/** Each sweep looks a little before the last one started, to cover deliveries it raced with. */
const OVERLAP_MS = 10 * 60_000;

/**
 * Which deliveries to ask GitHub for again: those since `since` whose attempts (the original and
 * any redeliveries share a `guid`) all failed. The newest attempt of each is redelivered.
 */
export function selectFailedDeliveries(
  deliveries: readonly HookDelivery[],
  since: number,
): HookDelivery[] {
  const byGuid = new Map<string, HookDelivery[]>();
  for (const delivery of deliveries) {
    if (Date.parse(delivery.delivered_at) < since) continue;
    const attempts = byGuid.get(delivery.guid) ?? [];
    attempts.push(delivery);
    byGuid.set(delivery.guid, attempts);
  }
  const failed: HookDelivery[] = [];
  for (const attempts of byGuid.values()) {
    if (attempts.some((attempt) => attempt.status_code >= 200 && attempt.status_code < 300))
      continue;
    const newest = attempts.reduce((a, b) =>
      Date.parse(b.delivered_at) > Date.parse(a.delivered_at) ? b : a,
    );
    failed.push(newest);
  }
  return failed;
}

export interface SweepResult {
  listed: number;
  redelivered: number;
  /** Another replica was sweeping; this one did nothing. */
  skipped?: boolean;
}

export interface RedeliverySweep {
  /** Runs once now, then every `intervalMs`. */
  start(): void;
  runOnce(): Promise<SweepResult>;
  stop(): void;
}

/**
 * Deliveries GitHub could not make while the App was down are not retried by GitHub. On start and
 * then every few hours, list the App's recent deliveries and ask for every failed one again; the
 * outbox's dedup makes a redelivery of something already carried harmless.
 */
export function createRedeliverySweep(options: RedeliverySweepOptions): RedeliverySweep {
  const { shared, log, intervalMs, holder, now = Date.now } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function runOnce(): Promise<SweepResult> {
    if (!(await shared.tryLease(SWEEP_JOB, holder, now(), SWEEP_LEASE_MS))) {
      log.debug("another replica is sweeping GitHub's delivery log; skipped");
      return { listed: 0, redelivered: 0, skipped: true };
    }
    try {
      return await sweep();
    } finally {
      await shared.releaseLease(SWEEP_JOB, holder);
    }
  }

  async function sweep(): Promise<SweepResult> {
    const startedAt = now();
    const last = Number((await shared.getState(LAST_SWEEP_KEY)) ?? 0);
    const since = Math.max(last - OVERLAP_MS, startedAt - REDELIVERY_HORIZON_MS);
    const api = await options.api();
    const seen: HookDelivery[] = [];
    for await (const page of api.listDeliveries()) {
      seen.push(...page);
      const oldest = page.at(-1);
      if (!oldest || Date.parse(oldest.delivered_at) < since) break;
    }
    const failed = selectFailedDeliveries(seen, since);
    let redelivered = 0;
    // A delivery GitHub would not redeliver this time must be asked for again next time.
    let resumeFrom = startedAt;
    for (const delivery of failed) {
      try {
        await api.redeliver(delivery.id);
        redelivered += 1;
      } catch (error) {
        resumeFrom = Math.min(resumeFrom, Date.parse(delivery.delivered_at) + OVERLAP_MS);
        log.warn({ guid: delivery.guid, err: error }, "could not ask GitHub to redeliver");
      }
    }
    await shared.setState(LAST_SWEEP_KEY, String(resumeFrom));
    log.info(
      { listed: seen.length, redelivered },
      "swept GitHub's delivery log for failed deliveries",
    );
    return { listed: seen.length, redelivered };
  }

  const runLogged = () => {
    running ??= runOnce()
      .catch((error: unknown) =>
        log.warn({ err: error }, "could not sweep for failed deliveries; trying again later"),
      )
      .finally(() => (running = undefined));
  };

  return {
    start() {
      runLogged();
      timer = setInterval(runLogged, intervalMs);
      timer.unref();
    },
    runOnce,
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

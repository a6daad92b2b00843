import type { Logger } from "pino";
import type { Metrics } from "../metrics/create-metrics.js";
import type { SlackPoster } from "../slack/create-slack-client.js";
import { describeSlackError, type SlackFailure } from "../slack/describe-slack-error.js";
import type { Pace } from "../store/channel-pace.js";
import type { ConversationMap } from "../store/conversation-map.js";
import type { OutboxRow } from "../store/schema.js";
import type { SendQueue } from "../store/send-queue.js";
import { applyPost } from "./apply-post.js";
import type { PostContent } from "./post-content.js";
import { decideAfterFailure, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.js";
import { rideOutStoreFailures } from "./ride-out-store-failures.js";

const WAKE_DELAY_MS = 20;
/** The longest wait between looks while the store fails. */
const STORE_BACKOFF_MAX_MS = 30_000;

/** Slack errors meaning the message to edit or delete no longer exists. */
const GONE_CODES = new Set(["message_not_found", "cant_update_message", "cant_delete_message"]);

export interface WorkerOptions {
  queue: SendQueue;
  conversations: ConversationMap;
  slack: SlackPoster;
  /** Slack's pace per channel, kept across every replica through the store. */
  pace: Pace;
  /** This replica, as its claims name it. */
  holder: string;
  log: Logger;
  metrics: Metrics;
  policy?: RetryPolicy;
  now?: () => number;
  /** How often to look for due posts when nothing wakes the worker. */
  pollIntervalMs?: number;
  /** A claim lasts this long; a worker that dies gives its posts back when it runs out. */
  leaseMs?: number;
  /** How often to take back posts whose claim expired (their replica died). */
  reclaimIntervalMs?: number;
  /** Posts in flight at once, across channels (one per channel at a time, for order). */
  maxInFlight?: number;
  /** While paused on a bad token, one post is tried this often to see if it works again. */
  pauseProbeMs?: number;
  /** True for a comment threadline wrote from a Slack reply (its echo is not shown again). */
  wroteFromSlack?: (commentId: number) => Promise<boolean>;
}

export interface PauseState {
  reason: string;
  since: number;
}

export interface Worker {
  start(): void;
  /**
   * A delivery was just queued, its posts due at `dueAt` (after the order window): look then,
   * not at the next poll. Without `dueAt`, look now.
   */
  wake(dueAt?: number): void;
  /** Stops claiming and waits up to `graceMs` for posts in flight. */
  stop(graceMs: number): Promise<void>;
  /** Set while sending is paused because Slack refused the token. */
  paused(): PauseState | undefined;
}

/**
 * Drains the outbox into Slack: oldest first within each pull request and channel, one post per
 * channel at a time at the channel's pace, retrying what can succeed later and setting aside what
 * cannot. The database says what to send; this loop only decides when.
 */
export function createWorker(options: WorkerOptions): Worker {
  const {
    queue,
    conversations,
    slack,
    pace,
    holder,
    log,
    metrics,
    policy = DEFAULT_RETRY_POLICY,
    now = Date.now,
    pollIntervalMs = 250,
    leaseMs = 60_000,
    reclaimIntervalMs = Math.min(5_000, leaseMs / 2),
    maxInFlight = 8,
    pauseProbeMs = 30_000,
  } = options;

  // What a post in flight reads and records rides out a store that fails for a moment (a cut
  // connection, a failover) instead of leaving its channel held until the claim runs out.
  let storeRetries = 0;
  const countRetry = () => {
    storeRetries += 1;
  };
  const recording = {
    queue: rideOutStoreFailures(queue, leaseMs / 4, countRetry),
    conversations: rideOutStoreFailures(conversations, leaseMs / 4, countRetry),
  };
  const busyChannels = new Set<string>();
  const inFlight = new Map<number, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let ticking = false;
  let tickAgain = false;
  let pause: PauseState | undefined;
  let nextProbeAt = 0;
  /** When wake() asked for looks: due times, in WAKE_DELAY_MS steps; the earliest has a timer. */
  const wakeAts = new Set<number>();
  let wakeTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  const armWake = () => {
    if (!running || pause || storeFailures > 0 || wakeAts.size === 0) return;
    const at = Math.min(...wakeAts);
    if (wakeTimer && wakeTimer.at <= at) return;
    if (wakeTimer) clearTimeout(wakeTimer.timer);
    const timer = setTimeout(
      () => {
        wakeTimer = undefined;
        const reached = now();
        for (const due of wakeAts) if (due <= reached) wakeAts.delete(due);
        void tick();
        armWake();
      },
      Math.max(0, at - now()),
    ).unref();
    wakeTimer = { at, timer };
  };
  let nextReclaimAt = 0;
  /** Looks in a row that failed on the store: the worker waits longer after each. */
  let storeFailures = 0;

  const schedule = (delayMs: number) => {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), delayMs);
  };

  async function tick(): Promise<void> {
    if (!running) return;
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = true;
    try {
      await claimAndSend();
      if (storeFailures > 0) {
        log.info({ failedLooks: storeFailures }, "the store answers again; sending resumes");
        storeFailures = 0;
      }
    } catch (error) {
      storeFailures += 1;
      // Once, not at every look: the posts wait in the store, and the wait grows to half a minute.
      if (storeFailures === 1) {
        log.error(
          { err: error },
          "the outbox worker cannot use the store; nothing is lost (the posts wait in it), and it looks again less and less often until the store answers",
        );
      }
    } finally {
      ticking = false;
    }
    if (storeFailures > 0) {
      schedule(Math.min(STORE_BACKOFF_MAX_MS, pollIntervalMs * 2 ** storeFailures));
    } else if (tickAgain) {
      tickAgain = false;
      schedule(0);
    } else {
      schedule(pollIntervalMs);
    }
  }

  async function reclaimExpired(at: number): Promise<void> {
    nextReclaimAt = at + reclaimIntervalMs;
    const reclaimed = await queue.reclaimExpired(at);
    if (reclaimed === 0) return;
    metrics.postsUncertain.inc(reclaimed);
    log.warn(
      { posts: reclaimed },
      "took back posts whose sender stopped answering (a replica died mid-send); they are sent again, and Slack shows any it had already accepted twice",
    );
  }

  async function claimAndSend(): Promise<void> {
    const at = now();
    if (at >= nextReclaimAt) await reclaimExpired(at);
    if (pause && at < nextProbeAt) return;
    const room = maxInFlight - inFlight.size;
    if (room <= 0) return;
    const due = await queue.findDue(at, Math.max(room * 4, 32));
    let started = 0;
    for (const row of due) {
      if (!running || started >= room) break;
      if (busyChannels.has(row.channel)) continue;
      if (!(await queue.claim(row, at, { leaseMs, pace, holder }))) continue;
      busyChannels.add(row.channel);
      const sending = send(row)
        .catch((error: unknown) =>
          // The store failed mid-send (or closed under us); the lease returns the post later.
          log.error({ err: error, outboxId: row.id }, "could not record a post's outcome"),
        )
        .finally(() => {
          busyChannels.delete(row.channel);
          inFlight.delete(row.id);
          if (running) void tick();
        });
      inFlight.set(row.id, sending);
      started += 1;
      if (pause) {
        // Paused: this one post is the probe; the rest wait for its answer.
        nextProbeAt = at + pauseProbeMs;
        break;
      }
    }
  }

  async function send(row: OutboxRow): Promise<void> {
    const postLog = log.child({
      outboxId: row.id,
      channel: row.channel,
      pullRequest: row.thread_key,
    });
    let content: PostContent;
    try {
      content = JSON.parse(row.content) as PostContent;
    } catch (error) {
      // A post that cannot be read never will be: keep it aside rather than retry.
      await recording.queue.markDead(row.id, `unreadable: ${(error as Error).message}`, now());
      metrics.postsDeadLettered.inc({ reason: "unreadable" });
      postLog.error({ err: error }, "could not read the post; set aside (please report this)");
      return;
    }
    const startedAt = now();
    let applied;
    try {
      applied = await applyPost(row, content, {
        queue: recording.queue,
        conversations: recording.conversations,
        slack,
        now,
        ...(options.wroteFromSlack ? { wroteFromSlack: options.wroteFromSlack } : {}),
      });
    } catch (error) {
      metrics.slackLatency.observe({ outcome: "error" }, (now() - startedAt) / 1000);
      const failure = describeSlackError(error, row.channel);
      if (GONE_CODES.has(failure.code)) {
        // Someone removed the message in Slack: there is nothing left to edit or delete.
        await recording.queue.markSent(row.id, { channel: row.channel }, now());
        postLog.warn("the Slack message is gone (removed in Slack); nothing to change");
        return;
      }
      await handleFailure(row, failure, postLog);
      return;
    }
    metrics.slackLatency.observe({ outcome: "ok" }, (now() - startedAt) / 1000);
    // Record Slack's answer at once: between Slack accepting the post and this line is the only
    // moment a crash can make a post appear twice.
    await recording.queue.markSent(row.id, applied.posted ?? { channel: row.channel }, now());
    if (storeRetries > 0) {
      postLog.info({ storeRetries }, "the store failed for a moment while the post was recorded");
      storeRetries = 0;
    }
    if (applied.what !== "nothing") metrics.postsSent.inc();
    postLog.info(
      { ts: applied.posted?.ts, deliveryId: row.delivery_id, reason: applied.reason },
      applied.what === "nothing" ? "nothing to change in Slack" : `${applied.what} in Slack`,
    );
    if (pause) {
      postLog.info("Slack accepts the token again; sending resumes");
      pause = undefined;
    }
  }

  async function handleFailure(
    row: OutboxRow,
    failure: SlackFailure,
    postLog: Logger,
  ): Promise<void> {
    const at = now();
    const decision = decideAfterFailure(
      failure,
      { attempts: row.attempts, createdAt: Number(row.created_at) },
      at,
      policy,
    );
    switch (decision.action) {
      case "retry":
        await recording.queue.reschedule(
          row.id,
          {
            nextAttemptAt: decision.at,
            error: `${failure.code}: ${failure.hint}`,
            countAttempt: decision.countAttempt,
            ...(decision.blockChannelUntil
              ? { blockChannelUntil: decision.blockChannelUntil }
              : {}),
          },
          at,
        );
        metrics.postsRetried.inc({ reason: failure.code });
        postLog.warn(
          { slackError: failure.code, retryInMs: decision.at - at, attempts: row.attempts + 1 },
          `Slack post will be retried: ${failure.hint}`,
        );
        return;
      case "dead":
        await recording.queue.markDead(row.id, decision.reason, at);
        metrics.postsDeadLettered.inc({ reason: failure.code });
        postLog.error(
          { slackError: failure.code },
          `Slack post set aside: ${failure.hint}. After fixing it: npx threadline outbox retry ${row.id}`,
        );
        return;
      case "pause":
        await recording.queue.reschedule(
          row.id,
          { nextAttemptAt: at, error: decision.reason, countAttempt: false },
          at,
        );
        if (!pause) {
          postLog.error(
            { slackError: failure.code },
            `sending to Slack is paused; nothing is dropped: ${failure.hint}`,
          );
        }
        pause = { reason: decision.reason, since: pause?.since ?? at };
        nextProbeAt = at + pauseProbeMs;
        return;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    wake(dueAt) {
      if (!running || pause) return;
      // Under a burst of deliveries, one look per step is plenty: deliveries queued together are
      // due together (the order window), and Slack's pace is a message per second per channel.
      // Looking before the posts are due would find nothing, at the cost of a query.
      const at = Math.max(now(), dueAt ?? 0) + WAKE_DELAY_MS;
      wakeAts.add(Math.ceil(at / WAKE_DELAY_MS) * WAKE_DELAY_MS);
      armWake();
    },
    async stop(graceMs) {
      running = false;
      if (timer) clearTimeout(timer);
      if (wakeTimer) clearTimeout(wakeTimer.timer);
      const pending = [...inFlight.values()];
      if (pending.length === 0) return;
      let timedOut = false;
      await Promise.race([
        Promise.allSettled(pending),
        new Promise<void>((resolve) =>
          setTimeout(() => {
            timedOut = true;
            resolve();
          }, graceMs).unref(),
        ),
      ]);
      if (timedOut) {
        // Their requests are still open: Slack may yet accept them. Left as `sending`, they are
        // sent again after the restart and counted there as posts that may show twice.
        log.warn(
          { posts: inFlight.size },
          "stopped with posts in flight; they are sent again after restart, and Slack may show them twice",
        );
      }
    },
    paused: () => pause,
  };
}

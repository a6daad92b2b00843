import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { OutboxOperations } from "../store/outbox-operations.js";

/** The App's Prometheus metrics, on a registry of its own (so tests can run several Apps). */
export interface Metrics {
  registry: Registry;
  deliveriesReceived: Counter<"outcome">;
  deliveriesRefused: Counter<"reason">;
  postsSent: Counter;
  postsRetried: Counter<"reason">;
  postsDeadLettered: Counter<"reason">;
  /** Posts that were being sent when the process died: Slack may have them already. */
  postsUncertain: Counter;
  slackLatency: Histogram<"outcome">;
  /** Rows deleted by pruning, by table. */
  rowsPruned: Counter<"table">;
  ackLatency: Histogram;
  /** Slack events verified and read, by outcome: recorded, duplicate, ignored. */
  slackEventsReceived: Counter<"outcome">;
  slackEventsRefused: Counter<"reason">;
  /** Slack thread messages done on GitHub, by what became of them. */
  repliesHandled: Counter<"outcome">;
  /**
   * Linked GitHub accounts (post as themselves), by change: linked, unlinked, refreshed, revoked
   * (GitHub said so), dropped (the token stopped working, or could not be read).
   */
  linksChanged: Counter<"change">;
  slackCommandsRefused: Counter<"reason">;
}

export function createMetrics(
  store: Pick<OutboxOperations, "counts" | "oldestWaitingSince">,
  now: () => number = Date.now,
): Metrics {
  const registry = new Registry();
  const metrics: Metrics = {
    registry,
    deliveriesReceived: new Counter({
      name: "threadline_deliveries_received_total",
      help: "Verified deliveries, by outcome: queued (posts added), ignored (nothing to carry), duplicate (seen before).",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    deliveriesRefused: new Counter({
      name: "threadline_deliveries_refused_total",
      help: "Deliveries refused before handling, by reason.",
      labelNames: ["reason"],
      registers: [registry],
    }),
    postsSent: new Counter({
      name: "threadline_posts_sent_total",
      help: "Posts Slack accepted.",
      registers: [registry],
    }),
    postsRetried: new Counter({
      name: "threadline_posts_retried_total",
      help: "Post attempts that will be tried again, by Slack error.",
      labelNames: ["reason"],
      registers: [registry],
    }),
    postsDeadLettered: new Counter({
      name: "threadline_posts_dead_lettered_total",
      help: "Posts set aside because they cannot succeed as they are, by Slack error.",
      labelNames: ["reason"],
      registers: [registry],
    }),
    postsUncertain: new Counter({
      name: "threadline_posts_uncertain_total",
      help: "Posts in flight when the process stopped without recording Slack's answer; sent again, so Slack may show them twice.",
      registers: [registry],
    }),
    rowsPruned: new Counter({
      name: "threadline_store_pruned_rows_total",
      help: "Rows deleted from the store by pruning (RETENTION_DAYS, CONVERSATION_RETENTION_DAYS), by table.",
      labelNames: ["table"],
      registers: [registry],
    }),
    slackLatency: new Histogram({
      name: "threadline_slack_request_duration_seconds",
      help: "Time Slack took to answer chat.postMessage.",
      labelNames: ["outcome"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: "threadline_delivery_ack_duration_seconds",
      help: "Time from a delivery's arrival to GitHub's answer.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    slackEventsReceived: new Counter({
      name: "threadline_slack_events_received_total",
      help: "Verified Slack events, by outcome: recorded (a thread reply to write), duplicate (a retry), ignored (not a reply to carry).",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    slackEventsRefused: new Counter({
      name: "threadline_slack_events_refused_total",
      help: "Requests to the Slack events endpoint refused before handling, by reason.",
      labelNames: ["reason"],
      registers: [registry],
    }),
    repliesHandled: new Counter({
      name: "threadline_replies_total",
      help: "Slack thread messages handled, by outcome: created, updated, deleted (on GitHub), skipped (nothing to write), refused (the author may not write; told), failed (GitHub refused; the author told), retried.",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    linksChanged: new Counter({
      name: "threadline_linked_accounts_changes_total",
      help: "Changes to people's linked GitHub accounts (post as themselves), by change: linked, unlinked, refreshed, revoked (on GitHub), dropped (the token stopped working or could not be read).",
      labelNames: ["change"],
      registers: [registry],
    }),
    slackCommandsRefused: new Counter({
      name: "threadline_slack_commands_refused_total",
      help: "Requests to the Slack slash command endpoint refused before handling, by reason.",
      labelNames: ["reason"],
      registers: [registry],
    }),
  };
  new Gauge({
    name: "threadline_outbox_posts",
    help: "Posts in the outbox, by status.",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const counts = await store.counts();
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  });
  new Gauge({
    name: "threadline_outbox_oldest_waiting_seconds",
    help: "Age of the oldest post not yet sent (0 when none waits).",
    registers: [registry],
    async collect() {
      const oldest = await store.oldestWaitingSince();
      this.set(oldest === null ? 0 : Math.max(0, (now() - oldest) / 1000));
    },
  });
  return metrics;
}

import type { Logger } from "pino";
import type { Explanation } from "../delivery/outgoing-post.js";
import type {
  Decision,
  EventHandler,
  GitHubEvent,
  GitHubOctokit,
} from "../handlers/github-event.js";
import type { EventHandlers } from "../index.js";
import type { Metrics } from "../metrics/create-metrics.js";
import type { IntakeStore } from "../store/intake-store.js";

/** A delivery whose signature checked out, as the HTTP front hands it over. */
export interface GitHubDelivery {
  id: string;
  /** `X-GitHub-Event`: `issue_comment`. */
  name: string;
  payload: unknown;
}

/** How GitHub is answered: `accepted` (recorded now) or `duplicate` (recorded before). */
export type IntakeOutcome = "accepted" | "duplicate";

export interface GitHubIntakeOptions {
  handlers: EventHandlers;
  intake: IntakeStore;
  /** The installation's Octokit (Probot's auth; the App's own without an installation). */
  octokitFor: (installationId: number | undefined) => Promise<GitHubOctokit>;
  log: Logger;
  metrics: Pick<Metrics, "deliveriesReceived">;
  /** Told when posts were recorded and when they are due, so the worker looks then. */
  onQueued: (dueAt: number) => void;
  /**
   * Posts wait this long before they may be sent, so a comment whose delivery arrives a moment
   * late still goes out before a later comment of the same pull request.
   */
  orderWindowMs: number;
  /**
   * A review and its line comments arrive as separate deliveries in any order: their posts wait
   * this long so the review's one message can take in the stragglers.
   */
  reviewWaitMs: number;
  now?: () => number;
}

const NOTHING_TO_CARRY = "nothing to post to Slack for this event";

/**
 * When GitHub is answered, in one place: a delivery seen before is a duplicate at once; otherwise
 * the handlers decide (they read config and GitHub, and write nothing), the decision is recorded
 * durably (posts for the worker, or why nothing is carried, for `threadline explain`), and only
 * then does this resolve, so a 2xx always means recorded. It throws when a handler or the store
 * fails: the delivery is then answered 500, and GitHub's log (and the redelivery sweep) has it.
 */
export function createGitHubIntake(
  options: GitHubIntakeOptions,
): (delivery: GitHubDelivery) => Promise<IntakeOutcome> {
  const { handlers, intake, octokitFor, log, metrics, onQueued, now = Date.now } = options;
  const { orderWindowMs, reviewWaitMs } = options;

  return async function receiveGitHubDelivery(delivery) {
    const { id, name: eventName } = delivery;
    if (await intake.hasDelivery(id)) {
      metrics.deliveriesReceived.inc({ outcome: "duplicate" });
      log.info({ deliveryId: id, event: eventName }, "delivery seen before; nothing added");
      return "duplicate";
    }
    // The payload is read only to decide; nothing below holds it while the write commits, so it
    // dies young instead of filling the old generation under load.
    const decision = await decideAbout(delivery);
    const name = decision.name;
    const receivedAt = now();
    const record = { deliveryId: id, event: name, receivedAt };

    if ("posts" in decision && decision.posts.length > 0) {
      const added = await intake.enqueue(
        { ...record, explanation: decision.explanation },
        decision.posts.map(({ waitMs, ...post }) =>
          post.groupKey
            ? { ...post, notBefore: receivedAt + Math.max(orderWindowMs, waitMs ?? reviewWaitMs) }
            : post,
        ),
        receivedAt + orderWindowMs,
      );
      if (added > 0) {
        metrics.deliveriesReceived.inc({ outcome: "queued" });
        onQueued(receivedAt + orderWindowMs);
        return "accepted";
      }
      // The same delivery arrived twice at once, and the other copy queued its posts.
      log.info({ deliveryId: id, event: name }, "delivery was already queued; nothing added");
      metrics.deliveriesReceived.inc({ outcome: "duplicate" });
      return "duplicate";
    }

    const explanation: Explanation = decision.explanation ?? {
      skipped: "skipped" in decision ? decision.skipped : NOTHING_TO_CARRY,
    };
    const firstSeen = await intake.recordIgnored({ ...record, explanation });
    // Not first seen: the same delivery arrived twice at once and the other copy recorded it.
    metrics.deliveriesReceived.inc({ outcome: firstSeen ? "ignored" : "duplicate" });
    return firstSeen ? "accepted" : "duplicate";
  };

  /** What the handlers decided about the delivery, and its full event name. */
  async function decideAbout(delivery: GitHubDelivery): Promise<Decision & { name: string }> {
    const payload = delivery.payload as { action?: unknown; installation?: { id?: unknown } };
    const name =
      typeof payload.action === "string" ? `${delivery.name}.${payload.action}` : delivery.name;
    const decision = await decide(
      eventOf(delivery, name, payload.installation?.id),
      handlers.get(name) ?? handlers.get(delivery.name) ?? [],
    );
    return { ...decision, name };
  }

  /** The delivery as handlers see it; its Octokit and its child logger are made on first use. */
  function eventOf(delivery: GitHubDelivery, name: string, installationId: unknown): GitHubEvent {
    let octokit: Promise<GitHubOctokit> | undefined;
    let eventLog: Logger | undefined;
    return {
      id: delivery.id,
      name: name as GitHubEvent["name"],
      payload: delivery.payload as GitHubEvent["payload"],
      octokit: () =>
        (octokit ??= octokitFor(typeof installationId === "number" ? installationId : undefined)),
      get log() {
        return (eventLog ??= log.child({ deliveryId: delivery.id, event: name }));
      },
    };
  }
}

/**
 * Runs every handler of the event; their posts together, or why none carried anything. (Only
 * `pull_request.reopened` has two: the config check and the parent message's update.)
 */
async function decide(event: GitHubEvent, handlers: readonly EventHandler[]): Promise<Decision> {
  if (handlers.length === 0) return { skipped: NOTHING_TO_CARRY };
  if (handlers.length === 1) return handlers[0]!(event);
  const decisions = await Promise.all(handlers.map((handler) => handler(event)));
  const carrying = decisions.filter((decision) => "posts" in decision && decision.posts.length);
  if (carrying.length > 0) {
    return {
      posts: carrying.flatMap((decision) => ("posts" in decision ? decision.posts : [])),
      ...(carrying[0]!.explanation ? { explanation: carrying[0]!.explanation } : {}),
    };
  }
  const skipped = decisions
    .map((decision) => ("skipped" in decision ? decision.skipped : NOTHING_TO_CARRY))
    .join("; ");
  const explanation = decisions.find((decision) => decision.explanation)?.explanation;
  return { skipped, ...(explanation ? { explanation } : {}) };
}

import type { EmitterWebhookEvent, EmitterWebhookEventName } from "@octokit/webhooks";
import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import type { Explanation, OutgoingPost } from "../delivery/outgoing-post.js";

/** An installation's Octokit, as Probot makes it (auth, retries, throttling, the config plugin). */
export type GitHubOctokit = InstanceType<typeof ProbotOctokit>;

/** One verified delivery, as a handler sees it. */
export interface GitHubEvent<Name extends EmitterWebhookEventName = EmitterWebhookEventName> {
  /** GitHub's delivery id (`X-GitHub-Delivery`). */
  id: string;
  /** The event and its action: `issue_comment.created`. */
  name: Name;
  payload: EmitterWebhookEvent<Name>["payload"];
  /**
   * The installation's Octokit, made on first use: with the config cached, most deliveries call
   * no GitHub API, and making an Octokit costs more than everything else a delivery needs.
   */
  octokit(): Promise<GitHubOctokit>;
  /** A child logger naming the delivery and event. */
  log: Logger;
}

/**
 * What a handler decided about a delivery: posts to record for the worker, or why nothing is
 * carried. The intake records either, then answers GitHub; handlers write nothing themselves.
 */
export type Decision =
  | { posts: OutgoingPost[]; explanation?: Explanation }
  | { skipped: string; explanation?: Explanation };

export type EventHandler<Name extends EmitterWebhookEventName = EmitterWebhookEventName> = (
  event: GitHubEvent<Name>,
) => Promise<Decision>;

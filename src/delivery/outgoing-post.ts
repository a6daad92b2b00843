import type { OutboxPart } from "../store/intake-store.js";
import type { PostContent } from "./post-content.js";

/** One post bound for one channel; rendered when the worker sends it. */
export interface OutgoingPost {
  channel: string;
  content: PostContent;
  /** Posts with the same key keep the order of their comments: `owner/repo#N`. */
  threadKey: string;
  /** When the comment was made, then its id: sorts a pull request's posts as on GitHub. */
  orderKey: string;
  /**
   * Posts with the same key become one message: `review:<id>` for a review and its comments,
   * `card:<owner/repo#N>` for a pull request's card, whose one edit answers every post queued.
   */
  groupKey?: string;
  /** A grouped post waits this long for the rest of its group (ms); the review wait otherwise. */
  waitMs?: number;
  /**
   * Tells this post apart from the delivery's other post to the same channel (`card`: a review's
   * delivery posts the review and edits the card); recorded as `<delivery id>/<part>`.
   */
  part?: OutboxPart;
}

/** The part of a delivery that edits a pull request's card, beside what else it posts. */
export const CARD_PART: OutboxPart = "card";

/**
 * The order key of card edits: after every comment of the pull request, so a card edit waiting
 * for its window never holds a comment back (comments still go before it).
 */
export const CARD_ORDER_KEY = "~card";

/** The group of a pull request's card edits in a channel: one edit answers them all. */
export function cardGroupKeyOf(threadKey: string): string {
  return `card:${threadKey}`;
}

/** The thread key of pull request `number` in `repository` (`owner/repo`): `owner/repo#N`. */
export function threadKeyOf(repository: string, number: number): string {
  return `${repository}#${number}`;
}

/**
 * The order key of what happened at `at` (ISO time) to item `id`. News about the pull request
 * itself has id 0, so it sorts before a comment made in the same second.
 */
export function orderKeyOf(at: string, id = 0): string {
  return `${at}|${String(id).padStart(20, "0")}`;
}

/**
 * Why a delivery was or wasn't carried, recorded with it so `threadline explain <delivery-id>`
 * can answer "why did (or didn't) this reach Slack?" after the fact.
 */
export interface Explanation {
  /** `owner/repo#N` */
  pullRequest?: string;
  /** Which configuration decided: the file and repository, or SLACK_CHANNEL. */
  config?: string;
  /** Why nothing was carried, naming the filter or setting responsible. */
  skipped?: string;
  /** Each channel it went to and the route (or fallback) that sent it there. */
  channels?: { channel: string; because: string }[];
}

import type { SlackMessage } from "../render/block-kit.js";
import type { ThreadRecord } from "../store/conversation-map.js";
import { fingerprintOf } from "./decide-group-change.js";

/**
 * Why the parent message is looked at: a comment is about to reply in the pull request's thread
 * (`thread`), or the pull request's card changed (`news`).
 */
export type ParentNeed = "thread" | "news";

/** The parent message as it should be: the card rendered from the newest state kept. */
export interface ParentView {
  message: SlackMessage;
  /** GitHub's `updated_at` of the pull request state the card was drawn from. */
  updatedAt: string;
}

/** What the parent message of a pull request's thread in a channel needs. */
export type ParentChange =
  /** No parent yet, and a comment needs its thread: post one showing `show`. */
  | { change: "post"; show: ParentView }
  /** The parent shows another card than `show`: edit it. */
  | { change: "update"; parentTs: string; show: ParentView }
  /** The parent is as it should be; a comment replies under it. */
  | { change: "keep"; parentTs: string; reason: string }
  /** No parent, and nothing needs one yet: it shows the newest card when it is posted. */
  | { change: "none"; reason: string };

/** What a comment's thread gets: a parent to reply under, posted first if missing. */
export type ParentForThread = Extract<ParentChange, { change: "post" | "keep" }>;

/** What the pull request's news does to the parent: never posts one. */
export type ParentForNews = Exclude<ParentChange, { change: "post" }>;

/** What a thread record keeps of the parent shown: the state's `updated_at` and the fingerprint. */
export function shownParentOf(view: ParentView): string {
  return `${view.updatedAt} ${fingerprintOf(view.message)}`;
}

/** A thread record's `shownUpdatedAt`, read back (a record from before cards has no fingerprint). */
function readShown(shown: string | null): { updatedAt?: string; fingerprint?: string } {
  if (!shown) return {};
  const [updatedAt, fingerprint] = shown.split(" ");
  return { updatedAt, ...(fingerprint ? { fingerprint } : {}) };
}

/**
 * The one rule for a pull request's parent message in a channel, given its thread record and the
 * card as it should be now (rendered from the newest state the store keeps):
 * - a comment about to reply gets the parent, posted first if missing (showing the card); an
 *   existing parent is left as it is, since the card's own posts edit it, in order;
 * - the card's news edits an existing parent only when it would change what the parent shows,
 *   and never with a pull request state older than the one the parent was drawn from (a parent
 *   posted before cards may show a state no card kept); without a parent it changes nothing: the
 *   card is kept, and the parent shows it when a comment posts it.
 */
export function decideParentChange(
  thread: ThreadRecord | undefined,
  view: ParentView,
  need: "thread",
): ParentForThread;
export function decideParentChange(
  thread: ThreadRecord | undefined,
  view: ParentView,
  need: "news",
): ParentForNews;
export function decideParentChange(
  thread: ThreadRecord | undefined,
  view: ParentView,
  need: ParentNeed,
): ParentChange;
export function decideParentChange(
  thread: ThreadRecord | undefined,
  view: ParentView,
  need: ParentNeed,
): ParentChange {
  const parentTs = thread?.parentTs;
  if (!parentTs) {
    return need === "thread"
      ? { change: "post", show: view }
      : { change: "none", reason: "no parent message yet; it will show this state when posted" };
  }
  if (need === "thread") {
    return {
      change: "keep",
      parentTs,
      reason: "the thread has its parent; the pull request's news keeps it current",
    };
  }
  const shown = readShown(thread.shownUpdatedAt);
  if (shown.fingerprint === fingerprintOf(view.message)) {
    return { change: "keep", parentTs, reason: "the parent shows this card already" };
  }
  if (shown.updatedAt && Date.parse(view.updatedAt) < Date.parse(shown.updatedAt)) {
    return {
      change: "keep",
      parentTs,
      reason: "the parent shows a newer state of the pull request",
    };
  }
  return { change: "update", parentTs, show: view };
}

import type { PullRequestUpdate } from "../events/conversation-event.js";
import type { ThreadRecord } from "../store/conversation-map.js";

/**
 * Why the parent message is looked at: a comment is about to reply in the pull request's thread
 * (`thread`), or the pull request's own news arrived (`news`).
 */
export type ParentNeed = "thread" | "news";

/** What the parent message of a pull request's thread in a channel needs. */
export type ParentChange =
  /** No parent yet, and a comment needs its thread: post one showing `show`. */
  | { change: "post"; show: PullRequestUpdate }
  /** The parent shows an older state than `show`: edit it. */
  | { change: "update"; parentTs: string; show: PullRequestUpdate }
  /** The parent is as it should be; a comment replies under it. */
  | { change: "keep"; parentTs: string; reason: string }
  /** No parent, and nothing needs one yet: it shows the newest state when it is posted. */
  | { change: "none"; reason: string };

/** What a comment's thread gets: a parent to reply under, posted first if missing. */
export type ParentForThread = Extract<ParentChange, { change: "post" | "keep" }>;

/** What the pull request's news does to the parent: never posts one. */
export type ParentForNews = Exclude<ParentChange, { change: "post" }>;

/**
 * The one rule for a pull request's parent message in a channel, given its thread record and the
 * newest state of the pull request known (GitHub's `updated_at` decides which is newest):
 * - a comment about to reply gets the parent, posted first if missing (showing `newest`); an
 *   existing parent is left as it is, since the pull request's own news edits it, in order;
 * - the pull request's news edits an existing parent only with a state newer than the one it
 *   shows (deliveries arrive in any order; an older state never takes it back); without a parent
 *   it changes nothing: the state is kept, and the parent shows it when a comment posts it.
 */
export function decideParentChange(
  thread: ThreadRecord | undefined,
  newest: PullRequestUpdate,
  need: "thread",
): ParentForThread;
export function decideParentChange(
  thread: ThreadRecord | undefined,
  newest: PullRequestUpdate,
  need: "news",
): ParentForNews;
export function decideParentChange(
  thread: ThreadRecord | undefined,
  newest: PullRequestUpdate,
  need: ParentNeed,
): ParentChange;
export function decideParentChange(
  thread: ThreadRecord | undefined,
  newest: PullRequestUpdate,
  need: ParentNeed,
): ParentChange {
  const parentTs = thread?.parentTs;
  if (!parentTs) {
    return need === "thread"
      ? { change: "post", show: newest }
      : { change: "none", reason: "no parent message yet; it will show this state when posted" };
  }
  if (need === "thread") {
    return {
      change: "keep",
      parentTs,
      reason: "the thread has its parent; the pull request's news keeps it current",
    };
  }
  const shown = thread.shownUpdatedAt;
  if (shown && Date.parse(newest.updatedAt) <= Date.parse(shown)) {
    return {
      change: "keep",
      parentTs,
      reason: "the parent shows this state of the pull request or a newer one",
    };
  }
  return { change: "update", parentTs, show: newest };
}

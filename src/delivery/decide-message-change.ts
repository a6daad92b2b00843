import type { ConversationEvent } from "../events/conversation-event.js";
import type { ShownMessage } from "../store/conversation-map.js";

/** How long after a comment's creation an edit of it may still be its first appearance. */
export const EDITS_POST_WITHIN_MS = 24 * 60 * 60_000;

/** What Slack's copy of a comment needs, given what it shows now. */
export type MessageChange =
  | { change: "post" }
  | { change: "update"; ts: string }
  | { change: "remove"; ts: string }
  | { change: "record_deletion" }
  | { change: "none"; reason: string };

/**
 * Brings Slack's copy of a comment to GitHub's newest state, whatever order the deliveries came
 * in: the newest `updated_at` wins, a deletion is final, and an edit that arrives before its
 * creation posts the edited text (the creation then finds nothing newer to show). A review and its
 * line comments are one message and never come here: `decideGroupChange` fingerprints what they
 * show, since reviews carry no edit time.
 */
export function decideMessageChange(
  event: ConversationEvent,
  shown: ShownMessage | undefined,
  now: number,
): MessageChange {
  if (shown?.deleted) return { change: "none", reason: "deleted on GitHub already" };
  if (event.action === "deleted") {
    return shown?.ts ? { change: "remove", ts: shown.ts } : { change: "record_deletion" };
  }
  if (!shown?.ts) {
    // An edit of a comment Slack never showed posts it only when the creation may still be on
    // its way; editing a comment from before threadline was installed posts nothing.
    const age = now - Date.parse(event.createdAt);
    return event.action === "edited" && age > EDITS_POST_WITHIN_MS
      ? { change: "none", reason: "an edit of an older comment that was never shown" }
      : { change: "post" };
  }
  return event.updatedAt > shown.shownUpdatedAt
    ? { change: "update", ts: shown.ts }
    : { change: "none", reason: "Slack already shows this version or a newer one" };
}

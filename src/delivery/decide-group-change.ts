import { createHash } from "node:crypto";
import type { ThreadlineConfig } from "../config/schema.js";
import type { SlackMessage } from "../render/block-kit.js";
import type { ShownMessage } from "../store/conversation-map.js";

/**
 * What one message of a review's group (a chunk: a large review takes a few, past Slack's limits)
 * needs, given what Slack shows for it. `index` is the chunk's place; chunk 0 leads, and later
 * chunks continue in its thread.
 */
export type ChunkChange =
  /** Nothing shown for it yet: post it. */
  | { change: "post"; index: number; message: SlackMessage; fingerprint: string }
  /** Shown, but as something else (an older rendering, or a tombstone): edit it. */
  | { change: "update"; index: number; ts: string; message: SlackMessage; fingerprint: string }
  /** Slack shows it as it should be (or nothing, where nothing should be). */
  | { change: "keep"; index: number; ts: string | null; reason: string }
  /** Left over (parts were deleted), with `deleted: tombstone`: a tombstone in its place. */
  | { change: "tombstone"; index: number; ts: string }
  /** Left over (parts were deleted), with `deleted: remove`: deleted from Slack. */
  | { change: "remove"; index: number; ts: string };

/**
 * What Slack shows a rendered message as: sha256 of its JSON. A review carries no edit time, so
 * its group's messages are compared by what they show; an edit that changes nothing costs no call.
 */
export function fingerprintOf(message: SlackMessage): string {
  return createHash("sha256").update(JSON.stringify(message)).digest("hex");
}

/**
 * Brings a review's group of messages to what it should show now: `messages` is the group as
 * rendered from its current parts (renderReviewGroup), `shown` what Slack shows for each chunk by
 * index (read before deciding; a slot past `messages` is a leftover from a time the group needed
 * more). A chunk is posted when nothing shows it, updated when its fingerprint changed or a
 * tombstone stands in its place, and kept otherwise; leftovers still in Slack follow the
 * `deleted` setting, as a single comment's message does. One answer per chunk, in chunk order.
 */
export function decideGroupChange(
  messages: readonly SlackMessage[],
  shown: readonly (ShownMessage | undefined)[],
  deleted: ThreadlineConfig["deleted"],
): ChunkChange[] {
  const changes: ChunkChange[] = [];
  for (let index = 0; index < Math.max(messages.length, shown.length); index += 1) {
    const message = messages[index];
    const current = shown[index];
    const ts = current?.ts ?? null;
    if (!message) {
      if (ts === null) {
        changes.push({ change: "keep", index, ts, reason: "left over, and gone from Slack" });
      } else if (current?.deleted) {
        changes.push({ change: "keep", index, ts, reason: "left over, and a tombstone already" });
      } else {
        changes.push({ change: deleted === "remove" ? "remove" : "tombstone", index, ts });
      }
      continue;
    }
    const fingerprint = fingerprintOf(message);
    if (ts === null) {
      changes.push({ change: "post", index, message, fingerprint });
    } else if (current?.deleted || current?.shownUpdatedAt !== fingerprint) {
      changes.push({ change: "update", index, ts, message, fingerprint });
    } else {
      changes.push({ change: "keep", index, ts, reason: "Slack shows it as rendered" });
    }
  }
  return changes;
}

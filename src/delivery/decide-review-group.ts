import type { ConversationEvent } from "../events/conversation-event.js";
import type { ReviewGroup } from "../render/render-review-group.js";
import { itemKeyOf, type PostContent } from "./post-content.js";

/**
 * What a review's one message shows, from every post its group has had in a channel (oldest
 * first): the newest version of each part (the review, its line comments), a part deleted in any
 * version gone for good, and the line comments in the order they were made. Versions of equal
 * `updated_at` (a review's edit, which carries no edit time) go to the later post.
 */
export function decideReviewGroup(contents: readonly PostContent[]): ReviewGroup {
  const newest = new Map<string, ConversationEvent>();
  const deleted = new Set<string>();
  for (const content of contents) {
    if (content.type === "parent" || content.type === "announcement") continue;
    const { event } = content;
    const key = itemKeyOf(event);
    if (event.action === "deleted") deleted.add(key);
    const known = newest.get(key);
    if (!known || event.updatedAt >= known.updatedAt) newest.set(key, event);
  }
  const parts = [...newest.entries()]
    .filter(([key]) => !deleted.has(key))
    .map(([, event]) => event);
  return {
    review: parts.find((event) => event.kind === "review"),
    comments: parts
      .filter((event) => event.kind !== "review")
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id),
  };
}

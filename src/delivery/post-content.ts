import type {
  Announcement,
  ConversationEvent,
  PullRequestUpdate,
} from "../events/conversation-event.js";
import type { ThreadlineConfig } from "../config/schema.js";

/**
 * What the outbox keeps for a post: the decided event and the settings it is shown with, not the
 * rendered message. The worker renders right before sending: rendering costs more than everything
 * else in answering GitHub, the worker sends at Slack's pace anyway, and what Slack should show
 * depends on what it already shows (a new message, an edit, a deletion).
 */
export type PostContent = ConversationContent | ParentContent | AnnouncementContent;

/** A comment or review, created, edited or deleted. */
export interface ConversationContent {
  type?: "conversation";
  event: ConversationEvent;
  /** The repository's `mentions:` map at the time of the delivery. */
  mentions: Record<string, string>;
  /** Reply in the pull request's thread (rows written before threads existed lack it: off). */
  threads?: boolean;
  broadcast?: boolean;
  deleted?: ThreadlineConfig["deleted"];
  /** `details:` (rows written before it existed lack it: collapse). */
  details?: ThreadlineConfig["details"];
  /** `replies:`, which the parent's footer tells people about (rows before it lack it: off). */
  replies?: ThreadlineConfig["replies"];
}

/**
 * A pull request's card changed: its parent message in a channel shows the newest card the store
 * holds. Rows written before cards carry the pull request's state as the delivery showed it.
 */
export interface ParentContent {
  type: "parent";
  /** The pull request as the delivery showed it (rows from before cards; now kept in the store). */
  update?: PullRequestUpdate;
  /** `replies:`, which the parent's footer tells people about (unknown: off). */
  replies?: ThreadlineConfig["replies"];
}

/** News a repository's `announce:` asks for: a reply in the pull request's thread. */
export interface AnnouncementContent {
  type: "announcement";
  update: PullRequestUpdate;
  what: Announcement;
  /** Who did it (the delivery's sender). */
  by: string;
}

/** The key of a comment's messages: one per comment or review, whatever its later versions. */
export function itemKeyOf(event: ConversationEvent): string {
  return `${event.kind}:${event.id}`;
}

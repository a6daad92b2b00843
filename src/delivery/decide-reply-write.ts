import type { ThreadlineConfig } from "../config/schema.js";
import type { SlackThreadMessage } from "../events/slack-thread-message.js";
import { SLACK_ONLY_PREFIX } from "../render/render-parent.js";
import type { WrittenComment } from "../store/reply-queue.js";

/** Why a person's reply is not written to GitHub, and they are told. */
export type RefusedBecause = "unmapped" | "outsider";

/** What a Slack thread message does on GitHub. */
export type ReplyWrite =
  /** Nothing, and nobody is told (replies off, kept in Slack on purpose, already done). */
  | { write: "none"; reason: string }
  /** Nothing; the author is told once per thread why, and what to do. */
  | { write: "refuse"; because: RefusedBecause; reason: string }
  | { write: "create"; login: string | undefined }
  | { write: "update"; commentId: number; login: string | undefined }
  | { write: "delete"; commentId: number };

export interface ReplyFacts {
  message: SlackThreadMessage;
  /** The repository's `replies:` and `mentions:`; undefined without a config file (replies off). */
  config: Pick<ThreadlineConfig, "replies" | "mentions"> | undefined;
  /** The author's workspace: the event's, else what Slack says of the member. */
  authorTeamId: string | undefined;
  /** The comment the message became, if it became one. */
  written: WrittenComment | undefined;
}

/** The GitHub login that `mentions:` maps a Slack member to. */
export function loginOf(mentions: Record<string, string>, slackUser: string): string | undefined {
  for (const [login, member] of Object.entries(mentions)) if (member === slackUser) return login;
  return undefined;
}

/** A reply written to stay among the team: it starts with the prefix the parent's footer names. */
export function isSlackOnly(text: string): boolean {
  return text.trimStart().startsWith(SLACK_ONLY_PREFIX);
}

/**
 * What to do on GitHub for a message written (edited, deleted) in a pull request's Slack thread,
 * from the repository's config, who wrote it, and what it already became. Pure: the worker does
 * the writes and the telling.
 */
export function decideReplyWrite({
  message,
  config,
  authorTeamId,
  written,
}: ReplyFacts): ReplyWrite {
  const replies = config?.replies ?? "off";
  if (replies === "off") return { write: "none", reason: "replies are off for this repository" };
  const shown = written && !written.deleted ? written : undefined;

  if (message.action === "deleted") {
    return shown
      ? { write: "delete", commentId: shown.commentId }
      : { write: "none", reason: "the message never became a comment" };
  }
  if (!message.user) return { write: "none", reason: "Slack did not say who wrote it" };
  // Whatever the setting: only the App's own workspace writes to the repository.
  if (authorTeamId !== message.teamId) {
    return {
      write: "refuse",
      because: "outsider",
      reason:
        authorTeamId === undefined
          ? "Slack did not say which workspace the author belongs to"
          : "the author belongs to another organisation (a shared channel)",
    };
  }
  const login = loginOf(config!.mentions, message.user);
  if (replies === "mapped" && login === undefined) {
    return { write: "refuse", because: "unmapped", reason: "the author is not in `mentions:`" };
  }
  if (isSlackOnly(message.text)) {
    // Turned into a Slack-only remark after the fact: it leaves GitHub too.
    return shown
      ? { write: "delete", commentId: shown.commentId }
      : { write: "none", reason: `it starts with ${SLACK_ONLY_PREFIX}: kept in Slack` };
  }
  if (message.text.trim() === "" && message.files.length === 0) {
    return { write: "none", reason: "nothing to write" };
  }
  if (message.action === "created") {
    return written ? { write: "none", reason: "already written" } : { write: "create", login };
  }
  if (written?.deleted) return { write: "none", reason: "its comment was deleted" };
  return shown
    ? { write: "update", commentId: shown.commentId, login }
    : { write: "create", login };
}

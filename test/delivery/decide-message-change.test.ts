import { describe, expect, test } from "@jest/globals";
import {
  EDITS_POST_WITHIN_MS,
  decideMessageChange,
  type MessageChange,
} from "../../src/delivery/decide-message-change.js";
import type {
  ConversationAction,
  ConversationEvent,
  ConversationKind,
} from "../../src/events/conversation-event.js";
import { normalize } from "../../src/events/normalize.js";
import type { ShownMessage } from "../../src/store/conversation-map.js";
import { loadFixture, loadPullRequestCommentFixture } from "../fixtures/index.js";

/** "Now" for every case: the comments below were made on the morning of the same day. */
const NOW = Date.parse("2024-06-01T12:00:00Z");
const CREATED = "2024-06-01T09:00:00Z";
const EARLIER = "2024-06-01T09:30:00Z";
const LATER = "2024-06-01T10:00:00Z";
const TS = "1700000000.000002";

/**
 * A real normalized comment or review comment, as action `action` with the given times. Reviews
 * never come here: a review and its line comments are one message (see decide-group-change).
 */
function event(
  action: ConversationAction,
  times: { createdAt?: string; updatedAt?: string } = {},
  kind: Exclude<ConversationKind, "review"> = "comment",
): ConversationEvent {
  const normalized =
    kind === "comment"
      ? normalize["issue_comment.created"](loadPullRequestCommentFixture())
      : normalize["pull_request_review_comment.created"](
          loadFixture("pull_request_review_comment.created"),
        );
  if (!normalized.event) throw new Error(`fixture was skipped: ${normalized.skipped}`);
  const createdAt = times.createdAt ?? CREATED;
  return {
    ...normalized.event,
    action,
    createdAt,
    updatedAt: times.updatedAt ?? times.createdAt ?? createdAt,
  };
}

/** Slack shows the version of `shownUpdatedAt` under `TS`. */
function shown(shownUpdatedAt: string, extra: Partial<ShownMessage> = {}): ShownMessage {
  return { ts: TS, threadTs: "1700000000.000001", shownUpdatedAt, deleted: false, ...extra };
}

/** Recorded when a deletion arrived before anything was shown. */
const DELETED_UNSHOWN: ShownMessage = {
  ts: null,
  threadTs: null,
  shownUpdatedAt: CREATED,
  deleted: true,
};

interface Case {
  name: string;
  event: ConversationEvent;
  shown: ShownMessage | undefined;
  expected: MessageChange["change"];
}

const cases: Case[] = [
  {
    name: "a creation, nothing shown: post",
    event: event("created"),
    shown: undefined,
    expected: "post",
  },
  {
    name: "a recent edit, nothing shown (its creation may be on its way): post the edited text",
    event: event("edited", { updatedAt: LATER }),
    shown: undefined,
    expected: "post",
  },
  {
    name: "an edit of a comment created just under 24 h ago, nothing shown: post",
    event: event("edited", {
      createdAt: new Date(NOW - EDITS_POST_WITHIN_MS + 1_000).toISOString(),
    }),
    shown: undefined,
    expected: "post",
  },
  {
    name: "an edit of a comment created over 24 h ago, nothing shown (made before install): nothing",
    event: event("edited", {
      createdAt: new Date(NOW - EDITS_POST_WITHIN_MS - 1_000).toISOString(),
      updatedAt: LATER,
    }),
    shown: undefined,
    expected: "none",
  },
  {
    name: "a creation of a comment over 24 h old, nothing shown: still posted",
    event: event("created", { createdAt: "2024-05-01T09:00:00Z" }),
    shown: undefined,
    expected: "post",
  },
  {
    name: "a review comment's edit, nothing shown, recent: post",
    event: event("edited", { updatedAt: LATER }, "review_comment"),
    shown: undefined,
    expected: "post",
  },
  {
    name: "an edit newer than what is shown: update that message",
    event: event("edited", { updatedAt: LATER }),
    shown: shown(CREATED),
    expected: "update",
  },
  {
    name: "an edit older than what is shown (deliveries swapped): nothing",
    event: event("edited", { updatedAt: EARLIER }),
    shown: shown(LATER),
    expected: "none",
  },
  {
    name: "an edit as old as what is shown (the same version twice): nothing",
    event: event("edited", { updatedAt: LATER }),
    shown: shown(LATER),
    expected: "none",
  },
  {
    name: "the creation arriving after its edit was shown: nothing",
    event: event("created"),
    shown: shown(LATER),
    expected: "none",
  },
  {
    name: "the creation delivered again: nothing",
    event: event("created"),
    shown: shown(CREATED),
    expected: "none",
  },
  {
    name: "a review comment's newer edit: update",
    event: event("edited", { updatedAt: LATER }, "review_comment"),
    shown: shown(CREATED, { threadTs: null }),
    expected: "update",
  },
  {
    name: "a comment's edit at the time shown (the same version again): nothing",
    event: event("edited"),
    shown: shown(CREATED),
    expected: "none",
  },
  {
    name: "a deletion of a shown comment: remove it",
    event: event("deleted"),
    shown: shown(CREATED),
    expected: "remove",
  },
  {
    name: "a deletion older than what is shown still removes it (a deletion is final)",
    event: event("deleted", { updatedAt: CREATED }),
    shown: shown(LATER),
    expected: "remove",
  },
  {
    name: "a deletion before anything was shown: remember it",
    event: event("deleted"),
    shown: undefined,
    expected: "record_deletion",
  },
  {
    name: "the creation after a deletion: nothing",
    event: event("created"),
    shown: DELETED_UNSHOWN,
    expected: "none",
  },
  {
    name: "a newer edit after a deletion: nothing",
    event: event("edited", { updatedAt: LATER }),
    shown: DELETED_UNSHOWN,
    expected: "none",
  },
  {
    name: "the deletion delivered again: nothing",
    event: event("deleted"),
    shown: DELETED_UNSHOWN,
    expected: "none",
  },
  {
    name: "a newer edit after a shown comment was removed: nothing",
    event: event("edited", { updatedAt: LATER }),
    shown: shown(CREATED, { deleted: true }),
    expected: "none",
  },
];

describe("decideMessageChange", () => {
  test.each(cases)("$name", ({ event: input, shown: current, expected }) => {
    const change = decideMessageChange(input, current, NOW);
    expect(change.change).toBe(expected);
    // Updates and removals act on the message Slack shows; the others name no message.
    if (change.change === "update" || change.change === "remove") expect(change.ts).toBe(TS);
    else expect(change).not.toHaveProperty("ts");
    if (change.change === "none") expect(change.reason).not.toBe("");
  });

  test("says why nothing changes, in words an operator can act on", () => {
    expect(decideMessageChange(event("created"), DELETED_UNSHOWN, NOW)).toEqual({
      change: "none",
      reason: "deleted on GitHub already",
    });
    expect(
      decideMessageChange(
        event("edited", { createdAt: "2024-05-01T09:00:00Z", updatedAt: LATER }),
        undefined,
        NOW,
      ),
    ).toEqual({ change: "none", reason: "an edit of an older comment that was never shown" });
    expect(decideMessageChange(event("created"), shown(LATER), NOW)).toEqual({
      change: "none",
      reason: "Slack already shows this version or a newer one",
    });
  });

  test("is pure: the same inputs give the same answer, and nothing passed in changes", () => {
    const input = event("edited", { updatedAt: LATER });
    const current = shown(CREATED);
    const before = JSON.stringify([input, current]);
    const first = decideMessageChange(input, current, NOW);
    expect(decideMessageChange(input, current, NOW)).toEqual(first);
    expect(JSON.stringify([input, current])).toBe(before);
  });
});

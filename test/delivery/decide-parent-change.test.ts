import { describe, expect, test } from "@jest/globals";
import { fingerprintOf } from "../../src/delivery/decide-group-change.js";
import {
  decideParentChange,
  shownParentOf,
  type ParentChange,
  type ParentNeed,
  type ParentView,
} from "../../src/delivery/decide-parent-change.js";
import type { PullRequestUpdate } from "../../src/events/conversation-event.js";
import { renderParent } from "../../src/render/render-parent.js";
import type { ThreadRecord } from "../../src/store/conversation-map.js";
import { pullRequestNews } from "./conversation-events.js";

/** The card as it should be for a state of the recorded pull request #2. */
function viewOf(update: PullRequestUpdate): ParentView {
  return { message: renderParent(update), updatedAt: update.updatedAt };
}

/** The recorded pull request #2 as opened, then its news (GitHub's `updated_at` orders them). */
const OPENED = viewOf(pullRequestNews({ updatedAt: "2019-05-15T15:20:33Z" }));
const DRAFT_EARLIER = viewOf(pullRequestNews({ updatedAt: "2019-05-15T15:10:00Z", draft: true }));
const MERGED = viewOf(
  pullRequestNews({ updatedAt: "2019-05-15T15:30:00Z", state: "closed", merged: true }),
);
/** MERGED with a review merged in: the card shows more, drawn from the same state. */
const MERGED_REVIEWED: ParentView = {
  message: renderParent({
    ...pullRequestNews({ updatedAt: "2019-05-15T15:30:00Z", state: "closed", merged: true }),
    reviews: {
      octocat: {
        decision: {
          reviewer: "octocat",
          reviewId: 1,
          verdict: "approved",
          at: "2019-05-15T15:29:00Z",
        },
      },
    },
  }),
  updatedAt: MERGED.updatedAt,
};

const PARENT_TS = "1557933621.000100";

/** The channel's thread, its parent showing `view` (as recorded when it was posted or edited). */
function parentShowing(view: ParentView): ThreadRecord {
  return { parentTs: PARENT_TS, shownUpdatedAt: shownParentOf(view) };
}

/** A parent posted before cards: its record holds the state's `updated_at` only. */
function parentFromBeforeCards(updatedAt: string | null): ThreadRecord {
  return { parentTs: PARENT_TS, shownUpdatedAt: updatedAt };
}

interface Case {
  name: string;
  thread: ThreadRecord | undefined;
  view: ParentView;
  need: ParentNeed;
  expected: ParentChange["change"];
}

const cases: Case[] = [
  {
    name: "a comment needs the thread, none exists: post the parent showing the card",
    thread: undefined,
    view: MERGED,
    need: "thread",
    expected: "post",
  },
  {
    name: "a comment needs the thread, a record without a parent: post the parent",
    thread: { parentTs: null, shownUpdatedAt: null },
    view: OPENED,
    need: "thread",
    expected: "post",
  },
  {
    name: "a comment needs the thread, the parent shows this card: reply under it",
    thread: parentShowing(OPENED),
    view: OPENED,
    need: "thread",
    expected: "keep",
  },
  {
    name: "a comment needs the thread, the parent shows an older card: reply under it (the news edits it)",
    thread: parentShowing(OPENED),
    view: MERGED,
    need: "thread",
    expected: "keep",
  },
  {
    name: "news, no thread in the channel: nothing (the parent shows it when posted)",
    thread: undefined,
    view: MERGED,
    need: "news",
    expected: "none",
  },
  {
    name: "news, a record without a parent: nothing",
    thread: { parentTs: null, shownUpdatedAt: null },
    view: MERGED,
    need: "news",
    expected: "none",
  },
  {
    name: "news of a newer state: update it",
    thread: parentShowing(OPENED),
    view: MERGED,
    need: "news",
    expected: "update",
  },
  {
    name: "news changing the card without a newer state (a review, a check): update it",
    thread: parentShowing(MERGED),
    view: MERGED_REVIEWED,
    need: "news",
    expected: "update",
  },
  {
    name: "news of the card the parent shows (delivered again, or coalesced): nothing to change",
    thread: parentShowing(MERGED),
    view: MERGED,
    need: "news",
    expected: "keep",
  },
  {
    name: "a card drawn from an older state than the parent's: nothing to change",
    thread: parentShowing(OPENED),
    view: DRAFT_EARLIER,
    need: "news",
    expected: "keep",
  },
  {
    name: "a parent from before cards, showing a newer state than the card's: left as it is",
    thread: parentFromBeforeCards(MERGED.updatedAt),
    view: OPENED,
    need: "news",
    expected: "keep",
  },
  {
    name: "a parent from before cards, showing this state: redrawn as a card",
    thread: parentFromBeforeCards("2019-05-15T17:30:00+02:00"),
    view: MERGED,
    need: "news",
    expected: "update",
  },
  {
    name: "news, the parent's shown state unknown: update it",
    thread: parentFromBeforeCards(null),
    view: OPENED,
    need: "news",
    expected: "update",
  },
];

describe("decideParentChange", () => {
  test.each(cases)("$name", ({ thread, view, need, expected }) => {
    const change = decideParentChange(thread, view, need);
    expect(change.change).toBe(expected);
    switch (change.change) {
      case "post":
        expect(change.show).toBe(view);
        break;
      case "update":
        expect(change).toEqual({ change: "update", parentTs: PARENT_TS, show: view });
        break;
      case "keep":
        expect(change.parentTs).toBe(PARENT_TS);
        expect(change.reason).not.toBe("");
        break;
      case "none":
        expect(change.reason).not.toBe("");
        break;
    }
  });

  test("says why nothing changes, in words an operator can act on", () => {
    expect(decideParentChange(undefined, MERGED, "news")).toEqual({
      change: "none",
      reason: "no parent message yet; it will show this state when posted",
    });
    expect(decideParentChange(parentShowing(MERGED), OPENED, "news")).toEqual({
      change: "keep",
      parentTs: PARENT_TS,
      reason: "the parent shows a newer state of the pull request",
    });
    expect(decideParentChange(parentShowing(MERGED), MERGED, "news")).toEqual({
      change: "keep",
      parentTs: PARENT_TS,
      reason: "the parent shows this card already",
    });
  });

  test("a thread record keeps the state's time and the card's fingerprint", () => {
    expect(shownParentOf(MERGED)).toBe(`2019-05-15T15:30:00Z ${fingerprintOf(MERGED.message)}`);
  });

  test("is pure: the same inputs give the same answer, and nothing passed in changes", () => {
    const thread = parentShowing(OPENED);
    const before = JSON.stringify([thread, MERGED]);
    const first = decideParentChange(thread, MERGED, "news");
    expect(decideParentChange(thread, MERGED, "news")).toEqual(first);
    expect(JSON.stringify([thread, MERGED])).toBe(before);
  });
});

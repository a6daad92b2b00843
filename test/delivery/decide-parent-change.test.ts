import { describe, expect, test } from "@jest/globals";
import {
  decideParentChange,
  type ParentChange,
  type ParentNeed,
} from "../../src/delivery/decide-parent-change.js";
import type { PullRequestUpdate } from "../../src/events/conversation-event.js";
import type { ThreadRecord } from "../../src/store/conversation-map.js";
import { pullRequestNews } from "./conversation-events.js";

/** The recorded pull request #2 as opened, then its news (GitHub's `updated_at` orders them). */
const OPENED = pullRequestNews({ updatedAt: "2019-05-15T15:20:33Z" });
const DRAFT_EARLIER = pullRequestNews({ updatedAt: "2019-05-15T15:10:00Z", draft: true });
const MERGED = pullRequestNews({
  updatedAt: "2019-05-15T15:30:00Z",
  state: "closed",
  merged: true,
});

const PARENT_TS = "1557933621.000100";

/** The channel's thread, its parent showing the state of `shownUpdatedAt`. */
function parentShowing(shownUpdatedAt: string | null): ThreadRecord {
  return { parentTs: PARENT_TS, shownUpdatedAt };
}

interface Case {
  name: string;
  thread: ThreadRecord | undefined;
  newest: PullRequestUpdate;
  need: ParentNeed;
  expected: ParentChange["change"];
}

const cases: Case[] = [
  {
    name: "a comment needs the thread, none exists: post the parent showing the newest state",
    thread: undefined,
    newest: MERGED,
    need: "thread",
    expected: "post",
  },
  {
    name: "a comment needs the thread, a record without a parent: post the parent",
    thread: { parentTs: null, shownUpdatedAt: null },
    newest: OPENED,
    need: "thread",
    expected: "post",
  },
  {
    name: "a comment needs the thread, the parent shows this state: reply under it",
    thread: parentShowing(OPENED.updatedAt),
    newest: OPENED,
    need: "thread",
    expected: "keep",
  },
  {
    name: "a comment needs the thread, the parent shows an older state: reply under it (the news edits it)",
    thread: parentShowing(OPENED.updatedAt),
    newest: MERGED,
    need: "thread",
    expected: "keep",
  },
  {
    name: "news, no thread in the channel: nothing (the parent shows it when posted)",
    thread: undefined,
    newest: MERGED,
    need: "news",
    expected: "none",
  },
  {
    name: "news, a record without a parent: nothing",
    thread: { parentTs: null, shownUpdatedAt: null },
    newest: MERGED,
    need: "news",
    expected: "none",
  },
  {
    name: "news newer than the parent shows: update it",
    thread: parentShowing(OPENED.updatedAt),
    newest: MERGED,
    need: "news",
    expected: "update",
  },
  {
    name: "news of the state the parent shows (delivered again): nothing to change",
    thread: parentShowing(MERGED.updatedAt),
    newest: MERGED,
    need: "news",
    expected: "keep",
  },
  {
    name: "news older than the parent shows (deliveries swapped): nothing to change",
    thread: parentShowing(OPENED.updatedAt),
    newest: DRAFT_EARLIER,
    need: "news",
    expected: "keep",
  },
  {
    name: "the same moment written another way is not newer: nothing to change",
    thread: parentShowing("2019-05-15T17:30:00+02:00"),
    newest: MERGED,
    need: "news",
    expected: "keep",
  },
  {
    name: "news, the parent's shown state unknown: update it",
    thread: parentShowing(null),
    newest: OPENED,
    need: "news",
    expected: "update",
  },
];

describe("decideParentChange", () => {
  test.each(cases)("$name", ({ thread, newest, need, expected }) => {
    const change = decideParentChange(thread, newest, need);
    expect(change.change).toBe(expected);
    switch (change.change) {
      case "post":
        expect(change.show).toBe(newest);
        break;
      case "update":
        expect(change).toEqual({ change: "update", parentTs: PARENT_TS, show: newest });
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
    expect(decideParentChange(parentShowing(MERGED.updatedAt), OPENED, "news")).toEqual({
      change: "keep",
      parentTs: PARENT_TS,
      reason: "the parent shows this state of the pull request or a newer one",
    });
  });

  test("is pure: the same inputs give the same answer, and nothing passed in changes", () => {
    const thread = parentShowing(OPENED.updatedAt);
    const before = JSON.stringify([thread, MERGED]);
    const first = decideParentChange(thread, MERGED, "news");
    expect(decideParentChange(thread, MERGED, "news")).toEqual(first);
    expect(JSON.stringify([thread, MERGED])).toBe(before);
  });
});

import { createHash } from "node:crypto";
import { describe, expect, test } from "@jest/globals";
import {
  decideGroupChange,
  fingerprintOf,
  type ChunkChange,
} from "../../src/delivery/decide-group-change.js";
import type { SlackMessage } from "../../src/render/block-kit.js";
import { renderReviewGroup, type ReviewGroup } from "../../src/render/render-review-group.js";
import type { ShownMessage } from "../../src/store/conversation-map.js";
import { lineComment, longNote, review } from "./conversation-events.js";

/** The group as the worker renders it (the repository maps nobody for mentions here). */
const render = (group: ReviewGroup) => renderReviewGroup(group, { mentions: {} });

/** An approval with one line comment: one message. */
const ONE = render({ review: review(), comments: [lineComment(1)] });
/** …and a line comment that arrived after the message was posted. */
const WITH_STRAGGLER = render({ review: review(), comments: [lineComment(1), lineComment(2)] });
/** …its summary edited on GitHub (a review's edit carries no edit time: only the text differs). */
const EDITED = render({
  review: review({ action: "edited", body: "Ship it, once CI is green." }),
  comments: [lineComment(1)],
});
/** A review with four long line comments: the fourth continues in a second message. */
const LONG_COMMENTS = [1, 2, 3, 4].map((n) => lineComment(n, { body: longNote(n) }));
const LARGE = render({ review: review(), comments: LONG_COMMENTS });
/** …its fourth line comment deleted: one message, the same first one. */
const SHRUNK = render({ review: review(), comments: LONG_COMMENTS.slice(0, 3) });

const PARENT_TS = "1557933621.000100";

/** Slack shows `message` as chunk `index` (ts `…00020<index>`), in the pull request's thread. */
function shownAs(
  message: SlackMessage,
  index: number,
  extra: Partial<ShownMessage> = {},
): ShownMessage {
  return {
    ts: `1557933640.00020${index}`,
    threadTs: PARENT_TS,
    shownUpdatedAt: fingerprintOf(message),
    deleted: false,
    ...extra,
  };
}

/** A chunk deleted from Slack (`deleted: remove`): recorded, with no message left. */
function removed(message: SlackMessage): ShownMessage {
  return { ts: null, threadTs: null, shownUpdatedAt: fingerprintOf(message), deleted: true };
}

interface Case {
  name: string;
  messages: SlackMessage[];
  shown: (ShownMessage | undefined)[];
  deleted?: "tombstone" | "remove";
  expected: ChunkChange["change"][];
}

const cases: Case[] = [
  {
    name: "nothing shown yet: post the message",
    messages: ONE,
    shown: [],
    expected: ["post"],
  },
  {
    name: "nothing shown yet, a large review: post every message",
    messages: LARGE,
    shown: [],
    expected: ["post", "post"],
  },
  {
    name: "shown as rendered (a part that changes nothing, or a redelivery): keep",
    messages: ONE,
    shown: [shownAs(ONE[0]!, 0)],
    expected: ["keep"],
  },
  {
    name: "a straggler line comment changes what the message shows: update",
    messages: WITH_STRAGGLER,
    shown: [shownAs(ONE[0]!, 0)],
    expected: ["update"],
  },
  {
    name: "the review's summary edited (no edit time; only the text differs): update",
    messages: EDITED,
    shown: [shownAs(ONE[0]!, 0)],
    expected: ["update"],
  },
  {
    name: "a tombstone stands where a message is needed again: update it",
    messages: ONE,
    shown: [shownAs(ONE[0]!, 0, { deleted: true })],
    expected: ["update"],
  },
  {
    name: "grown past Slack's limits: keep the first message, post the continuation",
    messages: LARGE,
    shown: [shownAs(LARGE[0]!, 0)],
    expected: ["keep", "post"],
  },
  {
    name: "a continuation removed from Slack earlier is needed again: post it anew",
    messages: LARGE,
    shown: [shownAs(LARGE[0]!, 0), removed(LARGE[1]!)],
    expected: ["keep", "post"],
  },
  {
    name: "shrunk (a part deleted), `deleted: tombstone`: the leftover becomes a tombstone",
    messages: SHRUNK,
    shown: [shownAs(LARGE[0]!, 0), shownAs(LARGE[1]!, 1)],
    deleted: "tombstone",
    expected: ["keep", "tombstone"],
  },
  {
    name: "shrunk (a part deleted), `deleted: remove`: the leftover is removed",
    messages: SHRUNK,
    shown: [shownAs(LARGE[0]!, 0), shownAs(LARGE[1]!, 1)],
    deleted: "remove",
    expected: ["keep", "remove"],
  },
  {
    name: "a leftover that is a tombstone already: keep",
    messages: SHRUNK,
    shown: [shownAs(LARGE[0]!, 0), shownAs(LARGE[1]!, 1, { deleted: true })],
    deleted: "tombstone",
    expected: ["keep", "keep"],
  },
  {
    name: "a leftover removed already (no message left): keep, even with `deleted: remove`",
    messages: SHRUNK,
    shown: [shownAs(LARGE[0]!, 0), removed(LARGE[1]!)],
    deleted: "remove",
    expected: ["keep", "keep"],
  },
  {
    name: "every part deleted, `deleted: tombstone`: the message becomes a tombstone",
    messages: [],
    shown: [shownAs(ONE[0]!, 0)],
    deleted: "tombstone",
    expected: ["tombstone"],
  },
  {
    name: "every part deleted, `deleted: remove`: the message is removed",
    messages: [],
    shown: [shownAs(ONE[0]!, 0)],
    deleted: "remove",
    expected: ["remove"],
  },
  {
    name: "every part deleted before anything was shown: nothing to do",
    messages: [],
    shown: [],
    deleted: "remove",
    expected: [],
  },
];

describe("decideGroupChange", () => {
  test("the renderings the cases use are what they say", () => {
    expect([ONE, WITH_STRAGGLER, EDITED].map((messages) => messages.length)).toEqual([1, 1, 1]);
    expect(LARGE).toHaveLength(2);
    // Deleting the fourth line comment leaves the first message exactly as it was.
    expect(SHRUNK).toEqual([LARGE[0]]);
  });

  test.each(cases)("$name", ({ messages, shown, deleted = "tombstone", expected }) => {
    const changes = decideGroupChange(messages, shown, deleted);
    expect(changes.map((change) => change.change)).toEqual(expected);
    changes.forEach((change, index) => {
      expect(change.index).toBe(index);
      const current = shown[index];
      switch (change.change) {
        case "post":
        case "update":
          // Each carries its own chunk, fingerprinted as it will be recorded.
          expect(change.message).toBe(messages[index]);
          expect(change.fingerprint).toBe(fingerprintOf(messages[index]!));
          if (change.change === "update") expect(change.ts).toBe(current?.ts);
          break;
        case "keep":
          expect(change.ts).toBe(current?.ts ?? null);
          expect(change.reason).not.toBe("");
          break;
        case "tombstone":
        case "remove":
          expect(change.ts).toBe(current?.ts);
          break;
      }
    });
  });

  test("a fingerprint is the sha256 of the message's JSON, the same for the same parts", () => {
    const message = ONE[0]!;
    expect(fingerprintOf(message)).toBe(
      createHash("sha256").update(JSON.stringify(message)).digest("hex"),
    );
    const again = render({ review: review(), comments: [lineComment(1)] });
    expect(fingerprintOf(again[0]!)).toBe(fingerprintOf(message));
    expect(fingerprintOf(EDITED[0]!)).not.toBe(fingerprintOf(message));
  });

  test("is pure: the same inputs give the same answer, and nothing passed in changes", () => {
    const shown = [shownAs(LARGE[0]!, 0), shownAs(LARGE[1]!, 1)];
    const before = JSON.stringify([SHRUNK, shown]);
    const first = decideGroupChange(SHRUNK, shown, "remove");
    expect(decideGroupChange(SHRUNK, shown, "remove")).toEqual(first);
    expect(JSON.stringify([SHRUNK, shown])).toBe(before);
  });
});

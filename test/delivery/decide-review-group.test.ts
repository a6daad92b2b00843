import { describe, expect, test } from "@jest/globals";
import { decideReviewGroup } from "../../src/delivery/decide-review-group.js";
import type { ConversationContent } from "../../src/delivery/post-content.js";
import type { ConversationEvent } from "../../src/events/conversation-event.js";
import { lineComment, review } from "./conversation-events.js";

/** A group's post as the intake keeps it (the repository's settings do not matter here). */
const post = (event: ConversationEvent): ConversationContent => ({ event, mentions: {} });

/** What the group shows, in words: the review's text, then each line comment's. */
function shows(contents: ConversationContent[]): { review: string | null; comments: string[] } {
  const group = decideReviewGroup(contents);
  return {
    review: group.review ? `${group.review.reviewState}: ${group.review.body}` : null,
    comments: group.comments.map((comment) => comment.body),
  };
}

const LINE_1 = lineComment(1, { body: "Rename this." });
const LINE_2 = lineComment(2, { body: "And this." });
const LINE_1_EDITED = lineComment(1, {
  action: "edited",
  body: "Rename this, please.",
  updatedAt: "2019-05-15T15:25:00Z",
});
const LINE_1_DELETED = lineComment(1, { action: "deleted", body: "Rename this, please." });

interface Case {
  name: string;
  posts: ConversationContent[];
  expected: ReturnType<typeof shows>;
}

const cases: Case[] = [
  {
    name: "a review and its line comments, the line comments in the order they were made",
    posts: [post(LINE_2), post(review()), post(LINE_1)],
    expected: { review: "approved: Ship it.", comments: ["Rename this.", "And this."] },
  },
  {
    name: "line comments whose review has not arrived: the comments alone",
    posts: [post(LINE_1), post(LINE_2)],
    expected: { review: null, comments: ["Rename this.", "And this."] },
  },
  {
    name: "an edit of a line comment replaces it",
    posts: [post(review()), post(LINE_1), post(LINE_1_EDITED)],
    expected: { review: "approved: Ship it.", comments: ["Rename this, please."] },
  },
  {
    name: "an edit queued before its creation still wins (the newest `updated_at`)",
    posts: [post(review()), post(LINE_1_EDITED), post(LINE_1)],
    expected: { review: "approved: Ship it.", comments: ["Rename this, please."] },
  },
  {
    name: "a review's edit (no edit time of its own) replaces its summary: the later post wins",
    posts: [
      post(review()),
      post(LINE_1),
      post(review({ action: "edited", body: "Ship it, once CI is green." })),
    ],
    expected: { review: "approved: Ship it, once CI is green.", comments: ["Rename this."] },
  },
  {
    name: "a deleted line comment is gone",
    posts: [post(review()), post(LINE_1), post(LINE_2), post(LINE_1_DELETED)],
    expected: { review: "approved: Ship it.", comments: ["And this."] },
  },
  {
    name: "a deletion is final: an edit queued after it does not bring the comment back",
    posts: [post(review()), post(LINE_1), post(LINE_1_DELETED), post(LINE_1_EDITED)],
    expected: { review: "approved: Ship it.", comments: [] },
  },
  {
    name: "nothing left: no review, no comments",
    posts: [post(LINE_1), post(LINE_1_DELETED)],
    expected: { review: null, comments: [] },
  },
];

describe("decideReviewGroup", () => {
  test.each(cases)("$name", ({ posts, expected }) => {
    expect(shows(posts)).toEqual(expected);
  });

  test("is pure: nothing passed in changes", () => {
    const posts = [post(LINE_2), post(review()), post(LINE_1)];
    const before = JSON.stringify(posts);
    decideReviewGroup(posts);
    expect(JSON.stringify(posts)).toBe(before);
  });
});

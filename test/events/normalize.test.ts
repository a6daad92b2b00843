import { describe, expect, test } from "@jest/globals";
import { normalize } from "../../src/events/normalize.js";
import { loadFixture, loadPullRequestCommentFixture } from "../fixtures/index.js";

describe("normalize", () => {
  test("a conversation comment on a pull request becomes a comment event", () => {
    const { event } = normalize["issue_comment.created"](loadPullRequestCommentFixture());
    expect(event).toMatchObject({
      kind: "comment",
      repository: { fullName: "Codertocat/Hello-World", owner: "Codertocat" },
      pullRequest: {
        number: 1,
        title: "Spelling error in the README file",
        base: undefined,
      },
      author: { login: "Codertocat", isBot: false },
      body: "You are totally right! I'll get this fixed right away.",
    });
    expect(event?.htmlUrl).toMatch(/\/pull\/1#issuecomment-\d+$/);
  });

  test("a comment on a plain issue is skipped with the reason", () => {
    expect(normalize["issue_comment.created"](loadFixture("issue_comment.created"))).toEqual({
      skipped: "comment is on an issue, not a pull request",
    });
  });

  test("a review comment keeps the file, line, hunk and review", () => {
    const { event } = normalize["pull_request_review_comment.created"](
      loadFixture("pull_request_review_comment.created"),
    );
    expect(event?.kind).toBe("review_comment");
    expect(event?.pullRequest.base).toBe("master");
    expect(event?.location).toEqual({
      path: "README.md",
      line: 265,
      startLine: null,
      side: "RIGHT",
      diffHunk: "@@ -1 +1 @@\n-# Hello-World",
      inReplyToId: null,
      reviewId: 237895671,
    });
  });

  test("an approval without words is carried; a bodiless 'commented' review is not", () => {
    const approved = loadFixture("pull_request_review.submitted");
    approved.review.state = "approved";
    expect(normalize["pull_request_review.submitted"](approved).event?.reviewState).toBe(
      "approved",
    );

    const envelope = loadFixture("pull_request_review.submitted");
    expect(normalize["pull_request_review.submitted"](envelope).skipped).toMatch(/no summary/);
  });

  test("bots are recognised by type and by the [bot] suffix", () => {
    const payload = loadPullRequestCommentFixture();
    payload.comment.user = {
      ...payload.comment.user!,
      login: "renovate[bot]",
      type: "User",
    };
    expect(normalize["issue_comment.created"](payload).event?.author.isBot).toBe(true);
  });
});

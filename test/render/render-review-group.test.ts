import { describe, expect, test } from "@jest/globals";
import type { ConversationEvent } from "../../src/events/conversation-event.js";
import { normalize } from "../../src/events/normalize.js";
import { renderReviewGroup } from "../../src/render/render-review-group.js";
import { loadFixture } from "../fixtures/index.js";
import { expectWithinSlackLimits } from "./slack-invariants.js";

function review(body: string): ConversationEvent {
  const payload = loadFixture("pull_request_review.submitted");
  payload.review.state = "changes_requested";
  payload.review.body = body;
  return normalize["pull_request_review.submitted"](payload).event!;
}

function lineComment(id: number, body: string): ConversationEvent {
  const payload = loadFixture("pull_request_review_comment.created");
  payload.comment.id = id;
  payload.comment.body = body;
  return normalize["pull_request_review_comment.created"](payload).event!;
}

describe("renderReviewGroup", () => {
  test("one message: the verdict and summary, then each line comment, one reviewer header", () => {
    const messages = renderReviewGroup(
      {
        review: review("Two things."),
        comments: [lineComment(1, "First."), lineComment(2, "Second.")],
      },
      { mentions: {} },
    );
    expect(messages).toHaveLength(1);
    const blocks = JSON.stringify(messages[0]!.blocks);
    const order = ["Changes requested", "Two things.", "First.", "Second."].map((text) =>
      blocks.indexOf(text),
    );
    expect(order.every((position, index) => position > (order[index - 1] ?? -1))).toBe(true);
    // The avatar header appears once, for the whole review.
    expect(
      messages[0]!.blocks.filter(
        (block) => block.type === "context" && block.elements[0]?.type === "image",
      ),
    ).toHaveLength(1);
    expect(messages[0]!.text).toContain("requested changes");
  });

  test("line comments without their review's summary still make one message", () => {
    const messages = renderReviewGroup(
      { review: undefined, comments: [lineComment(1, "First."), lineComment(2, "Second.")] },
      { mentions: {} },
    );
    expect(messages).toHaveLength(1);
    expect(JSON.stringify(messages[0]!.blocks)).toContain("Second.");
  });

  test("a review with many long comments continues in further messages, each within Slack's limits", () => {
    const comments = Array.from({ length: 40 }, (_, index) =>
      lineComment(index + 1, `Comment ${index + 1}: ${"long text ".repeat(120)}`),
    );
    const messages = renderReviewGroup({ review: review("Lots."), comments }, { mentions: {} });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expectWithinSlackLimits(message);
    const all = messages.map((message) => JSON.stringify(message.blocks)).join("");
    for (let index = 1; index <= 40; index += 1) expect(all).toContain(`Comment ${index}:`);
    expect(messages[1]!.text).toContain("review, continued");
  });

  test("an empty group renders nothing", () => {
    expect(renderReviewGroup({ review: undefined, comments: [] }, { mentions: {} })).toEqual([]);
  });
});

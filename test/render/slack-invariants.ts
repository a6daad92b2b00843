/**
 * What must hold for every message threadline sends, whatever the comment said: Slack's size limits,
 * and mrkdwn that cannot ping anyone unintended or break apart.
 */
import { expect } from "@jest/globals";
import type { SlackMessage } from "../../src/render/block-kit.js";
import { SLACK_LIMITS } from "../../src/render/fit-to-slack-limits.js";

/** Every mrkdwn text in the message's blocks. */
export function blockTexts(message: SlackMessage): string[] {
  return message.blocks.flatMap((block) =>
    block.type === "section"
      ? [block.text.text]
      : block.elements.flatMap((element) => (element.type === "mrkdwn" ? [element.text] : [])),
  );
}

/** Fails with the offending text when a mrkdwn string could misbehave in Slack. */
export function expectSafeMrkdwn(text: string, allowedUserIds: readonly string[] = []): void {
  // A lone half of a surrogate pair shows as a replacement character, or makes Slack refuse the text.
  expect(text).not.toMatch(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
  );
  // Every `&` starts one of the three entities, whole.
  expect(text.replace(/&(?:amp|lt|gt);/g, "")).not.toContain("&");
  // Every `<` opens a token closed on the same line, and tokens are links or mapped users only.
  const tokens = text.match(/<[^<>]*>/g) ?? [];
  expect(text.replace(/<[^<>\n]*>/g, "")).not.toContain("<");
  for (const token of tokens) {
    if (token.startsWith("<@")) {
      expect(allowedUserIds).toContain(token.slice(2, -1));
    } else {
      expect(token).toMatch(/^<(?:https?:\/\/|mailto:)[^\s|<>]+(?:\|[^<>]*)?>$/);
    }
  }
  // Code fences open and close within the same text.
  expect((text.match(/```/g) ?? []).length % 2).toBe(0);
}

/** Slack's limits and the safety rules above, over a whole message. */
export function expectWithinSlackLimits(
  message: SlackMessage,
  allowedUserIds: readonly string[] = [],
): void {
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThan(SLACK_LIMITS.text);
  const texts = blockTexts(message);
  expect(texts.reduce((sum, text) => sum + text.length, 0)).toBeLessThanOrEqual(
    SLACK_LIMITS.blockText,
  );
  for (const block of message.blocks) {
    if (block.type === "section") {
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(block.text.text.trim()).not.toBe("");
    }
  }
  for (const text of [message.text, ...texts]) {
    expectSafeMrkdwn(text, allowedUserIds);
  }
  expect(message).not.toHaveProperty("parse");
  expect(message).not.toHaveProperty("link_names");
}

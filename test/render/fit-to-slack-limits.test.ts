import { describe, expect, test } from "@jest/globals";
import type { ConversationEvent } from "../../src/events/conversation-event.js";
import { normalize } from "../../src/events/normalize.js";
import { cutMrkdwn } from "../../src/render/cut-mrkdwn.js";
import {
  fitToSlackLimits,
  SLACK_LIMITS,
  type SlackRoom,
} from "../../src/render/fit-to-slack-limits.js";
import { markdownToMrkdwn } from "../../src/render/markdown-to-mrkdwn.js";
import { renderMessage } from "../../src/render/render-message.js";
import { loadPullRequestCommentFixture } from "../fixtures/index.js";
import { expectSafeMrkdwn, expectWithinSlackLimits } from "./slack-invariants.js";

const COMMENT_URL = "https://github.com/Codertocat/Hello-World/pull/1#issuecomment-1";
const READ_MORE = `<${COMMENT_URL}|View the whole comment on GitHub>`;

const roomy: SlackRoom = {
  commentUrl: COMMENT_URL,
  maxSections: 47,
  maxChars: 1_000_000,
};

function commentWithBody(body: string): ConversationEvent {
  const payload = loadPullRequestCommentFixture();
  payload.comment.body = body;
  const { event } = normalize["issue_comment.created"](payload);
  if (!event) {
    throw new Error("the fixture should normalize to an event");
  }
  return event;
}

function words(count: number, word = "lorem"): string {
  return Array.from({ length: count }, (_, index) => `${word}${index}`).join(" ");
}

function expectSectionsValid(
  sections: readonly string[],
  max: number = SLACK_LIMITS.sectionText,
): void {
  for (const text of sections) {
    expect(text.length).toBeLessThanOrEqual(max);
    expectSafeMrkdwn(text);
  }
}

describe("fitToSlackLimits", () => {
  test("a short body is one section, its blocks a blank line apart, nothing added", () => {
    expect(fitToSlackLimits(["*Title*", "para", "• a\n• b"], roomy)).toEqual({
      sections: ["*Title*\n\npara\n\n• a\n• b"],
      truncated: false,
    });
  });

  test("blocks that do not fit together go to the next section, whole", () => {
    const paragraph = "x".repeat(1_800);
    const { sections, truncated } = fitToSlackLimits([paragraph, paragraph, "end"], roomy);
    expect(truncated).toBe(false);
    expect(sections).toEqual([paragraph, `${paragraph}\n\nend`]);
  });

  test("a body over the total is cut between blocks and ends with … and the link to GitHub", () => {
    const paragraphs = Array.from({ length: 10 }, (_, index) => `Paragraph ${index}. ${words(40)}`);
    const { sections, truncated } = fitToSlackLimits(paragraphs, {
      ...roomy,
      maxChars: 1_000,
    });
    expect(truncated).toBe(true);
    const last = sections.at(-1) ?? "";
    expect(last.endsWith(`\n\n…\n${READ_MORE}`)).toBe(true);
    // Whole paragraphs only: the cut fell between two of them.
    expect(
      last
        .replace(`\n\n…\n${READ_MORE}`, "")
        .split("\n\n")
        .every((text) => paragraphs.includes(text)),
    ).toBe(true);
    expect(sections.join("").length).toBeLessThanOrEqual(1_000);
  });

  test("60 section-sized paragraphs stay within the blocks allowed, the last one saying more exists", () => {
    const paragraphs = Array.from({ length: 60 }, (_, index) => `${index} ${words(400)}`);
    const { sections, truncated } = fitToSlackLimits(paragraphs, roomy);
    expect(truncated).toBe(true);
    expect(sections).toHaveLength(47);
    expect(sections.at(-1)).toContain(READ_MORE);
    expectSectionsValid(sections);
  });

  test("a 10,000-character line without spaces is cut into sections, never over 3,000", () => {
    const line = "a".repeat(10_000);
    const { sections, truncated } = fitToSlackLimits([line], roomy);
    expect(truncated).toBe(false);
    expect(sections.join("")).toBe(line);
    expectSectionsValid(sections);
  });

  test("a long paragraph is cut between words, keeping every word whole", () => {
    const paragraph = words(2_000);
    const { sections } = fitToSlackLimits([paragraph], roomy);
    expect(sections.length).toBeGreaterThan(1);
    expect(sections.join(" ")).toBe(paragraph);
    expectSectionsValid(sections);
  });

  test("a long code block split across sections is closed and reopened, so each part stays code", () => {
    const lines = Array.from(
      { length: 400 },
      (_, index) => `line ${index}: const value = compute(${index});`,
    );
    const [chunk = ""] = markdownToMrkdwn("```ts\n" + lines.join("\n") + "\n```", {
      mentions: {},
      serverUrl: "https://github.com",
    });
    const { sections } = fitToSlackLimits([chunk], roomy);
    expect(sections.length).toBeGreaterThan(2);
    for (const text of sections) {
      expect(text.startsWith("```\n")).toBe(true);
      expect(text.endsWith("\n```")).toBe(true);
    }
    const shown = sections.map((text) => text.slice(4, -4)).join("\n");
    expect(shown).toBe(lines.join("\n"));
    expectSectionsValid(sections);
  });

  test("a code block cut by the total limit is closed before the … and link", () => {
    const code =
      "```\n" + Array.from({ length: 300 }, (_, index) => `row ${index}`).join("\n") + "\n```";
    const { sections } = fitToSlackLimits(["Intro", code], {
      ...roomy,
      maxChars: 800,
    });
    const text = sections.join("\n");
    expect(text).toMatch(/\n```\n…\n<https:[^>]+\|View the whole comment on GitHub>$/);
    expectSectionsValid(sections);
  });

  test("a quote cut mid-line keeps its quote marker on the continuation", () => {
    const { sections } = fitToSlackLimits([`> ${words(1_000)}`], roomy);
    expect(sections.length).toBeGreaterThan(1);
    for (const text of sections) {
      expect(text.startsWith("> ")).toBe(true);
    }
  });

  test("a quote inside a quote, cut mid-line, keeps both markers on the continuation", () => {
    const { sections } = fitToSlackLimits([`> │ ${words(1_000)}`], roomy);
    expect(sections.length).toBeGreaterThan(1);
    for (const text of sections) {
      expect(text.startsWith("> │ ")).toBe(true);
    }
  });

  test.each([
    ["emoji (surrogate pairs)", "😀".repeat(2_000) + "👍🏽".repeat(500)],
    ["entities", "&amp;&lt;&gt;".repeat(1_000)],
    ["mixed emoji and entities", "a😀&amp;".repeat(1_200)],
    [
      "links and mentions",
      "<https://example.com/some/path|a label with spaces><@U0OCTOCAT>".repeat(150),
    ],
  ])("a cut never splits %s", (_name, text) => {
    for (const maxChars of [1_000, 2_999, 5_003]) {
      const { sections } = fitToSlackLimits([text], { ...roomy, maxChars });
      expect(sections.join("").length).toBeLessThanOrEqual(maxChars);
      for (const section of sections) {
        expect(section.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        expectSafeMrkdwn(section, ["U0OCTOCAT"]);
      }
    }
  });
});

describe("cutMrkdwn", () => {
  test.each([
    ["between blocks", `${"a ".repeat(30)}\n\n${"b ".repeat(30)}`, 80, "block"],
    ["between lines", `${"a ".repeat(30)}\n${"b ".repeat(30)}`, 80, "line"],
    ["between words", "word ".repeat(30), 80, "word"],
    ["anywhere safe", "x".repeat(200), 80, "hard"],
  ])("prefers a readable place: %s", (_name, text, max, boundary) => {
    const cut = cutMrkdwn(text, max);
    expect(cut.boundary).toBe(boundary);
    expect(cut.head.length).toBeLessThanOrEqual(max);
    expect(cut.head.length).toBeGreaterThan(max / 2);
  });

  test("leaves a link longer than the room out whole rather than show half of it", () => {
    const link = `<https://example.com/${"a".repeat(100)}|label>`;
    expect(cutMrkdwn(link, 50)).toEqual({ head: "", rest: link, boundary: "hard" });
    expect(cutMrkdwn(`ab ${link}`, 50)).toMatchObject({ head: "ab ", rest: link });
  });

  test("does not cut inside an entity or right after a high surrogate", () => {
    const text = "ab&amp;cd😀ef".repeat(20);
    for (let max = 5; max < text.length; max += 1) {
      const { head, rest } = cutMrkdwn(text, max);
      expectSafeMrkdwn(head);
      expectSafeMrkdwn(rest);
      expect(head + rest).toBe(text);
    }
  });
});

describe("renderMessage stays within Slack's limits whatever the comment", () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];

  /** GitHub refuses longer comment bodies. */
  const GITHUB_MAX_BODY = 65_536;

  /** A deterministic mix of every construct, long enough to need cutting. */
  function generatedBody(seed: number): string {
    let state = seed;
    const next = (): number => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const pieces = [
      () => words(10 + Math.floor(next() * 600)),
      () =>
        "```\n" +
        Array.from(
          { length: 20 + Math.floor(next() * 300) },
          (_, index) => `code ${index} <&> 😀`,
        ).join("\n") +
        "\n```",
      () => `> ${words(50 + Math.floor(next() * 400), "quoted")}`,
      () =>
        Array.from(
          { length: 5 + Math.floor(next() * 60) },
          (_, index) => `- item ${index} @octocat <!here>`,
        ).join("\n"),
      () => "😀🎉".repeat(Math.floor(next() * 2_000)),
      () => "&amp; <@U1> ".repeat(Math.floor(next() * 900)),
      () =>
        `| a | b |\n|---|---|\n${Array.from({ length: 30 }, (_, index) => `| ${index} | [x](https://example.com/${index}) |`).join("\n")}`,
      () => "y".repeat(Math.floor(next() * 10_000)),
    ];
    return Array.from({ length: 10 + Math.floor(next() * 60) }, () => {
      const piece = pieces[Math.floor(next() * pieces.length)] ?? pieces[0];
      return piece?.() ?? "";
    })
      .join("\n\n")
      .slice(0, GITHUB_MAX_BODY);
  }

  test.each(seeds)("generated comment #%i", (seed) => {
    const body = generatedBody(seed);
    const message = renderMessage(commentWithBody(body), {
      mentions: { octocat: "U0OCTOCAT" },
    });
    expectWithinSlackLimits(message, ["U0OCTOCAT"]);
  });

  test("60 paragraphs give at most 50 blocks and at most 12,000 characters", () => {
    const body = Array.from({ length: 60 }, (_, index) => `Paragraph ${index}: ${words(300)}`).join(
      "\n\n",
    );
    const message = renderMessage(commentWithBody(body), { mentions: {} });
    expectWithinSlackLimits(message);
    const last = message.blocks.at(-2);
    expect(last?.type === "section" && last.text.text).toMatch(
      /…\n<https:\/\/github\.com\/Codertocat\/Hello-World\/pull\/1#issuecomment-\d+\|View the whole comment on GitHub>$/,
    );
  });

  test("a huge comment is cut and says so; a short one is not", () => {
    const huge = renderMessage(commentWithBody(words(20_000)), {
      mentions: {},
    });
    expectWithinSlackLimits(huge);
    expect(JSON.stringify(huge.blocks)).toContain("View the whole comment on GitHub");
    expect(huge.text.length).toBeLessThan(300);

    const short = renderMessage(commentWithBody("Looks good"), {
      mentions: {},
    });
    expect(JSON.stringify(short.blocks)).not.toContain("View the whole comment on GitHub");
  });
});

import { describe, expect, test } from "@jest/globals";
import {
  escapeInlineCode,
  escapeMrkdwn,
  escapeMrkdwnText,
} from "../../src/render/escape-mrkdwn.js";

describe("escapeMrkdwn", () => {
  test.each([
    ["<!channel>", "&lt;!channel&gt;"],
    ["<!here>", "&lt;!here&gt;"],
    ["<!everyone>", "&lt;!everyone&gt;"],
    ["<@U123>", "&lt;@U123&gt;"],
    ["<!subteam^S1>", "&lt;!subteam^S1&gt;"],
    ["<http://x|label>", "&lt;http://x|label&gt;"],
    ["Tom & Jerry", "Tom &amp; Jerry"],
    ["already &amp; escaped", "already &amp;amp; escaped"],
    ["*bold* _it_ ~no~ `code`", "*bold* _it_ ~no~ `code`"],
  ])("%s shows literally", (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  test("a ``` in user text cannot open or close a Slack code block", () => {
    expect(escapeMrkdwnText("a ``` b <x> ```` c")).toBe("a ˋˋˋ b &lt;x&gt; ˋˋˋˋ c");
    expect(escapeMrkdwnText("one `tick` or two ``")).toBe("one `tick` or two ``");
  });

  test("inline code cannot be ended early by a backtick inside it", () => {
    expect(escapeInlineCode("a`b <c>")).toBe("aˋb &lt;c&gt;");
  });
});

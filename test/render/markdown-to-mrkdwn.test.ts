import { describe, expect, test } from "@jest/globals";
import {
  joinMrkdwnChunks,
  markdownToMrkdwn,
  type MarkdownToMrkdwnOptions,
} from "../../src/render/markdown-to-mrkdwn.js";
import { expectSafeMrkdwn } from "./slack-invariants.js";

const options: MarkdownToMrkdwnOptions = {
  mentions: { Octocat: "U0OCTOCAT", hubot: "not-a-user-id" },
  serverUrl: "https://github.com",
};

function render(markdown: string, overrides: Partial<MarkdownToMrkdwnOptions> = {}): string {
  return joinMrkdwnChunks(markdownToMrkdwn(markdown, { ...options, ...overrides }));
}

describe("markdownToMrkdwn: formatting a Slack reader sees as on GitHub", () => {
  test.each([
    ["bold", "a **bold** b", "a *bold* b"],
    ["bold with underscores", "__bold__", "*bold*"],
    ["italic", "an *italic* word", "an _italic_ word"],
    ["strikethrough", "~~gone~~", "~gone~"],
    ["nested emphasis", "***both***", "_*both*_"],
    ["spaces move outside the markers", "a ** spaced ** b", "a ** spaced ** b"],
    ["inline code", "run `npm test`", "run `npm test`"],
    ["inline code with a backtick", "`` a`b ``", "`aˋb`"],
    ["inline code keeps markup literal", "`<b>*x*</b>`", "`&lt;b&gt;*x*&lt;/b&gt;`"],
    ["link", "[docs](https://example.com/docs)", "<https://example.com/docs|docs>"],
    [
      "link label is escaped and formatting dropped",
      "[**a** <b>b</b> <T> & c](https://example.com)",
      "<https://example.com/|a b &lt;T&gt; &amp; c>",
    ],
    [
      "| and > in a URL cannot end the link early",
      "[x](https://example.com/a|b>c?q=1&r=2)",
      "<https://example.com/a%7Cb%3Ec?q=1&amp;r=2|x>",
    ],
    [
      "a URL too long to be one token shows its label",
      `[report](https://example.com/?q=${"a".repeat(1_500)})`,
      "report",
    ],
    [
      "a very long label is shortened",
      `[${"word ".repeat(100)}](https://example.com)`,
      `<https://example.com/|${"word ".repeat(59)}word…>`,
    ],
    ["javascript: link is plain text", "[click](javascript:alert(1))", "click"],
    ["relative link is plain text", "[file](./README.md)", "file"],
    ["mailto link", "[mail](mailto:a@example.com)", "<mailto:a@example.com|mail>"],
    ["autolink", "<https://example.com>", "<https://example.com/|https://example.com>"],
    [
      "bare URL",
      "see https://example.com/x.",
      "see <https://example.com/x|https://example.com/x>.",
    ],
    ["bare email", "mail a@example.com", "mail <mailto:a@example.com|a@example.com>"],
    ["reference link", "[docs][d]\n\n[d]: https://example.com/d", "<https://example.com/d|docs>"],
    ["image", "![screenshot](https://example.com/s.png)", "<https://example.com/s.png|screenshot>"],
    ["image without alt", "![](https://example.com/s.png)", "<https://example.com/s.png|image>"],
    ["heading", "## Summary of *changes*", "*Summary of _changes_*"],
    ["heading with bold inside", "# A **b** c", "*A b c*"],
    ["thematic break", "a\n\n---\n\nb", "a\n\n───\n\nb"],
    ["hard break", "one  \ntwo", "one\ntwo"],
    ["soft break", "one\ntwo", "one\ntwo"],
    ["bullet list", "- one\n- two", "• one\n• two"],
    [
      "nested bullet list",
      "- one\n  - inner\n    - deeper\n- two",
      "• one\n    • inner\n        • deeper\n• two",
    ],
    ["ordered list keeps its start", "3. three\n4. four", "3. three\n4. four"],
    ["ordered list nested in bullets", "- a\n  1. x\n  2. y", "• a\n    1. x\n    2. y"],
    ["task list", "- [x] done\n- [ ] todo", "☑ done\n☐ todo"],
    ["loose list item with two paragraphs", "- a\n\n  b\n- c", "• a\n    b\n• c"],
    ["blockquote", "> quoted\n> more", "> quoted\n> more"],
    ["blockquote with paragraphs", "> one\n>\n> two", "> one\n>\n> two"],
    ["blockquote text is escaped, its marker is not", "> <!here> & co", "> &lt;!here&gt; &amp; co"],
    ["fenced code drops the language", "```ts\nconst a = 1;\n```", "```\nconst a = 1;\n```"],
    [
      "code is escaped and keeps markup",
      "```\nif (a < b && c > d) { *p = @x; }\n```",
      "```\nif (a &lt; b &amp;&amp; c &gt; d) { *p = @x; }\n```",
    ],
    [
      "``` inside code cannot end the block early",
      "````md\n```js\nx\n```\n````",
      "```\nˋˋˋjs\nx\nˋˋˋ\n```\n_In this code ˋˋˋ stands for three backticks, which Slack cannot show in a code block: copy it from GitHub._",
    ],
    ["indented code", "    indented", "```\nindented\n```"],
    ["code in a list item stays fenced", "- a\n  ```\n  x\n  ```", "• a\n    ```\n    x\n    ```"],
    ["footnote", "Fact[^1].\n\n[^1]: Source.", "Fact[1].\n\n───\n[1] Source."],
    ["HTML comment dropped", "a <!-- hidden --> b\n\n<!-- block -->\n\nc", "a b\n\nc"],
    [
      "inline HTML formatting as GitHub shows it",
      "a <b>bold</b> <kbd>Ctrl</kbd>",
      "a *bold* `Ctrl`",
    ],
    ["<br> is a new line", "one<br>two<br/>three", "one\ntwo\nthree"],
    [
      "details shows its summary and how much it hides",
      "<details><summary>Logs</summary>\n\n```\nerror\n```\n\n</details>",
      "▸ Logs (1 line hidden)",
    ],
    [
      "HTML block keeps links and images",
      '<p align="center"><a href="https://example.com/r?a=1&amp;b=2">Report</a> <img src="https://example.com/i.png" alt="chart"></p>',
      "<https://example.com/r?a=1&amp;b=2|Report> <https://example.com/i.png|chart>",
    ],
    [
      "inline anchor is a link",
      'see <a href="https://example.com">this</a> now',
      "see <https://example.com/|this> now",
    ],
    ["unknown tags are text", "Array<T> and <foo>", "Array&lt;T&gt; and &lt;foo&gt;"],
    ["empty input", "", ""],
    ["whitespace only", "  \n\n  ", ""],
  ])("%s", (_name, markdown, expected) => {
    expect(render(markdown)).toBe(expected);
  });

  test("tables that fit become an aligned monospace grid", () => {
    expect(render("| Name | Count |\n|:--|--:|\n| foo | 1 |\n| `bar` & co | 22 |")).toBe(
      [
        "```",
        "Name     | Count",
        "---------+------",
        "foo      |     1",
        "bar &amp; co |    22",
        "```",
      ].join("\n"),
    );
  });

  test("tables too wide for a grid become header: value lines, keeping links", () => {
    const long = "a fairly long description that would wrap a monospace grid";
    expect(
      render(
        `| Check | Result | Details |\n|---|---|---|\n| lint | **pass** | ${long} |\n| test | fail | [log](https://ci.example.com/1) |`,
      ),
    ).toBe(
      [
        "*Check*: lint",
        "*Result*: *pass*",
        `*Details*: ${long}`,
        "",
        "*Check*: test",
        "*Result*: fail",
        "*Details*: <https://ci.example.com/1|log>",
      ].join("\n"),
    );
  });

  test("output is one chunk per top-level block, so truncation can cut between them", () => {
    expect(
      markdownToMrkdwn("# Title\n\npara\n\n- a\n- b\n\n```\ncode\n```\n\n> q", options),
    ).toEqual(["*Title*", "para", "• a\n• b", "```\ncode\n```", "> q"]);
  });

  test("a suggestion block goes to the layout's renderer, else gets a label", () => {
    const markdown = "Try:\n\n```suggestion\nconst a = 1;\n```";
    expect(render(markdown)).toBe("Try:\n\n*Suggested change*\n```\nconst a = 1;\n```");
    expect(render(markdown, { renderSuggestion: (code) => `[${code}]` })).toBe(
      "Try:\n\n[const a = 1;]",
    );
  });
});

describe("markdownToMrkdwn: nothing in a comment can ping or fake a link", () => {
  test.each([
    ["<!channel>", "&lt;!channel&gt;"],
    ["<!here>", "&lt;!here&gt;"],
    ["<!everyone> please", "&lt;!everyone&gt; please"],
    ["hi <!here> there", "hi &lt;!here&gt; there"],
    ["<@U123>", "&lt;<https://github.com/U123|@U123>&gt;"],
    ["<!subteam^ABC|@team>", "&lt;!subteam^ABC|<https://github.com/team|@team>&gt;"],
    ["<https://evil|https://good>", "https://evil|https://good"],
    ["[https://good](https://evil)", "<https://evil/|https://good>"],
    ["&amp; &lt;!channel&gt;", "&amp; &lt;!channel&gt;"],
    ["a &amp;amp; b", "a &amp;amp; b"],
    ["`<!channel>`", "`&lt;!channel&gt;`"],
    ["```\n<!channel>\n```", "```\n&lt;!channel&gt;\n```"],
    ["**<!channel>**", "*&lt;!channel&gt;*"],
    ["[<!channel>](https://example.com)", "<https://example.com/|&lt;!channel&gt;>"],
    ["![<!here>](https://example.com/i.png)", "<https://example.com/i.png|&lt;!here&gt;>"],
    ["| <!here> |\n|---|\n| <@U1> |", "```\n&lt;!here&gt;\n-------\n&lt;@U1&gt;\n```"],
    ["\\`\\`\\`\nnot code", "ˋˋˋ\nnot code"],
  ])("%s", (markdown, expected) => {
    const text = render(markdown);
    expect(text).toBe(expected);
    expectSafeMrkdwn(text);
  });
});

describe("markdownToMrkdwn: @mentions", () => {
  test.each([
    ["mapped login becomes a Slack mention", "thanks @octocat!", "thanks <@U0OCTOCAT>!"],
    ["login match is case-insensitive", "@OCTOCAT", "<@U0OCTOCAT>"],
    ["unmapped login links to the profile", "cc @hubber", "cc <https://github.com/hubber|@hubber>"],
    [
      "a mapping that is not a Slack user id is not used",
      "@hubot",
      "<https://github.com/hubot|@hubot>",
    ],
    ["hyphenated login", "@mona-lisa.", "<https://github.com/mona-lisa|@mona-lisa>."],
    ["after punctuation", "(@octocat)", "(<@U0OCTOCAT>)"],
    ["several", "@octocat,@hubber", "<@U0OCTOCAT>,<https://github.com/hubber|@hubber>"],
    ["inside bold", "**@octocat**", "*<@U0OCTOCAT>*"],
    ["team mention stays text", "@github/security please", "@github/security please"],
    [
      "email is not a mention",
      "write to mona@octocat.com",
      "write to <mailto:mona@octocat.com|mona@octocat.com>",
    ],
    ["in the middle of a word", "foo@octocat", "foo@octocat"],
    ["followed by a domain", "@octocat.com", "@octocat.com"],
    ["double hyphen is no login", "@a--b", "@a--b"],
    ["trailing hyphen is no login", "@ab- x", "@ab- x"],
    ["longer than 39 characters", `@${"a".repeat(40)}`, `@${"a".repeat(40)}`],
    ["in inline code", "`@octocat`", "`@octocat`"],
    ["in a code block", "```\n@octocat\n```", "```\n@octocat\n```"],
    ["in a link label", "[@octocat](https://example.com)", "<https://example.com/|@octocat>"],
    [
      "in a quote, names without pinging again",
      "> @octocat said",
      "> <https://github.com/octocat|@octocat> said",
    ],
    ["in raw HTML", "<p>@octocat</p>", "<@U0OCTOCAT>"],
  ])("%s", (_name, markdown, expected) => {
    const text = render(markdown);
    expect(text).toBe(expected);
    expectSafeMrkdwn(text, ["U0OCTOCAT"]);
  });

  test("unmapped mentions link to the event's own GitHub Enterprise server", () => {
    expect(render("@octo", { serverUrl: "https://ghe.example.com" })).toBe(
      "<https://ghe.example.com/octo|@octo>",
    );
  });
});

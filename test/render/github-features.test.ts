/**
 * GitHub's own features, as people and bots really use them in pull-request comments, rendered as
 * GitHub shows them: HTML tables, <details>, HTML lists and headings, emoji shortcodes,
 * references, CRLF, footnotes, nested quotes. Each case also checks that the escaping holds.
 */
import { describe, expect, test } from "@jest/globals";
import {
  joinMrkdwnChunks,
  markdownToMrkdwn,
  type MarkdownToMrkdwnOptions,
} from "../../src/render/markdown-to-mrkdwn.js";
import { markdownToPlainText } from "../../src/render/markdown-to-plain-text.js";
import { expectSafeMrkdwn } from "./slack-invariants.js";

const COMMENT_URL = "https://github.com/Codertocat/Hello-World/pull/2#issuecomment-492700400";

const options: MarkdownToMrkdwnOptions = {
  mentions: { octocat: "U0OCTOCAT" },
  serverUrl: "https://github.com",
  repository: "Codertocat/Hello-World",
  commentUrl: COMMENT_URL,
};

function render(markdown: string, overrides: Partial<MarkdownToMrkdwnOptions> = {}): string {
  const text = joinMrkdwnChunks(markdownToMrkdwn(markdown, { ...options, ...overrides }));
  expectSafeMrkdwn(text, ["U0OCTOCAT"]);
  return text;
}

function plain(markdown: string, details: "show" | "collapse" = "collapse"): string {
  return markdownToPlainText(markdown, { ...options, details });
}

const lines = (...text: string[]): string => text.join("\n");

describe("HTML tables, as bots write them", () => {
  test.each([
    [
      "a coverage bot's table: cells never run together",
      lines(
        "<table>",
        "<tr><th>Lines</th><th>Files</th><th>Covered</th></tr>",
        "<tr><td>85.2%</td><td>10</td><td>30 out of 30</td></tr>",
        "</table>",
      ),
      lines(
        "```",
        "Lines | Files | Covered",
        "------+-------+-------------",
        "85.2% | 10    | 30 out of 30",
        "```",
      ),
    ],
    [
      "thead and tbody, attributes and indentation",
      lines(
        '<table align="center">',
        "  <thead>",
        '    <tr><th align="left">Benchmark</th><th align="right">ops/s</th></tr>',
        "  </thead>",
        "  <tbody>",
        '    <tr><td>parse</td><td align="right">1,204</td></tr>',
        '    <tr><td>render &amp; cut</td><td align="right">98</td></tr>',
        "  </tbody>",
        "</table>",
      ),
      lines(
        "```",
        "Benchmark    | ops/s",
        "-------------+------",
        "parse        | 1,204",
        "render &amp; cut |    98",
        "```",
      ),
    ],
    [
      "without a header row: key and value on one line each",
      lines(
        "<table>",
        "<tr><td><b>Status</b></td><td>✅ Ready</td></tr>",
        "<tr><td><b>Preview</b></td><td>https://preview.example.com</td></tr>",
        "</table>",
      ),
      lines("```", "Status  | ✅ Ready", "Preview | https://preview.example.com", "```"),
    ],
    [
      "a cell spanning two columns keeps the columns lined up",
      lines(
        "<table><tr><th>Suite</th><th>Pass</th><th>Fail</th></tr>",
        '<tr><td colspan="2">skipped: flaky</td><td>0</td></tr></table>',
      ),
      lines(
        "```",
        "Suite          | Pass | Fail",
        "---------------+------+-----",
        "skipped: flaky |      | 0",
        "```",
      ),
    ],
    [
      "too wide for a grid: header: value lines, links kept",
      lines(
        "<table><tr><th>Check</th><th>Details</th></tr>",
        '<tr><td>lint</td><td>a fairly long description of what the linter found in the changed files, <a href="https://ci.example.com/1">log</a></td></tr>',
        "</table>",
      ),
      lines(
        "*Check*: lint",
        "*Details*: a fairly long description of what the linter found in the changed files, <https://ci.example.com/1|log>",
      ),
    ],
    [
      "markdown inside HTML cells (a blank line lets GitHub read it)",
      lines(
        "<table><tr><th>Result</th></tr><tr><td>",
        "",
        "**3 passed**, `0` failed",
        "",
        "</td></tr></table>",
      ),
      lines("```", "Result", "------------------", "3 passed, 0 failed", "```"),
    ],
    [
      "emoji take two columns in the grid",
      "| Status | Name |\n|---|---|\n| :green_circle: ok | a |\n| :red_circle: failing | bb |",
      lines(
        "```",
        "Status     | Name",
        "-----------+-----",
        "🟢 ok      | a",
        "🔴 failing | bb",
        "```",
      ),
    ],
  ])("%s", (_name, markdown, expected) => {
    expect(render(markdown)).toBe(expected);
  });

  test("the notification keeps cells apart too", () => {
    expect(
      plain(
        "<table><tr><th>Files</th><th>Covered</th></tr><tr><td>10</td><td>30 out of 30</td></tr></table>",
      ),
    ).toBe("Files | Covered; 10 | 30 out of 30");
  });
});

describe("<details>, closed as GitHub shows it", () => {
  const report = lines(
    "Coverage is up.",
    "",
    "<details><summary>Impacted files</summary>",
    "",
    "| File | Δ |",
    "|---|---|",
    "| src/a.ts | +1% |",
    "| src/b.ts | -2% |",
    "",
    "</details>",
  );

  test("collapse (the default): the summary, and how many lines it hides, linked to the comment", () => {
    expect(render(report)).toBe(
      `Coverage is up.\n\n▸ Impacted files (<${COMMENT_URL}|4 lines hidden>)`,
    );
    expect(plain(report)).toBe("Coverage is up. ▸ Impacted files (4 lines hidden)");
  });

  test("details: show keeps the whole body under its summary", () => {
    expect(render(report, { details: "show" })).toBe(
      lines(
        "Coverage is up.",
        "",
        "Impacted files",
        "",
        "```",
        "File     | Δ",
        "---------+----",
        "src/a.ts | +1%",
        "src/b.ts | -2%",
        "```",
      ),
    );
  });

  test.each([
    [
      "opened by its author (open), it shows as on GitHub",
      "<details open><summary>Steps</summary>\n\n1. build\n2. test\n\n</details>",
      "Steps\n\n1. build\n2. test",
    ],
    [
      "no summary: GitHub calls it Details",
      "<details>\n\nhidden text\n\n</details>",
      `▸ Details (<${COMMENT_URL}|1 line hidden>)`,
    ],
    ["nothing inside: no note", "<details><summary>Empty</summary></details>", "▸ Empty"],
    [
      "formatting and emoji in the summary",
      "<details><summary>📜 <b>Review details</b> :mag:</summary>\n\ntext\n\n</details>",
      `▸ 📜 *Review details* 🔍 (<${COMMENT_URL}|1 line hidden>)`,
    ],
    [
      "nested, as AI review bots write them: each level counts what opening it shows",
      lines(
        "<details>",
        "<summary>Review details</summary>",
        "",
        "**Configuration used: CodeRabbit UI**",
        "",
        "<details>",
        "<summary>Commits</summary>",
        "",
        "Reviewing files between 3f2a1b9 and 9e8d7c6.",
        "",
        "</details>",
        "<details>",
        "<summary>Files selected for processing (2)</summary>",
        "",
        "* `src/retry.ts` (1 hunks)",
        "* `test/retry.test.ts` (2 hunks)",
        "",
        "</details>",
        "</details>",
      ),
      `▸ Review details (<${COMMENT_URL}|3 lines hidden>)`,
    ],
    [
      "a mention hidden in it pings no one",
      "<details><summary>cc</summary>\n\n@octocat\n\n</details>",
      `▸ cc (<${COMMENT_URL}|1 line hidden>)`,
    ],
    [
      "without the comment's URL the note is plain",
      "<details><summary>Logs</summary>\n\n```\nerror\n```\n\n</details>",
      "▸ Logs (1 line hidden)",
    ],
  ])("%s", (name, markdown, expected) => {
    const overrides = name.startsWith("without") ? { commentUrl: undefined } : {};
    expect(render(markdown, overrides)).toBe(expected);
  });
});

describe("HTML lists, headings, code and small print", () => {
  test.each([
    ["<ul>", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>", "• one\n• two"],
    [
      "<ol start> and a nested <ul>, no blank lines between items",
      '<ol start="3">\n<li>three</li>\n<li>four<ul><li>nested</li></ul></li>\n</ol>',
      "3. three\n4. four\n    • nested",
    ],
    [
      "items holding paragraphs",
      "<ul><li><p>first</p><p>more</p></li><li><p>second</p></li></ul>",
      "• first\n    more\n• second",
    ],
    ["<h1> to <h6> as bold lines", "<h1>Title</h1>\n<h6>Small</h6>", "*Title*\n\n*Small*"],
    [
      "<pre> as a code block, its spacing kept",
      "<pre>line one\n    indented &lt;T&gt;</pre>",
      "```\nline one\n    indented &lt;T&gt;\n```",
    ],
    [
      "<kbd> and <code> read as code",
      "Press <kbd>Ctrl</kbd>+<kbd>C</kbd> in <code>vim</code>",
      "Press `Ctrl`+`C` in `vim`",
    ],
    ["<sup> and <sub> with digits", "x<sup>2</sup> and H<sub>2</sub>O", "x² and H₂O"],
    [
      "<sub> small print stays readable text",
      "<sub>Generated by 🚫 dangerJS against 9e8d7c6</sub>",
      "Generated by 🚫 dangerJS against <https://github.com/Codertocat/Hello-World/commit/9e8d7c6|9e8d7c6>",
    ],
    [
      "a badge: an image inside a link is the link, named by the image",
      '<a href="https://app.codecov.io/gh/o/r/pull/2"><img src="https://app.codecov.io/gh/o/r/graph/badge.svg" alt="Codecov"></a>',
      "<https://app.codecov.io/gh/o/r/pull/2|Codecov>",
    ],
    [
      "tags GitHub removes are shown as typed",
      "<script>alert(1)</script> <textarea>x</textarea>",
      "&lt;script&gt;alert(1)&lt;/script&gt; &lt;textarea&gt;x&lt;/textarea&gt;",
    ],
  ])("%s", (_name, markdown, expected) => {
    expect(render(markdown)).toBe(expected);
  });
});

describe("emoji shortcodes", () => {
  test.each([
    [
      "GitHub names Slack does not know",
      ":green_circle: pass :yellow_circle: flaky",
      "🟢 pass 🟡 flaky",
    ],
    ["names Slack reads differently", ":thinking: :satellite:", "🤔 📡"],
    ["names both know draw the same emoji", ":tada: :+1: :white_check_mark:", "🎉 👍 ✅"],
    [
      "an unknown name stays as typed",
      ":not_an_emoji: and 10:30:45",
      ":not_an_emoji: and 10:30:45",
    ],
    ["in code they stay as typed", "`:tada:`\n\n```\n:tada:\n```", "`:tada:`\n\n```\n:tada:\n```"],
    [
      "in a link label",
      "[:rocket: Deploy](https://example.com/d)",
      "<https://example.com/d|🚀 Deploy>",
    ],
  ])("%s", (_name, markdown, expected) => {
    expect(render(markdown)).toBe(expected);
  });
});

describe("references, linked where GitHub links them", () => {
  const repo = "https://github.com/Codertocat/Hello-World";
  test.each([
    ["#123", "Fixes #123.", `Fixes <${repo}/issues/123|#123>.`],
    ["GH-123", "See GH-123", `See <${repo}/issues/123|GH-123>`],
    [
      "owner/repo#123",
      "Like octo-org/octo-repo#7",
      "Like <https://github.com/octo-org/octo-repo/issues/7|octo-org/octo-repo#7>",
    ],
    [
      "a commit SHA, shown short",
      "Broken since 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d",
      `Broken since <${repo}/commit/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d|9e8d7c6>`,
    ],
    [
      "owner/repo@SHA",
      "octo-org/octo-repo@3f2a1b9c",
      "<https://github.com/octo-org/octo-repo/commit/3f2a1b9c|octo-org/octo-repo@3f2a1b9>",
    ],
    ["@org/team stays text", "@octo-org/reviewers please", "@octo-org/reviewers please"],
    ["a number or a word of hex letters is no SHA", "1234567 deadbeef", "1234567 deadbeef"],
    ["not inside code", "`#123 9e8d7c6`", "`#123 9e8d7c6`"],
    [
      "not inside a link's label",
      "[see #123](https://example.com)",
      "<https://example.com/|see #123>",
    ],
    ["not part of a word", "issue#123 a/b#c x#1", "issue#123 a/b#c x#1"],
    ["a pull request's URL in this repository", `${repo}/pull/12`, `<${repo}/pull/12|#12>`],
    [
      "an issue comment's URL in another repository",
      "https://github.com/octo-org/octo-repo/issues/3#issuecomment-55",
      "<https://github.com/octo-org/octo-repo/issues/3#issuecomment-55|octo-org/octo-repo#3 (comment)>",
    ],
    [
      "a commit's URL",
      `${repo}/commit/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d`,
      `<${repo}/commit/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d|9e8d7c6>`,
    ],
    [
      "a commit of a pull request in another repository",
      "https://github.com/octo-org/octo-repo/pull/9/commits/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d",
      "<https://github.com/octo-org/octo-repo/pull/9/commits/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d|octo-org/octo-repo@9e8d7c6>",
    ],
    [
      "a URL with its own label keeps the label",
      `[the fix](${repo}/pull/12)`,
      `<${repo}/pull/12|the fix>`,
    ],
    [
      "other GitHub URLs show in full",
      `${repo}/blob/main/README.md`,
      `<${repo}/blob/main/README.md|${repo}/blob/main/README.md>`,
    ],
  ])("%s", (_name, markdown, expected) => {
    expect(render(markdown)).toBe(expected);
  });

  test("without the repository, #123 and SHAs stay text", () => {
    expect(render("#123 9e8d7c6", { repository: undefined })).toBe("#123 9e8d7c6");
  });

  test("links to another GitHub Enterprise server are not shortened", () => {
    expect(
      render("https://github.com/Codertocat/Hello-World/pull/1", {
        serverUrl: "https://ghe.example.com",
      }),
    ).toBe(
      "<https://github.com/Codertocat/Hello-World/pull/1|https://github.com/Codertocat/Hello-World/pull/1>",
    );
  });

  test("the notification shows the short form too", () => {
    expect(plain(`Done in ${repo}/pull/12, see #3`)).toBe("Done in #12, see #3");
  });
});

describe("line endings, footnotes, quotes", () => {
  test("CRLF from GitHub's web editor is normalised: no \\r in the text", () => {
    const text = render("**Title**\r\n\r\nline one\r\nline two\r\n\r\n```\r\ncode\r\n```\r\n");
    expect(text).toBe("*Title*\n\nline one\nline two\n\n```\ncode\n```");
    expect(plain("a\r\nb")).toBe("a b");
  });

  test("footnotes as numbered notes under a rule", () => {
    expect(
      render(
        "The cache is wrong[^1] and slow[^note].\n\n[^1]: See the profile.\n[^note]: Twice as slow.",
      ),
    ).toBe("The cache is wrong[1] and slow[2].\n\n───\n[1] See the profile.\n[2] Twice as slow.");
  });

  test("nested quotes: Slack draws one level, deeper ones show a bar", () => {
    expect(render("> outer\n> > inner\n> > > deepest")).toBe(
      "> outer\n>\n> │ inner\n> │\n> │ │ deepest",
    );
  });

  test.each([
    ["a quote", "> @octocat wrote this"],
    ["a quote in a list", "- > @octocat wrote this"],
    ["an HTML quote", "<blockquote>@octocat wrote this</blockquote>"],
  ])("a mention inside %s names the person without pinging again", (_name, markdown) => {
    const text = render(markdown);
    expect(text).toContain("<https://github.com/octocat|@octocat> wrote this");
    expect(text).not.toContain("<@U0OCTOCAT>");
  });

  test("the person is still mentioned outside the quote", () => {
    expect(render("> @octocat wrote this\n\n@octocat agreed")).toBe(
      "> <https://github.com/octocat|@octocat> wrote this\n\n<@U0OCTOCAT> agreed",
    );
  });
});

describe("code blocks that must hide Slack's fence", () => {
  test("say how, under the block", () => {
    expect(render("````md\n```js\nx\n```\n````")).toBe(
      "```\nˋˋˋjs\nx\nˋˋˋ\n```\n_In this code ˋˋˋ stands for three backticks, which Slack cannot show in a code block: copy it from GitHub._",
    );
  });

  test("code without a fence gets no note", () => {
    expect(render("```\na `b` c\n```")).toBe("```\na `b` c\n```");
  });
});

describe("what no comment can do, whatever its HTML", () => {
  test.each([
    ["<!channel> in an HTML block", "<div><!channel> <@U123></div>"],
    ["in a table cell", "<table><tr><td><!here></td><td>&lt;!everyone&gt;</td></tr></table>"],
    ["in a details summary", "<details><summary><!channel></summary>x</details>"],
    ["a forged link", '<a href="https://evil.example|https://good.example">x</a>'],
    [
      "javascript: links",
      '<a href="javascript:alert(1)">click</a> <img src="javascript:x" alt="i">',
    ],
    ["an entity making a token", "&lt;@U0OCTOCAT&gt; &#60;!channel&#62;"],
  ])("%s", (_name, markdown) => {
    const text = render(markdown);
    expect(text).not.toMatch(/<!|<@U0OCTOCAT>|<javascript/);
  });

  test("HTML nested past 64 levels shows as its escaped source", () => {
    const text = render("<div>".repeat(80) + "deep");
    expect(text).toContain("&lt;div&gt;");
    expect(text).toContain("deep");
  });
});

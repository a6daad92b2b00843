/**
 * The picture script's view of a comment as GitHub shows it (scripts/markdown-to-github-html.js):
 * GitHub's markdown, the comment threadline writes for a Slack reply, and nothing a comment says
 * ever becoming markup in the page.
 */
import { describe, expect, test } from "@jest/globals";
import { markdownToGitHubHtml } from "../../scripts/markdown-to-github-html.js";
import { composeReplyComment } from "../../src/render/compose-reply-comment.js";
import { slackTextToMarkdown } from "../../src/render/slack-text-to-markdown.js";

/** The tags the converter writes, with the only attributes it gives them. */
const TAG =
  /<(\/?)([a-z][a-z0-9]*)((?: (?:href|class|align|start)="[^"<>]*"| checked| disabled| open| type="checkbox")*)>/g;

/**
 * Asserts `html` is made of allowed tags and escaped text only: once those tags are taken out, no
 * `<`, `>` or `"` is left, and every link is http(s), mailto or a fragment.
 */
function expectOnlyOwnMarkup(html: string): void {
  for (const [, , , attributes] of html.matchAll(TAG)) {
    const href = /href="([^"]*)"/.exec(attributes ?? "")?.[1];
    if (href !== undefined) expect(href).toMatch(/^(https?:\/\/|mailto:|#)/);
  }
  expect(html.replace(TAG, "")).not.toMatch(/[<>"]/);
}

describe("markdownToGitHubHtml", () => {
  test.each([
    ["a paragraph", "Looks good.", "<p>Looks good.</p>"],
    ["bold and italic", "**bold** and _it_", "<p><strong>bold</strong> and <em>it</em></p>"],
    ["strikethrough", "~~gone~~", "<p><del>gone</del></p>"],
    ["a code span", "run `a < b`", "<p>run <code>a &lt; b</code></p>"],
    [
      "a link",
      "[docs](https://x.test/a?b=1&c=2)",
      '<p><a href="https://x.test/a?b=1&amp;c=2">docs</a></p>',
    ],
    ["an autolink", "see https://x.test", '<p>see <a href="https://x.test">https://x.test</a></p>'],
    ["each newline a line break", "one\ntwo", "<p>one<br>\ntwo</p>"],
    ["paragraphs", "one\n\ntwo", "<p>one</p>\n<p>two</p>"],
    ["a code block keeps its newlines", "```js\na\n\nb\n```", "<pre><code>a\n\nb\n</code></pre>"],
    ["a quote", "> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"],
    [
      "a mention",
      "thanks @octocat!",
      '<p>thanks <a class="user-mention" href="https://github.com/octocat">@octocat</a>!</p>',
    ],
    ["no mention in code", "`@octocat`", "<p><code>@octocat</code></p>"],
    [
      "no mention in a link's text",
      "[@octocat](https://github.com/octocat)",
      '<p><a href="https://github.com/octocat">@octocat</a></p>',
    ],
    ["no mention after a word character", "me@octocat", "<p>me@octocat</p>"],
    ["an address is a mail link", "a@b.test", '<p><a href="mailto:a@b.test">a@b.test</a></p>'],
    ["no mention after a word joiner", "@\u2060here", "<p>@\u2060here</p>"],
    ["HTML GitHub allows", "<sub>small</sub>", "<p><sub>small</sub></p>"],
    ["an HTML comment shows nothing", "text\n\n<!-- hidden -->", "<p>text</p>"],
    [
      "a task list",
      "- [x] done",
      '<ul>\n<li><input type="checkbox" checked disabled> done</li>\n</ul>',
    ],
  ])("%s", (_name, markdown, expected) => {
    expect(markdownToGitHubHtml(markdown)).toBe(expected);
  });

  test("mentions link to the server it is given", () => {
    expect(markdownToGitHubHtml("@mona", { serverUrl: "https://ghe.test/" })).toBe(
      '<p><a class="user-mention" href="https://ghe.test/mona">@mona</a></p>',
    );
  });

  test.each([
    ["a javascript: link", "[click](javascript:alert(1))", "<p>click</p>"],
    [
      "an HTML link with a handler",
      '<a href="https://ok.test" onclick="x()">ok</a>',
      '<p><a href="https://ok.test">ok</a></p>',
    ],
    ["an image", '<img src="https://x.test/a.png" alt="a">', ""],
    ["an element GitHub drops", "<marquee>hi</marquee>", "<p>hi</p>"],
  ])("%s loses what GitHub would not keep", (_name, markdown, expected) => {
    expect(markdownToGitHubHtml(markdown)).toBe(expected);
  });

  const HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "[x](javascript:alert(1)) [y](data:text/html,hi)",
    '<a href="javascript:alert(1)">a</a>',
    '<details open ontoggle="alert(1)"><summary>s</summary>x</details>',
    "<style>body{display:none}</style>",
    "`<iframe>` and <iframe src=x></iframe>",
    '| a |\n|---|\n| <b onclick="x">b</b> |',
    '<input type="text" value="x"> <input type="checkbox" onclick="x">',
  ];

  test.each(HOSTILE)("nothing in %j becomes markup", (markdown) => {
    expectOnlyOwnMarkup(markdownToGitHubHtml(markdown));
  });
});

describe("threadline's own comment for a Slack reply", () => {
  const body = composeReplyComment({
    markdown: slackTextToMarkdown("*Fixed* in `a&lt;b`, thanks <@U0MONA0001>!", {
      loginOf: (user) => (user === "U0MONA0001" ? "octocat" : undefined),
      nameOf: () => undefined,
    }),
    files: [],
    attribution: {
      login: "Codertocat",
      name: "Coder Cat",
      permalink: "https://example.slack.com/archives/C0123456789/p1700000100000001",
    },
    channel: "C0123456789",
    ts: "1700000100.000001",
  });

  test("shows the reply, who wrote it and where, and not the hidden marker", () => {
    const html = markdownToGitHubHtml(body);
    expect(html).toBe(
      [
        '<p><strong>Fixed</strong> in <code>a&lt;b</code>, thanks <a class="user-mention" href="https://github.com/octocat">@octocat</a>!</p>',
        '<p><sub>Written in Slack by <a href="https://github.com/Codertocat">@Codertocat</a> · <a href="https://example.slack.com/archives/C0123456789/p1700000100000001">view in Slack</a></sub></p>',
      ].join("\n"),
    );
    expect(html).not.toContain("threadline:slack");
  });
});

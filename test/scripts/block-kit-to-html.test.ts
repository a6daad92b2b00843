/**
 * The picture script's Block Kit → HTML view (scripts/block-kit-to-html.js): Slack's mrkdwn
 * read as Slack reads it, and nothing a comment says ever becoming markup in the page.
 */
import { describe, expect, test } from "@jest/globals";
import { normalize } from "../../src/events/normalize.js";
import { context, mrkdwn, section, type Block } from "../../src/render/block-kit.js";
import { renderMessage } from "../../src/render/render-message.js";
import {
  blockToHtml,
  blocksToHtml,
  decodeMrkdwnEntities,
  escapeHtml,
  letterAvatarHtml,
  mrkdwnToHtml,
} from "../../scripts/block-kit-to-html.js";
import { loadPullRequestCommentFixture } from "../fixtures/index.js";

/** The tags the converter writes, with the only attributes it gives them. */
const TAG =
  /<(\/?)(a|b|i|s|code|pre|blockquote|br|span|div)((?: (?:href|class|title)="[^"<>]*")*)>/g;

/**
 * Asserts `html` is made of the converter's own tags and escaped text only: once those tags are
 * taken out, no `<`, `>` or `"` is left, and every link is http(s) or mailto.
 */
function expectOnlyOwnMarkup(html: string): void {
  for (const [, , , attributes] of html.matchAll(TAG)) {
    const href = /href="([^"]*)"/.exec(attributes ?? "")?.[1];
    if (href !== undefined) expect(href).toMatch(/^(https?:\/\/|mailto:)/);
  }
  expect(html.replace(TAG, "")).not.toMatch(/[<>"]/);
}

describe("mrkdwnToHtml", () => {
  test.each([
    ["plain text", "Looks good to me.", "Looks good to me."],
    ["bold", "*bold* text", "<b>bold</b> text"],
    ["italic", "an _italic_ word", "an <i>italic</i> word"],
    ["strike", "~gone~, then", "<s>gone</s>, then"],
    ["nested emphasis", "*_both_*", "<b><i>both</i></b>"],
    ["emphasis after punctuation", '("*quoted*")', "(&quot;<b>quoted</b>&quot;)"],
    ["no emphasis inside a word", "snake_case_name and 2*3*4", "snake_case_name and 2*3*4"],
    ["no emphasis around spaces", "* not bold * and _ not _", "* not bold * and _ not _"],
    ["no emphasis across lines", "*one\ntwo*", "*one<br>two*"],
    ["inline code", "run `npm ci` now", "run <code>npm ci</code> now"],
    ["code is literal", "`*x* &lt;y&gt; _z_`", "<code>*x* &lt;y&gt; _z_</code>"],
    ["a lone backtick", "it`s", "it`s"],
    [
      "preformatted",
      "before\n```\nif (a &lt; b &amp;&amp; *c*) {}\n```\nafter",
      "before<pre>if (a &lt; b &amp;&amp; *c*) {}</pre>after",
    ],
    ["an unclosed fence is text", "a ``` b *c*", "a ``` b <b>c</b>"],
    ["quote", "> quoted\n> more\nafter", "<blockquote>quoted<br>more</blockquote>after"],
    ["an escaped > is no quote", "&gt; not a quote", "&gt; not a quote"],
    ["line breaks", "one\n\ntwo", "one<br><br>two"],
    ["bullets are text", "• one\n• two", "• one<br>• two"],
    ["numbers are text", "1. first\n2. second", "1. first<br>2. second"],
    ["link", "<https://example.com/a_b|Example>", '<a href="https://example.com/a_b">Example</a>'],
    ["bare link", "<https://example.com>", '<a href="https://example.com">https://example.com</a>'],
    [
      "bold link",
      "*<https://github.com/o/r/pull/2|o/r#2: Fix *it*>*",
      '<b><a href="https://github.com/o/r/pull/2">o/r#2: Fix *it*</a></b>',
    ],
    [
      "a link's & stays one character",
      "<https://x.test/?a=1&amp;b=2|a &amp; b>",
      '<a href="https://x.test/?a=1&amp;b=2">a &amp; b</a>',
    ],
    ["mailto", "<mailto:a@b.test|mail>", '<a href="mailto:a@b.test">mail</a>'],
    ["user", "<@U024BE7LH>", '<span class="mention">@U024BE7LH</span>'],
    ["user with a name", "<@U024BE7LH|bob>", '<span class="mention">@bob</span>'],
    ["channel", "<#C0123456789|general>", '<span class="mention">#general</span>'],
    ["broadcast", "<!here>", '<span class="mention">@here</span>'],
    ["user group", "<!subteam^S0614TZR7|@design>", '<span class="mention">@design</span>'],
    ["date", "<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"],
    ["entities", "a &amp; b &lt;tag&gt;", "a &amp; b &lt;tag&gt;"],
    ["an escaped entity stays text", "&amp;lt;", "&amp;lt;"],
    ["quotes", 'say "hi"', "say &quot;hi&quot;"],
  ])("%s", (_name, input, expected) => {
    expect(mrkdwnToHtml(input)).toBe(expected);
  });

  test.each([
    ["a javascript: link", "<javascript:alert(1)|click me>", "click me"],
    ["a tag-like token", "<script>", "script"],
    ["a data: link", "<data:text/html;base64,PHNjcmlwdD4=|x>", "x"],
  ])("%s is shown as text, never linked", (_name, input, expected) => {
    expect(mrkdwnToHtml(input)).toBe(expected);
  });

  const HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '"><svg onload=alert(1)>',
    '<https://ok.test|"><b>x</b>>',
    '<mailto:a@b.test|" onmouseover="x>',
    "*<javascript:alert(1)|x>*",
    "```<script>alert(1)</script>```",
    "`<iframe src=x>`",
    "> <iframe>\n> &lt;iframe&gt;",
    "<@U1|<b>>",
    '_<https://x.test/"onclick="x|y>_',
    "\uFFFC *x* \uFFFC",
  ];

  test.each(HOSTILE)("nothing in %j becomes markup", (input) => {
    expectOnlyOwnMarkup(mrkdwnToHtml(input));
  });
});

describe("escapeHtml and decodeMrkdwnEntities", () => {
  test("escapeHtml leaves no character that HTML reads as markup", () => {
    expect(escapeHtml(`<a href="x">&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;",
    );
  });

  test("decodeMrkdwnEntities reads only Slack's three entities, once", () => {
    expect(decodeMrkdwnEntities("&lt;b&gt; &amp;amp; &quot; &#60;")).toBe("<b> &amp; &quot; &#60;");
  });
});

describe("blockToHtml", () => {
  const avatar = { type: "image", image_url: "https://x.test/a.png", alt_text: "octocat" } as const;

  test.each<[string, Block, string]>([
    ["a section", section("*Approved*"), '<div class="section"><b>Approved</b></div>'],
    [
      "a context line with an avatar",
      context("<https://github.com/octocat|octocat> approved", avatar),
      '<div class="context"><span class="context-avatar" title="octocat">O</span><span><a href="https://github.com/octocat">octocat</a> approved</span></div>',
    ],
    [
      "a context line of several texts",
      { type: "context", elements: [mrkdwn("one"), mrkdwn("_two_")] },
      '<div class="context"><span>one</span><span><i>two</i></span></div>',
    ],
  ])("%s", (_name, block, expected) => {
    expect(blockToHtml(block)).toBe(expected);
  });

  test("an edited message shows Slack's marker after its last block only", () => {
    expect(blocksToHtml([section("a"), context("b")], true)).toEqual([
      '<div class="section">a</div>',
      '<div class="context"><span>b</span> <span class="edited">(edited)</span></div>',
    ]);
  });

  test("a block type it cannot draw is an error, not a blank", () => {
    expect(() => blockToHtml({ type: "divider" } as unknown as Block)).toThrow(
      "no drawing for a divider block",
    );
  });

  test("an avatar's name is text", () => {
    expect(letterAvatarHtml('"><x', "context-avatar")).toBe(
      '<span class="context-avatar" title="&quot;&gt;&lt;x">&quot;</span>',
    );
  });
});

describe("threadline's own messages", () => {
  test("a comment's markup, rendered by the App, reaches the page as text", () => {
    const payload = loadPullRequestCommentFixture();
    payload.comment.body =
      'Try <img src=x onerror="alert(1)"> or <script>alert(1)</script> and <!channel> & [x](javascript:alert(1)) **bold**';
    const { event } = normalize["issue_comment.created"](payload);
    if (!event) throw new Error("the fixture was skipped");
    const html = blocksToHtml(renderMessage(event, { mentions: {} }).blocks).join("");

    expectOnlyOwnMarkup(html);
    expect(html).not.toContain("javascript:");
    expect(html).toContain("<b>bold</b>");
  });
});

import { describe, expect, test } from "@jest/globals";
import type { Nodes } from "mdast";
import { parseMarkdown } from "../../src/render/parse-markdown.js";
import {
  escapeMarkdownText,
  mentionedSlackUsers,
  slackTextToMarkdown,
  type SlackPeople,
} from "../../src/render/slack-text-to-markdown.js";

/** U+2060 WORD JOINER: after `@`, GitHub sees no login and pings nobody. */
const WJ = "\u2060";

/** Mona is mapped to @octocat in the repo's config; Jane is known in Slack only. */
const people: SlackPeople = {
  loginOf: (user) => (user === "U024BE7LH" ? "octocat" : undefined),
  nameOf: (user) => ({ U024BE7LH: "Mona Lisa", U0G9QF9C6: "Jane Doe" })[user],
};

const convert = (text: string): string => slackTextToMarkdown(text, people);

describe("Slack formatting becomes GitHub's", () => {
  test.each([
    [
      "bold, italic, strike and code",
      "*Ship it* once _CI_ is green, ~not before~, run `npm test`",
      "**Ship it** once _CI_ is green, ~~not before~~, run `npm test`",
    ],
    ["nested formatting", "*_really_ important*", "**_really_ important**"],
    [
      "a real status update",
      "*Ruchita (leave on 16 Jan)*\n• *AEM Forms as a Cloud Service*\n    ◦ Migrating content to EDS\n• *AEM Forms 6.5 LTS*",
      "**Ruchita (leave on 16 Jan)**\n- **AEM Forms as a Cloud Service**\n  - Migrating content to EDS\n- **AEM Forms 6.5 LTS**",
    ],
    [
      "stars and underscores Slack did not draw stay as typed",
      "2*3*4 and snake_case_name and file_*.log",
      "2\\*3\\*4 and snake_case_name and file\\_\\*.log",
    ],
    [
      "line breaks stay line breaks",
      "line one\nline two\n\nnew paragraph",
      "line one\nline two\n\nnew paragraph",
    ],
    [
      "references, emoji and skin tones",
      "fixes #123 and acme/api#45 :tada: :+1::skin-tone-3:",
      "fixes #123 and acme/api#45 :tada: :+1:",
    ],
  ])("%s", (_name, slack, markdown) => {
    expect(convert(slack)).toBe(markdown);
  });
});

describe("code is copied exactly", () => {
  test.each([
    [
      "an inline code span decodes Slack's entities and converts nothing",
      "try `a &lt; b &amp;&amp; *c* @octocat` now",
      "try `a < b && *c* @octocat` now",
    ],
    [
      "a one-line block goes on lines of its own",
      "run ```npm ci &amp;&amp; npm test``` first",
      "run\n```\nnpm ci && npm test\n```\nfirst",
    ],
    [
      "a multi-line block keeps indentation and backticks",
      "Try this:\n```\nif (a &gt; b) {\n  return `${a}_${b}`;\n}\n```\nthen rerun",
      "Try this:\n```\nif (a > b) {\n  return `${a}_${b}`;\n}\n```\nthen rerun",
    ],
    [
      "a link and a mention Slack made inside code show as typed",
      "```curl <https://api.example.com/v1?a=1&amp;b=2>\n# ask <@U0G9QF9C6>```",
      "```\ncurl https://api.example.com/v1?a=1&b=2\n# ask @Jane Doe\n```",
    ],
    ["code that ends in backticks gets a longer fence", "```echo ``````", "````\necho ```\n````"],
    ["a quoted block stays in the quote", "&gt; ```a\n&gt; b```", "> ```\n> a\n> b\n> ```"],
    ["an unclosed ``` is text", "use ``` to start a block", "use \\`\\`\\` to start a block"],
  ])("%s", (_name, slack, markdown) => {
    expect(convert(slack)).toBe(markdown);
  });
});

describe("only mapped people are pinged", () => {
  test.each([
    [
      "a mapped mention pings the right GitHub person",
      "<@U024BE7LH> can you look?",
      "@octocat can you look?",
    ],
    ["a mapped mention in bold still pings", "*<@U024BE7LH>* owns this", "**@octocat** owns this"],
    ["a mapped mention before 's still pings", "<@U024BE7LH>'s fix", "@octocat's fix"],
    [
      "a mapped mention glued to a word still pings that login, not a longer one",
      "ask<@U024BE7LH>s",
      `ask${WJ}@octocat${WJ}s`,
    ],
    ["an unmapped member shows their Slack name", "thanks <@U0G9QF9C6>!", `thanks @${WJ}Jane Doe!`],
    ["an unknown member shows the name Slack sent", "<@U0ABCDEF|sam> ok", `@${WJ}sam ok`],
    ["an unknown member without a name shows the id", "<@U0ABCDEF> ok", `@${WJ}U0ABCDEF ok`],
    [
      "<!here>, <!channel> and <!everyone> ping nobody",
      "<!here> <!channel> <!everyone> deploy at 5",
      `@${WJ}here @${WJ}channel @${WJ}everyone deploy at 5`,
    ],
    [
      "a user group pings nobody",
      "<!subteam^S0614TZR7|@backend-team> and <!subteam^S0614TZR8> please review",
      `@${WJ}backend-team and a user group please review`,
    ],
    [
      "a typed @name and @org/team ping nobody",
      "cc @octocat and @github/security",
      `cc @${WJ}octocat and @${WJ}github/security`,
    ],
    [
      "an email address stays an email address",
      "mail jane.doe@example.com",
      "mail jane.doe@example.com",
    ],
  ])("%s", (_name, slack, markdown) => {
    expect(convert(slack)).toBe(markdown);
  });

  test("in a whole message, GitHub would ping the mapped person only", () => {
    const slack =
      "<@U024BE7LH> and <@U0G9QF9C6>, <!here> <!channel> <!subteam^S1|@devs>: cc @octocat " +
      "@github/security *<@U024BE7LH>* _@hubot_ jane@example.com `@code` " +
      "<https://x.example.com/@mona|@mona>\n&gt; @quoted\n• @listed";
    expect(pingedOnGitHub(convert(slack))).toEqual(["octocat", "octocat"]);
  });

  test("the members to look up are listed once each, in order", () => {
    expect(
      mentionedSlackUsers(
        "<@U0G9QF9C6> and <@U024BE7LH|mona>, again <@U0G9QF9C6>; not <!here> or <#C024BE7LR|general>",
      ),
    ).toEqual(["U0G9QF9C6", "U024BE7LH"]);
  });
});

describe("links, channels and dates", () => {
  test.each([
    [
      "a labelled link",
      "see <https://github.com/acme/api/pull/12|the PR>",
      "see [the PR](https://github.com/acme/api/pull/12)",
    ],
    [
      "a bare link stays bare",
      "build: <https://ci.example.com/build/42>.",
      "build: https://ci.example.com/build/42.",
    ],
    [
      "brackets in the label and parentheses in the URL cannot break the link",
      "<https://en.wikipedia.org/wiki/Foo_(bar)|Foo [bar]>",
      "[Foo \\[bar\\]](https://en.wikipedia.org/wiki/Foo_\\(bar\\))",
    ],
    [
      "a query string's &amp; is a plain &",
      "<https://x.example.com/search?q=a&amp;page=2>",
      "https://x.example.com/search?q=a&page=2",
    ],
    [
      "a link GitHub would not autolink stays a link",
      "<http://localhost:3000>",
      "[http://localhost:3000](http://localhost:3000)",
    ],
    [
      "a mailto link shows its address",
      "<mailto:jane@example.com|jane@example.com>",
      "jane@example.com",
    ],
    [
      "channels are plain text",
      "<#C024BE7LR|general> <#C024BE7LS> <#C024BE7LT|>",
      "#general #C024BE7LS #C024BE7LT",
    ],
    [
      "a date shows its fallback text",
      "<!date^1392734382^{date_num} {time}|2014-02-18 6:39 AM> works",
      "2014-02-18 6:39 AM works",
    ],
  ])("%s", (_name, slack, markdown) => {
    expect(convert(slack)).toBe(markdown);
  });
});

describe("what was text in Slack is text on GitHub", () => {
  test.each([
    [
      "typed HTML shows as typed",
      "&lt;b&gt;bold?&lt;/b&gt; &amp; &amp;lt;",
      "&lt;b&gt;bold?&lt;/b&gt; &amp; &amp;lt;",
    ],
    [
      "# at the start is no heading",
      "# not a heading\n#123 is still a reference",
      "\\# not a heading\n#123 is still a reference",
    ],
    ["a line of dashes is no heading underline", "Title\n---", "Title\n\\---"],
    ["pipes make no table", "| a | b |\n|---|---|", "\\| a \\| b \\|\n\\|---\\|---\\|"],
    [
      "typed markdown links and images stay text",
      "[docs](#setup) and ![x](/img/p)",
      "\\[docs](#setup) and !\\[x](/img/p)",
    ],
    [
      "a link Slack made inside typed markdown stays one link",
      "[docs](<https://evil.example>)",
      "\\[docs]([https://evil.example](https://evil.example))",
    ],
    ["dollars are no math", "costs $5, not $10", "costs \\$5, not \\$10"],
    ["backslashes show", "C:\\temp\\*.log", "C:\\temp\\\\\\*.log"],
    ["a task box stays text", "• [ ] write tests", "- \\[ ] write tests"],
    ["indentation makes no code block", "\n\n        not code", "not code"],
  ])("%s", (_name, slack, markdown) => {
    expect(convert(slack)).toBe(markdown);
  });

  test("plain names are escaped and ping nobody", () => {
    expect(escapeMarkdownText("@jane <b>*_x_*</b> & co")).toBe(
      `@${WJ}jane &lt;b&gt;\\*\\_x\\_\\*&lt;/b&gt; &amp; co`,
    );
  });
});

describe("quotes and lists", () => {
  test.each([
    [
      "a quote ends where Slack ends it",
      "&gt; I think we should wait\nAgreed, merging tomorrow",
      "> I think we should wait\n\nAgreed, merging tomorrow",
    ],
    ["a quote without a space", "&gt;no space", "> no space"],
    ["&gt;&gt;&gt; quotes the rest", "&gt;&gt;&gt; whole\nmessage", "> whole\n> message"],
    [
      "nested bullets, and the line after the list",
      "*Plan*\n• migrate\n    ◦ add the column\n        ▪\uFE0E backfill\n• deploy\nThen done",
      "**Plan**\n- migrate\n  - add the column\n    - backfill\n- deploy\n\nThen done",
    ],
    [
      "numbered items stay numbered",
      "1. Parent\n    a. Child\n2. Next",
      "1. Parent\n   a. Child\n2. Next",
    ],
    ["a bullet in a quote", "&gt; • quoted item", "> - quoted item"],
  ])("%s", (_name, slack, markdown) => {
    expect(convert(slack)).toBe(markdown);
  });
});

describe("long and hostile messages convert in linear time", () => {
  test.each([
    ["unclosed bold", "*a ".repeat(13_334)],
    ["underscores", "_".repeat(40_000)],
    ["unclosed tokens", "<@U1|".repeat(8_000)],
    ["lone angle brackets", "<".repeat(40_000)],
    ["backticks", "` a".repeat(13_334)],
    ["fences", "```\n".repeat(10_000)],
    ["nested formatting", "*_~a ".repeat(8_000)],
    ["blank lines", `a${"\n".repeat(39_998)}b`],
    [
      "a real thread reply, repeated",
      "*<@U024BE7LH>* see <https://x.example.com|this> `a_b` ".repeat(700),
    ],
  ])("%s", (_name, text) => {
    const started = performance.now();
    convert(text);
    mentionedSlackUsers(text);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

/**
 * The logins GitHub's mention filter would ping in `markdown`: `@login` at the start or after a
 * non-word character, in text outside links and code (html-pipeline's `MentionPattern`).
 */
function pingedOnGitHub(markdown: string): string[] {
  const logins: string[] = [];
  const visit = (node: Nodes): void => {
    if (node.type === "link" || node.type === "inlineCode" || node.type === "code") {
      return;
    }
    if (node.type === "text") {
      for (const match of node.value.matchAll(
        /(?:^|\W)@([a-z0-9][a-z0-9-]*(?:\/[a-z0-9][a-z0-9-]*)?)(?!\/)(?=\.+[ \t\W]|\.+$|[^0-9a-zA-Z_.]|$)/gim,
      )) {
        logins.push(match[1] ?? "");
      }
    } else if ("children" in node) {
      node.children.forEach(visit);
    }
  };
  visit(parseMarkdown(markdown));
  return logins;
}

/** The characters a GitHub-flavoured markdown parser shows for `markdown`, and the nodes it makes. */
function readAsGitHub(markdown: string): { shown: string; nodes: string[] } {
  const nodes = new Set<string>();
  let shown = "";
  const visit = (node: Nodes): void => {
    nodes.add(node.type);
    if (node.type === "text") {
      shown += node.value;
    } else if ("children" in node) {
      node.children.forEach(visit);
    }
  };
  visit(parseMarkdown(markdown));
  return { shown: shown.replaceAll(WJ, ""), nodes: [...nodes].sort() };
}

describe("a markdown parser shows what Slack showed, as plain text", () => {
  test.each([
    "2*3*4 and a*b*c, * not bold *",
    "file_*.log _private_var",
    "[docs](#setup) ![x](/img/p) [^1] and [x]: /y",
    "| a | b |\n|---|---|",
    "Title\n---",
    "# h\n## h2",
    "$x$ and $$y$$",
    "C:\\temp\\*.log \\",
    "~/dir and 1~2~3",
    "&lt;b&gt;hi&lt;/b&gt; &amp;copy; &amp; &lt;!-- x --&gt;",
    "an `unpaired backtick",
    "`` empty",
    "a\n***\n___\n+\n=",
  ])("%j", (slack) => {
    const shown = slack.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    expect(readAsGitHub(convert(slack))).toEqual({ shown, nodes: ["paragraph", "root", "text"] });
  });
});

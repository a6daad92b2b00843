import { describe, expect, test } from "@jest/globals";
import type { Nodes } from "mdast";
import {
  composeReplyComment,
  MAX_COMMENT_LENGTH,
  readReplyMarker,
  replyMarker,
  type ReplyAttribution,
} from "../../src/render/compose-reply-comment.js";
import { parseMarkdown } from "../../src/render/parse-markdown.js";
import { slackTextToMarkdown } from "../../src/render/slack-text-to-markdown.js";

const WJ = "\u2060";
const CHANNEL = "C024BE7LR";
const TS = "1700000000.000100";
const PERMALINK = "https://acme.slack.com/archives/C024BE7LR/p1700000000000100";
const MARKER = "<!-- threadline:slack C024BE7LR/1700000000.000100 -->";

function compose(
  markdown: string,
  attribution: ReplyAttribution,
  files: string[] = [],
  serverUrl?: string,
): string {
  return composeReplyComment({
    markdown,
    files,
    attribution,
    channel: CHANNEL,
    ts: TS,
    ...(serverUrl === undefined ? {} : { serverUrl }),
  });
}

describe("composeReplyComment", () => {
  test.each<[string, string, ReplyAttribution, string[], string]>([
    [
      "a mapped author is named with a profile link, and the comment links back to Slack",
      "Looks good, merging after lunch",
      { login: "octocat", name: "Mona Lisa", permalink: PERMALINK },
      [],
      `Looks good, merging after lunch

<sub>Written in Slack by [@octocat](https://github.com/octocat) · [view in Slack](${PERMALINK})</sub>

${MARKER}`,
    ],
    [
      "an unmapped author is named by their Slack name, which pings nobody",
      "Can we add a test?",
      { name: "@jane *the* doe", permalink: PERMALINK },
      [],
      `Can we add a test?

<sub>Written in Slack by @${WJ}jane \\*the\\* doe · [view in Slack](${PERMALINK})</sub>

${MARKER}`,
    ],
    [
      "without a permalink there is no link to Slack",
      "ok",
      { name: "Jane Doe" },
      [],
      `ok

<sub>Written in Slack by Jane Doe</sub>

${MARKER}`,
    ],
    [
      "someone writing as themselves gets only the link to Slack",
      "Done in 4f2a9c1",
      { login: "octocat", name: "Mona Lisa", permalink: PERMALINK, asThemselves: true },
      [],
      `Done in 4f2a9c1

<sub>[Written in Slack](${PERMALINK})</sub>

${MARKER}`,
    ],
    [
      "files are named, and an empty text with files still makes a comment",
      "",
      { name: "Jane Doe", permalink: PERMALINK },
      ["screenshot_*1*.png", "build.log"],
      `_(2 files attached in Slack: screenshot\\_\\*1\\*.png, build.log)_

<sub>Written in Slack by Jane Doe · [view in Slack](${PERMALINK})</sub>

${MARKER}`,
    ],
    [
      "one file is one file",
      "see the trace",
      { name: "Jane Doe" },
      ["trace.txt"],
      `see the trace

_(1 file attached in Slack: trace.txt)_

<sub>Written in Slack by Jane Doe</sub>

${MARKER}`,
    ],
  ])("%s", (_name, markdown, attribution, files, body) => {
    expect(compose(markdown, attribution, files)).toBe(body);
  });

  test("a dozen files are listed as ten and a count", () => {
    const files = Array.from({ length: 12 }, (_, index) => `f${index + 1}.png`);
    expect(compose("", { name: "Jane" }, files)).toContain(
      "_(12 files attached in Slack: f1.png, f2.png, f3.png, f4.png, f5.png, f6.png, f7.png, f8.png, f9.png, f10.png, and 2 more)_",
    );
  });

  test("the author's login sits in a link, where GitHub pings nobody", () => {
    const body = compose("hi", { login: "octocat", name: "Mona", permalink: PERMALINK });
    const links: string[][] = [];
    const visit = (node: Nodes): void => {
      if (node.type === "link") {
        const text = node.children.map((child) => (child.type === "text" ? child.value : ""));
        links.push([text.join(""), node.url]);
      } else if ("children" in node) {
        node.children.forEach(visit);
      }
    };
    visit(parseMarkdown(body));
    expect(links).toEqual([
      ["@octocat", "https://github.com/octocat"],
      ["view in Slack", PERMALINK],
    ]);
  });

  test("on GitHub Enterprise Server the profile link points at the server", () => {
    expect(
      compose("hi", { login: "octocat", name: "Mona" }, [], "https://github.acme.test/"),
    ).toContain("[@octocat](https://github.acme.test/octocat)");
  });
});

describe("the marker", () => {
  test("names the Slack message, and reads back from the comment", () => {
    expect(replyMarker(CHANNEL, TS)).toBe(MARKER);
    expect(readReplyMarker(compose("hi", { name: "Jane" }))).toEqual({ channel: CHANNEL, ts: TS });
    expect(readReplyMarker(`${compose("hi", { name: "Jane" })}\r\n`)).toEqual({
      channel: CHANNEL,
      ts: TS,
    });
  });

  test("a marker pasted into a reply's code is not mistaken for the comment's own", () => {
    const markdown = slackTextToMarkdown("```&lt;!-- threadline:slack C999/1.2 --&gt;```", {
      loginOf: () => undefined,
      nameOf: () => undefined,
    });
    const body = compose(markdown, { name: "Jane" });
    expect(body).toContain("<!-- threadline:slack C999/1.2 -->\n```");
    expect(readReplyMarker(body)).toEqual({ channel: CHANNEL, ts: TS });
    expect(readReplyMarker("<!-- threadline:slack C999/1.2 -->\n```")).toBeUndefined();
  });

  test.each([
    ["a comment without one", "LGTM"],
    ["a broken one", "<!-- threadline:slack C1/abc -->"],
  ])("%s reads as none", (_name, body) => {
    expect(readReplyMarker(body)).toBeUndefined();
  });

  test("a channel or ts that could end the HTML comment is refused", () => {
    expect(() => replyMarker("C1 -->", TS)).toThrow(RangeError);
    expect(() => replyMarker(CHANNEL, "1.2 --> @octocat")).toThrow(RangeError);
  });
});

describe("a reply too long for GitHub", () => {
  test("a 40,000-char message stays under 65,536 and keeps the marker", () => {
    // Thanks to everyone: each 12-character mention grows into `@` and the member's full name.
    const slack = `Thanks all! ${"<@U0G9QF9C6> ".repeat(3_076)}`;
    expect(slack.length).toBeLessThanOrEqual(40_000);
    const markdown = slackTextToMarkdown(slack, {
      loginOf: () => undefined,
      nameOf: () => "Jane Doe (Platform, Berlin)",
    });
    expect(markdown.length).toBeGreaterThan(MAX_COMMENT_LENGTH);

    const body = compose(markdown, { name: "Jane Doe", permalink: PERMALINK }, ["photo.jpg"]);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body.endsWith(MARKER)).toBe(true);
    expect(readReplyMarker(body)).toEqual({ channel: CHANNEL, ts: TS });
    const [kept = "", rest = ""] = body.split("\n\n_… (cut: ");
    expect(kept).toMatch(/^Thanks all! @\u2060Jane Doe .* (?:Jane|Doe|\(Platform,|Berlin\))$/);
    expect(rest).toBe(
      `[the whole message is in Slack](${PERMALINK}))_\n\n_(1 file attached in Slack: photo.jpg)_\n\n<sub>Written in Slack by Jane Doe · [view in Slack](${PERMALINK})</sub>\n\n${MARKER}`,
    );
  });

  test("a cut inside a code block closes it, so the note after it is not code", () => {
    const markdown = `Logs:\n\`\`\`\`\n${"GET /health 200 ```\n".repeat(4_000)}\`\`\`\`\ndone`;
    const body = compose(markdown, { name: "Jane Doe" });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body).toContain(
      "GET /health 200 ```\n````\n\n_… (cut: the whole message is in Slack)_\n\n<sub>Written in Slack by Jane Doe</sub>",
    );
    const tree = parseMarkdown(body);
    expect(tree.children.map((node) => node.type)).toEqual([
      "paragraph",
      "code",
      "paragraph",
      "paragraph",
      "html",
    ]);
  });

  test("a cut inside a quoted code block closes it inside the quote", () => {
    const markdown = `> \`\`\`\n${"> line\n".repeat(12_000)}> \`\`\``;
    const body = compose(markdown, { name: "Jane Doe" });
    expect(body).toContain("> line\n> ```\n\n_… (cut: the whole message is in Slack)_");
  });

  test("a cut never shortens @octocat into someone else's login", () => {
    const filler = "·";
    const cutBefore = (markdown: string): string =>
      compose(markdown, { name: "Jane Doe" }).split("\n\n_… (cut:")[0] ?? "";
    const room = cutBefore(filler.repeat(70_000)).length;
    // The cut falls before the `@`, on each letter of the login, and right after it.
    for (let into = 0; into <= "@octocat".length; into += 1) {
      const kept = cutBefore(`${filler.repeat(room - into)}@octocat${filler.repeat(200)}`);
      expect([into, kept.match(/@\w*$/)?.[0]]).toEqual([into, into === 8 ? "@octocat" : undefined]);
    }
  });
});

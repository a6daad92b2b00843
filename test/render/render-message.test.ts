import { describe, expect, test } from "@jest/globals";
import type { ConversationEvent } from "../../src/events/conversation-event.js";
import { normalize } from "../../src/events/normalize.js";
import { renderMessage } from "../../src/render/render-message.js";
import { loadFixture, loadPullRequestCommentFixture, type Payload } from "../fixtures/index.js";
import { blockTexts, expectWithinSlackLimits } from "./slack-invariants.js";

const mentions = { octocat: "U0OCTOCAT" };

/** A realistic hunk: GitHub's ends at the commented line (line 7 of the new README). */
const README_HUNK = [
  "@@ -3,6 +3,8 @@",
  " ## Install",
  " ",
  "-Run `npm install`.",
  "+Run `npm ci` for a clean install.",
  "+",
  "+Then start it with `npm start`.",
].join("\n");

function conversationComment(body: string): ConversationEvent {
  const payload = loadPullRequestCommentFixture();
  payload.comment.body = body;
  return eventOf(normalize["issue_comment.created"](payload));
}

function reviewComment(
  edit: (comment: Payload<"pull_request_review_comment.created">["comment"]) => void,
): ConversationEvent {
  const payload = loadFixture("pull_request_review_comment.created");
  payload.comment.diff_hunk = README_HUNK;
  payload.comment.line = 7;
  payload.comment.original_line = 7;
  edit(payload.comment);
  return eventOf(normalize["pull_request_review_comment.created"](payload));
}

function review(state: string, body: string | null): ConversationEvent {
  const payload = loadFixture("pull_request_review.submitted");
  payload.review.state = state;
  payload.review.body = body;
  return eventOf(normalize["pull_request_review.submitted"](payload));
}

function eventOf(normalized: { event?: ConversationEvent; skipped?: string }): ConversationEvent {
  if (!normalized.event) {
    throw new Error(`fixture was skipped: ${normalized.skipped}`);
  }
  return normalized.event;
}

describe("renderMessage: what Slack receives", () => {
  test("a pull request conversation comment", () => {
    const message = renderMessage(
      conversationComment("Thanks @octocat! I'll fix the **typo** in `README.md`.\n\ncc @hubot"),
      { mentions },
    );
    expectWithinSlackLimits(message, ["U0OCTOCAT"]);
    expect(message).toMatchInlineSnapshot(`
     {
       "blocks": [
         {
           "elements": [
             {
               "alt_text": "Codertocat",
               "image_url": "https://avatars1.githubusercontent.com/u/21031067?v=4",
               "type": "image",
             },
             {
               "text": "*<https://github.com/Codertocat|Codertocat>* commented on <https://github.com/Codertocat/Hello-World/pull/1|Codertocat/Hello-World#1: Spelling error in the README file>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
         {
           "text": {
             "text": "Thanks <@U0OCTOCAT>! I'll fix the *typo* in \`README.md\`.

     cc <https://github.com/hubot|@hubot>",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "elements": [
             {
               "text": "<https://github.com/Codertocat/Hello-World/pull/1#issuecomment-492700400|View on GitHub>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
       ],
       "text": "Codertocat commented on Codertocat/Hello-World#1: Thanks @octocat! I'll fix the typo in README.md. cc @hubot",
       "unfurl_links": false,
       "unfurl_media": false,
     }
    `);
  });

  test("a review comment on a line, with the diff it is about", () => {
    const message = renderMessage(
      reviewComment((comment) => {
        comment.body = "Is `npm ci` available on the CI image?";
      }),
      { mentions },
    );
    expectWithinSlackLimits(message);
    expect(message).toMatchInlineSnapshot(`
     {
       "blocks": [
         {
           "elements": [
             {
               "alt_text": "Codertocat",
               "image_url": "https://avatars1.githubusercontent.com/u/21031067?v=4",
               "type": "image",
             },
             {
               "text": "*<https://github.com/Codertocat|Codertocat>* commented on a line in <https://github.com/Codertocat/Hello-World/pull/2|Codertocat/Hello-World#2: Update the README with new information.>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
         {
           "elements": [
             {
               "text": "<https://github.com/Codertocat/Hello-World/pull/2/files#diff-b335630551682c19a781afebcf4d07bf978fb1f8ac04c6bf87428ed5106870f5R7|README.md:7>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
         {
           "text": {
             "text": "\`\`\`
      
     -Run \`npm install\`.
     +Run \`npm ci\` for a clean install.
     +
     +Then start it with \`npm start\`.
     \`\`\`",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "text": {
             "text": "Is \`npm ci\` available on the CI image?",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "elements": [
             {
               "text": "<https://github.com/Codertocat/Hello-World/pull/2#discussion_r284312630|View on GitHub>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
       ],
       "text": "Codertocat commented on a line in Codertocat/Hello-World#2: Is npm ci available on the CI image?",
       "unfurl_links": false,
       "unfurl_media": false,
     }
    `);
  });

  test("an approval without words", () => {
    const message = renderMessage(review("approved", null), { mentions });
    expectWithinSlackLimits(message);
    expect(message).toMatchInlineSnapshot(`
     {
       "blocks": [
         {
           "elements": [
             {
               "alt_text": "Codertocat",
               "image_url": "https://avatars1.githubusercontent.com/u/21031067?v=4",
               "type": "image",
             },
             {
               "text": "*<https://github.com/Codertocat|Codertocat>* approved <https://github.com/Codertocat/Hello-World/pull/2|Codertocat/Hello-World#2: Update the README with new information.>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
         {
           "text": {
             "text": "✅ *Approved*",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "elements": [
             {
               "text": "<https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-237895671|View on GitHub>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
       ],
       "text": "Codertocat approved Codertocat/Hello-World#2 “Update the README with new information.”",
       "unfurl_links": false,
       "unfurl_media": false,
     }
    `);
  });

  test("changes requested, with the reviewer's summary", () => {
    const message = renderMessage(
      review(
        "changes_requested",
        "Two things before this can go in:\n\n1. The install step must use `npm ci`.\n2. Please add a test.\n\n> Run `npm install`.\n\nThis line is wrong.",
      ),
      { mentions },
    );
    expectWithinSlackLimits(message);
    expect(message).toMatchInlineSnapshot(`
     {
       "blocks": [
         {
           "elements": [
             {
               "alt_text": "Codertocat",
               "image_url": "https://avatars1.githubusercontent.com/u/21031067?v=4",
               "type": "image",
             },
             {
               "text": "*<https://github.com/Codertocat|Codertocat>* requested changes on <https://github.com/Codertocat/Hello-World/pull/2|Codertocat/Hello-World#2: Update the README with new information.>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
         {
           "text": {
             "text": "❌ *Changes requested*

     Two things before this can go in:

     1. The install step must use \`npm ci\`.
     2. Please add a test.

     > Run \`npm install\`.

     This line is wrong.",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "elements": [
             {
               "text": "<https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-237895671|View on GitHub>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
       ],
       "text": "Codertocat requested changes on Codertocat/Hello-World#2: Two things before this can go in: The install step must use npm ci. Please add a test. Run npm install. This line is wrong.",
       "unfurl_links": false,
       "unfurl_media": false,
     }
    `);
  });

  test("a review comment with a suggestion over three lines", () => {
    const message = renderMessage(
      reviewComment((comment) => {
        comment.start_line = 5;
        comment.start_side = "RIGHT";
        comment.body = "Shorter:\n\n```suggestion\nRun `npm ci`, then `npm start`.\n```";
      }),
      { mentions },
    );
    expectWithinSlackLimits(message);
    expect(message).toMatchInlineSnapshot(`
     {
       "blocks": [
         {
           "elements": [
             {
               "alt_text": "Codertocat",
               "image_url": "https://avatars1.githubusercontent.com/u/21031067?v=4",
               "type": "image",
             },
             {
               "text": "*<https://github.com/Codertocat|Codertocat>* commented on a line in <https://github.com/Codertocat/Hello-World/pull/2|Codertocat/Hello-World#2: Update the README with new information.>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
         {
           "elements": [
             {
               "text": "<https://github.com/Codertocat/Hello-World/pull/2/files#diff-b335630551682c19a781afebcf4d07bf978fb1f8ac04c6bf87428ed5106870f5R5-R7|README.md:5–7>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
         {
           "text": {
             "text": "\`\`\`
      ## Install
      
     -Run \`npm install\`.
     \`\`\`",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "text": {
             "text": "Shorter:

     *Suggested change:* replace
     \`\`\`
     Run \`npm ci\` for a clean install.

     Then start it with \`npm start\`.
     \`\`\`
     with
     \`\`\`
     Run \`npm ci\`, then \`npm start\`.
     \`\`\`",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "elements": [
             {
               "text": "<https://github.com/Codertocat/Hello-World/pull/2#discussion_r284312630|View on GitHub>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
       ],
       "text": "Codertocat commented on a line in Codertocat/Hello-World#2: Shorter: (suggested change)",
       "unfurl_links": false,
       "unfurl_media": false,
     }
    `);
  });
});

describe("renderMessage: details a Slack reader notices", () => {
  test("the header names who did what, for each kind of event", () => {
    const header = (event: ConversationEvent): string =>
      blockTexts(renderMessage(event, { mentions }))[0] ?? "";
    expect(header(conversationComment("hi"))).toContain(
      "* commented on <https://github.com/Codertocat/Hello-World/pull/1|",
    );
    expect(header(reviewComment(() => {}))).toContain("* commented on a line in <");
    expect(header(review("approved", null))).toContain("* approved <");
    expect(header(review("changes_requested", "no"))).toContain("* requested changes on <");
    expect(header(review("commented", "hmm"))).toContain("* reviewed <");
  });

  test("each review says its verdict in words and emoji", () => {
    const body = (event: ConversationEvent): string | undefined =>
      blockTexts(renderMessage(event, { mentions }))[1];
    expect(body(review("approved", null))).toBe("✅ *Approved*");
    expect(body(review("changes_requested", "Fix it"))).toBe("❌ *Changes requested*\n\nFix it");
    expect(body(review("commented", "A thought"))).toBe("💬 *Reviewed*\n\nA thought");
  });

  test("a pull request title, login or path cannot ping a channel or forge a link", () => {
    const payload = loadFixture("pull_request_review_comment.created");
    payload.pull_request.title = "<!channel> fix <https://evil.example|here> & more";
    payload.comment.path = "src/<!here>.ts";
    payload.comment.body = "<!everyone>";
    const message = renderMessage(
      eventOf(normalize["pull_request_review_comment.created"](payload)),
      {
        mentions,
      },
    );
    expectWithinSlackLimits(message);
    const texts = [message.text, ...blockTexts(message)].join("\n");
    expect(texts).toContain("&lt;!channel&gt; fix &lt;https://evil.example|here&gt; &amp; more");
    expect(texts).toContain("src/&lt;!here&gt;.ts:265");
    expect(texts).not.toMatch(/<!/);
  });

  test("the fallback text is one plain line with the start of the comment, escaped", () => {
    const body = `**Heads up** <!here>: ${"very ".repeat(60)}long`;
    const { text } = renderMessage(conversationComment(body), { mentions });
    expect(text).toMatch(
      /^Codertocat commented on Codertocat\/Hello-World#1: Heads up &lt;!here&gt;: very very/,
    );
    expect(text).toMatch(/…$/);
    expect(text.length).toBeLessThan(250);
    expect(text).not.toContain("*");
  });

  test("the fallback text of an approval without words names the pull request", () => {
    expect(renderMessage(review("approved", null), { mentions }).text).toBe(
      "Codertocat approved Codertocat/Hello-World#2 “Update the README with new information.”",
    );
  });

  test("a multi-line comment shows its range and the whole range of the diff", () => {
    const message = renderMessage(
      reviewComment((comment) => {
        comment.start_line = 3;
      }),
      { mentions },
    );
    const [, location = "", excerpt = ""] = blockTexts(message);
    expect(location).toMatch(/\|README\.md:3–7>$/);
    expect(excerpt).toBe(["```", ...README_HUNK.split("\n").slice(1), "```"].join("\n"));
  });

  test("a comment on a removed line links to the old side of the diff", () => {
    const message = renderMessage(
      reviewComment((comment) => {
        comment.side = "LEFT";
        comment.line = 5;
        comment.diff_hunk = "@@ -3,6 +3,8 @@\n ## Install\n \n-Run `npm install`.";
      }),
      { mentions },
    );
    expect(blockTexts(message)[1]).toMatch(/\/pull\/2\/files#diff-[0-9a-f]{64}L5\|README\.md:5>$/);
  });

  test("an empty suggestion reads as deleting the commented lines", () => {
    const message = renderMessage(
      reviewComment((comment) => {
        comment.start_line = 6;
        comment.body = "```suggestion\n```";
      }),
      { mentions },
    );
    expect(blockTexts(message)[3]).toBe(
      "*Suggested change:* delete these lines\n```\n\nThen start it with `npm start`.\n```",
    );
  });

  test("a suggestion in a conversation comment is labelled and shown as code", () => {
    const message = renderMessage(conversationComment("```suggestion\nfixed line\n```"), {
      mentions,
    });
    expect(blockTexts(message)[1]).toBe("*Suggested change*\n```\nfixed line\n```");
  });

  test("mentions link to profiles on the event's GitHub Enterprise server", () => {
    const payload = loadPullRequestCommentFixture();
    payload.repository.html_url = "https://ghe.example.com/Codertocat/Hello-World";
    payload.comment.body = "@mona please look";
    const message = renderMessage(eventOf(normalize["issue_comment.created"](payload)), {
      mentions,
    });
    expect(blockTexts(message)[1]).toBe("<https://ghe.example.com/mona|@mona> please look");
  });

  test("links never unfurl, and the message is never parsed for names", () => {
    const message = renderMessage(conversationComment("https://example.com"), { mentions });
    expect(message.unfurl_links).toBe(false);
    expect(message.unfurl_media).toBe(false);
    expect(message).not.toHaveProperty("parse");
    expect(message).not.toHaveProperty("link_names");
  });

  // How long they take is measured by `npm run bench:render`, not here.
  test("pathological comments of GitHub's maximum size render within Slack's limits", () => {
    const max = 65_536;
    const bodies = [
      "<a" + " ".repeat(max - 2),
      "**" + " ".repeat(max / 2) + "x" + " ".repeat(max / 2 - 6) + "**",
      "@" + "a".repeat(max - 1),
      "<!--" + "<p>".repeat((max - 4) / 3),
      "[".repeat(max),
      "> ".repeat(max / 2),
      "- ".repeat(max / 2),
      "`".repeat(max),
    ];
    for (const body of bodies) {
      const message = renderMessage(conversationComment(body), { mentions });
      expectWithinSlackLimits(message);
    }
  });

  test("a diff excerpt of long, markup-heavy lines is capped and stays a code block", () => {
    const message = renderMessage(
      reviewComment((comment) => {
        comment.start_line = 1;
        comment.line = 12;
        comment.diff_hunk = ["@@ -1,12 +1,12 @@", ...Array(12).fill(`+${"<&>".repeat(80)}`)].join(
          "\n",
        );
      }),
      { mentions },
    );
    const excerpt = blockTexts(message)[2] ?? "";
    expect(excerpt.length).toBeLessThanOrEqual(1_500);
    expect(excerpt).toMatch(/^```\n\+&lt;&amp;&gt;/);
    expect(excerpt).toMatch(/\n```$/);
    expectWithinSlackLimits(message);
  });
});

describe("renderMessage: replies in a line's conversation", () => {
  test("a reply to a review comment links the comment it answers instead of repeating the diff", () => {
    const payload = loadFixture("pull_request_review_comment.created");
    payload.comment.in_reply_to_id = 284312630;
    payload.comment.body = "Agreed, done.";
    const { event } = normalize["pull_request_review_comment.created"](payload);
    const texts = JSON.stringify(renderMessage(event!, { mentions: {} }).blocks);
    expect(texts).toContain(
      "↪ replying to <https://github.com/Codertocat/Hello-World/pull/2#discussion_r284312630|a comment> on <https://github.com/Codertocat/Hello-World/pull/2/files#diff-",
    );
    expect(texts).not.toContain("```");
    expect(texts).toContain("Agreed, done.");
  });
});

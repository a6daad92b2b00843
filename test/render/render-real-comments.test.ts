/**
 * Whole messages for comments as bots and people really write them on pull requests, as Slack
 * receives them; each within Slack's limits and its escaping.
 */
import { describe, expect, test } from "@jest/globals";
import type { ConversationEvent } from "../../src/events/conversation-event.js";
import { normalize } from "../../src/events/normalize.js";
import { renderMessage } from "../../src/render/render-message.js";
import { renderReviewGroup } from "../../src/render/render-review-group.js";
import { loadFixture, loadPullRequestCommentFixture, type Payload } from "../fixtures/index.js";
import { blockTexts, expectWithinSlackLimits } from "./slack-invariants.js";

const mentions = { octocat: "U0OCTOCAT" };

function conversationComment(body: string): ConversationEvent {
  const payload = loadPullRequestCommentFixture();
  payload.comment.body = body;
  return normalize["issue_comment.created"](payload).event!;
}

/** GitHub's hunk for line 7 of the new README, as in the README's example. */
const README_HUNK = [
  "@@ -3,6 +3,8 @@",
  " ## Install",
  " ",
  "-Run `npm install`.",
  "+Run `npm ci` for a clean install.",
  "+",
  "+Then start it with `npm start`.",
].join("\n");

function reviewComment(
  edit: (comment: Payload<"pull_request_review_comment.created">["comment"]) => void,
): ConversationEvent {
  const payload = loadFixture("pull_request_review_comment.created");
  payload.comment.diff_hunk = README_HUNK;
  payload.comment.line = 7;
  payload.comment.original_line = 7;
  edit(payload.comment);
  return normalize["pull_request_review_comment.created"](payload).event!;
}

/** Codecov's pull-request comment, as it publishes it (CRLF, as it arrives). */
const CODECOV = [
  "## [Codecov](https://app.codecov.io/gh/Codertocat/Hello-World/pull/1?dropdown=coverage&src=pr&el=h1) Report",
  "All modified and coverable lines are covered by tests :white_check_mark:",
  "> Project coverage is 85.21%. Comparing base [(`3f2a1b9`)](https://app.codecov.io/gh/Codertocat/Hello-World/commit/3f2a1b9c4d5e6f708192a3b4c5d6e7f8091a2b3c?dropdown=coverage&el=desc) to head [(`9e8d7c6`)](https://app.codecov.io/gh/Codertocat/Hello-World/commit/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d?dropdown=coverage&el=desc).",
  "",
  "<details><summary>Additional details and impacted files</summary>",
  "",
  "```diff",
  "@@            Coverage Diff             @@",
  "##             main       #1      +/-   ##",
  "==========================================",
  "+ Coverage   85.10%   85.21%   +0.11%     ",
  "==========================================",
  "  Files          10       10              ",
  "  Lines         300      304       +4     ",
  "```",
  "",
  "</details>",
  "",
  "[:umbrella: View full report in Codecov by Sentry](https://app.codecov.io/gh/Codertocat/Hello-World/pull/1?dropdown=coverage&src=pr&el=continue).   ",
  ":loudspeaker: Have feedback on the report? [Share it here](https://about.codecov.io/codecov-pr-comment-feedback/).",
].join("\r\n");

/** A test-report bot's HTML table. */
const TEST_REPORT = [
  "### Test Results",
  "<table>",
  "<tr><th>Suites</th><th>Tests</th><th>Passed</th><th>Time</th></tr>",
  "<tr><td>10</td><td>30 out of 30</td><td>:green_circle: 30</td><td>12.3s</td></tr>",
  "</table>",
  "",
  "Results for commit 9e8d7c6. ± Comparison against base commit 3f2a1b9.",
].join("\n");

/** Dependabot's description of a version bump (its first part). */
const DEPENDABOT = [
  "Bumps [lodash](https://github.com/lodash/lodash) from 4.17.20 to 4.17.21.",
  "<details>",
  "<summary>Commits</summary>",
  "<ul>",
  '<li><a href="https://github.com/lodash/lodash/commit/f299b52f39486275a9e6483b60a410e06520c538"><code>f299b52</code></a> Bump to v4.17.21</li>',
  '<li><a href="https://github.com/lodash/lodash/commit/c4847ebe7d14540bb28a8b932a9ce1b9ecbfee1a"><code>c4847eb</code></a> Improve performance of <code>toNumber</code>, <code>trim</code> and <code>trimEnd</code></li>',
  '<li>See full diff in <a href="https://github.com/lodash/lodash/compare/4.17.20...4.17.21">compare view</a></li>',
  "</ul>",
  "</details>",
  "<br />",
].join("\n");

describe("bots' comments, as Slack receives them", () => {
  test("Codecov: the report's summary, its details closed, the links kept", () => {
    const message = renderMessage(conversationComment(CODECOV), { mentions });
    expectWithinSlackLimits(message);
    expect(JSON.stringify(message)).not.toContain("\\r");
    expect(message.text).toMatchInlineSnapshot(
      `"Codertocat commented on Codertocat/Hello-World#1: Codecov Report All modified and coverable lines are covered by tests ✅ Project coverage is 85.21%. Comparing base (3f2a1b9) to head (9e8d7c6). ▸…"`,
    );
    expect(blockTexts(message).slice(1)).toMatchInlineSnapshot(`
     [
       "*<https://app.codecov.io/gh/Codertocat/Hello-World/pull/1?dropdown=coverage&amp;src=pr&amp;el=h1|Codecov> Report*

     All modified and coverable lines are covered by tests ✅

     > Project coverage is 85.21%. Comparing base <https://app.codecov.io/gh/Codertocat/Hello-World/commit/3f2a1b9c4d5e6f708192a3b4c5d6e7f8091a2b3c?dropdown=coverage&amp;el=desc|(3f2a1b9)> to head <https://app.codecov.io/gh/Codertocat/Hello-World/commit/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d?dropdown=coverage&amp;el=desc|(9e8d7c6)>.

     ▸ Additional details and impacted files (<https://github.com/Codertocat/Hello-World/pull/1#issuecomment-492700400|7 lines hidden>)

     <https://app.codecov.io/gh/Codertocat/Hello-World/pull/1?dropdown=coverage&amp;src=pr&amp;el=continue|☔ View full report in Codecov by Sentry>.
     📢 Have feedback on the report? <https://about.codecov.io/codecov-pr-comment-feedback/|Share it here>.",
       "<https://github.com/Codertocat/Hello-World/pull/1#issuecomment-492700400|View on GitHub>",
     ]
    `);
  });

  test("a test report's HTML table: an aligned grid, and cells apart in the notification", () => {
    const message = renderMessage(conversationComment(TEST_REPORT), { mentions });
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
               "text": "*<https://github.com/Codertocat|Codertocat>* commented on <https://github.com/Codertocat/Hello-World/pull/1|Codertocat/Hello-World#1: Spelling error in the README file>",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
         {
           "text": {
             "text": "*Test Results*

     \`\`\`
     Suites | Tests        | Passed | Time
     -------+--------------+--------+------
     10     | 30 out of 30 | 🟢 30  | 12.3s
     \`\`\`

     Results for commit <https://github.com/Codertocat/Hello-World/commit/9e8d7c6|9e8d7c6>. ± Comparison against base commit <https://github.com/Codertocat/Hello-World/commit/3f2a1b9|3f2a1b9>.",
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
       "text": "Codertocat commented on Codertocat/Hello-World#1: Test Results Suites | Tests | Passed | Time; 10 | 30 out of 30 | 🟢 30 | 12.3s Results for commit 9e8d7c6. ± Comparison against base commit 3f2a1b9.",
       "unfurl_links": false,
       "unfurl_media": false,
     }
    `);
  });

  test("Dependabot's commits, shown in full with details: show", () => {
    const event = conversationComment(DEPENDABOT);
    const collapsed = renderMessage(event, { mentions });
    const shown = renderMessage(event, { mentions, details: "show" });
    expectWithinSlackLimits(collapsed);
    expectWithinSlackLimits(shown);
    expect(blockTexts(collapsed)[1]).toMatchInlineSnapshot(`
     "Bumps <https://github.com/lodash/lodash|lodash> from 4.17.20 to 4.17.21.

     ▸ Commits (<https://github.com/Codertocat/Hello-World/pull/1#issuecomment-492700400|3 lines hidden>)"
    `);
    expect(blockTexts(shown)[1]).toMatchInlineSnapshot(`
     "Bumps <https://github.com/lodash/lodash|lodash> from 4.17.20 to 4.17.21.

     Commits

     • <https://github.com/lodash/lodash/commit/f299b52f39486275a9e6483b60a410e06520c538|f299b52> Bump to v4.17.21
     • <https://github.com/lodash/lodash/commit/c4847ebe7d14540bb28a8b932a9ce1b9ecbfee1a|c4847eb> Improve performance of \`toNumber\`, \`trim\` and \`trimEnd\`
     • See full diff in <https://github.com/lodash/lodash/compare/4.17.20...4.17.21|compare view>"
    `);
  });

  test("a review's group passes details: on to every part", () => {
    const payload = loadFixture("pull_request_review.submitted");
    payload.review.body = DEPENDABOT;
    const review = normalize["pull_request_review.submitted"](payload).event!;
    const [message] = renderReviewGroup(
      { review, comments: [reviewComment((comment) => (comment.body = DEPENDABOT))] },
      { mentions, details: "show" },
    );
    expectWithinSlackLimits(message!);
    expect(JSON.stringify(message!.blocks).match(/Bump to v4\.17\.21/g)).toHaveLength(2);
  });
});

describe("people's comments", () => {
  test("a line comment with a suggestion: the excerpt stops above the lines it replaces", () => {
    const message = renderMessage(
      reviewComment((comment) => {
        comment.body =
          "Nice! One nit, @octocat — see <!channel> in the docs:\r\n\r\n```suggestion\r\nThen start it with `npm start` (it builds first).\r\n```";
      }),
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
      ## Install
      
     -Run \`npm install\`.
     +Run \`npm ci\` for a clean install.
     +
     \`\`\`",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "text": {
             "text": "Nice! One nit, <@U0OCTOCAT> — see &lt;!channel&gt; in the docs:

     *Suggested change:* replace
     \`\`\`
     Then start it with \`npm start\`.
     \`\`\`
     with
     \`\`\`
     Then start it with \`npm start\` (it builds first).
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
       "text": "Codertocat commented on a line in Codertocat/Hello-World#2: Nice! One nit, @octocat — see &lt;!channel&gt; in the docs: (suggested change)",
       "unfurl_links": false,
       "unfurl_media": false,
     }
    `);
  });

  test("a suggestion folded in a closed <details> leaves the whole excerpt", () => {
    const message = renderMessage(
      reviewComment((comment) => {
        comment.body =
          "<details><summary>Suggestion</summary>\n\n```suggestion\nnew\n```\n\n</details>";
      }),
      { mentions },
    );
    expectWithinSlackLimits(message);
    expect(blockTexts(message)[2]).toContain("+Then start it with `npm start`.");
  });

  test("the suggested code stands alone in its block, exactly as written", () => {
    const code = "  if (a < b && c) {\n    run(`npm ci`);\n  }";
    const message = renderMessage(
      reviewComment((comment) => {
        comment.body = "```suggestion\n" + code + "\n```";
      }),
      { mentions },
    );
    const body = blockTexts(message)[3] ?? "";
    const blocks = body.match(/```\n([\s\S]*?)\n```/g) ?? [];
    const suggested = blocks[blocks.length - 1]!.slice(4, -4);
    const unescaped = suggested.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    expect(unescaped).toBe(code);
  });

  test("a suggestion of markdown holding a fence says how the fence is shown", () => {
    const message = renderMessage(
      reviewComment((comment) => {
        comment.body = "`````suggestion\n```sh\nnpm ci\n```\n`````";
      }),
      { mentions },
    );
    expectWithinSlackLimits(message);
    expect(blockTexts(message)[3]).toMatchInlineSnapshot(`
     "*Suggested change:* replace
     \`\`\`
     Then start it with \`npm start\`.
     \`\`\`
     with
     \`\`\`
     ˋˋˋsh
     npm ci
     ˋˋˋ
     \`\`\`
     _In this code ˋˋˋ stands for three backticks, which Slack cannot show in a code block: copy it from GitHub._"
    `);
  });

  test("a long hand-written review, quoting someone, with footnotes and references", () => {
    const payload = loadFixture("pull_request_review.submitted");
    payload.review.state = "changes_requested";
    payload.review.body = [
      "Thanks for picking this up :tada: Two things before it can go in.",
      "",
      "> @octocat wrote:",
      "> > the retry loop has no bound",
      "",
      "That is still true after 9e8d7c6[^1]; it was fixed the same way in #12 and",
      "octo-org/octo-repo#7.",
      "",
      "1. Bound the loop (see https://github.com/Codertocat/Hello-World/pull/12#discussion_r1).",
      "2. Add a test, cc @octocat.",
      "",
      "[^1]: The loop at `src/retry.ts:40`.",
    ].join("\r\n");
    const message = renderMessage(normalize["pull_request_review.submitted"](payload).event!, {
      mentions,
    });
    expectWithinSlackLimits(message, ["U0OCTOCAT"]);
    expect(message.text).toMatchInlineSnapshot(
      `"Codertocat requested changes on Codertocat/Hello-World#2: Thanks for picking this up 🎉 Two things before it can go in. @octocat wrote: the retry loop has no bound That is still true after 9e8d7c6[1]; it was…"`,
    );
    expect(blockTexts(message)[1]).toMatchInlineSnapshot(`
     "❌ *Changes requested*

     Thanks for picking this up 🎉 Two things before it can go in.

     > <https://github.com/octocat|@octocat> wrote:
     >
     > │ the retry loop has no bound

     That is still true after <https://github.com/Codertocat/Hello-World/commit/9e8d7c6|9e8d7c6>[1]; it was fixed the same way in <https://github.com/Codertocat/Hello-World/issues/12|#12> and
     <https://github.com/octo-org/octo-repo/issues/7|octo-org/octo-repo#7>.

     1. Bound the loop (see <https://github.com/Codertocat/Hello-World/pull/12#discussion_r1|#12 (comment)>).
     2. Add a test, cc <@U0OCTOCAT>.

     ───
     [1] The loop at \`src/retry.ts:40\`."
    `);
  });
});

describe("large and deeply nested HTML stays within Slack's limits", () => {
  test("a table of a thousand rows", () => {
    const rows = Array.from(
      { length: 1_000 },
      (_, index) => `<tr><td>src/file${index}.ts</td><td>${index % 100}%</td></tr>`,
    );
    const body = `<table><tr><th>File</th><th>Coverage</th></tr>${rows.join("")}</table>`;
    const message = renderMessage(conversationComment(body), { mentions });
    expectWithinSlackLimits(message);
    expect(message.text).toContain("File | Coverage; src/file0.ts | 0%; src/file1.ts | 1%");
  });

  test.each([20, 200])("<details> nested %i deep", (depth) => {
    const body =
      "<details><summary>level</summary>\n\ntext\n\n".repeat(depth) + "</details>".repeat(depth);
    for (const details of ["collapse", "show"] as const) {
      const message = renderMessage(conversationComment(body), { mentions, details });
      expectWithinSlackLimits(message);
    }
  });
});

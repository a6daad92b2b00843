import { describe, expect, test } from "@jest/globals";
import type { PullRequestUpdate } from "../../src/events/conversation-event.js";
import { normalizePullRequestUpdate } from "../../src/events/normalize.js";
import { renderParent } from "../../src/render/render-parent.js";
import { loadFixture } from "../fixtures/index.js";
import { blockTexts, expectWithinSlackLimits } from "./slack-invariants.js";

/** The recorded `pull_request.opened` (Codertocat/Hello-World#2, `changes` into `master`), changed. */
function pullRequest(
  change: { state?: "open" | "closed"; merged?: boolean; draft?: boolean; title?: string } = {},
  branches: { base?: string; head?: string } = {},
): PullRequestUpdate {
  const payload = loadFixture("pull_request.opened");
  return normalizePullRequestUpdate({
    ...payload,
    action: "edited",
    pull_request: {
      ...payload.pull_request,
      state: change.state ?? "open",
      merged: change.merged ?? false,
      draft: change.draft ?? false,
      title: change.title ?? payload.pull_request.title,
      base: { ...payload.pull_request.base, ref: branches.base ?? payload.pull_request.base.ref },
      head: { ...payload.pull_request.head, ref: branches.head ?? payload.pull_request.head.ref },
    },
  } as Parameters<typeof normalizePullRequestUpdate>[0]);
}

describe("renderParent: the parent message of a pull request's thread", () => {
  test("open", () => {
    const message = renderParent(pullRequest());
    expectWithinSlackLimits(message);
    expect(message).toMatchInlineSnapshot(`
     {
       "blocks": [
         {
           "text": {
             "text": "*<https://github.com/Codertocat/Hello-World/pull/2|Codertocat/Hello-World#2: Update the README with new information.>*",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "elements": [
             {
               "text": "🟢 Open · opened by Codertocat · \`master\` ← \`changes\` · comments in the thread",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
       ],
       "text": "Codertocat/Hello-World#2: Update the README with new information. (🟢 Open)",
       "unfurl_links": false,
       "unfurl_media": false,
     }
    `);
  });

  test("draft", () => {
    expect(renderParent(pullRequest({ draft: true }))).toMatchInlineSnapshot(`
     {
       "blocks": [
         {
           "text": {
             "text": "*<https://github.com/Codertocat/Hello-World/pull/2|Codertocat/Hello-World#2: Update the README with new information.>*",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "elements": [
             {
               "text": "📝 Draft · opened by Codertocat · \`master\` ← \`changes\` · comments in the thread",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
       ],
       "text": "Codertocat/Hello-World#2: Update the README with new information. (📝 Draft)",
       "unfurl_links": false,
       "unfurl_media": false,
     }
    `);
  });

  test("merged", () => {
    expect(renderParent(pullRequest({ state: "closed", merged: true }))).toMatchInlineSnapshot(`
     {
       "blocks": [
         {
           "text": {
             "text": "*<https://github.com/Codertocat/Hello-World/pull/2|Codertocat/Hello-World#2: Update the README with new information.>*",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "elements": [
             {
               "text": "🟣 Merged · opened by Codertocat · \`master\` ← \`changes\` · comments in the thread",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
       ],
       "text": "Codertocat/Hello-World#2: Update the README with new information. (🟣 Merged)",
       "unfurl_links": false,
       "unfurl_media": false,
     }
    `);
  });

  test("closed without merging", () => {
    expect(renderParent(pullRequest({ state: "closed" }))).toMatchInlineSnapshot(`
     {
       "blocks": [
         {
           "text": {
             "text": "*<https://github.com/Codertocat/Hello-World/pull/2|Codertocat/Hello-World#2: Update the README with new information.>*",
             "type": "mrkdwn",
             "verbatim": true,
           },
           "type": "section",
         },
         {
           "elements": [
             {
               "text": "🔴 Closed · opened by Codertocat · \`master\` ← \`changes\` · comments in the thread",
               "type": "mrkdwn",
               "verbatim": true,
             },
           ],
           "type": "context",
         },
       ],
       "text": "Codertocat/Hello-World#2: Update the README with new information. (🔴 Closed)",
       "unfurl_links": false,
       "unfurl_media": false,
     }
    `);
  });

  test("merged wins over draft, closed over draft", () => {
    const merged = renderParent(pullRequest({ state: "closed", merged: true, draft: true }));
    const closed = renderParent(pullRequest({ state: "closed", draft: true }));
    expect(merged.text).toMatch(/\(🟣 Merged\)$/);
    expect(closed.text).toMatch(/\(🔴 Closed\)$/);
  });

  test("from a comment, before any pull_request event: no branches when the base is unknown", () => {
    const update = pullRequest();
    const fromComment: PullRequestUpdate = {
      ...update,
      pullRequest: { ...update.pullRequest, base: undefined, head: "" },
    };
    const message = renderParent(fromComment);
    expect(blockTexts(message)[1]).toBe("🟢 Open · opened by Codertocat · comments in the thread");
  });

  test("from a review comment, whose parent knows the base but not the head: no branches", () => {
    const update = pullRequest();
    const message = renderParent({ ...update, pullRequest: { ...update.pullRequest, head: "" } });
    expect(blockTexts(message)[1]).toBe("🟢 Open · opened by Codertocat · comments in the thread");
  });
});

describe("renderParent: what GitHub users wrote stays inert", () => {
  test("`<!channel>`, links and entities in a title are shown literally", () => {
    const message = renderParent(
      pullRequest({ title: "Ping <!channel> & <https://evil.example|click here> <@U024BE7LH>" }),
    );
    expectWithinSlackLimits(message);
    for (const text of [message.text, ...blockTexts(message)]) {
      expect(text).not.toContain("<!channel>");
      expect(text).not.toContain("<https://evil.example");
      expect(text).not.toContain("<@U024BE7LH>");
    }
    expect(message.text).toBe(
      "Codertocat/Hello-World#2: Ping &lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt; &lt;@U024BE7LH&gt; (🟢 Open)",
    );
    expect(blockTexts(message)[0]).toBe(
      "*<https://github.com/Codertocat/Hello-World/pull/2|Codertocat/Hello-World#2: Ping &lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt; &lt;@U024BE7LH&gt;>*",
    );
  });

  test("branch names with `<`, `>` and `&` (which git allows) are escaped", () => {
    const message = renderParent(pullRequest({}, { base: "release/<!here>", head: "a&b>c" }));
    expectWithinSlackLimits(message);
    expect(blockTexts(message)[1]).toBe(
      "🟢 Open · opened by Codertocat · `release/&lt;!here&gt;` ← `a&amp;b&gt;c` · comments in the thread",
    );
  });

  test("a branch name with backticks (which git allows) cannot break out of its code span", () => {
    const message = renderParent(pullRequest({}, { base: "master", head: "fix-`ticks`" }));
    const context = blockTexts(message)[1]!;
    // Exactly the renderer's four backticks: two code spans, nothing from the branch name.
    expect(context.match(/`/g)).toHaveLength(4);
    expect(context).toContain("fix-ˋticksˋ");
  });

  test("a long title is shortened in the notification text and the link alike", () => {
    const title = `${"word ".repeat(60)}end`;
    const message = renderParent(pullRequest({ title }));
    expectWithinSlackLimits(message);
    expect(message.text.length).toBeLessThan(260);
    expect(message.text).toMatch(/…/);
    expect(blockTexts(message)[0]).toMatch(/…>\*$/);
  });
});

describe("renderParent: replies carried to GitHub", () => {
  test("the footer says that thread replies become comments, and how to keep one in Slack", () => {
    const message = renderParent(pullRequest(), { replies: "mapped" });
    expectWithinSlackLimits(message);
    expect(blockTexts(message)[1]).toBe(
      "🟢 Open · opened by Codertocat · `master` ← `changes` · replies in the thread become comments on GitHub (start one with `//` to keep it in Slack)",
    );
  });

  test("with replies off, nothing invites people to write", () => {
    expect(blockTexts(renderParent(pullRequest(), { replies: "off" }))[1]).toMatch(
      /comments in the thread$/,
    );
  });
});

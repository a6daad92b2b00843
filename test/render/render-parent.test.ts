import { describe, expect, test } from "@jest/globals";
import type { PullRequestUpdate } from "../../src/events/conversation-event.js";
import { normalizePullRequestUpdate } from "../../src/events/normalize.js";
import type {
  CheckOutcome,
  CheckResult,
  PullRequestCard,
  ReviewerReviews,
  Verdict,
} from "../../src/events/pull-request-card.js";
import { MAX_CARD_LINE, renderParent } from "../../src/render/render-parent.js";
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

/** A check of the recorded pull request's head commit. */
function checkOf(name: string, outcome: CheckOutcome, index = 0, url?: string): CheckResult {
  return {
    sha: HEAD,
    key: `run:1/${name}`,
    name,
    outcome,
    url: url ?? `https://github.com/Codertocat/Hello-World/runs/${1000 + index}`,
    at: "2019-05-15T15:25:00Z",
    id: 1000 + index,
  };
}

/** A verdict by `reviewer`, `minutes` after the pull request's state the card shows. */
function verdictOf(reviewer: string, verdict: Verdict, reviewId = 1): ReviewerReviews {
  const review = { reviewer, reviewId, verdict, at: "2019-05-15T15:19:00Z" };
  return verdict === "commented" ? { comment: review } : { decision: review };
}

const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

/** The recorded pull request #2 as a card, with what else is given. */
function cardOf(extra: {
  labels?: string[];
  requested?: string[];
  teams?: string[];
  reviews?: Record<string, ReviewerReviews>;
  checks?: CheckResult[];
  headSha?: string;
}): PullRequestCard {
  const update = pullRequest();
  return {
    ...update,
    pullRequest: {
      ...update.pullRequest,
      labels: extra.labels ?? [],
      requestedReviewers: extra.requested ?? [],
      requestedTeams: extra.teams ?? [],
      headSha: extra.headSha ?? HEAD,
    },
    reviews: extra.reviews ?? {},
    checks: {
      [HEAD]: Object.fromEntries((extra.checks ?? []).map((check) => [check.key, check])),
    },
  };
}

describe("renderParent: the card", () => {
  test("labels, each reviewer with their verdict, and the head commit's checks", () => {
    const message = renderParent(
      cardOf({
        labels: ["bug", "needs review"],
        requested: ["erin"],
        teams: ["reviewers"],
        reviews: {
          alice: verdictOf("alice", "approved"),
          bob: verdictOf("bob", "approved"),
          carol: verdictOf("carol", "changes_requested"),
          dave: verdictOf("dave", "commented"),
        },
        checks: [
          checkOf("build", "passed", 1),
          checkOf("lint", "failed", 2),
          checkOf("test (ubuntu)", "failed", 3),
          checkOf("deploy preview", "running", 4),
          checkOf("docs", "skipped", 5),
        ],
      }),
    );
    expectWithinSlackLimits(message);
    expect(message.text).toBe(
      "Codertocat/Hello-World#2: Update the README with new information. (🟢 Open)",
    );
    expect(blockTexts(message)).toEqual([
      "*<https://github.com/Codertocat/Hello-World/pull/2|Codertocat/Hello-World#2: Update the README with new information.>*",
      "🟢 Open · opened by Codertocat · `master` ← `changes` · comments in the thread",
      "🏷️ `bug` `needs review`",
      "❌ Changes requested: carol · ✅ Approved: alice, bob · 💬 Commented: dave · ⏳ Review requested: erin, Codertocat/reviewers",
      "Checks on `ec26c3e`: ✅ 1 passed · ❌ 2 failed · ⏳ 1 running · ⏭️ 1 skipped",
      "Failed: <https://github.com/Codertocat/Hello-World/runs/1002|lint> · <https://github.com/Codertocat/Hello-World/runs/1003|test (ubuntu)>",
    ]);
    expect(message.blocks.map((block) => block.type)).toEqual([
      "section",
      "context",
      "context",
      "context",
      "context",
      "context",
    ]);
  });

  const lines: [name: string, card: PullRequestCard, expected: string[]][] = [
    ["nothing known beyond the pull request: two lines, as before cards", cardOf({}), []],
    [
      "a review asked, nothing reviewed yet",
      cardOf({ requested: ["octocat"] }),
      ["⏳ Review requested: octocat"],
    ],
    [
      "all checks passed",
      cardOf({ checks: [checkOf("build", "passed", 1), checkOf("test", "passed", 2)] }),
      ["Checks on `ec26c3e`: ✅ 2 passed"],
    ],
    [
      "a new head commit: no checks of it yet, so no checks line",
      cardOf({
        checks: [checkOf("build", "failed", 1)],
        headSha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
      }),
      [],
    ],
    [
      "a dismissed approval",
      cardOf({ reviews: { alice: verdictOf("alice", "dismissed") } }),
      ["↩️ Dismissed: alice"],
    ],
  ];

  test.each(lines)("%s", (_name, card, expected) => {
    const message = renderParent(card);
    expectWithinSlackLimits(message);
    expect(blockTexts(message).slice(2)).toEqual(expected);
  });

  test("a pull request with 30 reviewers and 200 checks still fits, every reviewer named", () => {
    const reviews = Object.fromEntries(
      Array.from({ length: 30 }, (_, index) => {
        const login = `reviewer-with-a-long-name-${index}`;
        const verdicts: Verdict[] = ["approved", "changes_requested", "commented"];
        return [login, verdictOf(login, verdicts[index % 3]!, index)];
      }),
    );
    const checks = Array.from({ length: 200 }, (_, index) =>
      checkOf(
        `integration tests / shard ${index} of 200 (node 20, ubuntu-latest)`,
        index % 2 ? "failed" : "passed",
        index,
      ),
    );
    const message = renderParent(cardOf({ reviews, checks, labels: ["bug"] }));
    expectWithinSlackLimits(message);
    const texts = blockTexts(message);
    for (const login of Object.keys(reviews)) expect(texts[3]).toContain(login);
    expect(texts[4]).toBe("Checks on `ec26c3e`: ✅ 100 passed · ❌ 100 failed");
    // As many failed checks as fit are named and linked; the rest are counted, linked to all.
    const named = texts[5]!.match(/<https:\/\/github\.com\/Codertocat\/Hello-World\/runs\/\d+\|/g)!;
    expect(named.length).toBeGreaterThan(5);
    expect(texts[5]).toMatch(
      new RegExp(
        `<https://github\\.com/Codertocat/Hello-World/pull/2/checks\\|and ${100 - named.length} more>$`,
      ),
    );
    expect(texts[5]!.length).toBeLessThanOrEqual(MAX_CARD_LINE);
  });

  test("past all reason (300 reviewers, 1,000 failed checks with long names and links): still fits", () => {
    const longUrl = `https://ci.example.com/${"x".repeat(1_400)}`;
    const reviews = Object.fromEntries(
      Array.from({ length: 300 }, (_, index) => {
        const login = `${"r".repeat(35)}${index}`;
        return [login, verdictOf(login, "approved", index)];
      }),
    );
    const checks = Array.from({ length: 1_000 }, (_, index) =>
      checkOf(`${"check ".repeat(60)}${index}`, "failed", index, longUrl),
    );
    const labels = Array.from({ length: 200 }, (_, index) => `${"label-".repeat(20)}${index}`);
    const message = renderParent(cardOf({ reviews, checks, labels, teams: ["a", "b"] }));
    expectWithinSlackLimits(message);
    const texts = blockTexts(message);
    expect(texts[2]).toMatch(/\+\d+ more$/);
    expect(texts[3]).toMatch(/ and \d+ more$/);
    expect(texts[5]).toMatch(/\|and \d+ more>$/);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(MAX_CARD_LINE);
  });

  test("names from GitHub stay inert: labels, check names, reviewers and check links", () => {
    const message = renderParent(
      cardOf({
        labels: ["<!channel>", "a `code` & <b>"],
        reviews: { "<@U024BE7LH>": verdictOf("<@U024BE7LH>", "approved") },
        checks: [
          checkOf("<!here> | <https://evil.example|click>", "failed", 1),
          checkOf("ok", "failed", 2, "javascript:alert(1)"),
        ],
      }),
    );
    expectWithinSlackLimits(message);
    const texts = blockTexts(message);
    for (const text of texts) {
      expect(text).not.toContain("<!channel>");
      expect(text).not.toContain("<!here>");
      expect(text).not.toContain("<@U024BE7LH>");
      expect(text).not.toContain("<https://evil.example");
    }
    expect(texts[2]).toBe("🏷️ `&lt;!channel&gt;` `a ˋcodeˋ &amp; &lt;b&gt;`");
    expect(texts[3]).toBe("✅ Approved: &lt;@U024BE7LH&gt;");
    // A link Slack may not follow is shown as its name only.
    expect(texts[5]).toBe(
      "Failed: <https://github.com/Codertocat/Hello-World/runs/1001|&lt;!here&gt; | &lt;https://evil.example|click&gt;> · ok",
    );
  });
});

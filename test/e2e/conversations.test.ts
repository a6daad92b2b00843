/**
 * Conversations as a Slack reader sees them: a parent message per pull request and channel with
 * every comment a reply in its thread, the parent following the pull request's state, and edits
 * and deletions made on GitHub applied to Slack's copy whatever order their deliveries arrive in.
 * Everything goes through the real endpoint, the real outbox and @slack/web-api's real HTTP path
 * against the fake Slack; each test asserts the exact calls Slack received, in order.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import nock from "nock";
import { useStrictNock } from "../helpers/strict-nock.js";
import { asAppDelivery, loadFixture, loadPullRequestCommentFixture } from "../fixtures/index.js";
import { mockConfigFile, mockInstallationToken } from "../helpers/fake-github.js";
import { startFakeSlack, type FakeSlack, type ReceivedCall } from "../helpers/fake-slack.js";
import type { AppOverrides } from "../../src/start-app.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";
import { waitUntil } from "../helpers/wait.js";

const CHANNEL = "C0123456789";
const OTHER_CHANNEL = "C0OTHER0001";
const REPOSITORY = "Codertocat/Hello-World";
/** The recorded issue_comment is on #1 with this title; the pull_request payloads below match it. */
const TITLE = "Spelling error in the README file";
/** Long enough for any wait in this file on a busy machine; tests assert outcomes, not speed. */
const SLOW = 30_000;

let slack: FakeSlack;
let app: TestApp | undefined;

useStrictNock({ allowLocal: true });

beforeEach(async () => {
  slack = await startFakeSlack();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await slack.close();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

/** Starts the App with `.github/threadline.yml` naming CHANNEL, plus `extra` lines. */
async function start(extra = "", overrides: AppOverrides = {}): Promise<TestApp> {
  app = await startTestApp({ SLACK_API_URL: slack.url }, overrides);
  mockInstallationToken(1);
  mockConfigFile("Codertocat", "Hello-World", `channel: ${CHANNEL}\n${extra}`);
  return app;
}

/**
 * GitHub's timestamp format (whole seconds, `Z`), `seconds` after a moment ten minutes ago: recent
 * enough that an edit delivered before its comment still counts as the comment's first showing.
 */
const EPOCH = Math.floor(Date.now() / 1_000) * 1_000 - 10 * 60_000;
function at(seconds: number): string {
  return new Date(EPOCH + seconds * 1_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

type Action = "created" | "edited" | "deleted";

interface CommentSpec {
  /** Comment `n` of its pull request: its own id, made `n` seconds after EPOCH. */
  n: number;
  pullRequest?: number;
  action?: Action;
  body?: string;
  /** `updated_at`, seconds after EPOCH; the creation time unless given. */
  updatedAt?: number;
  /** Seconds after EPOCH the comment was made, when not `n` (a negative value is long ago). */
  createdAt?: number;
}

function commentId(spec: CommentSpec): number {
  return 3_000_000_000 + (spec.pullRequest ?? 1) * 1_000 + spec.n;
}

/** The real `issue_comment` payload on a pull request, as the comment and action `spec` names. */
function issueComment(spec: CommentSpec) {
  const payload = asAppDelivery(loadPullRequestCommentFixture());
  const pullRequest = spec.pullRequest ?? 1;
  const pullUrl = payload.issue.html_url.replace(/\/\d+$/, `/${pullRequest}`);
  payload.issue.number = pullRequest;
  payload.issue.html_url = pullUrl;
  payload.issue.pull_request!.html_url = pullUrl;
  payload.comment.id = commentId(spec);
  payload.comment.html_url = `${pullUrl}#issuecomment-${payload.comment.id}`;
  payload.comment.created_at = at(spec.createdAt ?? spec.n);
  payload.comment.updated_at = at(spec.updatedAt ?? spec.createdAt ?? spec.n);
  payload.comment.body = spec.body ?? `Comment ${spec.n} says hello.`;
  const action = spec.action ?? "created";
  // An edit says what the body was; GitHub sends the comment as it now is either way.
  return action === "edited"
    ? { ...payload, action, changes: { body: { from: "(the earlier text)" } } }
    : { ...payload, action };
}

/** The real `pull_request_review_comment` payload (on #2), as the comment and action `spec` names. */
function reviewComment(spec: Omit<CommentSpec, "pullRequest">) {
  const payload = loadFixture("pull_request_review_comment.created");
  payload.comment.id = commentId({ ...spec, pullRequest: 2 });
  payload.comment.created_at = at(spec.createdAt ?? spec.n);
  payload.comment.updated_at = at(spec.updatedAt ?? spec.createdAt ?? spec.n);
  payload.comment.body = spec.body ?? `Line comment ${spec.n} says hello.`;
  const action = spec.action ?? "created";
  return action === "edited"
    ? { ...payload, action, changes: { body: { from: "(the earlier text)" } } }
    : { ...payload, action };
}

interface PullRequestChange {
  updatedAt: number;
  state?: "open" | "closed";
  merged?: boolean;
  draft?: boolean;
  title?: string;
}

/** The real `pull_request` payload, made #1 (the comments' pull request) and changed as given. */
function pullRequestEvent(action: string, change: PullRequestChange) {
  const payload = asAppDelivery(loadFixture("pull_request.opened"));
  const updatedAt = at(change.updatedAt);
  const closed = change.state === "closed";
  return {
    ...payload,
    action,
    number: 1,
    pull_request: {
      ...payload.pull_request,
      number: 1,
      html_url: `https://github.com/${REPOSITORY}/pull/1`,
      title: change.title ?? TITLE,
      state: change.state ?? "open",
      draft: change.draft ?? false,
      merged: change.merged ?? false,
      updated_at: updatedAt,
      closed_at: closed ? updatedAt : null,
      merged_at: change.merged ? updatedAt : null,
    },
  };
}

async function deliver(event: string, payload: unknown): Promise<void> {
  const response = await app!.deliver(event, payload);
  expect(response.status).toBe(200);
}

const deliverComment = (spec: CommentSpec) => deliver("issue_comment", issueComment(spec));

/** Everything queued has been settled: nothing waits or is in flight, so nothing more will reach Slack. */
const settled = () => app!.drained(SLOW);

/**
 * The `ts` of the `n`th call the fake Slack answered `ok` (it numbers its answers in order). The
 * names below assume every call before a post was answered `ok`; tests that script a refused post
 * compare `thread_ts` with this directly instead.
 */
function answerTs(n: number): string {
  return `1700000000.${String(n).padStart(6, "0")}`;
}

/**
 * Slack's calls as a reader would tell them apart: each posted message is named `#k` after the
 * call that made it, replies name their parent, edits and deletions name the message they change.
 */
function transcript(calls: readonly ReceivedCall[] = slack.calls): string[] {
  const names = new Map<string, string>();
  const name = (ts: unknown) => names.get(String(ts)) ?? `ts ${String(ts)}`;
  return calls.map((call, index) => {
    const { channel, text } = call.args;
    switch (call.method) {
      case "chat.postMessage": {
        const label = `#${index + 1}`;
        names.set(answerTs(index + 1), label);
        if (call.args.thread_ts === undefined) return `${label} in ${channel}: ${text}`;
        const broadcast = call.args.reply_broadcast === "true" ? " (also to channel)" : "";
        return `${label} in ${channel}, reply to ${name(call.args.thread_ts)}${broadcast}: ${text}`;
      }
      case "chat.update":
        return `update ${name(call.args.ts)} in ${channel} (parse ${call.args.parse}): ${text}`;
      case "chat.delete":
        return `delete ${name(call.args.ts)} in ${channel}`;
      default:
        return `${call.method} ${JSON.stringify(call.args)}`;
    }
  });
}

/** Every mrkdwn text of a call's blocks, joined: what the message shows. */
function shownBlocks(call: ReceivedCall): string {
  return JSON.stringify(call.args.blocks);
}

const parentText = (number: number, state = "🟢 Open", title = TITLE) =>
  `${REPOSITORY}#${number}: ${title} (${state})`;
const commentText = (body: string, number = 1) =>
  `Codertocat commented on ${REPOSITORY}#${number}: ${body}`;

describe("threads (the default)", () => {
  test("a pull request's first comment posts its parent, then every comment replies in its thread", async () => {
    await start();

    await deliverComment({ n: 1 });
    await settled();
    await deliverComment({ n: 2 });
    await settled();
    await deliverComment({ n: 1, pullRequest: 2 });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 3, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Comment 1 says hello.")}`,
      `#3 in ${CHANNEL}, reply to #1: ${commentText("Comment 2 says hello.")}`,
      `#4 in ${CHANNEL}: ${parentText(2)}`,
      `#5 in ${CHANNEL}, reply to #4: ${commentText("Comment 1 says hello.", 2)}`,
    ]);
    // The parent is a plain channel message; replies say they stay in the thread.
    const [parent, reply] = slack.calls;
    expect(parent!.args).not.toHaveProperty("reply_broadcast");
    expect(reply!.args.reply_broadcast).toBe("false");
    expect(shownBlocks(parent!)).toContain(
      `<https://github.com/${REPOSITORY}/pull/1|${REPOSITORY}#1: ${TITLE}>`,
    );
    // The names above rest on the fake's numbering; the store agrees on where the threads are.
    expect((await app!.store.conversations.getThread(CHANNEL, `${REPOSITORY}#1`))?.parentTs).toBe(
      answerTs(1),
    );
    expect((await app!.store.conversations.getThread(CHANNEL, `${REPOSITORY}#2`))?.parentTs).toBe(
      answerTs(4),
    );
  });

  test("a reply that fails after its parent was posted is retried in the same thread", async () => {
    await start("", { retryPolicy: { baseDelayMs: 20, maxDelayMs: 200, giveUpAfterMs: 60_000 } });
    slack.script({ kind: "ok" }, { kind: "error", error: "internal_error" });

    await deliverComment({ n: 1 });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 1, dead: 0 });
    // The refused reply drew no ts, so the retried reply is Slack's second message.
    const [parent, refused, reply] = slack.calls;
    expect(slack.calls).toHaveLength(3);
    expect(parent!.args.thread_ts).toBeUndefined();
    expect(refused!.args.thread_ts).toBe(answerTs(1));
    expect(reply!.args.thread_ts).toBe(answerTs(1));
    expect([refused!.args.text, reply!.args.text]).toEqual([
      commentText("Comment 1 says hello."),
      commentText("Comment 1 says hello."),
    ]);
    expect(slack.messages).toHaveLength(2);
  });

  test("two channels (routes) each get their own parent and replies", async () => {
    // The recorded issue carries the label `bug`; both routes match every comment here.
    await start(
      `routes:\n  - channel: ${CHANNEL}\n    authors: [Codertocat]\n  - channel: ${OTHER_CHANNEL}\n    labels: [bug]\n`,
    );

    await deliverComment({ n: 1 });
    await deliverComment({ n: 2 });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 4, dead: 0 });
    for (const channel of [CHANNEL, OTHER_CHANNEL]) {
      const calls = slack.calls.filter((call) => call.args.channel === channel);
      const parentTs = (await app!.store.conversations.getThread(channel, `${REPOSITORY}#1`))
        ?.parentTs;
      expect(calls.map((call) => [call.method, call.args.thread_ts, call.args.text])).toEqual([
        ["chat.postMessage", undefined, parentText(1)],
        ["chat.postMessage", parentTs, commentText("Comment 1 says hello.")],
        ["chat.postMessage", parentTs, commentText("Comment 2 says hello.")],
      ]);
    }
    const parents = await Promise.all(
      [CHANNEL, OTHER_CHANNEL].map((channel) =>
        app!.store.conversations.getThread(channel, `${REPOSITORY}#1`),
      ),
    );
    expect(new Set(parents.map((thread) => thread?.parentTs)).size).toBe(2);
  });

  test("one parent when a pull request's first two comments arrive together", async () => {
    await start();
    // Slack holds its answers, so both comments are queued before the parent exists.
    slack.delayAnswers("hold");

    await Promise.all([deliverComment({ n: 1 }), deliverComment({ n: 2 })]);
    await waitUntil(() => slack.unanswered() === 1, "Slack holds one call", SLOW);
    slack.delayAnswers(0);
    slack.release();

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 2, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Comment 1 says hello.")}`,
      `#3 in ${CHANNEL}, reply to #1: ${commentText("Comment 2 says hello.")}`,
    ]);
  });

  test("`threads: false`: every comment is a message of its own, no parent", async () => {
    await start("threads: false\n");

    await deliverComment({ n: 1 });
    await deliverComment({ n: 2 });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 2, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${commentText("Comment 1 says hello.")}`,
      `#2 in ${CHANNEL}: ${commentText("Comment 2 says hello.")}`,
    ]);
    for (const call of slack.calls) expect(call.args).not.toHaveProperty("reply_broadcast");
  });

  test("`broadcast: true`: replies are also sent to the channel", async () => {
    await start("broadcast: true\n");

    await deliverComment({ n: 1 });
    await deliverComment({ n: 2 });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 2, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1 (also to channel): ${commentText("Comment 1 says hello.")}`,
      `#3 in ${CHANNEL}, reply to #1 (also to channel): ${commentText("Comment 2 says hello.")}`,
    ]);
    expect(slack.calls[0]!.args).not.toHaveProperty("reply_broadcast");
  });
});

describe("the parent follows the pull request", () => {
  test("merged: the parent is edited in place to say so", async () => {
    await start();
    await deliverComment({ n: 1 });
    await settled();

    await deliver(
      "pull_request",
      pullRequestEvent("closed", { state: "closed", merged: true, updatedAt: 100 }),
    );

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 2, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Comment 1 says hello.")}`,
      `update #1 in ${CHANNEL} (parse none): ${parentText(1, "🟣 Merged")}`,
    ]);
    // The pull_request payload knows the branches, which the comment's did not.
    expect(shownBlocks(slack.calls[2]!)).toContain(
      "🟣 Merged · opened by Codertocat · `master` ← `changes` · comments in the thread",
    );
  });

  test("converted to draft, then ready for review: Draft, then Open again", async () => {
    await start();
    await deliverComment({ n: 1 });
    await settled();

    await deliver(
      "pull_request",
      pullRequestEvent("converted_to_draft", { draft: true, updatedAt: 100 }),
    );
    await settled();
    await deliver("pull_request", pullRequestEvent("ready_for_review", { updatedAt: 200 }));

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 3, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Comment 1 says hello.")}`,
      `update #1 in ${CHANNEL} (parse none): ${parentText(1, "📝 Draft")}`,
      `update #1 in ${CHANNEL} (parse none): ${parentText(1, "🟢 Open")}`,
    ]);
  });

  test("an older update arriving after a newer one does not take the parent back", async () => {
    await start();
    await deliverComment({ n: 1 });
    await settled();

    await deliver(
      "pull_request",
      pullRequestEvent("closed", { state: "closed", merged: true, updatedAt: 200 }),
    );
    await settled();
    // Made before the merge (a title edit), delivered after it.
    await deliver(
      "pull_request",
      pullRequestEvent("edited", { title: "Fix the spelling", updatedAt: 100 }),
    );

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 3, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Comment 1 says hello.")}`,
      `update #1 in ${CHANNEL} (parse none): ${parentText(1, "🟣 Merged")}`,
    ]);
  });

  test("a title edit shows the new title, escaped", async () => {
    await start();
    await deliverComment({ n: 1 });
    await settled();

    await deliver(
      "pull_request",
      pullRequestEvent("edited", { title: "Fix it <!channel> & ship", updatedAt: 100 }),
    );

    await settled();
    const update = slack.calls[2]!;
    expect(transcript()[2]).toBe(
      `update #1 in ${CHANNEL} (parse none): ${REPOSITORY}#1: Fix it &lt;!channel&gt; &amp; ship (🟢 Open)`,
    );
    expect(shownBlocks(update)).not.toContain("<!channel>");
  });

  test("news of a pull request without a thread anywhere posts nothing", async () => {
    app = await startTestApp({ SLACK_API_URL: slack.url });

    await deliver(
      "pull_request",
      pullRequestEvent("closed", { state: "closed", merged: true, updatedAt: 100 }),
    );

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 0, dead: 0 });
    expect(slack.calls).toEqual([]);
    expect(
      app.logs.some((line) => line.msg.startsWith("no thread for this pull request yet")),
    ).toBe(true);
  });

  // "Close with comment" on GitHub sends exactly this pair.
  test("merged while the first comment's parent is being posted: the parent says Merged", async () => {
    await start();
    slack.delayAnswers("hold");
    await deliverComment({ n: 1 });
    await waitUntil(() => slack.unanswered() === 1, "Slack holds one call", SLOW);

    await deliver(
      "pull_request",
      pullRequestEvent("closed", { state: "closed", merged: true, updatedAt: 100 }),
    );
    slack.delayAnswers(0);
    slack.release();

    await settled();
    const last = transcript().filter((line) => line.includes(": Codertocat/Hello-World#1: "));
    expect(last.at(-1)).toMatch(/\(🟣 Merged\)$/);
  });

  test("the first comment on an already merged pull request: the parent says Merged", async () => {
    await start();
    const payload = issueComment({ n: 1 });
    payload.issue.state = "closed";
    payload.issue.closed_at = at(0);
    payload.issue.pull_request!.merged_at = at(0);

    await deliver("issue_comment", payload);

    await settled();
    expect(transcript()[0]).toBe(`#1 in ${CHANNEL}: ${parentText(1, "🟣 Merged")}`);
  });
});

describe("edits", () => {
  test("a newer edit updates the comment's message in place, and stays inert", async () => {
    await start();
    await deliverComment({ n: 1 });
    await settled();

    await deliverComment({
      n: 1,
      action: "edited",
      updatedAt: 60,
      body: "Fixed. <!channel> please look & <@U024BE7LH>",
    });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 2, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Comment 1 says hello.")}`,
      `update #2 in ${CHANNEL} (parse none): ${commentText(
        "Fixed. &lt;!channel&gt; please look &amp; &lt;@U024BE7LH&gt;",
      )}`,
    ]);
    const update = slack.calls[2]!;
    // chat.update edits text and blocks; the thread is the message's own business.
    expect(update.args).not.toHaveProperty("thread_ts");
    expect(shownBlocks(update)).toContain("Fixed. &lt;!channel&gt; please look &amp;");
    expect(shownBlocks(update)).not.toContain("<!channel>");
    expect(shownBlocks(update)).not.toContain("<@U024BE7LH>");
    expect(shownBlocks(update)).not.toContain("Comment 1 says hello.");
  });

  test("an edit delivered before its creation: one message showing the edited text", async () => {
    await start();

    await deliverComment({
      n: 1,
      action: "edited",
      updatedAt: 60,
      body: "Edited before anyone saw it.",
    });
    await settled();
    await deliverComment({ n: 1 });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 2, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Edited before anyone saw it.")}`,
    ]);
  });

  test("two edits delivered in the wrong order: Slack ends on the newer one", async () => {
    await start();
    await deliverComment({ n: 1 });
    await settled();

    await deliverComment({ n: 1, action: "edited", updatedAt: 120, body: "Second edit." });
    await settled();
    await deliverComment({ n: 1, action: "edited", updatedAt: 60, body: "First edit." });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 3, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Comment 1 says hello.")}`,
      `update #2 in ${CHANNEL} (parse none): ${commentText("Second edit.")}`,
    ]);
  });

  test("an edit of a comment made long before and never shown posts nothing", async () => {
    await start();

    // Made two days before EPOCH (before threadline was installed, say), edited now.
    await deliverComment({ n: 1, action: "edited", createdAt: -2 * 86_400, updatedAt: 60 });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 1, dead: 0 });
    expect(slack.calls).toEqual([]);
  });

  test("`threads: false`: an edit updates the top-level message", async () => {
    await start("threads: false\n");
    await deliverComment({ n: 1 });
    await settled();

    await deliverComment({ n: 1, action: "edited", updatedAt: 60, body: "Better words." });

    await settled();
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${commentText("Comment 1 says hello.")}`,
      `update #1 in ${CHANNEL} (parse none): ${commentText("Better words.")}`,
    ]);
  });
});

describe("deletions", () => {
  const tombstone = `A comment by Codertocat on ${REPOSITORY}#1 was deleted`;

  test("deleted on GitHub: the message becomes a tombstone (the default)", async () => {
    await start();
    await deliverComment({ n: 1 });
    await settled();

    await deliverComment({ n: 1, action: "deleted" });
    await settled();
    // Anything about the comment after its deletion changes nothing.
    await deliverComment({ n: 1, action: "edited", updatedAt: 600, body: "Too late." });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 3, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Comment 1 says hello.")}`,
      `update #2 in ${CHANNEL} (parse none): ${tombstone}`,
    ]);
    const shown = shownBlocks(slack.calls[2]!);
    expect(shown).toContain("was deleted on GitHub");
    expect(shown).not.toContain("Comment 1 says hello.");
  });

  test("`deleted: remove`: the message is deleted from Slack, the parent stays", async () => {
    await start("deleted: remove\n");
    await deliverComment({ n: 1 });
    await settled();

    await deliverComment({ n: 1, action: "deleted" });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 2, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Comment 1 says hello.")}`,
      `delete #2 in ${CHANNEL}`,
    ]);
  });

  test("deleted before its creation arrives: nothing is posted at all, not even a parent", async () => {
    await start();

    await deliverComment({ n: 1, action: "deleted" });
    await settled();
    await deliverComment({ n: 1 });
    await deliverComment({ n: 1, action: "edited", updatedAt: 60 });

    // Each delivery is settled ("nothing to change"), none is left waiting or set aside.
    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 3, dead: 0 });
    expect(slack.calls).toEqual([]);
    expect(await app!.store.conversations.getThread(CHANNEL, `${REPOSITORY}#1`)).toBeUndefined();
  });
});

describe("review comments", () => {
  const lineComment = (body: string) =>
    `Codertocat commented on a line in ${REPOSITORY}#2: ${body}`;

  test("edited, then deleted: the reply is updated, then tombstoned", async () => {
    await start();
    await deliver("pull_request_review_comment", reviewComment({ n: 1 }));
    await settled();

    await deliver(
      "pull_request_review_comment",
      reviewComment({ n: 1, action: "edited", updatedAt: 60, body: "Use `<!here>` sparingly." }),
    );
    await settled();
    await deliver("pull_request_review_comment", reviewComment({ n: 1, action: "deleted" }));

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 3, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${REPOSITORY}#2: Update the README with new information. (🟢 Open)`,
      `#2 in ${CHANNEL}, reply to #1: ${lineComment("Line comment 1 says hello.")}`,
      `update #2 in ${CHANNEL} (parse none): ${lineComment("Use &lt;!here&gt; sparingly.")}`,
      `update #2 in ${CHANNEL} (parse none): A comment by Codertocat on ${REPOSITORY}#2 was deleted`,
    ]);
    expect(shownBlocks(slack.calls[2]!)).toContain("README.md");
    expect(shownBlocks(slack.calls[2]!)).not.toContain("<!here>");
  });

  test("the parent from a review comment shows its base and head branches", async () => {
    await start();
    await deliver("pull_request_review_comment", reviewComment({ n: 1 }));

    await settled();
    // A review comment's payload carries both branches, so its parent names them.
    expect(shownBlocks(slack.calls[0]!)).toContain(
      "🟢 Open · opened by Codertocat · `master` ← `changes` · comments in the thread",
    );
  });
});

describe("a message removed in Slack by hand", () => {
  test("its edit and its deletion are settled, not retried and not set aside", async () => {
    await start();
    await deliverComment({ n: 1 });
    await settled();

    slack.script({ kind: "error", error: "message_not_found" });
    await deliverComment({ n: 1, action: "edited", updatedAt: 60, body: "Nobody will see this." });
    await settled();
    slack.script({ kind: "error", error: "message_not_found" });
    await deliverComment({ n: 1, action: "deleted" });

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 3, dead: 0 });
    // One attempt each: the edit, then the tombstone; neither is tried again.
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Comment 1 says hello.")}`,
      `update #2 in ${CHANNEL} (parse none): ${commentText("Nobody will see this.")}`,
      `update #2 in ${CHANNEL} (parse none): A comment by Codertocat on ${REPOSITORY}#1 was deleted`,
    ]);
    const gone = app!.logs.filter((line) => line.msg.startsWith("the Slack message is gone"));
    expect(gone).toHaveLength(2);
    expect(
      app!.logs.some((line) => String(line.msg).startsWith("Slack post will be retried")),
    ).toBe(false);
  });

  test("a parent removed in Slack: the pull request's news is settled, not retried", async () => {
    await start();
    await deliverComment({ n: 1 });
    await settled();

    slack.script({ kind: "error", error: "message_not_found" });
    await deliver(
      "pull_request",
      pullRequestEvent("closed", { state: "closed", merged: true, updatedAt: 100 }),
    );

    expect(await settled()).toEqual({ pending: 0, sending: 0, sent: 2, dead: 0 });
    expect(transcript()).toEqual([
      `#1 in ${CHANNEL}: ${parentText(1)}`,
      `#2 in ${CHANNEL}, reply to #1: ${commentText("Comment 1 says hello.")}`,
      `update #1 in ${CHANNEL} (parse none): ${parentText(1, "🟣 Merged")}`,
    ]);
  });
});

/**
 * The parent message as a live card, through the real endpoint, the real outbox and
 * @slack/web-api's real HTTP path against the fake Slack, fed the recorded payloads of
 * @octokit/webhooks-examples: a burst of review and check events edits the card a handful of
 * times (Slack rate-limits `chat.update`), ending on the newest state; events of pull requests
 * threadline has no thread for change nothing.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import nock from "nock";
import { useStrictNock } from "../helpers/strict-nock.js";
import { asAppDelivery, loadFixture } from "../fixtures/index.js";
import { github, mockConfigFile, mockInstallationToken } from "../helpers/fake-github.js";
import { startFakeSlack, type FakeSlack, type ReceivedCall } from "../helpers/fake-slack.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";

const CHANNEL = "C0123456789";
const REPOSITORY = "Codertocat/Hello-World";
/** The recorded payloads' pull request #2 and its head commit. */
const PULL_REQUEST = `${REPOSITORY}#2`;
const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
/** How long a card edit waits for more news here (5 s in production). */
const CARD_WAIT_MS = 1_500;
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
async function start(extra = ""): Promise<TestApp> {
  app = await startTestApp({ SLACK_API_URL: slack.url }, { cardWaitMs: CARD_WAIT_MS });
  mockInstallationToken(1);
  mockConfigFile("Codertocat", "Hello-World", `channel: ${CHANNEL}\n${extra}`);
  return app;
}

async function deliver(event: string, payload: unknown): Promise<void> {
  const response = await app!.deliver(event, payload);
  expect(response.status).toBe(200);
}

/** `15:mm:ss` on the recorded afternoon. */
const at = (time: string) => `2019-05-15T${time}Z`;

/** The recorded review of #2, by `reviewer`, saying `state` at `time` (review `id`), no words. */
function review(
  reviewer: string,
  state: "approved" | "changes_requested" | "commented",
  time: string,
  id: number,
) {
  const payload = loadFixture("pull_request_review.submitted");
  payload.review = {
    ...payload.review,
    id,
    state,
    body: null,
    submitted_at: at(time),
    user: { ...payload.review.user!, login: reviewer, id },
  };
  // A review takes its reviewer off the requested list, and moves the pull request's updated_at.
  payload.pull_request = { ...payload.pull_request, requested_reviewers: [], updated_at: at(time) };
  return ["pull_request_review", payload] as const;
}

/** The recorded check run on #2's head: `name` (run `id`), queued at `time` or finished then. */
function checkRun(
  name: string,
  id: number,
  time: string,
  conclusion?: "success" | "failure" | "neutral",
) {
  const payload = asAppDelivery(
    loadFixture(conclusion ? "check_run.completed" : "check_run.created"),
  );
  payload.check_run = {
    ...payload.check_run,
    id,
    name,
    html_url: `https://github.com/${REPOSITORY}/runs/${id}`,
    status: conclusion ? "completed" : "queued",
    conclusion: conclusion ?? null,
    started_at: at(time),
    completed_at: conclusion ? at(time) : null,
  };
  return ["check_run", payload] as const;
}

/** A commit status on `sha` (#2's head unless given). */
function status(
  context: string,
  state: "success" | "failure" | "pending",
  time: string,
  sha = HEAD,
) {
  const payload = asAppDelivery(loadFixture("status"));
  return [
    "status",
    { ...payload, sha, context, state, updated_at: at(time), id: Date.parse(at(time)) },
  ] as const;
}

/** The App has a thread for #2 in CHANNEL: the recorded review comment posted its parent. */
async function threadForPullRequest(): Promise<string> {
  await deliver("pull_request", asAppDelivery(loadFixture("pull_request.review_requested")));
  await deliver("pull_request_review_comment", loadFixture("pull_request_review_comment.created"));
  await app!.drained(SLOW);
  const parentTs = (await app!.store.conversations.getThread(CHANNEL, PULL_REQUEST))?.parentTs;
  expect(parentTs).toBeDefined();
  return parentTs!;
}

/** The card's lines past the title and state, as a call showed them. */
function cardLines(call: ReceivedCall): string[] {
  const blocks = call.args.blocks as { type: string; elements?: { text: string }[] }[];
  return blocks.slice(2).map((block) => block.elements![0]!.text);
}

const editsOf = (parentTs: string) =>
  slack.calls.filter((call) => call.method === "chat.update" && call.args.ts === parentTs);

describe("the parent message as a live card", () => {
  test("a burst of 20 review and check events edits the card a handful of times, ending on the newest state", async () => {
    await start();
    const parentTs = await threadForPullRequest();
    const [parent] = slack.calls;
    // Posted with what the review request said: a label, and octocat asked to review.
    expect(cardLines(parent!)).toEqual(["🏷️ `bug`", "⏳ Review requested: octocat"]);
    const before = slack.calls.length;

    // 20 deliveries at once, in an order GitHub might send them: some results arrive before
    // the runs' creation, a rerun's before its first run's, a change request after the approval
    // that replaced it.
    const burst = [
      checkRun("lint", 21, "15:22:00", "failure"),
      review("bob", "approved", "15:25:00", 102),
      checkRun("build", 11, "15:21:00"),
      checkRun("lint", 24, "15:24:00", "failure"),
      review("alice", "approved", "15:23:00", 101),
      checkRun("test", 31, "15:21:00"),
      status("ci/circleci", "pending", "15:21:00"),
      checkRun("build", 11, "15:22:00", "success"),
      review("octocat", "approved", "15:26:00", 105),
      checkRun("lint", 21, "15:21:00"),
      checkRun("docs", 41, "15:22:00", "neutral"),
      review("bob", "changes_requested", "15:22:30", 100),
      checkRun("test", 31, "15:22:30", "failure"),
      checkRun("lint", 24, "15:23:00"),
      status("ci/circleci", "success", "15:23:00"),
      checkRun("deploy", 51, "15:21:00"),
      review("carol", "commented", "15:24:00", 103),
      checkRun("deploy", 51, "15:23:30", "success"),
      checkRun("e2e", 61, "15:21:00"),
      checkRun("e2e", 61, "15:24:30", "success"),
    ];
    expect(burst).toHaveLength(20);
    await Promise.all(burst.map(([event, payload]) => deliver(event, payload)));
    await app!.drained(SLOW);

    const edits = editsOf(parentTs);
    // The card waits CARD_WAIT_MS for more news, then one edit shows all of it.
    expect(edits.length).toBeGreaterThanOrEqual(1);
    expect(edits.length).toBeLessThanOrEqual(3);
    expect(cardLines(edits.at(-1)!)).toEqual([
      "🏷️ `bug`",
      "✅ Approved: alice, bob, octocat · 💬 Commented: carol",
      "Checks on `ec26c3e`: ✅ 4 passed · ❌ 2 failed · ⏭️ 1 skipped",
      `Failed: <https://github.com/${REPOSITORY}/runs/24|lint> · <https://github.com/${REPOSITORY}/runs/31|test>`,
    ]);
    // What Slack shows now is that card.
    const shown = slack.history(CHANNEL).find((message) => message.ts === parentTs);
    expect(JSON.stringify(shown?.blocks)).toBe(JSON.stringify(edits.at(-1)!.args.blocks));
    // The approvals and the change request were carried as messages in the thread, as before;
    // the empty "comment" review was not (it only tells the card carol looked).
    const posts = slack.calls.slice(before).filter((call) => call.method === "chat.postMessage");
    const title = "“Update the README with new information.”";
    expect(
      posts.map((call) => `${String(call.args.thread_ts)} ${String(call.args.text)}`).sort(),
    ).toEqual([
      `${parentTs} alice approved ${PULL_REQUEST} ${title}`,
      `${parentTs} bob approved ${PULL_REQUEST} ${title}`,
      `${parentTs} bob requested changes on ${PULL_REQUEST} ${title}`,
      `${parentTs} octocat approved ${PULL_REQUEST} ${title}`,
    ]);
    expect(await app!.store.operations.counts()).toMatchObject({ pending: 0, dead: 0 });
  });

  test("news trickling in for 3 s: the card is edited at most once per wait, never in between", async () => {
    await start();
    const parentTs = await threadForPullRequest();
    const started = Date.now();
    for (let n = 0; n < 10; n += 1) {
      await deliver(...checkRun(`shard ${n}`, 700 + n, `15:3${n}:00`, "success"));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await app!.drained(SLOW);

    const edits = editsOf(parentTs);
    const elapsed = Date.now() - started;
    expect(edits.length).toBeLessThanOrEqual(Math.ceil(elapsed / CARD_WAIT_MS) + 1);
    for (const [index, edit] of edits.entries()) {
      if (index > 0) {
        // Each edit's first post waited its whole window after the previous edit took the others.
        expect(edit.receivedAt - edits[index - 1]!.receivedAt).toBeGreaterThanOrEqual(
          CARD_WAIT_MS - 100,
        );
      }
    }
    expect(cardLines(edits.at(-1)!)[2]).toBe("Checks on `ec26c3e`: ✅ 10 passed");
  });

  test("a new head commit resets the checks summary; its own checks then fill it", async () => {
    await start();
    const parentTs = await threadForPullRequest();
    await Promise.all(
      [
        checkRun("lint", 21, "15:22:00", "failure"),
        checkRun("test", 31, "15:22:00", "success"),
      ].map(([event, payload]) => deliver(event, payload)),
    );
    await app!.drained(SLOW);
    expect(cardLines(editsOf(parentTs).at(-1)!)[2]).toBe(
      "Checks on `ec26c3e`: ✅ 1 passed · ❌ 1 failed",
    );

    const pushed = asAppDelivery(loadFixture("pull_request.synchronize"));
    const next = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
    pushed.pull_request = {
      ...pushed.pull_request,
      head: { ...pushed.pull_request.head, sha: next },
      updated_at: at("15:30:00"),
    };
    // A push also runs the config check, which asks which files the pull request changes.
    github()
      .get(`/repos/${REPOSITORY}/pulls/2/files`)
      .query(true)
      .reply(200, [{ filename: "README.md", status: "modified" }]);
    await deliver("pull_request", pushed);
    await app!.drained(SLOW);
    expect(cardLines(editsOf(parentTs).at(-1)!)).toEqual([
      "🏷️ `bug`",
      "⏳ Review requested: octocat",
    ]);

    // A status names only the commit: the pull request is found by its new head.
    await deliver(...status("ci/circleci", "success", "15:31:00", next));
    await app!.drained(SLOW);
    expect(cardLines(editsOf(parentTs).at(-1)!)[2]).toBe("Checks on `f95f852`: ✅ 1 passed");
  });

  test("a check run on a commit of no pull request threadline knows changes nothing", async () => {
    await start();
    await threadForPullRequest();
    const calls = slack.calls.length;
    const posts = (await app!.store.operations.list({ limit: 1_000 })).length;
    const card = await app!.store.conversations.getPullRequest(PULL_REQUEST);

    const [, payload] = checkRun("lint", 99, "15:40:00", "failure");
    payload.check_run = {
      ...payload.check_run,
      head_sha: "0000000000000000000000000000000000000bad",
      pull_requests: [],
    };
    await deliver("check_run", payload);
    await deliver(
      ...status("ci/circleci", "failure", "15:40:00", "0000000000000000000000000000000000000bad"),
    );
    await app!.drained(SLOW);

    expect(slack.calls.length).toBe(calls);
    expect((await app!.store.operations.list({ limit: 1_000 })).length).toBe(posts);
    expect(await app!.store.conversations.getPullRequest(PULL_REQUEST)).toEqual(card);
    expect(
      app!.logs.filter(
        (line) => line.msg === "the checked commit is the head of no pull request threadline knows",
      ),
    ).toHaveLength(2);
  });

  test("a review request for a pull request without a thread (its repository ignores it) posts nothing", async () => {
    // The recorded pull request carries the label `bug`: its comments are not carried.
    await start("ignore:\n  labels: [bug]\n");
    await deliver(
      "pull_request_review_comment",
      loadFixture("pull_request_review_comment.created"),
    );
    await deliver("pull_request", asAppDelivery(loadFixture("pull_request.review_requested")));
    await deliver(...review("octocat", "approved", "15:25:00", 105));
    await deliver(...checkRun("lint", 21, "15:22:00", "failure"));
    await app!.drained(SLOW);

    expect(slack.calls).toEqual([]);
    expect(await app!.store.conversations.threadChannels(PULL_REQUEST)).toEqual([]);
  });

  test("`announce: [merged]`: the merge is a reply in the thread, and the card says Merged", async () => {
    await start("announce: [merged]\n");
    const parentTs = await threadForPullRequest();
    const merged = asAppDelivery(loadFixture("pull_request.closed"));
    merged.pull_request = {
      ...merged.pull_request,
      merged: true,
      merged_at: at("15:30:00"),
      updated_at: at("15:30:00"),
    };
    merged.sender = { ...merged.sender, login: "octocat" };
    await deliver("pull_request", merged);
    await app!.drained(SLOW);

    const after = slack.calls.slice(2);
    expect(
      after.map((call) => [call.method, call.args.thread_ts ?? call.args.ts, call.args.text]),
    ).toEqual([
      ["chat.postMessage", parentTs, `${PULL_REQUEST} was merged by octocat`],
      [
        "chat.update",
        parentTs,
        `${PULL_REQUEST}: Update the README with new information. (🟣 Merged)`,
      ],
    ]);
  });

  test("without `announce`, a merge only edits the card", async () => {
    await start();
    const parentTs = await threadForPullRequest();
    const merged = asAppDelivery(loadFixture("pull_request.closed"));
    merged.pull_request = { ...merged.pull_request, merged: true, updated_at: at("15:30:00") };
    await deliver("pull_request", merged);
    await app!.drained(SLOW);

    expect(slack.calls.slice(2).map((call) => [call.method, call.args.ts])).toEqual([
      ["chat.update", parentTs],
    ]);
  });
});

import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { request as httpRequest } from "node:http";
import nock from "nock";
import { useStrictNock } from "../helpers/strict-nock.js";
import { readSettings } from "../../src/env.js";
import { signBody } from "../../src/server/verify-signature.js";
import {
  asAppDelivery,
  loadFixture,
  loadPullRequestCommentFixture,
  loadPushFixture,
} from "../fixtures/index.js";
import { mockConfigFile, mockInstallationToken, mockNoConfig } from "../helpers/fake-github.js";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.js";
import {
  TEST_PRIVATE_KEY,
  TEST_SLACK_TOKEN,
  TEST_WEBHOOK_SECRET,
  startTestApp,
  type TestApp,
} from "../helpers/start-test-app.js";

const CONFIG = `
channel: C0123456789
mentions:
  Codertocat: U024BE7LH
threads: false
`;

let slack: FakeSlack;
let app: TestApp;
let commentCounter = 0;

/** A pull-request comment delivery; each call is a different comment, as on GitHub. */
function prComment() {
  const payload = asAppDelivery(loadPullRequestCommentFixture());
  commentCounter += 1;
  payload.comment.id += commentCounter;
  return payload;
}

useStrictNock({ allowLocal: true });

beforeEach(async () => {
  slack = await startFakeSlack();
});

afterEach(async () => {
  await app?.close();
  await slack.close();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

function start(env: Record<string, string | undefined> = {}) {
  return startTestApp({ SLACK_API_URL: slack.url, ...env }).then((started) => (app = started));
}

function refusals() {
  return app.logs.filter((line) => line.msg === "delivery refused");
}

describe("a signed pull-request comment", () => {
  test("is posted once to the channel the repository's config names", async () => {
    await start();
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);

    const response = await app.deliver("issue_comment", prComment());

    expect(response.status).toBe(200);
    const posts = await slack.waitForMessages(1);
    expect(posts).toHaveLength(1);
    expect(await app.drained()).toMatchObject({ pending: 0, sending: 0, sent: 1, dead: 0 });
    const [post] = posts;
    expect(post!.authorization).toBe(`Bearer ${TEST_SLACK_TOKEN}`);
    expect(post!.args).toMatchObject({
      channel: "C0123456789",
      unfurl_links: "false",
      unfurl_media: "false",
    });
    expect(String(post!.args.text)).toContain("Codertocat");
    expect(JSON.stringify(post!.args.blocks)).toContain("You are totally right!");
    expect(post!.args).not.toHaveProperty("parse");
    expect(post!.args).not.toHaveProperty("link_names");
  });

  test("falls back to SLACK_CHANNEL when no config exists anywhere", async () => {
    await start({ SLACK_CHANNEL: "C0DEFAULT01" });
    mockInstallationToken(1);
    mockNoConfig("Codertocat", "Hello-World");

    const response = await app.deliver("issue_comment", prComment());

    expect(response.status).toBe(200);
    // The defaults thread: the pull request's parent message, then the comment as its reply.
    const [parent, reply] = await slack.waitForMessages(2);
    expect([parent!.args.channel, reply!.args.channel]).toEqual(["C0DEFAULT01", "C0DEFAULT01"]);
    expect(parent!.args.thread_ts).toBeUndefined();
    expect(String(parent!.args.text)).toContain("Codertocat/Hello-World#1");
    expect(reply!.args.thread_ts).toMatch(/^\d+\.\d+$/);
    expect(JSON.stringify(reply!.args.blocks)).toContain("You are totally right!");
  });

  test("with neither a config nor SLACK_CHANNEL, posts nothing and says why at debug", async () => {
    await start();
    mockInstallationToken(1);
    mockNoConfig("Codertocat", "Hello-World");

    const response = await app.deliver("issue_comment", prComment());

    expect(response.status).toBe(200);
    expect(slack.posts()).toHaveLength(0);
    const reason = app.logs.find((line) => line.msg === "not carried");
    expect(reason?.level).toBe(20);
    expect(String(reason?.reason)).toMatch(/SLACK_CHANNEL/);
  });

  test("the config is read once per repository, not once per comment", async () => {
    await start();
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG, 1);

    for (let index = 0; index < 3; index += 1) {
      const response = await app.deliver("issue_comment", prComment());
      expect(response.status).toBe(200);
    }
    expect(await slack.waitForMessages(3)).toHaveLength(3);
  });
});

describe("config changes", () => {
  test("a push that changes .github/threadline.yml takes effect on the next comment", async () => {
    await start();
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);
    await app.deliver("issue_comment", prComment());

    const push = asAppDelivery(loadPushFixture());
    push.commits[0]!.modified = [".github/threadline.yml"];
    push.head_commit = push.commits[0]!;
    expect((await app.deliver("push", push)).status).toBe(200);

    mockConfigFile("Codertocat", "Hello-World", "channel: C0NEWCHANNEL\nthreads: false\n");
    await app.deliver("issue_comment", prComment());

    const posts = await slack.waitForMessages(2);
    expect(posts.map((post) => post.args.channel)).toEqual(["C0123456789", "C0NEWCHANNEL"]);
  });

  test("a push that does not touch the config keeps the cached copy", async () => {
    await start();
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);
    await app.deliver("issue_comment", prComment());
    await app.deliver("push", asAppDelivery(loadPushFixture()));
    await app.deliver("issue_comment", prComment());
    expect(await slack.waitForMessages(2)).toHaveLength(2);
  });
});

describe("the other carried events", () => {
  test("a review and its line comment, delivered apart, become one message", async () => {
    // The line comment arrives first, the review's summary a moment later: within the wait.
    await start({ REVIEW_WAIT_MS: "1500" });
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);

    const reviewComment = asAppDelivery(loadFixture("pull_request_review_comment.created"));
    const review = asAppDelivery(loadFixture("pull_request_review.submitted"));
    review.review.state = "changes_requested";
    review.review.body = "Please add a test.";
    expect(reviewComment.comment.pull_request_review_id).toBe(review.review.id);

    expect((await app.deliver("pull_request_review_comment", reviewComment)).status).toBe(200);
    expect((await app.deliver("pull_request_review", review)).status).toBe(200);

    const [message] = await slack.waitForMessages(1);
    await app.waitForLog(
      (line) => line.msg === "nothing to change in Slack" || line.msg === "posted in Slack",
    );
    const blocks = JSON.stringify(message!.args.blocks);
    // The verdict and summary first, then the line comment with its file and line.
    expect(blocks.indexOf("Changes requested")).toBeGreaterThan(-1);
    expect(blocks.indexOf("Please add a test.")).toBeLessThan(blocks.indexOf("README.md"));
    expect(blocks).toContain("Maybe you should use more emoji on this line.");
    expect(slack.posts()).toHaveLength(1);
    expect(slack.calls.filter((call) => call.method === "chat.update")).toHaveLength(0);
    expect(await app.drained()).toMatchObject({ pending: 0, sending: 0, sent: 2 });
  });

  test("a line comment arriving after its review's message was sent is added to it", async () => {
    await start();
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);

    const review = asAppDelivery(loadFixture("pull_request_review.submitted"));
    review.review.state = "approved";
    review.review.body = "Ship it.";
    await app.deliver("pull_request_review", review);
    const [message] = await slack.waitForMessages(1);

    const straggler = asAppDelivery(loadFixture("pull_request_review_comment.created"));
    straggler.comment.body = "One nit on this line.";
    await app.deliver("pull_request_review_comment", straggler);
    await app.waitForLog((line) => line.msg === "updated in Slack");

    const updates = slack.calls.filter((call) => call.method === "chat.update");
    expect(updates).toHaveLength(1);
    // The fake answers its first post with ts 1700000000.000001: the review's message is edited.
    expect(message!.args.channel).toBe(updates[0]!.args.channel);
    expect(updates[0]!.args.ts).toBe("1700000000.000001");
    const blocks = JSON.stringify(updates[0]!.args.blocks);
    expect(blocks).toContain("Ship it.");
    expect(blocks).toContain("One nit on this line.");
    expect(updates[0]!.args.parse).toBe("none");
    expect(slack.posts()).toHaveLength(1);
  });

  test("a line comment deleted from a review, and the review's summary edited, edit its one message", async () => {
    await start();
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);

    const review = asAppDelivery(loadFixture("pull_request_review.submitted"));
    review.review.state = "commented";
    review.review.body = "A few notes.";
    const lineComment = asAppDelivery(loadFixture("pull_request_review_comment.created"));
    lineComment.comment.body = "This line goes.";
    await app.deliver("pull_request_review", review);
    await app.deliver("pull_request_review_comment", lineComment);
    // What the review's one message shows now: its post, or its latest edit.
    const shown = (): string =>
      JSON.stringify(
        slack.calls
          .filter((call) => call.method === "chat.postMessage" || call.method === "chat.update")
          .at(-1)?.args.blocks ?? [],
      );
    const until = async (condition: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`the review's message ended as ${shown()}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await until(() => shown().includes("A few notes.") && shown().includes("This line goes."));

    const deletion = asAppDelivery(loadFixture("pull_request_review_comment.created"));
    deletion.action = "deleted" as never;
    deletion.comment.body = "This line goes.";
    await app.deliver("pull_request_review_comment", deletion);
    const edited = asAppDelivery(loadFixture("pull_request_review.submitted"));
    edited.action = "edited" as never;
    edited.review.state = "commented";
    edited.review.body = "A few notes, revised.";
    await app.deliver("pull_request_review", edited);
    // Both changes end in the one message, whichever of them is applied first.
    await until(
      () => shown().includes("A few notes, revised.") && !shown().includes("This line goes."),
    );
    expect(slack.calls.filter((call) => call.method === "chat.update").length).toBeGreaterThan(0);
    expect(slack.posts()).toHaveLength(1);
    expect(await app.drained()).toMatchObject({ pending: 0, sending: 0, dead: 0 });
  });

  test("a comment on a plain issue is not carried and costs no GitHub call", async () => {
    await start();
    const response = await app.deliver(
      "issue_comment",
      asAppDelivery(loadFixture("issue_comment.created")),
    );
    expect(response.status).toBe(200);
    expect(slack.posts()).toHaveLength(0);
  });
});

describe("a broken config file", () => {
  test("posts nothing, answers 2xx and logs one error with the file, line, field and fix", async () => {
    await start({ SLACK_CHANNEL: "C0DEFAULT01" });
    mockInstallationToken(1);
    mockConfigFile(
      "Codertocat",
      "Hello-World",
      "channel: C0123456789\nignore:\n  bots: maybe\n",
      2,
    );

    const response = await app.deliver("issue_comment", prComment());

    expect(response.status).toBe(200);
    expect(slack.posts()).toHaveLength(0);
    const errors = app.logs.filter((line) => line.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toContain("Codertocat/Hello-World");
    expect(errors[0]!.msg).toContain(".github/threadline.yml");
    expect(errors[0]!.msg).toMatch(/line 3/);
    expect(errors[0]!.msg).toContain("ignore.bots");
  });
});

describe("Slack errors", () => {
  test("not_in_channel is logged with the channel and the fix; GitHub still gets 2xx", async () => {
    await start();
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);
    slack.script({ kind: "error", error: "not_in_channel" });

    const response = await app.deliver("issue_comment", prComment());

    expect(response.status).toBe(200);
    const failure = await app.waitForLog((line) => line.msg.startsWith("Slack post set aside"));
    expect(failure).toMatchObject({ channel: "C0123456789", slackError: "not_in_channel" });
    expect(failure.msg).toMatch(/invite/);
    expect(failure.msg).toMatch(/npx threadline outbox retry \d+/);
    expect(await app.store.operations.counts()).toMatchObject({ dead: 1, pending: 0 });
  });

  test("invalid_auth says to replace SLACK_BOT_TOKEN without quoting it", async () => {
    await start();
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);
    slack.script({ kind: "error", error: "invalid_auth" });

    await app.deliver("issue_comment", prComment());

    const failure = await app.waitForLog((line) =>
      line.msg.startsWith("sending to Slack is paused"),
    );
    expect(failure.msg).toContain("SLACK_BOT_TOKEN");
    expect(app.rawLog()).not.toContain(TEST_SLACK_TOKEN);
  });
});

describe("deliveries that are refused", () => {
  const payload = () => JSON.stringify(prComment());

  function post(headers: Record<string, string>, body: string) {
    return fetch(`${app.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issue_comment",
        "x-github-delivery": "refused-1",
        ...headers,
      },
      body,
    });
  }

  const signatureCases: [
    string,
    (body: string) => Record<string, string>,
    (body: string) => string,
  ][] = [
    ["no signature", () => ({}), (body) => body],
    ["a malformed signature", () => ({ "x-hub-signature-256": "sha256=zzzz" }), (body) => body],
    [
      "a truncated signature",
      (body) => ({ "x-hub-signature-256": signBody(body, TEST_WEBHOOK_SECRET).slice(0, 40) }),
      (body) => body,
    ],
    [
      "the wrong secret",
      (body) => ({ "x-hub-signature-256": signBody(body, "not-the-secret") }),
      (body) => body,
    ],
    [
      "a body changed after signing",
      (body) => ({ "x-hub-signature-256": signBody(body, TEST_WEBHOOK_SECRET) }),
      (body) => body.replace("totally right", "totally wrong"),
    ],
    [
      "only a legacy SHA-1 signature",
      () => ({ "x-hub-signature": "sha1=0123456789abcdef0123456789abcdef01234567" }),
      (body) => body,
    ],
  ];

  test.each(signatureCases)(
    "%s gets 401, posts nothing, logs one line without the body",
    async (_name, headersFor, tamper) => {
      await start();
      const body = payload();
      const response = await post(headersFor(body), tamper(body));

      expect(response.status).toBe(401);
      expect(slack.posts()).toHaveLength(0);
      expect(refusals()).toHaveLength(1);
      expect(refusals()[0]).toMatchObject({ deliveryId: "refused-1", event: "issue_comment" });
      expect(app.rawLog()).not.toContain("totally");
    },
  );

  test("the previous secret is still accepted during a rotation", async () => {
    await start({
      WEBHOOK_SECRET: "new-secret-abcdef",
      WEBHOOK_SECRET_PREVIOUS: TEST_WEBHOOK_SECRET,
    });
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);

    const oldSigned = await app.deliver("issue_comment", prComment(), {
      secret: TEST_WEBHOOK_SECRET,
    });
    const newSigned = await app.deliver("issue_comment", prComment(), {
      secret: "new-secret-abcdef",
    });
    const otherSigned = await app.deliver("issue_comment", prComment(), {
      secret: "neither",
    });

    expect([oldSigned.status, newSigned.status, otherSigned.status]).toEqual([200, 200, 401]);
    expect(await slack.waitForMessages(2)).toHaveLength(2);
  });

  test("a non-JSON content type gets 415", async () => {
    await start();
    const body = `payload=${encodeURIComponent(payload())}`;
    const response = await post(
      {
        "content-type": "application/x-www-form-urlencoded",
        "x-hub-signature-256": signBody(body, TEST_WEBHOOK_SECRET),
      },
      body,
    );
    expect(response.status).toBe(415);
    expect(refusals()).toHaveLength(1);
  });

  test("signed but malformed JSON gets 400", async () => {
    await start();
    const body = '{"action": "created", ';
    const response = await post(
      { "x-hub-signature-256": signBody(body, TEST_WEBHOOK_SECRET) },
      body,
    );
    expect(response.status).toBe(400);
    expect(slack.posts()).toHaveLength(0);
  });

  test("missing GitHub headers get 400", async () => {
    await start();
    const response = await fetch(`${app.url}/api/github/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(400);
  });

  test("a body over the cap gets 413 from its declared length, before it is read", async () => {
    await start({ WEBHOOK_MAX_BYTES: "1024" });
    const body = "x".repeat(4096);
    const response = await post(
      { "x-hub-signature-256": signBody(body, TEST_WEBHOOK_SECRET) },
      body,
    );
    expect(response.status).toBe(413);
    expect(refusals()[0]!.reason).toMatch(/larger than 1024 bytes/);
  });

  test("a streamed body with no declared length is cut off at the cap with 413", async () => {
    await start({ WEBHOOK_MAX_BYTES: "65536" });
    const { port } = new URL(app.url);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/api/github/webhooks",
          headers: {
            "content-type": "application/json",
            "transfer-encoding": "chunked",
            "x-github-event": "issue_comment",
            "x-github-delivery": "endless",
            "x-hub-signature-256": signBody("", TEST_WEBHOOK_SECRET),
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
          request.destroy();
        },
      );
      request.on("error", () => {});
      // Keep sending well past the cap; the App must answer without waiting for an end.
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 2 * 1024 * 1024 && request.write(chunk)) sent += chunk.length;
        if (sent < 2 * 1024 * 1024) request.once("drain", pump);
      };
      pump();
      setTimeout(() => reject(new Error("no answer to an endless body")), 5000).unref();
    });
    expect(status).toBe(413);
  });
});

describe("operations", () => {
  test("operator routes answer on the operator port only: the public port serves just the webhook", async () => {
    await start();
    expect(app.operatorUrl).not.toBe(app.url);
    for (const path of ["/healthz", "/readyz", "/metrics"]) {
      const onOperatorPort = await fetch(`${app.operatorUrl}${path}`);
      await onOperatorPort.text();
      expect(onOperatorPort.status).toBe(200);
      const onPublicPort = await fetch(`${app.url}${path}`);
      expect(await onPublicPort.text()).toBe("not found\n");
      expect(onPublicPort.status).toBe(404);
    }
    const webhookOnOperatorPort = await fetch(`${app.operatorUrl}/api/github/webhooks`, {
      method: "POST",
      body: "{}",
    });
    expect(webhookOnOperatorPort.status).toBe(404);
    // By default the operator port listens on loopback only.
    const defaults = readSettings({
      APP_ID: "1",
      PRIVATE_KEY: TEST_PRIVATE_KEY,
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      SLACK_BOT_TOKEN: TEST_SLACK_TOKEN,
    });
    expect(defaults).toMatchObject({
      operatorHost: "127.0.0.1",
      operatorPort: 9464,
    });
  });

  test("WEBHOOK_PATH moves the endpoint, as it does for Probot", async () => {
    await start({ WEBHOOK_PATH: "/github/events" });
    const answer = await app.deliver("ping", { zen: "Keep it logically awesome." });
    expect(answer.status).toBe(200);
    const old = await fetch(`${app.url}/api/github/webhooks`, { method: "POST", body: "{}" });
    expect(old.status).toBe(404);
  });

  test("/readyz names no channel, even while sending is paused", async () => {
    await start();
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);
    slack.script({ kind: "error", error: "invalid_auth" });
    await app.deliver("issue_comment", prComment());
    await app.waitForLog((line) => line.msg.startsWith("sending to Slack is paused"));
    const response = await fetch(`${app.operatorUrl}/readyz`);
    const body = (await response.json()) as { problems: string[] };
    expect(response.status).toBe(503);
    expect(body.problems.join(" ")).toMatch(/SLACK_BOT_TOKEN/);
    expect(JSON.stringify(body)).not.toMatch(/\b[CG][A-Z0-9]{8,}\b/);
  });

  test("no secret reaches the log, even at trace level through a whole delivery", async () => {
    await start();
    mockInstallationToken(1);
    mockConfigFile("Codertocat", "Hello-World", CONFIG);
    slack.script({ kind: "error", error: "invalid_auth" });
    await app.deliver("issue_comment", prComment());
    await app.waitForLog((line) => line.msg.startsWith("sending to Slack is paused"));
    await post({ "x-hub-signature-256": "sha256=00" }, "{}");

    const raw = app.rawLog();
    expect(raw.length).toBeGreaterThan(0);
    for (const secret of [TEST_WEBHOOK_SECRET, TEST_SLACK_TOKEN, TEST_PRIVATE_KEY]) {
      expect(raw).not.toContain(secret);
    }
    const keyBody = TEST_PRIVATE_KEY.split("\n")[1]!;
    expect(raw).not.toContain(keyBody);
  });

  function post(headers: Record<string, string>, body: string) {
    return fetch(`${app.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issue_comment",
        "x-github-delivery": "refused-2",
        ...headers,
      },
      body,
    });
  }
});

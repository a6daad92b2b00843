/**
 * Answering from Slack, end to end: the built App as a process of its own, Slack's events POSTed
 * to `/api/slack/events` signed as Slack signs them, the fake Slack (people, permalinks, messages
 * only one person sees) and the fake GitHub (comments, permissions, locks) at the HTTP boundary.
 * A reply in a pull request's thread becomes one comment on that pull request, follows its edits
 * and deletion, never comes back as an echo, and nobody who may not write is written for.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { asAppDelivery, loadPullRequestCommentFixture } from "../fixtures/index.js";
import { startFakeGitHubServer, type FakeGitHubServer } from "../helpers/fake-github-server.js";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.js";
import {
  deleted,
  edited,
  sendSlackEvent,
  written,
  type PersonMessage,
} from "../helpers/slack-events.js";
import {
  createAppEnvironment,
  stopAllApps,
  type AppEnvironment,
  type SpawnedApp,
} from "../helpers/spawn-app.js";
import { sleep, waitUntil } from "../helpers/wait.js";

const CHANNEL = "C0123456789";
const SIGNING_SECRET = "8f742231b10e8888abcd99eeefff85a5";
const REPOSITORY = "Codertocat/Hello-World";
const TEST_TIMEOUT_MS = 60_000;

/** The workspace's people: one mapped to a GitHub login, one not, one from another organisation. */
const MAPPED = "U0CODERTO1";
const UNMAPPED = "U0NEWHIRE1";
const OUTSIDER = "U0PARTNER1";
const MEMBERS = {
  [MAPPED]: { name: "codertocat", display_name: "Coder Cat" },
  [UNMAPPED]: { name: "newhire", real_name: "Nia Newhire" },
  [OUTSIDER]: { name: "partner", real_name: "Pat Partner", team_id: "T0PARTNER1" },
};
const CONFIG = [
  `channel: ${CHANNEL}`,
  "replies: mapped",
  "mentions:",
  `  Codertocat: ${MAPPED}`,
  // Bots' comments carried too: the App's own comment must be recognised as its echo by its id.
  "ignore:",
  "  bots: false",
  "",
].join("\n");

let slack: FakeSlack;
let github: FakeGitHubServer;
let environment: AppEnvironment;
let app: SpawnedApp;
/** The pull request's parent message in the channel: the thread people reply in. */
let parentTs: string;
let messages = 0;

async function startWith(permissions?: Record<string, string>, config = CONFIG) {
  slack = await startFakeSlack({
    scopes: "chat:write,channels:history,groups:history,users:read",
    members: MEMBERS,
  });
  github = await startFakeGitHubServer(
    { [REPOSITORY]: config },
    {
      permissions: permissions ?? {
        metadata: "read",
        issues: "write",
        pull_requests: "read",
        single_file: "read",
      },
    },
  );
  environment = await createAppEnvironment({
    slackUrl: slack.url,
    githubHost: github.host,
    env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, ORDER_WINDOW_MS: "0" },
  });
  app = await environment.start();
  // A comment on GitHub starts the pull request's thread.
  const answer = await app.deliver(
    "issue_comment",
    asAppDelivery(loadPullRequestCommentFixture()),
    "delivery-first-comment",
  );
  expect(answer.status).toBe(200);
  await slack.waitForMessages(2);
  parentTs = slack.messages[0]!.ts!;
}

afterEach(async () => {
  await stopAllApps();
  await slack?.close();
  await github?.close();
  expect(github.unexpected).toEqual([]);
});

/** A new message in the thread by `user`, remembered by the fake Slack (for its permalink). */
function reply(user: string, text: string, options: Partial<PersonMessage> = {}): PersonMessage {
  messages += 1;
  const message: PersonMessage = {
    channel: CHANNEL,
    ts: `1700000100.${String(messages).padStart(6, "0")}`,
    threadTs: parentTs,
    user,
    text,
    ...options,
  };
  slack.remember(CHANNEL, {
    ts: message.ts,
    user,
    text,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
  });
  return message;
}

const send = (payload: unknown, options = {}) =>
  sendSlackEvent(app.url, SIGNING_SECRET, payload, options);

const comments = () => [...github.comments.values()];

const commentWrites = () =>
  github.requests.filter((request) => request.route?.includes("/comments")).length;

/** Waits until the App has looked at everything recorded (from its log) and a little more. */
async function settled(logMessage: string | RegExp, count = 1) {
  await waitUntil(
    () =>
      app.logs.filter((line) =>
        typeof logMessage === "string" ? line.msg === logMessage : logMessage.test(line.msg),
      ).length >= count,
    `the App logged "${String(logMessage)}" ${count} times`,
  );
}

describe("a mapped member's reply", () => {
  beforeEach(() => startWith());

  test(
    "becomes one comment on the pull request, in GitHub's markdown, saying who wrote it and linking back",
    async () => {
      const message = reply(
        MAPPED,
        "*Fixed* in <https://github.com/Codertocat/Hello-World/commit/abc1234|this commit>, thanks <@U0CODERTO1>! &lt;3",
      );
      const answer = await send(written(message));
      expect(answer.status).toBe(200);

      await waitUntil(() => github.comments.size === 1, "GitHub has one comment");
      const [comment] = comments();
      expect(comment!.repository).toBe(REPOSITORY);
      expect(comment!.issue).toBe(1);
      expect(comment!.body).toContain(
        "**Fixed** in [this commit](https://github.com/Codertocat/Hello-World/commit/abc1234), thanks @Codertocat! &lt;3",
      );
      expect(comment!.body).toContain("[@Codertocat](https://github.com/Codertocat)");
      expect(comment!.body).toContain(
        `https://threadline-test.slack.com/archives/${CHANNEL}/p${message.ts.replace(".", "")}`,
      );
      expect(JSON.stringify(app.logs)).not.toContain(SIGNING_SECRET);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "retried by Slack, it is still one comment",
    async () => {
      const event = written(reply(MAPPED, "Looks good to me."));
      expect((await send(event)).status).toBe(200);
      expect((await send(event, { retryNum: 1 })).status).toBe(200);
      expect((await send(event, { retryNum: 2 })).status).toBe(200);
      await waitUntil(() => github.comments.size === 1, "GitHub has one comment");
      await sleep(500);
      expect(github.comments.size).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "is not carried back to Slack when GitHub delivers the comment it became",
    async () => {
      expect((await send(written(reply(MAPPED, "Shipping it.")))).status).toBe(200);
      await waitUntil(() => github.comments.size === 1, "GitHub has one comment");
      const [comment] = comments();
      const shownBefore = slack.messages.length;

      // GitHub's delivery of that comment, written by the App's bot user.
      const payload = asAppDelivery(loadPullRequestCommentFixture());
      payload.comment.id = comment!.id;
      payload.comment.body = comment!.body;
      payload.comment.user = { ...payload.comment.user!, login: "threadline[bot]", type: "Bot" };
      const answer = await app.deliver("issue_comment", payload, "delivery-echo");
      expect(answer.status).toBe(200);
      await app.drained();
      await sleep(300);
      expect(slack.messages.length).toBe(shownBefore);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "edited in Slack, the comment is edited; deleted in Slack, the comment is deleted",
    async () => {
      const message = reply(MAPPED, "We should rename `foo`.");
      await send(written(message));
      await waitUntil(() => github.comments.size === 1, "GitHub has one comment");
      const [comment] = comments();

      expect(
        (await send(edited(message, "We should rename `bar`.", "1700000200.000001"))).status,
      ).toBe(200);
      await waitUntil(
        () => github.comments.get(comment!.id)?.body.includes("`bar`") === true,
        "the comment is edited",
      );

      expect((await send(deleted(message, "1700000300.000001"))).status).toBe(200);
      await waitUntil(() => github.comments.size === 0, "the comment is deleted");
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "starting with // stays in Slack; a bot's message and a top-level message are never carried",
    async () => {
      await send(written(reply(MAPPED, "// between us: this needs a follow-up")));
      await send(written(reply(MAPPED, "A bot says hi", { botId: "B0SOMEBOT1" })));
      await send(written(reply(MAPPED, "Top-level chatter", { threadTs: undefined })));
      // Then one that is carried, so everything before it has been looked at.
      await send(written(reply(MAPPED, "Carried.")));
      await waitUntil(() => github.comments.size === 1, "GitHub has one comment");
      await sleep(300);
      expect(comments().map((comment) => comment.body.split("\n")[0])).toEqual(["Carried."]);
      expect(slack.ephemerals()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("people who may not write", () => {
  beforeEach(() => startWith());

  test(
    "someone not in mentions: is told once per thread, only them, and nothing reaches GitHub",
    async () => {
      expect((await send(written(reply(UNMAPPED, "Can I help?")))).status).toBe(200);
      expect((await send(written(reply(UNMAPPED, "Hello?")))).status).toBe(200);
      await settled("reply kept in Slack", 2);
      const told = slack.ephemerals();
      expect(told).toHaveLength(1);
      expect(told[0]!.args).toMatchObject({
        channel: CHANNEL,
        user: UNMAPPED,
        thread_ts: parentTs,
      });
      expect(String(told[0]!.args.text)).toContain(`<your GitHub login>: ${UNMAPPED}`);
      expect(commentWrites()).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "someone from another organisation in a shared channel is told, and nothing reaches GitHub",
    async () => {
      await send(written(reply(OUTSIDER, "From the partner team", { team: "T0PARTNER1" })));
      await settled("reply kept in Slack");
      const told = slack.ephemerals();
      expect(told).toHaveLength(1);
      expect(told[0]!.args.user).toBe(OUTSIDER);
      expect(String(told[0]!.args.text)).toContain("own workspace");
      expect(commentWrites()).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("requests Slack did not sign", () => {
  beforeEach(() => startWith());

  test(
    "forged, unsigned and replayed requests are refused with 401 and write nothing",
    async () => {
      const event = written(reply(MAPPED, "Forged words"));
      expect((await send(event, { secret: "0000000000000000aaaaaaaaaaaaaaaa" })).status).toBe(401);
      expect((await send(event, { unsigned: true })).status).toBe(401);
      const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
      expect((await send(event, { timestamp: sixMinutesAgo })).status).toBe(401);
      await sleep(300);
      expect(commentWrites()).toBe(0);
      const refusals = app.logs.filter((line) => line.msg === "Slack request refused");
      expect(refusals.length).toBe(3);
      for (const line of refusals) expect(JSON.stringify(line)).not.toContain("Forged words");
    },
    TEST_TIMEOUT_MS,
  );
});

describe("when GitHub refuses", () => {
  test(
    "an installation without Issues: write tells the author what an owner must accept",
    async () => {
      await startWith({
        metadata: "read",
        issues: "read",
        pull_requests: "read",
        single_file: "read",
      });
      await send(written(reply(MAPPED, "Thanks!")));
      await settled("GitHub refused a reply from Slack; its author is told");
      const told = slack.ephemerals();
      expect(told).toHaveLength(1);
      expect(told[0]!.args.user).toBe(MAPPED);
      expect(String(told[0]!.args.text)).toContain("Issues: write");
      expect(github.comments.size).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "a locked pull request tells the author, and GitHub's 5xx is retried until it passes",
    async () => {
      await startWith();
      github.failWrites(502, 503);
      await send(written(reply(MAPPED, "Second try works.")));
      await waitUntil(() => github.comments.size === 1, "GitHub has one comment", 20_000);

      github.lock(REPOSITORY, 1);
      await send(written(reply(MAPPED, "Nobody will see this on GitHub.")));
      await settled("GitHub refused a reply from Slack; its author is told");
      expect(String(slack.ephemerals()[0]!.args.text)).toContain("locked");
      expect(github.comments.size).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("a crash between Slack's 200 and GitHub's answer", () => {
  test(
    "after kill -9 and a restart, the reply is exactly one comment",
    async () => {
      await startWith();
      github.holdWrites(true);
      expect((await send(written(reply(MAPPED, "Written once, whatever happens.")))).status).toBe(
        200,
      );
      // GitHub has made the comment; its answer never reaches the App.
      await waitUntil(() => github.heldWrites() === 1, "GitHub holds the write");
      app.kill("SIGKILL");
      await app.exited;
      github.holdWrites(false);

      app = await environment.start();
      await settled("reply written on GitHub");
      await sleep(300);
      expect(github.comments.size).toBe(1);
      expect(comments()[0]!.body).toContain("Written once, whatever happens.");
    },
    TEST_TIMEOUT_MS,
  );
});

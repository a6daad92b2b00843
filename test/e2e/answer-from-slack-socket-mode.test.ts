/**
 * Answering from Slack without a public URL: with SLACK_APP_TOKEN the built App opens Slack's
 * Socket Mode (apps.connections.open, then the WebSocket it hands out) against a local fake, and
 * the events that arrive there take the same path as the HTTP endpoint's: recorded before the
 * envelope is acknowledged, deduplicated, written to GitHub from the store.
 */
import { afterEach, beforeEach, expect, test } from "@jest/globals";
import { asAppDelivery, loadPullRequestCommentFixture } from "../fixtures/index.js";
import { startFakeGitHubServer, type FakeGitHubServer } from "../helpers/fake-github-server.js";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.js";
import {
  eventsApiEnvelope,
  startFakeSlackSocket,
  type FakeSlackSocket,
} from "../helpers/fake-slack-socket.js";
import { written } from "../helpers/slack-events.js";
import {
  createAppEnvironment,
  stopAllApps,
  type AppEnvironment,
  type SpawnedApp,
} from "../helpers/spawn-app.js";
import { sleep, waitUntil } from "../helpers/wait.js";

const CHANNEL = "C0123456789";
const MAPPED = "U0CODERTO1";
const TEST_TIMEOUT_MS = 60_000;

let socket: FakeSlackSocket;
let slack: FakeSlack;
let github: FakeGitHubServer;
let environment: AppEnvironment;
let app: SpawnedApp;
let parentTs: string;

beforeEach(async () => {
  socket = await startFakeSlackSocket();
  slack = await startFakeSlack({
    scopes: "chat:write,channels:history,groups:history,users:read",
    members: { [MAPPED]: { name: "codertocat" } },
    socketModeUrl: socket.apiUrl,
  });
  github = await startFakeGitHubServer(
    {
      "Codertocat/Hello-World": `channel: ${CHANNEL}\nreplies: mapped\nmentions:\n  Codertocat: ${MAPPED}\n`,
    },
    { permissions: { metadata: "read", issues: "write", pull_requests: "read" } },
  );
  environment = await createAppEnvironment({
    slackUrl: slack.url,
    githubHost: github.host,
    env: { SLACK_APP_TOKEN: socket.appToken, ORDER_WINDOW_MS: "0" },
  });
  app = await environment.start();
  await socket.waitForConnections(1);
  await app.deliver("issue_comment", asAppDelivery(loadPullRequestCommentFixture()), "delivery-1");
  await slack.waitForMessages(2);
  parentTs = slack.messages[0]!.ts!;
});

afterEach(async () => {
  await stopAllApps();
  await socket.close();
  await slack.close();
  await github.close();
  expect(github.unexpected).toEqual([]);
});

function replyEvent(ts: string, text: string) {
  slack.remember(CHANNEL, { ts, user: MAPPED, text, thread_ts: parentTs });
  return written({ channel: CHANNEL, ts, threadTs: parentTs, user: MAPPED, text });
}

test(
  "a reply over Socket Mode becomes one comment, however often Slack sends its envelope",
  async () => {
    const payload = replyEvent("1700000100.000001", "Answered over *Socket Mode*.");
    const first = eventsApiEnvelope(payload);
    socket.send(first);
    await socket.waitForAck(first.envelope_id);
    // Slack sends an envelope again when its acknowledgement was late or lost.
    const again = eventsApiEnvelope(payload, { attempt: 1, reason: "timeout" });
    socket.send(again);
    await socket.waitForAck(again.envelope_id);

    await waitUntil(() => github.comments.size === 1, "GitHub has the comment");
    await sleep(300);
    expect(github.comments.size).toBe(1);
    expect([...github.comments.values()][0]!.body).toContain("Answered over **Socket Mode**.");
    expect(JSON.stringify(app.logs)).not.toContain(socket.appToken);
  },
  TEST_TIMEOUT_MS,
);

test(
  "an acknowledged envelope is written after kill -9 and a restart, once",
  async () => {
    github.holdWrites(true);
    const envelope = eventsApiEnvelope(replyEvent("1700000100.000002", "Survives a crash."));
    socket.send(envelope);
    await socket.waitForAck(envelope.envelope_id);
    await waitUntil(() => github.heldWrites() === 1, "GitHub holds the write");
    app.kill("SIGKILL");
    await app.exited;
    github.holdWrites(false);

    app = await environment.start();
    await socket.waitForConnections(2);
    await waitUntil(
      () => app.logs.some((line) => line.msg === "reply written on GitHub"),
      "the restarted App wrote the reply",
    );
    await sleep(300);
    expect(github.comments.size).toBe(1);
  },
  TEST_TIMEOUT_MS,
);

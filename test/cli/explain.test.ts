import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import nock from "nock";
import { useStrictNock } from "../helpers/strict-nock.js";
import { runOutboxCommand } from "../../src/cli/run-outbox-command.js";
import { asAppDelivery, loadPullRequestCommentFixture } from "../fixtures/index.js";
import { mockConfigFile, mockInstallationToken } from "../helpers/fake-github.js";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";

const CONFIG = `
channel: C0123456789
threads: false
routes:
  - channel: C0FRONTEND
    labels: [bug]
ignore:
  authors: [someone-noisy]
`;

let slack: FakeSlack;
let app: TestApp;

useStrictNock({ allowLocal: true });

beforeEach(async () => {
  slack = await startFakeSlack();
  app = await startTestApp({ SLACK_API_URL: slack.url });
  mockInstallationToken(1);
  mockConfigFile("Codertocat", "Hello-World", CONFIG);
});

afterEach(async () => {
  await app.close();
  await slack.close();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

async function explain(deliveryId: string): Promise<string[]> {
  const output: string[] = [];
  const code = await runOutboxCommand(["explain", deliveryId], {
    openStore: async () => app.store.operations,
    now: Date.now,
    write: (line) => output.push(line),
    warn: (line) => output.push(`warn: ${line}`),
  });
  expect(code).toBe(0);
  return output;
}

describe("threadline explain <delivery-id>", () => {
  test("a carried delivery: the config, the route behind each channel, what became of each post", async () => {
    const payload = asAppDelivery(loadPullRequestCommentFixture());
    await app.deliver("issue_comment", payload, { id: "carried-1" });
    await slack.waitForMessages(1);
    await app.waitForLog((line) => line.msg === "posted in Slack");

    const lines = await explain("carried-1");
    expect(lines[0]).toMatch(/^delivery carried-1: issue_comment.created, received/);
    expect(lines).toContain("pull request: Codertocat/Hello-World#1");
    expect(lines).toContain("config: .github/threadline.yml in Codertocat/Hello-World");
    // The fixture's pull request is labelled "bug", so the route sends it to C0FRONTEND.
    expect(lines).toContain("carried to C0FRONTEND because of routes[0] (labels bug)");
    expect(
      lines.some((line) => /^post \d+ to C0FRONTEND: sent \(Slack ts [\d.]+\)$/.test(line)),
    ).toBe(true);
  });

  test("a dropped delivery names the filter that dropped it", async () => {
    const payload = asAppDelivery(loadPullRequestCommentFixture());
    payload.comment.user = { ...payload.comment.user!, login: "someone-noisy" };
    await app.deliver("issue_comment", payload, { id: "dropped-1" });

    expect(await explain("dropped-1")).toEqual([
      expect.stringMatching(/^delivery dropped-1: issue_comment.created, received/),
      "pull request: Codertocat/Hello-World#1",
      "config: .github/threadline.yml in Codertocat/Hello-World",
      "not carried: ignore.authors: someone-noisy is ignored",
    ]);
    expect(slack.posts()).toHaveLength(0);
  });

  test("a delivery never recorded says where to look", async () => {
    nock.cleanAll();
    const lines = await explain("never-seen");
    expect(lines).toEqual([
      expect.stringMatching(
        /^delivery never-seen was never recorded: GitHub did not reach the App/,
      ),
    ]);
  });
});

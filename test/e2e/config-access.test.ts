/**
 * What a new install meets on the real GitHub: an App registered by the setup page has the
 * "Single file" permission without a path, so GitHub refuses it the config file (403); and an
 * organisation-wide config is only read where the App is installed on the owner's `.github`.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import nock from "nock";
import { asAppDelivery, loadPullRequestCommentFixture } from "../fixtures/index.js";
import {
  mockConfigFile,
  mockConfigRefused,
  mockInstallationToken,
  mockNoConfig,
} from "../helpers/fake-github.js";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.js";
import { useStrictNock } from "../helpers/strict-nock.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";

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

function commentIn(repo: string, id: number) {
  const payload = asAppDelivery(loadPullRequestCommentFixture());
  payload.repository.name = repo;
  payload.repository.full_name = `Codertocat/${repo}`;
  payload.comment.id = id;
  return payload;
}

describe("GitHub refuses the App its config file (Single file path not set)", () => {
  test("the delivery fails with the fix in one log line, and is carried once GitHub redelivers it after the fix", async () => {
    app = await startTestApp({ SLACK_API_URL: slack.url });
    mockInstallationToken(1);
    mockConfigRefused("Codertocat", "Hello-World");

    const refused = await app.deliver("issue_comment", commentIn("Hello-World", 501), {
      id: "delivery-refused-config",
    });

    // Not acknowledged: GitHub records the failure, and the redelivery sweep asks for it again.
    expect(refused.status).toBe(500);
    const failures = app.logs.filter((line) => line.msg === "delivery failed");
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toContain(
      "GitHub refused the App access to .github/threadline.yml in Codertocat/Hello-World (403)",
    );
    expect(failures[0]!.error).toContain(
      'Single file, choose "Read-only", enter .github/threadline.yml',
    );
    expect(await app.store.intake.hasDelivery("delivery-refused-config")).toBe(false);

    // The admin sets the path; GitHub redelivers the same delivery.
    mockConfigFile("Codertocat", "Hello-World", "channel: C0123456789\nthreads: false\n");
    const redelivered = await app.deliver("issue_comment", commentIn("Hello-World", 501), {
      id: "delivery-refused-config",
    });
    expect(redelivered.status).toBe(200);
    const [message] = await slack.waitForMessages(1);
    expect(message!.args.channel).toBe("C0123456789");
    expect(await app.drained()).toMatchObject({ sent: 1, dead: 0 });
  });
});

describe("an organisation-wide config the App cannot see", () => {
  test("is explained once per owner, not per delivery, and the default channel still gets the comments", async () => {
    app = await startTestApp({ SLACK_API_URL: slack.url, SLACK_CHANNEL: "C0DEFAULT01" });
    mockInstallationToken(1);
    mockNoConfig("Codertocat", "Hello-World");
    mockNoConfig("Codertocat", "Other-Repo");

    expect((await app.deliver("issue_comment", commentIn("Hello-World", 601))).status).toBe(200);
    expect((await app.deliver("issue_comment", commentIn("Other-Repo", 602))).status).toBe(200);

    const notices = app.logs.filter((line) =>
      line.msg.includes("the App cannot see Codertocat/.github"),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]!.msg).toContain(
      "an organisation-wide config is read from Codertocat/.github only when the App is installed there too",
    );
    const messages = await slack.waitForMessages(2);
    expect(messages.map((message) => message.args.channel)).toEqual(["C0DEFAULT01", "C0DEFAULT01"]);
  });

  test("says nothing when the App can see the owner's .github repository (it simply has no file)", async () => {
    app = await startTestApp({ SLACK_API_URL: slack.url });
    mockInstallationToken(1);
    nock("https://api.github.com")
      .get(`/repos/Codertocat/Hello-World/contents/${encodeURIComponent(".github/threadline.yml")}`)
      .reply(404, { message: "Not Found" })
      .get(`/repos/Codertocat/.github/contents/${encodeURIComponent(".github/threadline.yml")}`)
      .reply(404, { message: "Not Found" })
      .get("/repos/Codertocat/.github")
      .reply(200, { id: 1, name: ".github", full_name: "Codertocat/.github", private: false });

    expect((await app.deliver("issue_comment", commentIn("Hello-World", 701))).status).toBe(200);
    expect(app.logs.some((line) => line.msg.includes("cannot see Codertocat/.github"))).toBe(false);
  });
});

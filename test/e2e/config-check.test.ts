import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import nock from "nock";
import { useStrictNock } from "../helpers/strict-nock.js";
import { asAppDelivery, loadFixture } from "../fixtures/index.js";
import { CONFIG_PATH, github, mockInstallationToken } from "../helpers/fake-github.js";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.js";
import { startTestApp, type TestApp } from "../helpers/start-test-app.js";

const OWNER = "Codertocat";
const REPO = "Hello-World";
const PULL_NUMBER = 2;
const HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

/** The parts of a check-runs request body these tests read. */
interface CheckRunBody {
  name: string;
  head_sha: string;
  status: string;
  conclusion: string;
  output: {
    title: string;
    summary: string;
    text?: string;
    annotations: { path: string; start_line: number; end_line: number; message: string }[];
  };
}

let slack: FakeSlack;
let app: TestApp;

useStrictNock({ allowLocal: true });

beforeEach(async () => {
  // Fake Slack too, so a call to Slack (there must be none) would be seen rather than leave the host.
  slack = await startFakeSlack();
  app = await startTestApp({ SLACK_API_URL: slack.url });
});

afterEach(async () => {
  await app.close();
  expect(slack.posts()).toHaveLength(0);
  await slack.close();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

function pullRequestDelivery(action: "opened" | "synchronize" | "reopened" = "opened") {
  const payload = asAppDelivery(loadFixture("pull_request.opened"));
  return { ...payload, action };
}

/** The pull request's changed files, as `GET /pulls/{n}/files` lists them. */
function mockChangedFiles(
  files: { filename: string; status: string; previous_filename?: string }[],
) {
  return github()
    .get(`/repos/${OWNER}/${REPO}/pulls/${PULL_NUMBER}/files`)
    .query({ per_page: "100" })
    .reply(
      200,
      files.map((file) => ({
        sha: "0".repeat(40),
        additions: 1,
        deletions: 0,
        changes: 1,
        ...file,
      })),
    );
}

/** The config's text at the pull request's head commit, asked for raw. */
function mockConfigAtHead(text: string) {
  return github()
    .get(`/repos/${OWNER}/${REPO}/contents/${encodeURIComponent(CONFIG_PATH)}`)
    .query({ ref: HEAD_SHA })
    .matchHeader("accept", /application\/vnd\.github\.v3\.raw/)
    .reply(200, text, { "content-type": "application/vnd.github.v3.raw; charset=utf-8" });
}

/**
 * `POST /check-runs`, answered only when `accept` holds for the body; the body is also handed back
 * so the test can show what differs when it does not.
 */
function mockCheckRun(accept: (body: CheckRunBody) => boolean, status = 201) {
  const received: CheckRunBody[] = [];
  github()
    .post(`/repos/${OWNER}/${REPO}/check-runs`, (body: CheckRunBody) => {
      received.push(body);
      return (
        body.name === "threadline config" &&
        body.head_sha === HEAD_SHA &&
        body.status === "completed" &&
        accept(body)
      );
    })
    .reply(
      status,
      status === 201
        ? { id: 4, head_sha: HEAD_SHA, status: "completed" }
        : {
            message: "Resource not accessible by integration",
            documentation_url: "https://docs.github.com/rest/checks/runs#create-a-check-run",
          },
    );
  return received;
}

describe("a pull request that changes .github/threadline.yml", () => {
  test("a broken file gets a failing check run with the problem on its line", async () => {
    mockInstallationToken(1);
    mockChangedFiles([
      { filename: "README.md", status: "modified" },
      { filename: CONFIG_PATH, status: "modified" },
    ]);
    mockConfigAtHead("channel: C0123456789\nignore:\n  bots: maybe\n");
    const received = mockCheckRun(
      (body) =>
        body.conclusion === "failure" &&
        body.output.annotations.length === 1 &&
        body.output.annotations[0]?.path === CONFIG_PATH &&
        body.output.annotations[0]?.start_line === 3 &&
        body.output.annotations[0]?.end_line === 3,
    );

    const response = await app.deliver("pull_request", pullRequestDelivery("synchronize"));

    expect(response.status).toBe(200);
    expect(received[0]?.output).toMatchObject({
      title: "1 problem in .github/threadline.yml, first on line 3",
      annotations: [
        expect.objectContaining({
          annotation_level: "failure",
          title: "ignore.bots",
          message: 'expected true or false, found "maybe"',
        }),
      ],
    });
    const reported = app.logs.find((line) => line.msg === "config check reported");
    expect(reported).toMatchObject({ conclusion: "failure", headSha: HEAD_SHA });
  });

  test("a valid file gets a passing check run listing each route's channel", async () => {
    mockInstallationToken(1);
    mockChangedFiles([{ filename: CONFIG_PATH, status: "added" }]);
    mockConfigAtHead(
      [
        "channel: C0123456789",
        "routes:",
        "  - channel: C0FRONTEND",
        '    paths: ["web/**"]',
        '  - channel: "#releases"',
        '    base: ["release/*"]',
        "",
      ].join("\n"),
    );
    const received = mockCheckRun(
      (body) =>
        body.conclusion === "success" &&
        body.output.annotations.length === 0 &&
        body.output.summary.includes(
          "routes[0] → `C0FRONTEND` when the file matches `web/**` (review comments only)",
        ) &&
        body.output.summary.includes(
          "routes[1] → `#releases` when the base branch matches `release/*`",
        ),
    );

    const response = await app.deliver("pull_request", pullRequestDelivery("opened"));

    expect(response.status).toBe(200);
    expect(received[0]?.output.title).toBe("valid: default channel C0123456789, 2 routes");
    expect(received[0]?.output.summary).toContain(
      "- **Default channel:** `C0123456789` (events no route matches)",
    );
  });

  test("a removed file gets a passing check run without reading the file", async () => {
    mockInstallationToken(1);
    mockChangedFiles([{ filename: CONFIG_PATH, status: "removed" }]);
    mockCheckRun(
      (body) =>
        body.conclusion === "success" &&
        body.output.title === "config removed: the org's .github file or SLACK_CHANNEL will apply",
    );

    const response = await app.deliver("pull_request", pullRequestDelivery("reopened"));

    expect(response.status).toBe(200);
  });
});

describe("no check run", () => {
  test("a pull request that does not touch the file: only its files are listed; debug says why", async () => {
    mockInstallationToken(1);
    mockChangedFiles([
      { filename: "README.md", status: "modified" },
      { filename: ".github/workflows/ci.yml", status: "added" },
    ]);

    const response = await app.deliver("pull_request", pullRequestDelivery("opened"));

    expect(response.status).toBe(200);
    const reason = app.logs.find((line) =>
      String(line.msg).startsWith("pull request does not change"),
    );
    expect(reason).toMatchObject({
      level: 20,
      repository: `${OWNER}/${REPO}`,
      pullRequest: PULL_NUMBER,
    });
  });

  test('a 403 on check runs: one warning to accept "Checks: write", and GitHub still gets 200', async () => {
    mockInstallationToken(1);
    mockChangedFiles([{ filename: CONFIG_PATH, status: "modified" }]);
    mockConfigAtHead("channel: C0123456789\n");
    mockCheckRun(() => true, 403);

    const response = await app.deliver("pull_request", pullRequestDelivery("opened"));

    expect(response.status).toBe(200);
    const warnings = app.logs.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain('"Checks: write"');
    expect(warnings[0]!.msg).toMatch(/accepts it/);
    expect(app.logs.some((line) => line.msg === "config check reported")).toBe(false);
  });

  test("GitHub failing to list the files: 500, so the delivery can be redelivered", async () => {
    mockInstallationToken(1);
    github()
      .get(`/repos/${OWNER}/${REPO}/pulls/${PULL_NUMBER}/files`)
      .query({ per_page: "100" })
      .reply(502, { message: "Server Error" });

    const response = await app.deliver("pull_request", pullRequestDelivery("opened"));

    expect(response.status).toBe(500);
    const failure = app.logs.find((line) => line.msg === "delivery failed");
    expect(String(failure?.error)).toContain(
      `could not list the files of ${OWNER}/${REPO}#${PULL_NUMBER}`,
    );
  });
});

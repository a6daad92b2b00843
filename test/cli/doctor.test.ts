import { afterEach, describe, expect, test } from "@jest/globals";
import nock from "nock";
import { readAppManifest } from "../../src/cli/doctor/read-app-manifest.js";
import { runDoctorCommand } from "../../src/cli/doctor/run-doctor-command.js";
import { useStrictNock } from "../helpers/strict-nock.js";
import {
  TEST_PRIVATE_KEY,
  TEST_SLACK_TOKEN,
  TEST_WEBHOOK_SECRET,
  TestOctokit,
} from "../helpers/start-test-app.js";
import {
  accessTokenBody,
  APP_EVENTS,
  APP_ID,
  APP_PERMISSIONS,
  appBody,
  deliveryBody,
  hookConfigBody,
  INSTALLATION_ID,
  INSTALLATION_TOKEN,
  installationBody,
  NOT_ACCESSIBLE,
  NOT_FOUND,
  ORG,
  repositoriesBody,
} from "./doctor/github-answers.js";
import {
  configRead,
  githubAsApp,
  githubAsInstallation,
  mockAuthTest,
  mockChannelProbe,
  RAW,
  slack,
  SLACK_API_URL,
  slackError,
} from "./doctor/fake-apis.js";

const NOW = Date.parse("2024-05-01T12:00:00Z");
/** A week ahead, in Unix seconds, as Slack's post_at. */
const POST_AT = NOW / 1000 + 7 * 24 * 60 * 60;

const ENV = {
  APP_ID: String(APP_ID),
  PRIVATE_KEY: TEST_PRIVATE_KEY,
  WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
  SLACK_BOT_TOKEN: TEST_SLACK_TOKEN,
  SLACK_API_URL,
  SLACK_CHANNEL: "#pull-requests",
};

/** Slack answers a #name with the channel's ID. */
const CHANNEL_IDS: Record<string, string> = {
  "#pull-requests": "C0PULLREQS",
  C0123456789: "C0123456789",
  "#frontend": "C0FRONTEND",
  "#reviews": "C0REVIEWSS",
};

const HELLO_WORLD_CONFIG = [
  "channel: C0123456789",
  "routes:",
  '  - channel: "#frontend"',
  '    paths: ["web/**"]',
  "",
].join("\n");
const ORG_WIDE_CONFIG = 'channel: "#reviews"\n';

interface GitHubState {
  app?: Parameters<typeof appBody>[0];
  hookUrl?: string;
  deliveries?: unknown[];
  installation?: Parameters<typeof installationBody>[0];
  repositories?: string[];
}

/**
 * GitHub for an App registered from app.yml and installed on octo-org, with `state` changed. The
 * installation's repositories are listed; their config reads are the test's to add.
 */
function mockGitHub(state: GitHubState = {}): void {
  githubAsApp()
    .get("/app")
    .reply(200, appBody(state.app))
    .get("/app/hook/config")
    .reply(200, hookConfigBody(state.hookUrl))
    .get("/app/hook/deliveries")
    .query({ per_page: "10" })
    .reply(200, state.deliveries ?? [deliveryBody(200)])
    .get("/app/installations")
    .query({ per_page: "100" })
    .reply(200, [installationBody(state.installation)])
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, accessTokenBody());
  githubAsInstallation()
    .get("/installation/repositories")
    .query({ per_page: "100" })
    .reply(200, repositoriesBody(state.repositories ?? ["Hello-World", ".github"]));
}

/** Hello-World has its own config; the organisation's `.github` holds the organisation-wide one. */
function mockConfigs(): void {
  configRead(ORG, "Hello-World").reply(200, HELLO_WORLD_CONFIG, RAW);
  configRead(ORG, ".github").reply(200, ORG_WIDE_CONFIG, RAW);
}

/** The token works with `scopes`, and the bot may post in each channel. */
function mockSlack(channels: string[], scopes = "chat:write"): void {
  mockAuthTest(scopes);
  for (const channel of channels) mockChannelProbe(channel, CHANNEL_IDS[channel]!, POST_AT, "ok");
}

const ALL_CHANNELS = ["#pull-requests", "C0123456789", "#frontend", "#reviews"];

let outputs: string[] = [];

async function doctor(
  argv: string[] = [],
  env: Record<string, string | undefined> = ENV,
): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runDoctorCommand(argv, {
    env,
    dotenvText: undefined,
    Octokit: TestOctokit,
    now: () => NOW,
    write: (line) => lines.push(...line.split("\n")),
    warn: (line) => lines.push(line),
  });
  outputs.push(lines.join("\n"));
  return { code, lines };
}

/** Every value that must never be printed: the secrets, the installation token, the key's lines. */
const SECRETS = [
  TEST_WEBHOOK_SECRET,
  TEST_SLACK_TOKEN,
  INSTALLATION_TOKEN,
  ...TEST_PRIVATE_KEY.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----")),
];

useStrictNock({ allowLocal: false });

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  // Every fake was called, and nothing else was (an unmocked call would show as a failed check).
  expect(pending).toEqual([]);
  for (const output of outputs) {
    for (const secret of SECRETS) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/PRIVATE KEY/);
  }
  outputs = [];
});

describe("threadline doctor", () => {
  test("a healthy install: every line ✓, the channels of each config, exit 0", async () => {
    mockGitHub({ repositories: ["Hello-World", "Spoon-Knife", ".github"] });
    configRead(ORG, "Hello-World").reply(200, HELLO_WORLD_CONFIG, RAW);
    // Spoon-Knife has no file of its own and falls back to the organisation's.
    configRead(ORG, "Spoon-Knife").reply(404, NOT_FOUND);
    configRead(ORG, ".github").times(2).reply(200, ORG_WIDE_CONFIG, RAW);
    mockSlack(ALL_CHANNELS);

    const { code, lines } = await doctor();

    expect(lines).toEqual([
      `✓ GitHub App "threadline" (id ${APP_ID}): the private key belongs to APP_ID ${APP_ID}`,
      `✓ the App has the permissions and events app.yml asks for (${Object.keys(APP_PERMISSIONS).length} permissions, ${APP_EVENTS.length} events)`,
      "✓ webhook URL https://threadline.octo-org.dev/api/github/webhooks",
      "✓ the last delivery (issue_comment.created, 2024-04-30T16:58:03Z, 0b989ba4-242f-11e5-81e1-c7b6966d2516) was answered 200",
      "✓ installation on octo-org: permissions accepted, may read .github/threadline.yml",
      "✓ octo-org/Hello-World: .github/threadline.yml from octo-org/Hello-World → channels C0123456789, #frontend",
      "✓ octo-org/Spoon-Knife: .github/threadline.yml from octo-org/.github → channels #reviews",
      "✓ octo-org/.github: .github/threadline.yml from octo-org/.github → channels #reviews",
      "✓ Slack token works: bot @threadline in Octo Org",
      "✓ can post in #pull-requests",
      "✓ can post in C0123456789",
      "✓ can post in #frontend",
      "✓ can post in #reviews",
      "0 problems, 0 warnings",
    ]);
    expect(code).toBe(0);
  });

  test("an App registered by the setup page, before its Single file path is set", async () => {
    mockGitHub({
      installation: { single_file_name: null, single_file_paths: [] },
      repositories: ["Hello-World"],
    });
    configRead(ORG, "Hello-World").reply(403, NOT_ACCESSIBLE);
    mockSlack(["#pull-requests"]);

    const { code, lines } = await doctor();

    expect(lines).toEqual(
      expect.arrayContaining([
        "✗ the installation on octo-org may not read .github/threadline.yml: its Single file path is not set",
        '    In the App\'s settings (https://github.com/organizations/octo-org/settings/apps/threadline) → Permissions & events → Repository permissions → Single file: "Read-only",',
        "    path .github/threadline.yml; save, then the owner accepts the change",
        "✗ octo-org/Hello-World: GitHub refused the App .github/threadline.yml (403)",
        "    set the Single file path, as said above for its installation",
        "! an organisation-wide config in octo-org/.github cannot be read: the App is not installed on it",
        "2 problems, 1 warning",
      ]),
    );
    expect(code).toBe(1);
  });

  test("an App missing an event and with less access than app.yml asks for", async () => {
    const permissions = { ...APP_PERMISSIONS, checks: "read" };
    const events = APP_EVENTS.filter((event) => event !== "pull_request_review_comment");
    mockGitHub({ app: { permissions, events }, installation: { permissions, events } });
    mockConfigs();
    mockSlack(ALL_CHANNELS);

    const { code, lines } = await doctor();

    const settings =
      "In the App's settings (https://github.com/organizations/octo-org/settings/apps/threadline) → Permissions & events:";
    expect(lines).toEqual(
      expect.arrayContaining([
        "✗ the App has checks: read, app.yml asks for write",
        `    ${settings} set Repository permissions → Checks to "Read and write", and save; each installation's owner then accepts the change`,
        "✗ the App is not subscribed to the pull_request_review_comment event, so GitHub never sends it",
        `    ${settings} subscribe to events → "Pull request review comment", and save`,
        "2 problems, 0 warnings",
      ]),
    );
    expect(code).toBe(1);
  });

  test("an installation that has not accepted the App's new permission", async () => {
    mockGitHub({ installation: { permissions: { ...APP_PERMISSIONS, checks: "read" } } });
    mockConfigs();
    mockSlack(ALL_CHANNELS);

    const { code, lines } = await doctor();

    expect(lines).toEqual(
      expect.arrayContaining([
        "✗ the installation on octo-org has not accepted checks: write",
        "    an owner of octo-org must accept the new permissions: https://github.com/organizations/octo-org/settings/installations/1",
      ]),
    );
    expect(code).toBe(1);
  });

  test("the webhook URL left at a placeholder", async () => {
    mockGitHub({ hookUrl: "https://example.com/webhook" });
    mockConfigs();
    mockSlack(ALL_CHANNELS);

    const { code, lines } = await doctor();

    expect(lines).toEqual(
      expect.arrayContaining([
        "✗ the App's webhook URL https://example.com/webhook is a placeholder: GitHub's deliveries go nowhere",
        "    In the App's settings (https://github.com/organizations/octo-org/settings/apps/threadline) → General → Webhook URL: https://<your host>/api/github/webhooks",
      ]),
    );
    expect(code).toBe(1);
  });

  test("the last delivery refused with 401: WEBHOOK_SECRET differs", async () => {
    mockGitHub({ deliveries: [deliveryBody(401)] });
    mockConfigs();
    mockSlack(ALL_CHANNELS);

    const { code, lines } = await doctor();

    expect(lines).toEqual(
      expect.arrayContaining([
        "✗ the last delivery (issue_comment.created, 2024-04-30T16:58:03Z, 0b989ba4-242f-11e5-81e1-c7b6966d2516) was refused with 401: its signature does not match",
        "    WEBHOOK_SECRET differs from the App's webhook secret: set the same value in both",
      ]),
    );
    expect(code).toBe(1);
  });

  test("an invalid config: the file, its line and the fix", async () => {
    mockGitHub();
    // Read once by Probot's config plugin, once more as text for the line of the bad field.
    configRead(ORG, "Hello-World").times(2).reply(200, "threads: true\nchannel: general\n", RAW);
    configRead(ORG, ".github").reply(200, ORG_WIDE_CONFIG, RAW);
    mockSlack(["#pull-requests", "#reviews"]);

    const { code, lines } = await doctor();

    const at = lines.indexOf("✗ octo-org/Hello-World: .github/threadline.yml is invalid");
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toMatch(
      /^ {4}octo-org\/Hello-World \.github\/threadline\.yml line 2: channel: .*C0123456789/,
    );
    expect(code).toBe(1);
  });

  test("Slack refuses the token: replace SLACK_BOT_TOKEN, and no channel is tried", async () => {
    mockGitHub();
    mockConfigs();
    slack().post("/api/auth.test").reply(200, slackError("invalid_auth"));

    const { code, lines } = await doctor();

    expect(lines).toEqual(
      expect.arrayContaining([
        "✗ Slack refused SLACK_BOT_TOKEN",
        "    Slack rejected SLACK_BOT_TOKEN: replace it with the app's current Bot User OAuth Token (xoxb-…)",
        "… channel checks skipped: they need a Slack token that may post",
      ]),
    );
    expect(lines.filter((line) => / post in /.test(line))).toEqual([]);
    expect(code).toBe(1);
  });

  test("the bot not invited to a route's channel: /invite @threadline", async () => {
    mockGitHub();
    mockConfigs();
    mockAuthTest("chat:write");
    mockChannelProbe("#pull-requests", "C0PULLREQS", POST_AT, "ok");
    mockChannelProbe("C0123456789", "C0123456789", POST_AT, "ok");
    mockChannelProbe("#frontend", "C0FRONTEND", POST_AT, { error: "not_in_channel" });
    mockChannelProbe("#reviews", "C0REVIEWSS", POST_AT, "ok");

    const { code, lines } = await doctor();

    expect(lines).toEqual(
      expect.arrayContaining([
        "✓ can post in C0123456789",
        "✗ cannot post in #frontend: the bot is not a member",
        "    invite the bot: /invite @threadline in #frontend",
        "1 problem, 0 warnings",
      ]),
    );
    expect(code).toBe(1);
  });

  test("chat:write.public granted: a warning, not a problem", async () => {
    mockGitHub();
    mockConfigs();
    mockSlack(ALL_CHANNELS, "chat:write,chat:write.public");

    const { code, lines } = await doctor();

    expect(lines).toEqual(
      expect.arrayContaining([
        "! the token has chat:write.public",
        "    chat:write.public lets anyone who can commit .github/threadline.yml post into any public channel; remove it unless you want that",
        "0 problems, 1 warning",
      ]),
    );
    expect(code).toBe(0);
  });

  test("a key that is not the App's: one fix, then only Slack is checked", async () => {
    githubAsApp().get("/app").reply(401, {
      message: "A JSON web token could not be decoded",
      documentation_url: "https://docs.github.com/rest",
      status: "401",
    });
    mockSlack(["#pull-requests"]);

    const { code, lines } = await doctor();

    expect(lines.slice(0, 4)).toEqual([
      `✗ GitHub refused to authenticate App ${APP_ID} (401: A JSON web token could not be decoded - https://docs.github.com/rest)`,
      `    the private key does not belong to App ${APP_ID} or APP_ID is wrong: download a new key from the App's settings page`,
      "    (General → Private keys) into PRIVATE_KEY or PRIVATE_KEY_PATH, and copy the App ID shown there into APP_ID",
      "… the other GitHub checks are skipped until GET /app succeeds",
    ]);
    expect(code).toBe(1);
  });

  test("a secret that GitHub's answer would echo is masked", async () => {
    mockGitHub({ repositories: ["Hello-World"] });
    // Someone pasted the webhook secret where a channel goes: the config error quotes the value.
    configRead(ORG, "Hello-World").times(2).reply(200, `channel: ${TEST_WEBHOOK_SECRET}\n`, RAW);
    mockSlack(["#pull-requests"]);

    const { lines } = await doctor();

    const at = lines.indexOf("✗ octo-org/Hello-World: .github/threadline.yml is invalid");
    expect(lines[at + 1]).toContain("[redacted]");
  });

  test("--repo checks only the repositories named, and says which the App cannot see", async () => {
    mockGitHub({ repositories: ["Hello-World", "Spoon-Knife", ".github"] });
    configRead(ORG, "Hello-World").reply(200, HELLO_WORLD_CONFIG, RAW);
    mockSlack(["#pull-requests", "C0123456789", "#frontend"]);

    const { code, lines } = await doctor([
      "--repo",
      "octo-org/Hello-World",
      "--repo",
      "octo-org/private-thing",
      "--repo",
      "someone-else/repo",
    ]);

    expect(lines).toEqual(
      expect.arrayContaining([
        "✗ someone-else/repo: the App is not installed on someone-else",
        "    install the App: https://github.com/apps/threadline/installations/new",
        "✗ octo-org/private-thing: the installation on octo-org does not include it (or it does not exist)",
        "✓ octo-org/Hello-World: .github/threadline.yml from octo-org/Hello-World → channels C0123456789, #frontend",
      ]),
    );
    expect(lines.some((line) => line.includes("Spoon-Knife"))).toBe(false);
    expect(code).toBe(1);
  });

  test("more repositories than the cap: the first 20, and how to name the rest", async () => {
    const names = Array.from(
      { length: 23 },
      (_, index) => `service-${String(index + 1).padStart(2, "0")}`,
    );
    mockGitHub({ repositories: names });
    for (const name of names.slice(0, 20)) configRead(ORG, name).reply(404, NOT_FOUND);
    // No file of their own: each falls back to the organisation's .github, which the App cannot see.
    configRead(ORG, ".github").times(20).reply(404, NOT_FOUND);
    mockSlack(["#pull-requests"]);

    const { code, lines } = await doctor();

    expect(lines.filter((line) => line.includes("no config: uses SLACK_CHANNEL"))).toHaveLength(20);
    expect(lines).toContain("✓ octo-org/service-20: no config: uses SLACK_CHANNEL #pull-requests");
    expect(lines).toContain(
      "… and 3 more repositories of octo-org, not checked: name them with --repo octo-org/<name>",
    );
    expect(lines.some((line) => line.includes("service-21"))).toBe(false);
    expect(code).toBe(0);
  });

  test("settings the App would refuse: their problems, and no call to GitHub or Slack", async () => {
    const { code, lines } = await doctor([], {
      ...ENV,
      SLACK_BOT_TOKEN: undefined,
      WEBHOOK_SECRET: undefined,
    });

    expect(lines).toEqual([
      "✗ WEBHOOK_SECRET is not set: use the webhook secret from the GitHub App's settings page (without it anyone could forge deliveries)",
      "✗ SLACK_BOT_TOKEN is not set: install the Slack app and copy its Bot User OAuth Token (xoxb-…)",
      "2 problems, 0 warnings",
    ]);
    expect(code).toBe(1);
  });
});

test("the manifest read at run time is the repository's app.yml", () => {
  const manifest = readAppManifest();
  expect(manifest.permissions).toMatchObject({ metadata: "read", single_file: "read" });
  expect(manifest.events).toContain("issue_comment");
});

import { describe, expect, test } from "@jest/globals";
import { ErrorCode } from "@slack/web-api";
import { appSettingsUrl } from "../../../src/cli/doctor/app-settings-url.js";
import { checkAppPermissions } from "../../../src/cli/doctor/check-app-permissions.js";
import {
  checkAnyInstallation,
  checkInstallation,
  checkOrganizationConfigRepository,
  type InstallationRecord,
} from "../../../src/cli/doctor/check-installation.js";
import {
  checkRepositoryConfig,
  type ConfigOutcome,
} from "../../../src/cli/doctor/check-repository-config.js";
import { checkSlackAuth } from "../../../src/cli/doctor/check-slack-auth.js";
import {
  checkSlackChannel,
  type ChannelProbe,
} from "../../../src/cli/doctor/check-slack-channel.js";
import {
  checkWebhookConfig,
  type WebhookConfig,
  type WebhookExpectations,
} from "../../../src/cli/doctor/check-webhook-config.js";
import {
  checkWebhookDeliveries,
  type DeliveryRecord,
} from "../../../src/cli/doctor/check-webhook-deliveries.js";
import {
  describeAppAccessFailure,
  describeGitHubFailure,
} from "../../../src/cli/doctor/describe-github-failure.js";
import type { DoctorCheck } from "../../../src/cli/doctor/doctor-check.js";
import { formatCheck, formatSummary } from "../../../src/cli/doctor/format-doctor-report.js";
import { parseDoctorArguments } from "../../../src/cli/doctor/parse-doctor-arguments.js";
import { ConfigAccessError } from "../../../src/config/config-access-error.js";
import { ConfigError } from "../../../src/config/config-error.js";
import { configSchema } from "../../../src/config/schema.js";
import { deliveryBody, installationBody } from "./github-answers.js";

/** Each finding as `status: text`, and all their fixes as one text, for short expectations. */
const summary = (checks: DoctorCheck[]) => checks.map(({ status, text }) => `${status}: ${text}`);
const fixes = (checks: DoctorCheck[]) => checks.map((check) => check.fix ?? "").join("\n");

const SETTINGS_URL = "https://github.com/organizations/octo-org/settings/apps/threadline";

describe("appSettingsUrl", () => {
  test.each([
    [
      "an organisation's App",
      {
        slug: "threadline",
        html_url: "https://github.com/apps/threadline",
        owner: { login: "octo-org", type: "Organization" },
      },
      "https://github.com/organizations/octo-org/settings/apps/threadline",
    ],
    [
      "a user's App",
      {
        slug: "threadline-dev",
        html_url: "https://github.com/apps/threadline-dev",
        owner: { login: "octocat", type: "User" },
      },
      "https://github.com/settings/apps/threadline-dev",
    ],
    [
      "an App on GitHub Enterprise Server",
      {
        slug: "threadline",
        html_url: "https://ghe.corp.test/github-apps/threadline",
        owner: { login: "platform", type: "Organization" },
      },
      "https://ghe.corp.test/organizations/platform/settings/apps/threadline",
    ],
  ])("%s", (_, app, expected) => {
    expect(appSettingsUrl(app)).toBe(expected);
  });
});

describe("checkAppPermissions", () => {
  const needed = {
    permissions: { metadata: "read", pull_requests: "read", checks: "write" },
    events: ["issue_comment", "pull_request"],
  };
  test.each([
    [
      "everything app.yml asks for",
      { metadata: "read", pull_requests: "read", checks: "write" },
      ["issue_comment", "pull_request"],
      ["ok: the App has the permissions and events app.yml asks for (3 permissions, 2 events)"],
    ],
    [
      "more access than asked for is enough",
      { metadata: "read", pull_requests: "write", checks: "write", contents: "read" },
      ["pull_request", "issue_comment", "push"],
      ["ok: the App has the permissions and events app.yml asks for (3 permissions, 2 events)"],
    ],
    [
      "a missing permission, a lower one and a missing event",
      { metadata: "read", checks: "read" },
      ["issue_comment"],
      [
        "problem: the App lacks the pull_requests permission (app.yml asks for read)",
        "problem: the App has checks: read, app.yml asks for write",
        "problem: the App is not subscribed to the pull_request event, so GitHub never sends it",
      ],
    ],
  ])("%s", (_, permissions, events, expected) => {
    expect(summary(checkAppPermissions({ permissions, events }, needed, SETTINGS_URL))).toEqual(
      expected,
    );
  });

  test("each fix names the setting as GitHub's page shows it", () => {
    const checks = checkAppPermissions({ permissions: {}, events: [] }, needed, SETTINGS_URL);
    expect(checks.map((check) => check.fix)).toEqual([
      `In the App's settings (${SETTINGS_URL}) → Permissions & events: set Repository permissions → Metadata to "Read-only", and save; each installation's owner then accepts the change`,
      `In the App's settings (${SETTINGS_URL}) → Permissions & events: set Repository permissions → Pull requests to "Read-only", and save; each installation's owner then accepts the change`,
      `In the App's settings (${SETTINGS_URL}) → Permissions & events: set Repository permissions → Checks to "Read and write", and save; each installation's owner then accepts the change`,
      `In the App's settings (${SETTINGS_URL}) → Permissions & events: subscribe to events → "Issue comment", and save`,
      `In the App's settings (${SETTINGS_URL}) → Permissions & events: subscribe to events → "Pull request", and save`,
    ]);
  });
});

/** An Octokit RequestError as thrown for an answer (`response` set) or for none (status 500). */
function githubError(status: number, message: string, answered = true): Error {
  return Object.assign(new Error(message), {
    status,
    ...(answered
      ? { response: { status, url: "https://api.github.com/app", headers: {}, data: {} } }
      : {}),
  });
}

describe("describeAppAccessFailure", () => {
  const API = "https://api.github.com";
  test.each<[string, Error, string, string]>([
    [
      "a key of another App",
      githubError(401, "A JSON web token could not be decoded"),
      "problem: GitHub refused to authenticate App 12345 (401: A JSON web token could not be decoded)",
      "the private key does not belong to App 12345 or APP_ID is wrong",
    ],
    [
      "this machine's clock",
      githubError(401, "'Expiration time' claim ('exp') is too far in the future"),
      "problem: GitHub refused the App's token as issued at the wrong time: 'Expiration time' claim ('exp') is too far in the future",
      "this machine's clock is off",
    ],
    [
      "no answer (Octokit says 500, without a response)",
      githubError(500, "getaddrinfo ENOTFOUND ghe.corp.test", false),
      "problem: could not reach GitHub at https://api.github.com (GET /app): getaddrinfo ENOTFOUND ghe.corp.test",
      "GHE_HOST",
    ],
    [
      "GitHub failing",
      githubError(503, "Service Unavailable"),
      "problem: GitHub answered 503 to GET /app: Service Unavailable",
      "run the doctor again in a moment",
    ],
  ])("%s", (_, error, finding, fix) => {
    const check = describeAppAccessFailure(error, 12345, API);
    expect(summary([check])).toEqual([finding]);
    expect(check.fix).toContain(fix);
  });

  test("other calls: GitHub's status and message", () => {
    const check = describeGitHubFailure("GET /app/hook/config", githubError(404, "Not Found"), "x");
    expect(check.text).toBe("GitHub answered 404 to GET /app/hook/config: Not Found");
  });
});

describe("checkWebhookConfig", () => {
  const expected: WebhookExpectations = {
    webhookPath: "/api/github/webhooks",
    webhookProxyUrl: undefined,
    production: true,
    settingsUrl: SETTINGS_URL,
  };
  const config = (url: string | undefined, contentType = "json"): WebhookConfig => ({
    url,
    content_type: contentType,
    insecure_ssl: "0",
  });
  const SMEE = "https://smee.io/aBcDeFgHiJkLmNoP";

  test.each<[string, WebhookConfig, Partial<WebhookExpectations>, string[]]>([
    [
      "the App's endpoint",
      config("https://threadline.example-corp.dev/api/github/webhooks"),
      {},
      ["ok: webhook URL https://threadline.example-corp.dev/api/github/webhooks"],
    ],
    [
      "behind a reverse proxy's prefix",
      config("https://tools.corp.dev/threadline/api/github/webhooks"),
      {},
      ["ok: webhook URL https://tools.corp.dev/threadline/api/github/webhooks"],
    ],
    [
      "GitHub's documentation example",
      config("https://example.com/webhook"),
      {},
      [
        "problem: the App's webhook URL https://example.com/webhook is a placeholder: GitHub's deliveries go nowhere",
      ],
    ],
    [
      "a placeholder subdomain",
      config("https://hooks.example.org/api/github/webhooks"),
      {},
      [
        "problem: the App's webhook URL https://hooks.example.org/api/github/webhooks is a placeholder: GitHub's deliveries go nowhere",
      ],
    ],
    [
      "another path",
      config("https://threadline.corp.dev/webhooks"),
      {},
      [
        "problem: the App's webhook URL https://threadline.corp.dev/webhooks does not end with /api/github/webhooks, where the App listens (WEBHOOK_PATH)",
      ],
    ],
    [
      "a trailing slash the App's route does not take",
      config("https://threadline.corp.dev/api/github/webhooks/"),
      {},
      [
        "problem: the App's webhook URL https://threadline.corp.dev/api/github/webhooks/ does not end with /api/github/webhooks, where the App listens (WEBHOOK_PATH)",
      ],
    ],
    [
      "a WEBHOOK_PATH of its own",
      config("https://threadline.corp.dev/hooks/github"),
      { webhookPath: "/hooks/github" },
      ["ok: webhook URL https://threadline.corp.dev/hooks/github"],
    ],
    [
      "form-encoded deliveries",
      config("https://threadline.corp.dev/api/github/webhooks", "form"),
      {},
      [
        "ok: webhook URL https://threadline.corp.dev/api/github/webhooks",
        "problem: the App's webhook content type is form: the App reads JSON deliveries only",
      ],
    ],
    [
      "SSL verification off",
      { ...config("https://threadline.corp.dev/api/github/webhooks"), insecure_ssl: "1" },
      {},
      [
        "ok: webhook URL https://threadline.corp.dev/api/github/webhooks",
        "warn: SSL verification is off for the App's webhook: a forged endpoint could read every delivery",
      ],
    ],
    ["no URL at all", config(""), {}, ["problem: the App has no webhook URL"]],
    [
      "a smee.io channel relayed in development",
      config(SMEE),
      { production: false, webhookProxyUrl: SMEE },
      ["ok: webhook URL is the smee.io channel in WEBHOOK_PROXY_URL (development)"],
    ],
    [
      "a smee.io channel in production",
      config(SMEE),
      { webhookProxyUrl: SMEE },
      ["warn: the App's webhook URL is a smee.io channel while NODE_ENV is production"],
    ],
    [
      "a smee.io channel no one relays",
      config(SMEE),
      { production: false },
      [
        "problem: the App's webhook URL is a smee.io channel, but WEBHOOK_PROXY_URL is not set: no delivery reaches the App",
      ],
    ],
  ])("%s", (_, hook, overrides, findings) => {
    expect(summary(checkWebhookConfig(hook, { ...expected, ...overrides }))).toEqual(findings);
  });

  test("the smee warning says why and what to do instead", () => {
    const [check] = checkWebhookConfig(config(SMEE), { ...expected, webhookProxyUrl: SMEE });
    expect(check?.fix).toBe(
      "a smee channel is readable by anyone holding its URL: set the webhook URL to https://<your host>/api/github/webhooks\nand remove WEBHOOK_PROXY_URL",
    );
  });

  test("form-encoded deliveries: choose application/json", () => {
    const checks = checkWebhookConfig(
      config("https://threadline.corp.dev/api/github/webhooks", "form"),
      expected,
    );
    expect(fixes(checks)).toContain("choose application/json");
  });
});

describe("checkWebhookDeliveries", () => {
  const at = (delivery: DeliveryRecord, deliveredAt: string): DeliveryRecord => ({
    ...delivery,
    delivered_at: deliveredAt,
  });
  test.each<[string, DeliveryRecord[], string[], string]>([
    [
      "none yet",
      [],
      ["warn: GitHub has not sent any delivery yet"],
      "comment on a pull request in a repository where the App is installed",
    ],
    [
      "answered 202",
      [deliveryBody(202, "OK")],
      [
        "ok: the last delivery (issue_comment.created, 2024-04-30T16:58:03Z, 0b989ba4-242f-11e5-81e1-c7b6966d2516) was answered 202",
      ],
      "",
    ],
    [
      "the newest counts, whatever the order of the list",
      [
        at(deliveryBody(401), "2024-04-29T10:00:00Z"),
        at(deliveryBody(200), "2024-04-30T10:00:00Z"),
      ],
      [
        "ok: the last delivery (issue_comment.created, 2024-04-30T10:00:00Z, 0b989ba4-242f-11e5-81e1-c7b6966d2516) was answered 200",
      ],
      "",
    ],
    [
      "refused with 401",
      [deliveryBody(401)],
      [
        "problem: the last delivery (issue_comment.created, 2024-04-30T16:58:03Z, 0b989ba4-242f-11e5-81e1-c7b6966d2516) was refused with 401: its signature does not match",
      ],
      "WEBHOOK_SECRET differs from the App's webhook secret",
    ],
    [
      "no HTTP answer at all",
      [deliveryBody(0, "failed to connect to host")],
      [
        "problem: GitHub could not reach the webhook URL for the last delivery (issue_comment.created, 2024-04-30T16:58:03Z, 0b989ba4-242f-11e5-81e1-c7b6966d2516): failed to connect to host",
      ],
      "GitHub could not reach the webhook URL",
    ],
    [
      "answered 502 by a proxy",
      [deliveryBody(502)],
      [
        "problem: the last delivery (issue_comment.created, 2024-04-30T16:58:03Z, 0b989ba4-242f-11e5-81e1-c7b6966d2516) was answered 502 (Invalid HTTP Response: 502)",
      ],
      "Advanced → Recent Deliveries",
    ],
  ])("%s", (_, deliveries, findings, fix) => {
    const checks = checkWebhookDeliveries(deliveries, SETTINGS_URL);
    expect(summary(checks)).toEqual(findings);
    expect(fixes(checks)).toContain(fix);
  });
});

describe("checkInstallation", () => {
  const app = {
    permissions: { metadata: "read", single_file: "read", checks: "write" },
    events: ["issue_comment"],
  };
  const installation = (overrides: Parameters<typeof installationBody>[0]) =>
    installationBody({
      permissions: app.permissions,
      events: app.events,
      ...overrides,
    }) as InstallationRecord;

  test.each<[string, InstallationRecord, string[]]>([
    [
      "accepted, with the path",
      installation({}),
      ["ok: installation on octo-org: permissions accepted, may read .github/threadline.yml"],
    ],
    [
      "the path among several single files",
      installation({
        single_file_name: "config.yml",
        single_file_paths: ["config.yml", ".github/threadline.yml"],
      }),
      ["ok: installation on octo-org: permissions accepted, may read .github/threadline.yml"],
    ],
    [
      "Contents access reads the file without a path",
      installationBody({
        permissions: { ...app.permissions, contents: "read" },
        events: app.events,
        single_file_name: null,
        single_file_paths: [],
      }) as InstallationRecord,
      ["ok: installation on octo-org: permissions accepted, may read .github/threadline.yml"],
    ],
    [
      "no path (as the setup page registers the App)",
      installation({ single_file_name: null, single_file_paths: [] }),
      [
        "problem: the installation on octo-org may not read .github/threadline.yml: its Single file path is not set",
      ],
    ],
    [
      "another path",
      installation({ single_file_name: "threadline.yml" }),
      [
        "problem: the installation on octo-org may not read .github/threadline.yml: its Single file path is threadline.yml",
      ],
    ],
    [
      "a permission and an event not accepted yet",
      installationBody({
        permissions: { metadata: "read", single_file: "read", checks: "read" },
        events: [],
      }) as InstallationRecord,
      [
        "problem: the installation on octo-org has not accepted checks: write, the Issue comment event",
      ],
    ],
    [
      "suspended",
      installation({ suspended_at: "2024-04-20T08:00:00Z" }),
      [
        "problem: the installation on octo-org is suspended (since 2024-04-20T08:00:00Z): GitHub sends nothing for it",
      ],
    ],
  ])("%s", (_, record, findings) => {
    expect(summary(checkInstallation(record, app, SETTINGS_URL))).toEqual(findings);
  });

  test("the Single file fix says where and what, then that the owner accepts", () => {
    const checks = checkInstallation(
      installation({ single_file_name: null, single_file_paths: [] }),
      app,
      SETTINGS_URL,
    );
    expect(checks[0]?.fix).toBe(
      `In the App's settings (${SETTINGS_URL}) → Permissions & events → Repository permissions → Single file: "Read-only",\npath .github/threadline.yml; save, then the owner accepts the change`,
    );
  });

  test("not installed anywhere: the install link", () => {
    expect(checkAnyInstallation(0, "https://github.com/apps/threadline")).toEqual([
      {
        status: "problem",
        text: "the App is not installed anywhere",
        fix: "install the App: https://github.com/apps/threadline/installations/new",
      },
    ]);
    expect(checkAnyInstallation(2, "https://github.com/apps/threadline")).toEqual([]);
  });
});

describe("checkOrganizationConfigRepository", () => {
  const organisation = installationBody() as InstallationRecord;
  const user = {
    ...organisation,
    account: { login: "octocat", type: "User" },
  } as InstallationRecord;
  test.each<[string, InstallationRecord, string[], boolean, string[]]>([
    ["installed on .github", organisation, ["web", ".github"], true, []],
    [
      "not installed on .github",
      organisation,
      ["web", "api"],
      true,
      [
        "warn: an organisation-wide config in octo-org/.github cannot be read: the App is not installed on it",
      ],
    ],
    ["a list cut short cannot tell", organisation, ["web", "api"], false, []],
    ["a user's installation", user, ["web"], true, []],
  ])("%s", (_, installation, names, complete, findings) => {
    expect(summary(checkOrganizationConfigRepository(installation, names, complete))).toEqual(
      findings,
    );
  });
});

describe("checkRepositoryConfig", () => {
  const source = { repository: "octo-org/.github", path: ".github/threadline.yml" };
  const found = (yaml: Record<string, unknown>): ConfigOutcome => ({
    loaded: { status: "found", config: configSchema.parse(yaml), source },
  });
  const invalid = new ConfigError({ repository: "octo-org/web", path: ".github/threadline.yml" }, [
    {
      line: 3,
      field: "routes[0].channel",
      message: '"frontend" is not a Slack channel; use #frontend',
    },
  ]);

  test.each<[string, ConfigOutcome, string | undefined, string, string[]]>([
    [
      "its channel and its routes'",
      found({
        channel: "C0123456789",
        routes: [{ channel: "#frontend", labels: ["ui"] }, { channel: "C0123456789" }],
      }),
      "#pull-requests",
      "ok: octo-org/web: .github/threadline.yml from octo-org/.github → channels C0123456789, #frontend",
      ["C0123456789", "#frontend"],
    ],
    [
      "routes only: the rest goes to SLACK_CHANNEL",
      found({ routes: [{ channel: "#frontend" }] }),
      "#pull-requests",
      "ok: octo-org/web: .github/threadline.yml from octo-org/.github → channels #pull-requests, #frontend",
      ["#pull-requests", "#frontend"],
    ],
    [
      "a config with no channel and no SLACK_CHANNEL",
      found({ threads: false }),
      undefined,
      "warn: octo-org/web: .github/threadline.yml from octo-org/.github names no channel and SLACK_CHANNEL is not set: nothing is posted for it",
      [],
    ],
    [
      "no config: SLACK_CHANNEL",
      { loaded: { status: "missing" } },
      "C0PULLREQS",
      "ok: octo-org/web: no config: uses SLACK_CHANNEL C0PULLREQS",
      ["C0PULLREQS"],
    ],
    [
      "no config and no SLACK_CHANNEL",
      { loaded: { status: "missing" } },
      undefined,
      "warn: octo-org/web: no config and no SLACK_CHANNEL: nothing is posted for it",
      [],
    ],
    [
      "invalid",
      { loaded: { status: "invalid", error: invalid } },
      "#pull-requests",
      "problem: octo-org/web: .github/threadline.yml is invalid",
      [],
    ],
    [
      "refused (403)",
      { thrown: new ConfigAccessError("octo-org/web", undefined) },
      "#pull-requests",
      "problem: octo-org/web: .github/threadline.yml cannot be read",
      [],
    ],
    [
      "GitHub failing",
      { thrown: new Error("could not load .github/threadline.yml for octo-org/web: Server Error") },
      "#pull-requests",
      "problem: octo-org/web: could not load .github/threadline.yml for octo-org/web: Server Error",
      [],
    ],
  ])("%s", (_, outcome, defaultChannel, finding, channels) => {
    const checked = checkRepositoryConfig("octo-org/web", outcome, defaultChannel);
    expect(summary([checked.check])).toEqual([finding]);
    expect(checked.channels).toEqual(channels);
  });

  test("an invalid file's fix is the config error: file, line, field and what to write", () => {
    const { check } = checkRepositoryConfig(
      "octo-org/web",
      { loaded: { status: "invalid", error: invalid } },
      undefined,
    );
    expect(check.fix).toBe(
      'octo-org/web .github/threadline.yml line 3: routes[0].channel: "frontend" is not a Slack channel; use #frontend',
    );
  });

  test("a refusal's fix is ConfigAccessError's, without the note about retried deliveries", () => {
    const shared = new ConfigAccessError("octo-org/.github", "octo-org/web");
    const { check } = checkRepositoryConfig("octo-org/web", { thrown: shared }, undefined, true);
    expect(check.fix).toMatch(
      /^GitHub refused the App access to \.github\/threadline\.yml in octo-org\/\.github/,
    );
    expect(check.fix).toContain("install the App on octo-org/.github too");
    expect(check.fix).not.toContain("This delivery failed");
  });
});

/** An error as @slack/web-api throws it for `{ ok: false, error }`. */
function platformError(error: string): Error {
  return Object.assign(new Error(`An API error occurred: ${error}`), {
    code: ErrorCode.PlatformError,
    data: { ok: false, error },
  });
}

describe("checkSlackAuth", () => {
  const result = (scopes: string[] | undefined) => ({
    result: {
      team: "Octo Org",
      user: "threadline",
      response_metadata: scopes === undefined ? {} : { scopes },
    },
  });

  test.each<[string, Parameters<typeof checkSlackAuth>[0], string[], boolean]>([
    [
      "chat:write",
      result(["chat:write"]),
      ["ok: Slack token works: bot @threadline in Octo Org"],
      true,
    ],
    [
      "chat:write.public as well",
      result(["chat:write", "chat:write.public"]),
      [
        "ok: Slack token works: bot @threadline in Octo Org",
        "warn: the token has chat:write.public",
      ],
      true,
    ],
    [
      "no chat:write",
      result(["channels:read"]),
      [
        "ok: Slack token works: bot @threadline in Octo Org",
        "problem: the token lacks the chat:write scope (it has channels:read): it cannot post",
      ],
      false,
    ],
    [
      "scopes not said",
      result(undefined),
      [
        "ok: Slack token works: bot @threadline in Octo Org",
        "warn: Slack did not say which scopes the token has (no x-oauth-scopes header)",
      ],
      true,
    ],
    [
      "invalid_auth",
      { error: platformError("invalid_auth") },
      ["problem: Slack refused SLACK_BOT_TOKEN"],
      false,
    ],
    [
      "token_revoked",
      { error: platformError("token_revoked") },
      ["problem: Slack refused SLACK_BOT_TOKEN"],
      false,
    ],
  ])("%s", (_, answer, findings, canPost) => {
    const checked = checkSlackAuth(answer);
    expect(summary(checked.checks)).toEqual(findings);
    expect(checked.canPost).toBe(canPost);
  });

  test.each<[string, string[], boolean, string[]]>([
    [
      "answering on, every scope it needs",
      ["chat:write", "channels:history", "groups:history", "users:read"],
      true,
      ["ok: the token may receive thread replies and name their authors"],
    ],
    [
      "answering on, without the reading scopes",
      ["chat:write"],
      true,
      [
        "problem: answering from Slack is on, but the token lacks channels:history, groups:history, users:read: replies are not received or their authors not known",
      ],
    ],
    [
      "answering on, public channels only",
      ["chat:write", "channels:history", "users:read"],
      true,
      ["warn: the token lacks groups:history: replies in private channels are not received"],
    ],
    [
      "answering off, yet the token reads channels",
      ["chat:write", "channels:history", "users:read"],
      false,
      [
        "warn: the token has channels:history, users:read, which only answering from Slack uses, and answering is off (no SLACK_SIGNING_SECRET or SLACK_APP_TOKEN)",
      ],
    ],
  ])("%s", (_, scopes, answering, findings) => {
    const { checks } = checkSlackAuth(result(scopes), answering);
    expect(summary(checks).slice(1)).toEqual(findings);
  });

  test("invalid_auth: replace SLACK_BOT_TOKEN", () => {
    const { checks } = checkSlackAuth({ error: platformError("invalid_auth") });
    expect(checks[0]?.fix).toMatch(/SLACK_BOT_TOKEN: replace it/);
  });
});

describe("checkSlackChannel", () => {
  const scheduled = { id: "Q1298393284", channel: "C0FRONTEND" };
  test.each<[string, ChannelProbe, string[], string]>([
    [
      "posted and deleted",
      { channel: "#frontend", scheduled, deleted: { done: true } },
      ["ok: can post in #frontend"],
      "",
    ],
    [
      "not a member",
      { channel: "#frontend", scheduled: { error: platformError("not_in_channel") } },
      ["problem: cannot post in #frontend: the bot is not a member"],
      "invite the bot: /invite @threadline in #frontend",
    ],
    [
      "no such channel",
      { channel: "#frontnd", scheduled: { error: platformError("channel_not_found") } },
      ["problem: cannot post in #frontnd (channel_not_found)"],
      "Slack cannot find channel #frontnd",
    ],
    [
      "archived",
      { channel: "#old-team", scheduled: { error: platformError("is_archived") } },
      ["problem: cannot post in #old-team (is_archived)"],
      "channel #old-team is archived",
    ],
    [
      "scheduled but not deleted",
      {
        channel: "#frontend",
        scheduled,
        deleted: { error: platformError("invalid_scheduled_message_id") },
      },
      [
        "ok: can post in #frontend",
        "warn: the test message scheduled in #frontend (Q1298393284) could not be deleted (invalid_scheduled_message_id): it will be posted in 7 days",
      ],
      "chat.scheduledMessages.list shows it",
    ],
  ])("%s", (_, probe, findings, fix) => {
    const checks = checkSlackChannel(probe, "threadline");
    expect(summary(checks)).toEqual(findings);
    expect(fixes(checks)).toContain(fix);
  });
});

describe("the report", () => {
  test("a mark per finding, fixes indented below, a count at the end", () => {
    const checks: DoctorCheck[] = [
      { status: "ok", text: "fine" },
      { status: "warn", text: "risky", fix: "do this" },
      { status: "problem", text: "broken", fix: "first\nsecond" },
      { status: "note", text: "skipped" },
    ];
    expect(checks.flatMap(formatCheck)).toEqual([
      "✓ fine",
      "! risky",
      "    do this",
      "✗ broken",
      "    first",
      "    second",
      "… skipped",
    ]);
    expect(formatSummary(checks)).toBe("1 problem, 1 warning");
    expect(formatSummary([])).toBe("0 problems, 0 warnings");
  });
});

describe("parseDoctorArguments", () => {
  test.each<[string, string[], ReturnType<typeof parseDoctorArguments>]>([
    ["nothing", [], { kind: "command", repositories: [] }],
    [
      "repositories, repeated once",
      ["--repo", "octo-org/web", "--repo=octo-org/api", "--repo", "Octo-Org/Web"],
      {
        kind: "command",
        repositories: [
          { owner: "octo-org", repo: "web" },
          { owner: "octo-org", repo: "api" },
        ],
      },
    ],
    ["--help", ["--help"], { kind: "help" }],
    ["-h", ["-h"], { kind: "help" }],
    [
      "not owner/name",
      ["--repo", "web"],
      {
        kind: "usage-error",
        message: 'doctor: --repo "web" is not owner/name. Run "threadline doctor --help" for usage',
      },
    ],
    [
      "a bare argument",
      ["octo-org/web"],
      {
        kind: "usage-error",
        message:
          'doctor takes no arguments, got "octo-org/web" (name repositories with --repo owner/name). Run "threadline doctor --help" for usage',
      },
    ],
  ])("%s", (_, argv, expected) => {
    expect(parseDoctorArguments(argv)).toEqual(expected);
  });

  test("an unknown option is a usage error naming it", () => {
    const parsed = parseDoctorArguments(["--repos", "octo-org/web"]);
    expect(parsed).toMatchObject({ kind: "usage-error" });
    expect(parsed.kind === "usage-error" && parsed.message).toMatch(/--repos/);
  });
});

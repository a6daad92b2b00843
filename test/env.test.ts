import { describe, expect, test } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { needsAppSetup, readSettings, secretsOf, SettingsError } from "../src/env.js";
import { createLogger } from "../src/log/create-logger.js";
import { TEST_PRIVATE_KEY } from "./helpers/start-test-app.js";

const COMPLETE = {
  APP_ID: "12345",
  PRIVATE_KEY: TEST_PRIVATE_KEY,
  WEBHOOK_SECRET: "s3cret-value",
  SLACK_BOT_TOKEN: "xoxb-1-2-abc",
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  return problemsOf.withText(env, undefined);
}
/** The problems found when the environment came from a .env file with this text. */
problemsOf.withText = (env: NodeJS.ProcessEnv, dotenvText: string | undefined): string[] => {
  try {
    readSettings(env, dotenvText === undefined ? {} : { dotenvText });
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
};

describe("readSettings", () => {
  test("a complete environment gets the documented defaults", () => {
    expect(readSettings(COMPLETE)).toMatchObject({
      appId: 12345,
      port: 3000,
      host: "localhost",
      logLevel: "info",
      logFormat: "pretty",
      githubApiUrl: "https://api.github.com",
      slackApiUrl: "https://slack.com/api/",
      defaultChannel: undefined,
      previousWebhookSecret: undefined,
      maxWebhookBytes: 5 * 1024 * 1024,
    });
  });

  test.each([
    ["WEBHOOK_SECRET", /WEBHOOK_SECRET is not set/],
    ["SLACK_BOT_TOKEN", /SLACK_BOT_TOKEN is not set/],
    ["APP_ID", /APP_ID is not set/],
    ["PRIVATE_KEY", /PRIVATE_KEY or PRIVATE_KEY_PATH is not set/],
  ])("without %s it refuses to start and names the variable", (name, expected) => {
    const env: NodeJS.ProcessEnv = { ...COMPLETE, [name]: undefined };
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  test("every problem is listed at once, not one per attempt", () => {
    const env: Record<string, string> = { APP_ID: "12345", PORT: "eighty", LOG_LEVEL: "loud" };
    expect(problemsOf(env)).toHaveLength(5);
  });

  test("a key that is not a PEM is refused without echoing it", () => {
    const problems = problemsOf({ ...COMPLETE, PRIVATE_KEY: "not-a-key-but-secret-text" });
    expect(problems.join("\n")).toMatch(/does not hold a PEM private key/);
    expect(problems.join("\n")).not.toContain("not-a-key-but-secret-text");
  });

  test("GitHub Enterprise Server and Slack URLs are derived from their variables", () => {
    const settings = readSettings({
      ...COMPLETE,
      GHE_HOST: "github.example.com",
      SLACK_API_URL: "http://127.0.0.1:9999/api",
      WEBHOOK_SECRET_PREVIOUS: "old",
      SLACK_CHANNEL: "C0DEFAULT01",
      NODE_ENV: "production",
    });
    expect(settings.githubApiUrl).toBe("https://github.example.com/api/v3");
    expect(settings.slackApiUrl).toBe("http://127.0.0.1:9999/api/");
    expect(settings.previousWebhookSecret).toBe("old");
    expect(settings.defaultChannel).toBe("C0DEFAULT01");
    expect(settings.logFormat).toBe("json");
  });

  test("a claim's lease must outlast a few Slack calls, so a live replica's post is never taken over", () => {
    expect(readSettings(COMPLETE).claimLeaseMs).toBe(60_000);
    expect(
      readSettings({ ...COMPLETE, SLACK_TIMEOUT_MS: "1000", CLAIM_LEASE_MS: "3000" }),
    ).toMatchObject({ slackTimeoutMs: 1_000, claimLeaseMs: 3_000 });
    expect(problemsOf({ ...COMPLETE, CLAIM_LEASE_MS: "20000" })).toEqual([
      "CLAIM_LEASE_MS (20000) must be at least three times SLACK_TIMEOUT_MS (10000): a post can take a few Slack calls, and a claim that expires mid-send lets another replica send it twice",
    ]);
  });

  test.each([
    [undefined, 1_000],
    ["50", 50],
  ])("WEBHOOK_MAX_CONNECTIONS=%s bounds the public port at %d connections", (raw, bound) => {
    expect(readSettings({ ...COMPLETE, WEBHOOK_MAX_CONNECTIONS: raw }).webhookMaxConnections).toBe(
      bound,
    );
  });

  test.each([
    ["0", /^WEBHOOK_MAX_CONNECTIONS must be at least 1, got "0": it bounds/],
    ["many", /^WEBHOOK_MAX_CONNECTIONS must be a whole number of at least 0, got "many"/],
  ])("WEBHOOK_MAX_CONNECTIONS=%s is refused with the reason", (raw, problem) => {
    expect(problemsOf({ ...COMPLETE, WEBHOOK_MAX_CONNECTIONS: raw })).toEqual([
      expect.stringMatching(problem),
    ]);
  });

  test("the database password counts as a secret, as written in the URL and decoded", () => {
    const settings = readSettings({
      ...COMPLETE,
      DATABASE_URL: "postgres://threadline:p%40ss%2Fword@db:5432/threadline",
    });
    expect(secretsOf(settings)).toEqual(expect.arrayContaining(["p%40ss%2Fword", "p@ss/word"]));
    expect(secretsOf(readSettings(COMPLETE))).toHaveLength(3);
  });

  test("the setup flow runs only before the App exists, and never in production", () => {
    expect(needsAppSetup({})).toBe(true);
    expect(needsAppSetup({ NODE_ENV: "production" })).toBe(false);
    expect(needsAppSetup({ APP_ID: "1" })).toBe(false);
  });
});

describe("what a new admin's .env and docker run hand the App", () => {
  /** The line Probot's setup writes: the PEM in double quotes, newlines escaped. */
  const setupWritten = `"${TEST_PRIVATE_KEY.replace(/\n/g, "\\n")}"`;

  test.each([
    ["as `docker run --env-file` passes it, outer quotes kept", setupWritten],
    ["in single quotes", `'${TEST_PRIVATE_KEY.replace(/\n/g, "\\n")}'`],
    ["as dotenv passes it, quotes removed and newlines restored", TEST_PRIVATE_KEY],
  ])("PRIVATE_KEY %s is the same key", (_how, value) => {
    expect(readSettings({ ...COMPLETE, PRIVATE_KEY: value }).privateKey.trim()).toBe(
      TEST_PRIVATE_KEY.trim(),
    );
  });

  test("a damaged key stops the start, rather than every GitHub call failing later", () => {
    const lines = TEST_PRIVATE_KEY.split("\n");
    lines[3] = lines[3]!.replace(/[A-Za-z]/g, "A").slice(0, 20);
    const problems = problemsOf({ ...COMPLETE, PRIVATE_KEY: lines.join("\n") });
    expect(problems).toEqual([
      expect.stringMatching(/^PRIVATE_KEY does not hold a PEM private key/),
    ]);
    expect(problems.join("")).toContain("PRIVATE_KEY_PATH");
  });

  test.each([
    ["C0123456789", undefined],
    ["#pull-requests", undefined],
    ["general", /SLACK_CHANNEL "general" is not a Slack channel: use the channel's ID/],
    ["#Général", /SLACK_CHANNEL "#Général" is not a Slack channel/],
  ])("SLACK_CHANNEL=%s is checked with the config file's rule", (channel, expected) => {
    const problems = problemsOf({ ...COMPLETE, SLACK_CHANNEL: channel });
    if (expected) expect(problems).toEqual([expect.stringMatching(expected)]);
    else expect(problems).toEqual([]);
  });

  test("an unquoted #channel in .env, which dotenv reads as a comment, is named with the fix", () => {
    // What dotenv made of the line: nothing.
    const problems = problemsOf.withText(
      { ...COMPLETE, SLACK_CHANNEL: "" },
      '# Slack\nSLACK_BOT_TOKEN=xoxb-1-2-abc\nSLACK_CHANNEL=#prs\nOTHER="#quoted" # fine\n',
    );
    expect(problems).toEqual([
      'SLACK_CHANNEL=#prs in .env is read as a comment (an unquoted # starts one), so SLACK_CHANNEL is empty: quote it, SLACK_CHANNEL="#prs"',
    ]);
  });

  test.each([
    ["xoxb-", /not a bot token .*placeholder/],
    ["xoxb-…", /not a bot token/],
    ["xoxp-1-2-3-abc", /is a user token \(xoxp-…\)/],
    ["xapp-1-A1-2-abc", /is an app-level token/],
  ])("SLACK_BOT_TOKEN=%s is refused without being echoed", (token, expected) => {
    const problems = problemsOf({ ...COMPLETE, SLACK_BOT_TOKEN: token });
    expect(problems).toEqual([expect.stringMatching(expected)]);
    if (token.length > 8) expect(problems.join("")).not.toContain(token);
  });

  test("the setup's OAuth client secret and PGPASSWORD are masked in every log line", async () => {
    const settings = readSettings({
      ...COMPLETE,
      GITHUB_CLIENT_ID: "Iv23liclientid",
      GITHUB_CLIENT_SECRET: "0123456789abcdef0123456789abcdef01234567",
      PGPASSWORD: "pg-pass-from-env",
    });
    const lines: string[] = [];
    const log = await createLogger({
      level: "info",
      format: "json",
      secrets: secretsOf(settings),
      destination: { write: (line: string) => lines.push(line) },
    });
    log.error(
      { err: new Error("client 0123456789abcdef0123456789abcdef01234567 refused") },
      "login with pg-pass-from-env failed",
    );
    expect(lines.join("")).not.toContain("0123456789abcdef0123456789abcdef01234567");
    expect(lines.join("")).not.toContain("pg-pass-from-env");
    expect(lines.join("")).toContain("[redacted]");
  });

  test("Probot's logging variables read as Probot reads them; ones threadline ignores are named", () => {
    expect(readSettings({ ...COMPLETE, LOG_FORMAT: "json" }).logFormat).toBe("json");
    expect(
      readSettings({ ...COMPLETE, LOG_FORMAT: "pretty", NODE_ENV: "production" }).logFormat,
    ).toBe("pretty");
    expect(problemsOf({ ...COMPLETE, LOG_FORMAT: "yaml" } as unknown as NodeJS.ProcessEnv)).toEqual(
      ['LOG_FORMAT must be pretty or json, got "yaml"'],
    );
    expect(
      readSettings({ ...COMPLETE, LOG_LEVEL_IN_STRING: "true", LOG_MESSAGE_KEY: "message" }),
    ).toMatchObject({ logLevelInString: true, logMessageKey: "message" });
    expect(readSettings({ ...COMPLETE, WEBHOOK_PATH: "/hooks/github" }).webhookPath).toBe(
      "/hooks/github",
    );
    expect(
      readSettings({ ...COMPLETE, SENTRY_DSN: "https://k@o1.ingest.sentry.io/1" }).warnings,
    ).toEqual([
      expect.stringMatching(/^SENTRY_DSN is set but threadline does not report to Sentry/),
    ]);
    expect(readSettings(COMPLETE).warnings).toEqual([]);
  });

  test("APP_ID 0 is refused, as the command line refuses it", () => {
    expect(problemsOf({ ...COMPLETE, APP_ID: "0" })).toEqual([
      'APP_ID must be the GitHub App\'s numeric id, got "0"',
    ]);
  });

  test("the operator port must not be the public one", () => {
    expect(problemsOf({ ...COMPLETE, PORT: "8080", METRICS_PORT: "8080" })).toEqual([
      "METRICS_PORT (8080) must differ from PORT: the operator routes are kept off the public webhook port",
    ]);
  });
});

describe("posting as themselves (linking GitHub accounts)", () => {
  const KEY_BASE64 = "q3Vb0mY9dC4o1wQ6mV8xZ2kP7sT5rN0eB4hJ9uL2fG8=";
  const LINKING = {
    ...COMPLETE,
    SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99eeefff85a5",
    GITHUB_CLIENT_ID: "Iv23liclientid",
    GITHUB_CLIENT_SECRET: "0123456789abcdef0123456789abcdef01234567",
    THREADLINE_TOKEN_KEY: KEY_BASE64,
    PUBLIC_URL: "https://threadline.example.com/",
  };

  test("every variable set, with answering from Slack on: on, with the callback under PUBLIC_URL", () => {
    const settings = readSettings(LINKING);
    expect(settings.linking).toEqual({
      clientId: "Iv23liclientid",
      clientSecret: "0123456789abcdef0123456789abcdef01234567",
      tokenKey: Buffer.from(KEY_BASE64, "base64"),
      publicUrl: "https://threadline.example.com",
      callbackUrl: "https://threadline.example.com/api/github/oauth/callback",
    });
    expect(settings.githubWebUrl).toBe("https://github.com");
    expect(
      readSettings({
        ...LINKING,
        SLACK_SIGNING_SECRET: undefined,
        SLACK_APP_TOKEN: "xapp-1-A0-1-abc0",
      }).linking,
    ).toBeDefined();
  });

  test("the client id and secret alone, as Probot's setup writes them, leave linking off", () => {
    const settings = readSettings({
      ...LINKING,
      THREADLINE_TOKEN_KEY: undefined,
      PUBLIC_URL: undefined,
    });
    expect(settings.linking).toBe(undefined);
    expect(readSettings(COMPLETE).linking).toBe(undefined);
  });

  test.each([
    ["64 hex digits", "ab".repeat(32)],
    ["base64", KEY_BASE64],
    ["base64 without padding", KEY_BASE64.slice(0, -1)],
    ["URL-safe base64", Buffer.from("fb".repeat(32), "hex").toString("base64url")],
  ])("THREADLINE_TOKEN_KEY in %s is 32 bytes", (_name, key) => {
    expect(readSettings({ ...LINKING, THREADLINE_TOKEN_KEY: key }).linking?.tokenKey).toHaveLength(
      32,
    );
  });

  test("the key missing while the rest is set: refused, saying how to make one", () => {
    expect(problemsOf({ ...LINKING, THREADLINE_TOKEN_KEY: undefined })).toEqual([
      "linking GitHub accounts (post as themselves) needs THREADLINE_TOKEN_KEY, 32 random bytes that encrypt people's GitHub tokens at rest: make one with `openssl rand -base64 32`, or unset PUBLIC_URL to leave linking off",
    ]);
  });

  test.each([
    ["too short", "c2hvcnQ="],
    ["a passphrase", "correct horse battery staple but longer than that"],
    ["48 bytes of base64", Buffer.alloc(48, 7).toString("base64")],
  ])("a key that is %s is refused without being echoed", (_name, key) => {
    const problems = problemsOf({ ...LINKING, THREADLINE_TOKEN_KEY: key });
    expect(problems).toEqual([
      "THREADLINE_TOKEN_KEY must be 32 random bytes in base64 (44 characters) or hex (64 digits): make one with `openssl rand -base64 32`",
    ]);
    expect(problems.join("")).not.toContain(key);
  });

  test("each missing variable is named, with where to find it", () => {
    const problems = problemsOf({
      ...COMPLETE,
      THREADLINE_TOKEN_KEY: KEY_BASE64,
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^linking GitHub accounts needs PUBLIC_URL, the App's public https base URL/,
      ),
      expect.stringMatching(
        /^linking GitHub accounts needs GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET: copy the Client ID/,
      ),
      expect.stringMatching(
        /^linking GitHub accounts posts people's Slack replies as themselves, so answering from Slack must be on: set SLACK_SIGNING_SECRET/,
      ),
    ]);
    expect(problemsOf({ ...LINKING, GITHUB_CLIENT_SECRET: undefined })).toEqual([
      expect.stringMatching(/^linking GitHub accounts needs GITHUB_CLIENT_SECRET:/),
    ]);
  });

  test.each([
    ["http on a public host", "http://threadline.example.com", /must be an https:\/\/ URL/],
    ["not a URL", "threadline.example.com", /PUBLIC_URL is not a URL/],
    ["with a query", "https://threadline.example.com/?a=1", /plain base URL/],
  ])("PUBLIC_URL %s is refused", (_name, url, expected) => {
    expect(problemsOf({ ...LINKING, PUBLIC_URL: url })).toEqual([expect.stringMatching(expected)]);
  });

  test("PUBLIC_URL may be plain http on this machine, and have a path", () => {
    expect(
      readSettings({ ...LINKING, PUBLIC_URL: "http://127.0.0.1:3000" }).linking?.callbackUrl,
    ).toBe("http://127.0.0.1:3000/api/github/oauth/callback");
    expect(
      readSettings({ ...LINKING, PUBLIC_URL: "https://example.com/threadline/" }).linking
        ?.callbackUrl,
    ).toBe("https://example.com/threadline/api/github/oauth/callback");
  });

  test("GitHub Enterprise Server: OAuth at the host's root, the API under /api/v3", () => {
    const settings = readSettings({
      ...LINKING,
      GHE_HOST: "github.example.com",
      GHE_PROTOCOL: "http",
    });
    expect(settings.githubWebUrl).toBe("http://github.example.com");
    expect(settings.githubApiUrl).toBe("http://github.example.com/api/v3");
  });

  test("the client secret and the key, in any encoding, are masked in every log line", async () => {
    const settings = readSettings(LINKING);
    const key = Buffer.from(KEY_BASE64, "base64");
    const lines: string[] = [];
    const log = await createLogger({
      level: "info",
      format: "json",
      secrets: secretsOf(settings),
      destination: { write: (line: string) => lines.push(line) },
    });
    log.error(
      { key: KEY_BASE64, hex: key.toString("hex"), url: key.toString("base64url") },
      `client secret ${LINKING.GITHUB_CLIENT_SECRET} and a user token ghu_16C7e42F292c6912E7710c838347Ae178B4a`,
    );
    const written = lines.join("");
    expect(written).not.toContain(KEY_BASE64);
    expect(written).not.toContain(key.toString("hex"));
    expect(written).not.toContain(key.toString("base64url"));
    expect(written).not.toContain(LINKING.GITHUB_CLIENT_SECRET);
    expect(written).not.toContain("ghu_16C7e42F292c6912E7710c838347Ae178B4a");
    expect(written).toContain("ghu_[redacted]");
  });
});

describe("starting the process", () => {
  test("without WEBHOOK_SECRET, `node lib/main.js` exits 1 naming the variable and no secret", () => {
    const main = fileURLToPath(new URL("../lib/main.js", import.meta.url));
    const result = spawnSync(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        APP_ID: "12345",
        PRIVATE_KEY: TEST_PRIVATE_KEY,
        SLACK_BOT_TOKEN: "xoxb-1-2-abc",
        PORT: "0",
      },
      // Away from any developer .env, which the App would load.
      cwd: tmpdir(),
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/WEBHOOK_SECRET is not set/);
    expect(result.stderr + result.stdout).not.toContain("xoxb-1-2-abc");
    expect(result.stderr + result.stdout).not.toContain(TEST_PRIVATE_KEY.split("\n")[1]!);
  });
});

import { describe, expect, test } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { needsAppSetup, readSettings, secretsOf, SettingsError } from "../src/env.js";
import { TEST_PRIVATE_KEY } from "./helpers/start-test-app.js";

const COMPLETE = {
  APP_ID: "12345",
  PRIVATE_KEY: TEST_PRIVATE_KEY,
  WEBHOOK_SECRET: "s3cret-value",
  SLACK_BOT_TOKEN: "xoxb-1-2-abc",
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    readSettings(env);
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
}

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

/**
 * The first run, as a new admin meets it: Probot's setup page builds the GitHub App's manifest
 * from app.yml (Probot's own ManifestCreation.getManifest, reached through the real page), GitHub
 * turns the code it hands back into credentials, and they are written to .env. Checked here: the
 * webhook URL GitHub is given is the smee channel, not a placeholder from app.yml; the manifest
 * holds only keys GitHub reads; and what lands in .env starts the App, through dotenv and through
 * `docker run --env-file` alike.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseDotenv } from "dotenv";
import nock from "nock";
import pino from "pino";
import type { Server } from "probot";
import { parse as parseYaml } from "yaml";
import { readSettings } from "../../src/env.js";
import { startSetupFlow } from "../../src/setup/start-setup-flow.js";
import { freePort } from "../helpers/spawn-app.js";
import { TEST_PRIVATE_KEY } from "../helpers/start-test-app.js";
import { useStrictNock } from "../helpers/strict-nock.js";
import { checkManifestAsGitHubDoes } from "../helpers/github-manifest-rules.js";

const ROOT = new URL("../../", import.meta.url);
/** Variables the setup reads from, and writes to, the process environment. */
const TOUCHED = [
  "WEBHOOK_PROXY_URL",
  "APP_ID",
  "PRIVATE_KEY",
  "WEBHOOK_SECRET",
  "GITHUB_CLIENT_ID",
  "GITHUB_CLIENT_SECRET",
  "GH_ORG",
  "PROJECT_DOMAIN",
  "NO_SMEE_SETUP",
];

let directory: string;
let cwd: string;
let saved: Record<string, string | undefined>;
let server: Server | undefined;

useStrictNock({ allowLocal: true });

beforeEach(() => {
  // The page reads app.yml and package.json from the working directory and writes .env there.
  directory = mkdtempSync(join(tmpdir(), "threadline-setup-"));
  copyFileSync(new URL("app.yml", ROOT), join(directory, "app.yml"));
  copyFileSync(new URL("package.json", ROOT), join(directory, "package.json"));
  cwd = process.cwd();
  process.chdir(directory);
  saved = Object.fromEntries(TOUCHED.map((name) => [name, process.env[name]]));
  for (const name of TOUCHED) delete process.env[name];
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
  process.chdir(cwd);
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(directory, { recursive: true, force: true });
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

async function startSetup(smeeChannels: string[] = []) {
  const port = await freePort();
  const created: string[] = [];
  server = await startSetupFlow({
    envPath: join(directory, ".env"),
    env: { PORT: String(port), HOST: "127.0.0.1" },
    log: pino({ level: "silent" }),
    SmeeClient: {
      async createChannel() {
        const channel = smeeChannels.shift();
        if (channel) created.push(channel);
        return channel;
      },
    },
  });
  return { url: `http://127.0.0.1:${port}`, created };
}

/** The manifest the page POSTs to GitHub, as its "Register GitHub App" button carries it. */
async function manifestOf(url: string): Promise<Record<string, unknown>> {
  const page = await (await fetch(`${url}/probot`)).text();
  const value = /name="manifest" id="manifest" value='([^']*)'/.exec(page)?.[1];
  expect(value).toBeDefined();
  return JSON.parse(value!) as Record<string, unknown>;
}

describe("the manifest the setup page registers", () => {
  test("sends deliveries to the new smee channel, not to a URL from app.yml", async () => {
    const { url, created } = await startSetup(["https://smee.io/new-channel-abc"]);

    const manifest = await manifestOf(url);

    expect(created).toEqual(["https://smee.io/new-channel-abc"]);
    expect(manifest.hook_attributes).toEqual({ url: "https://smee.io/new-channel-abc" });
    expect(manifest.redirect_url).toBe(`${url}/probot/setup`);
    expect(JSON.stringify(manifest)).not.toContain("example.com");
  });

  test("follows WEBHOOK_PROXY_URL when one is already set", async () => {
    process.env.WEBHOOK_PROXY_URL = "https://smee.io/preset-channel";
    const { url, created } = await startSetup(["https://smee.io/never-made"]);

    const manifest = await manifestOf(url);

    expect(created).toEqual([]);
    expect(manifest.hook_attributes).toEqual({ url: "https://smee.io/preset-channel" });
  });

  test("asks for exactly app.yml's permissions and events, with keys GitHub reads", async () => {
    const { url } = await startSetup(["https://smee.io/c"]);

    const manifest = await manifestOf(url);
    const appYml = parseYaml(readFileSync(new URL("app.yml", ROOT), "utf8")) as Record<
      string,
      unknown
    >;

    expect(manifest.default_permissions).toEqual(appYml.default_permissions);
    expect(manifest.default_events).toEqual(appYml.default_events);
    expect(manifest.public).toBe(false);
    expect(checkManifestAsGitHubDoes(manifest)).toEqual([]);
  });

  test("a manifest with a webhook URL or a single-file path in app.yml is what GitHub would misread", () => {
    expect(
      checkManifestAsGitHubDoes({
        name: "x",
        url: "https://github.com/",
        hook_attributes: { url: "https://example.com/api/github/webhooks" },
        single_file_name: ".github/threadline.yml",
        default_permissions: { metadata: "read", single_file: "read" },
        default_events: ["issue_comment"],
      }),
    ).toEqual([
      "single_file_name is not a manifest key: GitHub ignores it",
      "issue_comment needs the issues permission, which the manifest does not ask for",
    ]);
  });

  test("GH_ORG registers the App under the organisation", async () => {
    process.env.GH_ORG = "acme";
    const { url } = await startSetup(["https://smee.io/c"]);

    const page = await (await fetch(`${url}/probot`)).text();

    expect(page).toContain('action="https://github.com/organizations/acme/settings/apps/new"');
  });
});

describe("after GitHub registers the App", () => {
  test("the credentials land in .env beside the admin's comments, and start the App through dotenv and docker --env-file", async () => {
    writeFileSync(
      join(directory, ".env"),
      '# Slack\nSLACK_BOT_TOKEN=xoxb-1-2-abc\n# our channel\nSLACK_CHANNEL="#pull-requests"\nAPP_ID=\n',
    );
    const { url } = await startSetup(["https://smee.io/setup-channel"]);
    await manifestOf(url);
    const conversion = nock("https://api.github.com")
      .post("/app-manifests/code-from-github/conversions")
      .reply(201, {
        id: 4242,
        slug: "threadline-acme",
        name: "threadline",
        html_url: "https://github.com/apps/threadline-acme",
        client_id: "Iv23liABCDEF",
        client_secret: "client-secret-0123456789abcdef",
        webhook_secret: "webhook-secret-from-github",
        pem: TEST_PRIVATE_KEY,
      });

    const answer = await fetch(`${url}/probot/setup?code=code-from-github`, { redirect: "manual" });

    expect(conversion.isDone()).toBe(true);
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe(
      "https://github.com/apps/threadline-acme/installations/new",
    );
    const text = readFileSync(join(directory, ".env"), "utf8");
    // The admin's lines stay where they were; APP_ID is filled in place.
    expect(text.split("\n").slice(0, 5)).toEqual([
      "# Slack",
      "SLACK_BOT_TOKEN=xoxb-1-2-abc",
      "# our channel",
      'SLACK_CHANNEL="#pull-requests"',
      "APP_ID=4242",
    ]);
    expect(text).toMatch(/^# Written by the GitHub App setup on \d{4}-\d{2}-\d{2}/m);
    expect(statSync(join(directory, ".env")).mode & 0o077).toBe(0);

    // `npm start`: dotenv reads the file.
    const viaDotenv = readSettings(parseDotenv(text), { dotenvText: text });
    expect(viaDotenv).toMatchObject({
      appId: 4242,
      webhookSecret: "webhook-secret-from-github",
      defaultChannel: "#pull-requests",
      webhookProxyUrl: "https://smee.io/setup-channel",
    });
    expect(viaDotenv.privateKey.trim()).toBe(TEST_PRIVATE_KEY.trim());
    expect(viaDotenv.otherSecrets).toContain("client-secret-0123456789abcdef");

    // `docker run --env-file .env`: every line taken literally, quotes and \n escapes kept.
    const viaDocker = Object.fromEntries(
      text
        .split("\n")
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(viaDocker.PRIVATE_KEY).toMatch(/^"-----BEGIN PRIVATE KEY-----\\n/);
    expect(readSettings(viaDocker).privateKey.trim()).toBe(TEST_PRIVATE_KEY.trim());
  });
});

// @ts-check
/**
 * The built App (lib/) started in this process for the picture scripts, as in
 * test/e2e/conversations.test.ts: real webhook endpoint and signature check, real outbox and
 * review grouping, @slack/web-api's real HTTP path, and (with `slackSigningSecret`) the real Slack
 * events endpoint. It talks only to the tests' own fakes on 127.0.0.1: GitHub
 * (test/helpers/fake-github-server.js) and Slack (test/helpers/fake-slack.js); nock refuses
 * every other connection while it runs.
 *
 * Run `npm run build` first: this imports the App from lib/, not src/.
 */
import { generateKeyPairSync } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { startFakeGitHubServer } from "../test/helpers/fake-github-server.js";
import { startFakeSlack } from "../test/helpers/fake-slack.js";

/** @typedef {import("../test/helpers/fake-slack.js").FakeSlack} FakeSlack */
/** @typedef {import("../test/helpers/fake-slack.js").FakeSlackOptions} FakeSlackOptions */
/** @typedef {import("../test/helpers/fake-github-server.js").FakeGitHubServer} FakeGitHubServer */
/** @typedef {import("../test/helpers/fake-github-server.js").FakeGitHubOptions} FakeGitHubOptions */

/**
 * @typedef {object} PictureAppOptions
 * @property {Record<string, string>} configs `owner/repo` -> its `.github/threadline.yml`.
 * @property {FakeSlackOptions} [slack] How the fake Slack is started (its members, its scopes).
 * @property {FakeGitHubOptions} [github] How the fake GitHub is started (its permissions).
 * @property {string} [slackSigningSecret] Set: Slack's events are received at `/api/slack/events`.
 * @property {Record<string, string>} [env] More of the App's environment (REVIEW_WAIT_MS, …).
 */

/**
 * @typedef {object} PictureApp
 * @property {string} url The App's public root, `http://127.0.0.1:<port>`.
 * @property {FakeSlack} slack
 * @property {FakeGitHubServer} github
 * @property {(event: string, payload: unknown) => Promise<void>} deliver Sends a GitHub delivery,
 *   signed as GitHub signs it; throws unless it is answered 200.
 * @property {() => Promise<void>} settled Resolves once the outbox has nothing waiting or sending.
 * @property {() => Promise<void>} close Stops the App and the fakes; lets the network out again.
 * @property {() => void} assertClean Prints what the App warned about, and throws if it asked
 *   GitHub for anything the fake does not have or Slack refused any of its calls.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/**
 * The built App's module at `path` (under lib/), typed as its source in src/.
 * @template T
 * @param {string} path
 * @returns {Promise<T>}
 */
const lib = (path) => import(join(ROOT, "lib", path));

/** The GitHub webhook secret of the picture runs. */
const WEBHOOK_SECRET = "picture-webhook-secret";

/**
 * Starts the fakes and the App against them.
 * @param {PictureAppOptions} options
 * @returns {Promise<PictureApp>}
 */
export async function startPictureApp(options) {
  /** @type {typeof import("../src/env.js")} */
  const { readSettings } = await lib("env.js");
  /** @type {typeof import("../src/log/create-logger.js")} */
  const { createLogger } = await lib("log/create-logger.js");
  /** @type {typeof import("../src/start-app.js")} */
  const { startApp } = await lib("start-app.js");
  /** @type {typeof import("../src/server/verify-signature.js")} */
  const { signBody } = await lib("server/verify-signature.js");

  // Nothing leaves the machine: the App talks to the fakes on 127.0.0.1 only.
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  const github = await startFakeGitHubServer(options.configs, options.github);
  const slack = await startFakeSlack(options.slack);
  const settings = readSettings({
    APP_ID: "12345",
    PRIVATE_KEY: generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    }).privateKey,
    WEBHOOK_SECRET,
    SLACK_BOT_TOKEN: "xoxb-picture-not-a-real-token",
    SLACK_API_URL: slack.url,
    ...(options.slackSigningSecret ? { SLACK_SIGNING_SECRET: options.slackSigningSecret } : {}),
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    DATABASE_URL: "sqlite::memory:",
    ORDER_WINDOW_MS: "0",
    REDELIVERY_SWEEP_HOURS: "0",
    PORT: "0",
    HOST: "127.0.0.1",
    METRICS_PORT: "0",
    METRICS_HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    LOG_FORMAT: "json",
    ...options.env,
  });
  /** @type {string[]} */
  const warnings = [];
  const log = await createLogger({
    level: "warn",
    format: "json",
    secrets: [],
    destination: { write: (/** @type {string} */ line) => warnings.push(line) },
  });
  const app = await startApp(settings, log, { pollIntervalMs: 20 });

  let deliveryNumber = 0;
  /** @param {string} event @param {unknown} payload */
  const deliver = async (event, payload) => {
    const body = JSON.stringify(payload);
    deliveryNumber += 1;
    const response = await fetch(`${app.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": `picture-${deliveryNumber}`,
        "x-hub-signature-256": signBody(body, WEBHOOK_SECRET),
        "user-agent": "GitHub-Hookshot/picture",
      },
      body,
    });
    if (response.status !== 200) throw new Error(`${event}: HTTP ${response.status}`);
  };
  /** Posts waiting or being sent, as the App's operator endpoint (`/metrics`) reports them. */
  const unsettled = async () => {
    const metrics = await (await fetch(`${app.operatorUrl}/metrics`)).text();
    let left = 0;
    for (const status of ["pending", "sending"]) {
      const line = new RegExp(`^threadline_outbox_posts\\{status="${status}"\\} (\\d+)$`, "m");
      const count = line.exec(metrics)?.[1];
      if (count === undefined)
        throw new Error(`/metrics has no threadline_outbox_posts{status="${status}"}`);
      left += Number(count);
    }
    return left;
  };
  const settled = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const left = await unsettled();
      if (left === 0) return;
      if (Date.now() > deadline) throw new Error(`never settled: ${left} posts left`);
      await new Promise((done) => setTimeout(done, 20));
    }
  };

  return {
    url: app.url,
    slack,
    github,
    deliver,
    settled,
    async close() {
      try {
        await app.close();
        await slack.close();
        await github.close();
      } finally {
        nock.enableNetConnect();
      }
    },
    assertClean() {
      const said = warnings.map((line) => JSON.parse(line).msg);
      if (said.length > 0) console.error("the App warned:\n  " + said.join("\n  "));
      if (github.unexpected.length > 0) {
        const asked = github.unexpected.map((request) => `${request.method} ${request.url}`);
        throw new Error(
          `the App asked GitHub for what the story does not have: ${asked.join(", ")}`,
        );
      }
      const refused = slack.calls.filter((call) => call.answer !== "ok");
      if (refused.length > 0) {
        const errors = refused.map((call) => `${call.method}: ${call.error ?? call.answer}`);
        throw new Error(`Slack refused calls: ${errors.join(", ")}`);
      }
    },
  };
}

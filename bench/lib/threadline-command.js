/**
 * How the benches start threadline: exactly as `npm start` does (package.json's start script,
 * with its node flags), so what is measured is what runs in production.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const { scripts } = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8"));
const [command, ...words] = scripts.start.split(/\s+/);
if (command !== "node") throw new Error(`npm start runs ${command}, not node: update the bench`);

/** `node`'s arguments for the App: the start script's flags, then lib/main.js by absolute path. */
export const THREADLINE_ARGS = words.map((word) =>
  word.startsWith("-") ? word : `${ROOT}${word}`,
);

/**
 * The Slack bot token the benches give the App: the bench's fake Slack accepts any token shaped
 * like Slack's, and the App checks only the shape at start. Not a token of any workspace.
 */
const FAKE_SLACK_BOT_TOKEN = "xoxb-bench-not-a-real-token";

/**
 * The App's environment against the bench's fake Slack and GitHub (bench/servers/fake-apis.js),
 * as production runs it (`NODE_ENV=production`, JSON logs at info); a bench adds its port and
 * database.
 * @param {{ privateKey: string; secret: string; slackPort: number; githubPort: number }} parts
 */
export function threadlineEnv({ privateKey, secret, slackPort, githubPort }) {
  return {
    NODE_ENV: "production",
    APP_ID: "12345",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: secret,
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    HOST: "127.0.0.1",
    SLACK_BOT_TOKEN: FAKE_SLACK_BOT_TOKEN,
    SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
    GHE_HOST: `127.0.0.1:${githubPort}`,
    GHE_PROTOCOL: "http",
  };
}

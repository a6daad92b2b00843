// @ts-check
/**
 * The bench's fake Slack and fake GitHub, in a process of their own so they do not share a core's
 * event loop with the load generator: the tests' own fakes (test/helpers/fake-slack.js,
 * test/helpers/fake-github-server.js), started here and asked over IPC.
 *
 * Tells its parent `{ slackPort, githubPort }` once listening. IPC: `{ type: "counts" }` is
 * answered with the request counts; `{ type: "receipts", prefix }` with when each
 * chat.postMessage whose text holds an end-to-end marker (`bench-e2e-…`) starting with `prefix` arrived.
 */
import { startFakeGitHubServer } from "../../test/helpers/fake-github-server.js";
import { startFakeSlack } from "../../test/helpers/fake-slack.js";

/** Every repository's `.github/threadline.yml`. */
const CONFIG_YAML = "channel: C0123456789\n";
const MAX_LOGGED_UNEXPECTED = 20;

/** The marker the end-to-end phase puts in each comment body; the rendered message repeats it. */
const MARKER = /bench-e2e-[0-9a-z]+-\d+/;
/** Milliseconds since the epoch, sub-millisecond; the bench's own clock (lib/steady.js). */
const wallClock = () => performance.timeOrigin + performance.now();

let logged = 0;
/** @param {string} api @param {{ method: string; url?: string }} request */
function logUnexpected(api, request) {
  logged += 1;
  if (logged <= MAX_LOGGED_UNEXPECTED) {
    const what = "url" in request ? `${request.method} ${request.url}` : request.method;
    process.stderr.write(`[fake ${api}] unexpected request: ${what}\n`);
  }
}

const slack = await startFakeSlack({
  now: wallClock,
  receiptMarker: MARKER,
  onUnexpected: (call) => logUnexpected("slack", { method: `POST /api/${call.method}` }),
});
const github = await startFakeGitHubServer(
  {},
  { defaultConfig: CONFIG_YAML, onUnexpected: (request) => logUnexpected("github", request) },
);

/** @param {import("../../test/helpers/fake-github-server.js").GitHubRoute} route */
const answered = (route) => github.requests.filter((request) => request.route === route).length;

/** The requests each fake has answered so far, by kind. */
function counts() {
  return {
    slackPosts: slack.posts().length,
    tokenExchanges: answered("POST /app/installations/{installation_id}/access_tokens"),
    configReads: answered("GET /repos/{owner}/{repo}/contents/{path}"),
    hookDeliveryListings: answered("GET /app/hook/deliveries"),
    unexpected: slack.unexpected.length + github.unexpected.length,
  };
}

const send = (/** @type {unknown} */ message) => process.send?.(message);
send({ slackPort: Number(new URL(slack.url).port), githubPort: Number(github.host.split(":")[1]) });
process.on("message", (/** @type {{ type?: string; prefix?: unknown } | undefined} */ message) => {
  if (message?.type === "receipts") {
    const prefix = String(message.prefix ?? "");
    const list = [...slack.receipts].filter(([marker]) => marker.startsWith(prefix));
    send({ type: "receipts", receipts: Object.fromEntries(list) });
  } else {
    send({ type: "counts", counts: counts() });
  }
});
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));

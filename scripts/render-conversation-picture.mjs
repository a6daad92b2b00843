#!/usr/bin/env node
// @ts-check
/**
 * docs/conversation.png: a pull request's conversation as Slack shows it, drawn from threadline's
 * real output. Regenerate with (needs `apt-get install chromium fonts-lato fonts-noto-color-emoji`):
 *
 *   npm run build
 *   node scripts/render-conversation-picture.mjs --screenshot
 *
 * Without `--screenshot` it only writes docs/conversation.html; scripts/screenshot-page.js says
 * how to shoot it by hand (WIDTH 760).
 *
 * How: the built App (lib/) is started by scripts/start-picture-app.js as in
 * test/e2e/conversations.test.ts — real webhook endpoint and signature check, real outbox and
 * review grouping, @slack/web-api's real HTTP path — against the tests' own fakes on 127.0.0.1:
 * GitHub (test/helpers/fake-github-server.js) and Slack (test/helpers/fake-slack.js), which
 * records every call and keeps what the channel shows. The deliveries are the recorded payloads
 * in test/fixtures/, with bodies, users and diff hunks changed to tell a short story. What the
 * channel shows at the end (each post with its latest `chat.update`) is drawn by
 * scripts/block-kit-to-html.js as a static page that looks like Slack's thread view; a message
 * that received a `chat.update` gets Slack's "(edited)" marker.
 * Nothing in the messages is written by this script: every block comes from the fake Slack.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import { blocksToHtml } from "./block-kit-to-html.js";
import { screenshotPage } from "./screenshot-page.js";
import { startPictureApp } from "./start-picture-app.js";

/** @typedef {import("../test/helpers/fake-slack.js").SlackMessage} SlackMessage */
/** @typedef {import("./block-kit-to-html.js").Block} Block */
/**
 * A message the channel shows, with the minute of the story it was posted in.
 * @typedef {SlackMessage & { minute: number }} ShownMessage
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT_HTML = join(ROOT, "docs", "conversation.html");
const OUT_PNG = join(ROOT, "docs", "conversation.png");
const CHANNEL = "C0123456789";
const CHANNEL_NAME = "code-review";
/** The picture's width in CSS pixels; its height is the page's. */
const WIDTH = 760;
const REPOSITORY = "Codertocat/Hello-World";
const PULL_URL = `https://github.com/${REPOSITORY}/pull/2`;

// --- the story -------------------------------------------------------------------------------

/**
 * A recorded payload from test/fixtures/, as parsed JSON.
 * @param {string} name
 * @returns {any}
 */
const fixture = (name) =>
  JSON.parse(readFileSync(join(ROOT, "test", "fixtures", `${name}.json`), "utf8"));

/** Minutes into the story; GitHub's times are this long after a moment just before the run. */
const START = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 3_600_000;
/** @param {number} minute */
const at = (minute) => new Date(START + minute * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
/**
 * What Slack's clock shows for a minute of the story.
 * @param {number} minute
 */
const clockLabel = (minute) => {
  const total = 10 * 60 + 2 + minute; // the story starts at 10:02 AM
  const hours = Math.floor(total / 60);
  return `${((hours + 11) % 12) + 1}:${String(total % 60).padStart(2, "0")} ${hours < 12 ? "AM" : "PM"}`;
};

const CODERTOCAT = fixture("pull_request_review_comment.created").comment.user;
const OCTOCAT = {
  ...CODERTOCAT,
  login: "octocat",
  id: 583231,
  node_id: "MDQ6VXNlcjU4MzIzMQ==",
  avatar_url: "https://avatars.githubusercontent.com/u/583231?v=4",
  html_url: "https://github.com/octocat",
};
const INSTALLATION = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };

const REVIEW_ID = 237_895_671;
const APPROVAL_ID = 237_895_990;

/** @param {{ id: number; state: string; body: string; minute: number }} review */
function review({ id, state, body, minute }) {
  const payload = fixture("pull_request_review.submitted");
  Object.assign(payload.review, {
    id,
    user: OCTOCAT,
    state,
    body,
    submitted_at: at(minute),
    html_url: `${PULL_URL}#pullrequestreview-${id}`,
  });
  return { ...payload, sender: OCTOCAT, installation: INSTALLATION };
}

/**
 * @param {{ id: number; path: string; line: number; diffHunk: string; body: string; minute: number }} comment
 */
function lineComment({ id, path, line, diffHunk, body, minute }) {
  const payload = fixture("pull_request_review_comment.created");
  Object.assign(payload.comment, {
    id,
    pull_request_review_id: REVIEW_ID,
    user: OCTOCAT,
    path,
    line,
    original_line: line,
    diff_hunk: diffHunk,
    body,
    created_at: at(minute),
    updated_at: at(minute),
    html_url: `${PULL_URL}#discussion_r${id}`,
  });
  return { ...payload, sender: OCTOCAT, installation: INSTALLATION };
}

/**
 * The recorded issue_comment is on an issue; this puts it on the pull request, as GitHub would.
 * @param {{ id: number; body: string; created: number; updated: number; action: "created" | "edited" }} comment
 */
function conversationComment({ id, body, created, updated, action }) {
  const payload = fixture("issue_comment.created");
  const pullRequest = fixture("pull_request_review_comment.created").pull_request;
  Object.assign(payload.issue, {
    number: 2,
    title: pullRequest.title,
    html_url: PULL_URL,
    user: CODERTOCAT,
    labels: [],
    pull_request: {
      url: `https://api.github.com/repos/${REPOSITORY}/pulls/2`,
      html_url: PULL_URL,
      diff_url: `${PULL_URL}.diff`,
      patch_url: `${PULL_URL}.patch`,
      merged_at: null,
    },
  });
  Object.assign(payload.comment, {
    id,
    user: CODERTOCAT,
    body,
    created_at: at(created),
    updated_at: at(updated),
    html_url: `${PULL_URL}#issuecomment-${id}`,
  });
  const edited = action === "edited" ? { changes: { body: { from: "(the earlier text)" } } } : {};
  return { ...payload, ...edited, action, sender: CODERTOCAT, installation: INSTALLATION };
}

const README_HUNK = [
  "@@ -3,5 +3,7 @@ A small example project.",
  " ",
  " ## Getting started",
  " ",
  "-Run `npm install`.",
  "+Run `npm ci` for a clean install.",
  "+",
  "+Then start it with `npm start`.",
].join("\n");

const PACKAGE_HUNK = [
  "@@ -8,4 +8,7 @@",
  '   "scripts": {',
  '     "start": "node index.js"',
  "   },",
  '+  "engines": {',
  '+    "node": ">=18"',
].join("\n");

const REPLY_ID = 1_812_345_678;

/**
 * Each step: the minute it happens, then the deliveries GitHub sends for it.
 * @type {Array<{ minute: number; deliveries: Array<[event: string, payload: unknown]> }>}
 */
const STORY = [
  {
    minute: 0,
    // A review of two line comments: three deliveries, one Slack message.
    deliveries: [
      [
        "pull_request_review",
        review({
          id: REVIEW_ID,
          state: "changes_requested",
          minute: 0,
          body: "Nice cleanup! Two small things before this goes in.",
        }),
      ],
      [
        "pull_request_review_comment",
        lineComment({
          id: 284_312_630,
          path: "README.md",
          line: 8,
          diffHunk: README_HUNK,
          minute: 0,
          body: "`npm start` builds first, worth saying:\n\n```suggestion\nThen start it with `npm start` (it builds first).\n```",
        }),
      ],
      [
        "pull_request_review_comment",
        lineComment({
          id: 284_312_631,
          path: "package.json",
          line: 12,
          diffHunk: PACKAGE_HUNK,
          minute: 0,
          body: "Node 18 is [end-of-life](https://nodejs.org/en/about/previous-releases) and CI runs only **20** and **22** — let's require `>=20` here too.",
        }),
      ],
    ],
  },
  {
    minute: 39,
    deliveries: [
      [
        "issue_comment",
        conversationComment({
          id: REPLY_ID,
          action: "created",
          created: 39,
          updated: 39,
          body: "Thanks, fixed both.",
        }),
      ],
    ],
  },
  {
    minute: 41,
    // The author edits the reply on GitHub: Slack's copy is edited in place.
    deliveries: [
      [
        "issue_comment",
        conversationComment({
          id: REPLY_ID,
          action: "edited",
          created: 39,
          updated: 41,
          body: "Thanks, fixed both in `4f2c1e9`:\n\n- applied the _suggested change_\n- `engines` now says `>=20`",
        }),
      ],
    ],
  },
  {
    minute: 56,
    deliveries: [
      [
        "pull_request_review",
        review({
          id: APPROVAL_ID,
          state: "approved",
          minute: 56,
          body: "Looks good now, thanks! 🚀",
        }),
      ],
    ],
  },
];

// --- drive the App -----------------------------------------------------------------------------

/**
 * Runs the story through the App; resolves with what the channel shows at the end, each message
 * with the minute of the story it was posted in.
 * @returns {Promise<{ shown: ShownMessage[]; methods: string[] }>}
 */
async function runStory() {
  const { slack, deliver, settled, close, assertClean } = await startPictureApp({
    configs: { [REPOSITORY]: `channel: ${CHANNEL}\n` },
    // Long enough for a review's three deliveries to become one post, as in production.
    env: { REVIEW_WAIT_MS: "1500" },
  });

  /** ts -> the minute of the story its message was posted in. */
  /** @type {Map<string, number>} */
  const minutes = new Map();
  try {
    for (const step of STORY) {
      for (const [event, payload] of step.deliveries) await deliver(event, payload);
      await settled();
      for (const { ts } of slack.messages) {
        if (ts !== undefined && !minutes.has(ts)) minutes.set(ts, step.minute);
      }
    }
  } finally {
    await close();
  }
  assertClean();
  const elsewhere = slack.calls.find((call) => call.args.channel !== CHANNEL);
  if (elsewhere) throw new Error(`unexpected channel ${String(elsewhere.args.channel)}`);
  // The parent, the review (one post for its three deliveries), the reply, its edit, the
  // approval. Anything else (say, a review posted before its line comments arrived and edited to
  // add them, on a very slow machine) would make the picture tell a different story.
  const methods = slack.calls.map((call) => call.method);
  const expected =
    "chat.postMessage, chat.postMessage, chat.postMessage, chat.update, chat.postMessage";
  if (methods.join(", ") !== expected) {
    throw new Error(`Slack got ${methods.join(", ")}; expected ${expected}`);
  }
  const shown = slack
    .history(CHANNEL)
    .map((message) => ({ ...message, minute: minutes.get(message.ts) ?? 0 }));
  return { shown, methods };
}

// --- the page ----------------------------------------------------------------------------------

/**
 * One message of the thread: the App's name and the time, then its blocks as Slack draws them.
 * @param {ShownMessage} message
 */
function renderMessageHtml(message) {
  const blocks = blocksToHtml(
    /** @type {Block[]} */ (message.blocks ?? []),
    message.edited !== undefined,
  );
  return `<div class="message">
  <span class="bot-avatar">t</span>
  <div class="content">
    <div class="sender"><b>threadline</b><span class="app">APP</span><span class="time">${clockLabel(message.minute)}</span></div>
    ${blocks.join("\n    ")}
  </div>
</div>`;
}

/**
 * The page: Slack's thread view of the parent and its replies.
 * @param {ShownMessage[]} messages
 */
function page(messages) {
  const [parent, ...replies] = messages;
  if (!parent || parent.thread_ts !== undefined) {
    throw new Error("the first message is not a parent");
  }
  for (const reply of replies) {
    if (reply.thread_ts !== parent.ts) throw new Error("a message is not a reply in the thread");
  }
  const count = `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`;
  return `<!doctype html>
<!-- Generated by scripts/render-conversation-picture.mjs from threadline's real Slack calls; do not edit. -->
<html lang="en">
<head>
<meta charset="utf-8">
<title>threadline: a pull request's conversation in Slack</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; padding: 16px; background: #f4f4f4; width: ${WIDTH}px;
    font: 15px/1.46668 "Lato", "Helvetica Neue", "Segoe UI", Helvetica, Arial, sans-serif;
    color: #1d1c1d; -webkit-font-smoothing: antialiased; }
  .pane { background: #fff; border: 1px solid #ddd; border-radius: 8px; overflow: hidden; }
  .pane-header { display: flex; align-items: baseline; gap: 8px; padding: 12px 20px;
    border-bottom: 1px solid #e8e8e8; }
  .pane-header b { font-size: 18px; font-weight: 900; }
  .pane-header span { color: #616061; font-size: 13px; }
  .message { display: flex; gap: 8px; padding: 8px 20px; }
  .bot-avatar { flex: none; width: 36px; height: 36px; border-radius: 6px; background: #4a154b;
    color: #fff; font-weight: 900; font-size: 18px; display: flex; align-items: center;
    justify-content: center; margin-top: 3px; }
  .content { min-width: 0; flex: 1; }
  .sender b { font-weight: 900; }
  .app { font-size: 10px; font-weight: 700; color: #616061; background: #e8e8e8; border-radius: 2px;
    padding: 1px 3px; margin: 0 6px 0 4px; vertical-align: 1px; }
  .time { font-size: 12px; color: #616061; }
  .context { display: flex; align-items: flex-start; flex-wrap: wrap; gap: 6px; color: #616061;
    font-size: 13px; line-height: 1.385; margin: 4px 0; }
  .context-avatar { flex: none; width: 18px; height: 18px; border-radius: 50%; background: #c8c8c8;
    color: #fff; font-size: 11px; font-weight: 700; display: flex; align-items: center;
    justify-content: center; }
  .section { margin: 4px 0; overflow-wrap: anywhere; }
  a { color: #1264a3; text-decoration: none; }
  .context a { color: #1264a3; }
  b { font-weight: 700; }
  code { font: 12px/1.5 Monaco, Menlo, Consolas, "Courier New", monospace; color: #c01343;
    background: #f8f8f8; border: 1px solid #e1e1e1; border-radius: 3px; padding: 1px 3px; }
  pre { font: 12px/1.5 Monaco, Menlo, Consolas, "Courier New", monospace; background: #f8f8f8;
    border: 1px solid #e1e1e1; border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap;
    overflow-wrap: anywhere; }
  blockquote { margin: 4px 0; padding-left: 12px; border-left: 4px solid #ddd; }
  .mention { color: #1264a3; background: #e8f5fa; border-radius: 3px; padding: 0 2px; }
  .edited { color: #616061; font-size: 13px; }
  .replies { display: flex; align-items: center; gap: 12px; color: #616061; font-size: 13px;
    padding: 4px 20px; }
  .replies::after { content: ""; flex: 1; border-top: 1px solid #e8e8e8; }
  .pane > .message:last-child { padding-bottom: 16px; }
</style>
</head>
<body>
<div class="pane">
<div class="pane-header"><b>Thread</b><span>#${CHANNEL_NAME}</span></div>
${renderMessageHtml(parent)}
<div class="replies">${count}</div>
${replies.map(renderMessageHtml).join("\n")}
</div>
<script>document.body.dataset.height = Math.ceil(document.documentElement.getBoundingClientRect().height);</script>
</body>
</html>
`;
}

// --- main --------------------------------------------------------------------------------------

const { shown, methods } = await runStory();
mkdirSync(dirname(OUT_HTML), { recursive: true });
// Formatted as the repository formats everything (`npm run format:check` covers docs/).
writeFileSync(OUT_HTML, await format(page(shown), { parser: "html", printWidth: 100 }));
console.log(`${methods.length} Slack calls (${methods.join(", ")}) -> ${OUT_HTML}`);

if (process.argv.includes("--screenshot")) {
  const height = screenshotPage(OUT_HTML, OUT_PNG, WIDTH);
  console.log(`-> ${OUT_PNG} (${WIDTH}×${height})`);
}

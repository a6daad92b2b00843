#!/usr/bin/env node
/**
 * docs/conversation.png: a pull request's conversation as Slack shows it, drawn from threadline's
 * real output. Regenerate with (needs `apt-get install chromium fonts-lato fonts-noto-color-emoji`):
 *
 *   npm run build
 *   node scripts/render-conversation-picture.mjs --screenshot
 *
 * Without `--screenshot` it only writes docs/conversation.html; the picture is then
 *
 *   chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
 *     --disable-background-networking --disable-component-update --disable-sync \
 *     --user-data-dir="$(mktemp -d)" --hide-scrollbars --window-size=760,HEIGHT \
 *     --screenshot="$PWD/docs/conversation.png" "file://$PWD/docs/conversation.html"
 *
 * where HEIGHT is the page's height (`--screenshot` measures it first with `--dump-dom`: the page
 * writes it into `<body data-height>`), so the picture ends where the thread does.
 *
 * How: the built App (lib/) is started as in test/e2e/conversations.test.ts — real webhook
 * endpoint and signature check, real outbox and review grouping, @slack/web-api's real HTTP path —
 * with GitHub's API answered by nock and Slack by a small fake server on 127.0.0.1 that records
 * every call. The deliveries are the recorded payloads in test/fixtures/, with bodies, users and
 * diff hunks changed to tell a short story. The final state of each Slack message (posts, then
 * `chat.update`s applied by `ts`) is turned into a static page that looks like Slack's thread
 * view; a message that received a `chat.update` gets Slack's "(edited)" marker. Nothing in the
 * messages is written by this script: every block comes from the fake Slack's record.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { format } from "prettier";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const lib = (path) => import(join(ROOT, "lib", path));
const { readSettings } = await lib("env.js");
const { createLogger } = await lib("log/create-logger.js");
const { startApp } = await lib("start-app.js");
const { openStore } = await lib("store/open-store.js");
const { signBody } = await lib("server/verify-signature.js");

const OUT_HTML = join(ROOT, "docs", "conversation.html");
const OUT_PNG = join(ROOT, "docs", "conversation.png");
const CHANNEL = "C0123456789";
const CHANNEL_NAME = "code-review";
/** The picture's width in CSS pixels; its height is the page's. */
const WIDTH = 760;
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
];
const SECRET = "picture-webhook-secret";
const REPOSITORY = "Codertocat/Hello-World";
const PULL_URL = `https://github.com/${REPOSITORY}/pull/2`;

// --- the story -------------------------------------------------------------------------------

const fixture = (name) =>
  JSON.parse(readFileSync(join(ROOT, "test", "fixtures", `${name}.json`), "utf8"));

/** Minutes into the story; GitHub's times are this long after a moment just before the run. */
const START = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 3_600_000;
const at = (minute) => new Date(START + minute * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
/** What Slack's clock shows for a minute of the story. */
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

/** The recorded issue_comment is on an issue; this puts it on the pull request, as GitHub would. */
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

/** Each step: the minute it happens, then the deliveries GitHub sends for it. */
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

// --- a fake Slack that records what it is sent ------------------------------------------------

async function startFakeSlack() {
  const calls = [];
  let counter = 0;
  const server = createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString("utf8");
    let args = {};
    if ((request.headers["content-type"] ?? "").includes("application/json")) {
      args = raw ? JSON.parse(raw) : {};
    } else {
      for (const [key, value] of new URLSearchParams(raw)) {
        args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
      }
    }
    const method = (request.url ?? "").replace(/^\/api\//, "").split("?")[0];
    counter += 1;
    const ts = `1700000000.${String(counter).padStart(6, "0")}`;
    calls.push({ method, args, ts, minute: storyMinute });
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ ok: true, channel: args.channel, ts: args.ts ?? ts }));
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${server.address().port}/api/`,
    calls,
    close: () => new Promise((done) => server.close(done)),
  };
}

let storyMinute = 0;

// --- drive the App -----------------------------------------------------------------------------

async function runStory() {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  nock("https://api.github.com")
    .persist()
    .post("/app/installations/1/access_tokens")
    .reply(201, () => ({
      token: "ghs_picture",
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    }))
    .get(`/repos/${REPOSITORY}/contents/${encodeURIComponent(".github/threadline.yml")}`)
    .reply(200, `channel: ${CHANNEL}\n`, {
      "content-type": "application/vnd.github.v3.raw; charset=utf-8",
    });

  const slack = await startFakeSlack();
  const settings = readSettings({
    APP_ID: "12345",
    PRIVATE_KEY: generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    }).privateKey,
    WEBHOOK_SECRET: SECRET,
    SLACK_BOT_TOKEN: "xoxb-picture-not-a-real-token",
    SLACK_API_URL: slack.url,
    ORDER_WINDOW_MS: "0",
    // Long enough for a review's three deliveries to become one post, as in production.
    REVIEW_WAIT_MS: "1500",
    REDELIVERY_SWEEP_HOURS: "0",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    LOG_FORMAT: "json",
  });
  const warnings = [];
  const log = await createLogger({
    level: "warn",
    format: "json",
    secrets: [],
    destination: { write: (line) => warnings.push(line) },
  });
  const store = await openStore({ kind: "sqlite", path: ":memory:" }, settings.appId);
  const app = await startApp(settings, log, { store, pollIntervalMs: 20 });

  let deliveryNumber = 0;
  const deliver = async (event, payload) => {
    const body = JSON.stringify(payload);
    deliveryNumber += 1;
    const response = await fetch(`${app.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": `picture-${deliveryNumber}`,
        "x-hub-signature-256": signBody(body, SECRET),
        "user-agent": "GitHub-Hookshot/picture",
      },
      body,
    });
    if (response.status !== 200) throw new Error(`${event}: HTTP ${response.status}`);
  };
  const settled = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const counts = await store.counts();
      if (counts.pending === 0 && counts.sending === 0) return counts;
      if (Date.now() > deadline) throw new Error(`never settled: ${JSON.stringify(counts)}`);
      await new Promise((done) => setTimeout(done, 20));
    }
  };

  try {
    for (const step of STORY) {
      storyMinute = step.minute;
      for (const [event, payload] of step.deliveries) await deliver(event, payload);
      await settled();
    }
  } finally {
    await app.close();
    await store.close();
    await slack.close();
    nock.cleanAll();
    nock.enableNetConnect();
  }
  const said = warnings.map((line) => JSON.parse(line).msg);
  if (said.length > 0) console.error("the App warned:\n  " + said.join("\n  "));
  // The parent, the review (one post for its three deliveries), the reply, its edit, the
  // approval. Anything else (say, a review posted before its line comments arrived and edited to
  // add them, on a very slow machine) would make the picture tell a different story.
  const methods = slack.calls.map((call) => call.method).join(", ");
  const expected =
    "chat.postMessage, chat.postMessage, chat.postMessage, chat.update, chat.postMessage";
  if (methods !== expected) throw new Error(`Slack got ${methods}; expected ${expected}`);
  return slack.calls;
}

/** What the channel shows at the end: every posted message with its latest blocks. */
function finalMessages(calls) {
  const byTs = new Map();
  const messages = [];
  for (const call of calls) {
    if (call.args.channel !== CHANNEL) throw new Error(`unexpected channel ${call.args.channel}`);
    if (call.method === "chat.postMessage") {
      const message = {
        ts: call.ts,
        threadTs: call.args.thread_ts,
        blocks: call.args.blocks,
        minute: call.minute,
        edited: false,
      };
      byTs.set(call.ts, message);
      messages.push(message);
    } else if (call.method === "chat.update") {
      const message = byTs.get(call.args.ts);
      if (!message) throw new Error(`chat.update of an unknown message ${call.args.ts}`);
      message.blocks = call.args.blocks;
      message.edited = true;
    } else if (call.method === "chat.delete") {
      messages.splice(messages.indexOf(byTs.get(call.args.ts)), 1);
    } else {
      throw new Error(`unexpected Slack call ${call.method}`);
    }
  }
  return messages;
}

// --- Slack mrkdwn -> HTML ---------------------------------------------------------------------

const escapeHtml = (text) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** Slack escapes only these three; the rest of a mrkdwn text is literal. */
const decodeSlack = (text) =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** `<url|label>`, `<url>`, `<@U…>`, `<#C…>`, `<!here>`: Slack's only markup in angle brackets. */
function renderToken(inner) {
  const [target, label] = inner.split(/\|(.*)/s);
  if (target.startsWith("@"))
    return `<span class="mention">@${escapeHtml(label ?? target.slice(1))}</span>`;
  if (target.startsWith("#"))
    return `<span class="mention">#${escapeHtml(label ?? target.slice(1))}</span>`;
  if (target.startsWith("!")) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  const text = decodeSlack(label ?? target);
  return `<a href="${escapeHtml(decodeSlack(target))}">${escapeHtml(text)}</a>`;
}

/** Bold, italic and strike need a boundary outside the markers and text inside them, as in Slack. */
function emphasis(html) {
  const edge = `^|[\\s(\\[{"'.,;:!?\\u2014-]`;
  const after = `(?=$|[\\s)\\]}"'.,;:!?\\u2014-])`;
  let out = html;
  for (const [marker, tag] of [
    ["\\*", "b"],
    ["_", "i"],
    ["~", "s"],
  ]) {
    const pattern = new RegExp(`(${edge})${marker}(?=\\S)([^\\n]*?\\S)${marker}${after}`, "g");
    out = out.replace(pattern, `$1<${tag}>$2</${tag}>`);
  }
  return out;
}

/** One line (or run) of ordinary text: links and inline code set aside, then emphasis. */
function inline(text) {
  const held = [];
  const hold = (html) => `\uE000${held.push(html) - 1}\uE001`;
  let work = text.replace(/`([^`\n]+)`/g, (_, code) =>
    hold(`<code>${escapeHtml(decodeSlack(code))}</code>`),
  );
  work = work.replace(/<([^<>\n]+)>/g, (_, inner) => hold(renderToken(inner)));
  work = emphasis(escapeHtml(decodeSlack(work)));
  return work.replace(/\uE000(\d+)\uE001/g, (_, index) => held[Number(index)]);
}

/** Text outside code blocks: `>` quotes (a literal `>` first on the line) and line breaks. */
function paragraphs(text) {
  const lines = text.split("\n");
  const out = [];
  for (let index = 0; index < lines.length;) {
    if (lines[index].startsWith(">")) {
      const quoted = [];
      while (index < lines.length && lines[index].startsWith(">")) {
        quoted.push(inline(lines[index].replace(/^> ?/, "")));
        index += 1;
      }
      out.push(`<blockquote>${quoted.join("<br>")}</blockquote>`);
    } else {
      const plain = [];
      while (index < lines.length && !lines[index].startsWith(">")) {
        plain.push(inline(lines[index]));
        index += 1;
      }
      out.push(plain.join("<br>"));
    }
  }
  return out.join("");
}

/** A mrkdwn text as HTML: ```pre``` blocks first (their text is literal), then the rest. */
function mrkdwnToHtml(text) {
  return text
    .split(/```/)
    .map((part, index) => {
      if (index % 2 === 1) {
        const code = part.replace(/^\n/, "").replace(/\n$/, "");
        return `<pre>${escapeHtml(decodeSlack(code))}</pre>`;
      }
      return paragraphs(part.replace(/^\n/, "").replace(/\n$/, ""));
    })
    .join("");
}

// --- the page ----------------------------------------------------------------------------------

const avatar = (name, className) =>
  `<span class="${className}" title="${escapeHtml(name)}">${escapeHtml(name.slice(0, 1).toUpperCase())}</span>`;

function renderBlock(block, edited) {
  const mark = edited ? ` <span class="edited">(edited)</span>` : "";
  if (block.type === "section") {
    return `<div class="section">${mrkdwnToHtml(block.text.text)}${mark}</div>`;
  }
  if (block.type === "context") {
    const parts = block.elements.map((element) =>
      element.type === "image"
        ? avatar(element.alt_text, "context-avatar")
        : `<span>${mrkdwnToHtml(element.text)}</span>`,
    );
    return `<div class="context">${parts.join("")}${mark}</div>`;
  }
  throw new Error(`no drawing for a ${block.type} block`);
}

function renderMessageHtml(message) {
  const blocks = message.blocks.map((block, index) =>
    renderBlock(block, message.edited && index === message.blocks.length - 1),
  );
  return `<div class="message">
  <span class="bot-avatar">t</span>
  <div class="content">
    <div class="sender"><b>threadline</b><span class="app">APP</span><span class="time">${clockLabel(message.minute)}</span></div>
    ${blocks.join("\n    ")}
  </div>
</div>`;
}

function page(messages) {
  const [parent, ...replies] = messages;
  if (!parent || parent.threadTs !== undefined)
    throw new Error("the first message is not a parent");
  for (const reply of replies) {
    if (reply.threadTs !== parent.ts) throw new Error("a message is not a reply in the thread");
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

const calls = await runStory();
const messages = finalMessages(calls);
mkdirSync(dirname(OUT_HTML), { recursive: true });
// Formatted as the repository formats everything (`npm run format:check` covers docs/).
writeFileSync(OUT_HTML, await format(page(messages), { parser: "html", printWidth: 100 }));
console.log(
  `${calls.length} Slack calls (${calls.map((call) => call.method).join(", ")}) -> ${OUT_HTML}`,
);

if (process.argv.includes("--screenshot")) {
  // Twice: once to measure the page at the picture's width, once to shoot exactly that height.
  const chromium = (...extra) =>
    execFileSync(
      "chromium",
      [
        ...CHROMIUM_FLAGS,
        `--user-data-dir=${mkdtempSync(join(tmpdir(), "threadline-chromium-"))}`,
        ...extra,
        `file://${OUT_HTML}`,
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
  const height = Number(
    /data-height="(\d+)"/.exec(chromium(`--window-size=${WIDTH},800`, "--dump-dom"))?.[1],
  );
  if (!height) throw new Error("chromium did not report the page's height");
  chromium(`--window-size=${WIDTH},${height}`, `--screenshot=${OUT_PNG}`);
  console.log(`-> ${OUT_PNG} (${WIDTH}×${height})`);
}

#!/usr/bin/env node
// @ts-check
/**
 * docs/answering-from-slack.png: a reply written in a pull request's Slack thread, and the comment
 * it became on GitHub, side by side, drawn from threadline's real output. Regenerate with (needs
 * `apt-get install chromium fonts-lato fonts-noto-color-emoji`):
 *
 *   npm run build
 *   node scripts/render-reply-picture.mjs --screenshot
 *
 * Without `--screenshot` it only writes docs/answering-from-slack.html; scripts/screenshot-page.js
 * says how to shoot it by hand (WIDTH 1320).
 *
 * How: the built App (lib/) is started by scripts/start-picture-app.js with a Slack signing
 * secret, as in test/e2e/answer-from-slack.test.ts, against the tests' fakes: GitHub
 * (test/helpers/fake-github-server.js, where the installation may write pull requests and the
 * App's comments are kept) and Slack (test/helpers/fake-slack.js, which knows the workspace's
 * people). The repository's config maps both people (`mentions:`) and lets mapped people answer
 * (`replies: mapped`). GitHub delivers octocat's comment on the pull request (the recorded
 * issue_comment payload of test/fixtures/, moved onto pull request #2): the App starts the
 * thread and carries the comment into it. Then Slack's Events API delivers, signed as Slack
 * signs, Coder Cat's reply in that thread: mrkdwn with bold, code, a link and a mention of Mona
 * (octocat). The App writes the comment on the fake GitHub; GitHub's delivery of that comment
 * goes back to the App, which must not carry it to Slack again.
 *
 * Drawn: on the left, what the channel then shows (the App's posts by scripts/block-kit-to-html.js,
 * the person's reply from its mrkdwn text by the same module, mentions shown by name as Slack
 * shows them); on the right, the pull request's conversation as GitHub shows it: octocat's
 * comment, then the App's, each body read from its markdown by scripts/markdown-to-github-html.js.
 * Nothing in the messages or the comments is written here but the story's two inputs: octocat's
 * comment and Coder Cat's reply.
 */
import { createHmac } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import { blocksToHtml, escapeHtml, letterAvatarHtml, mrkdwnToHtml } from "./block-kit-to-html.js";
import { markdownToGitHubHtml } from "./markdown-to-github-html.js";
import { screenshotPage } from "./screenshot-page.js";
import { startPictureApp } from "./start-picture-app.js";

/** @typedef {import("../test/helpers/fake-slack.js").SlackMessage} SlackMessage */
/** @typedef {import("../test/helpers/fake-slack.js").FakeMember} FakeMember */
/** @typedef {import("../test/helpers/fake-github-server.js").FakeComment} FakeComment */
/** @typedef {import("./block-kit-to-html.js").Block} Block */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT_HTML = join(ROOT, "docs", "answering-from-slack.html");
const OUT_PNG = join(ROOT, "docs", "answering-from-slack.png");
/** The picture's width in CSS pixels; its height is the page's. */
const WIDTH = 1320;

const CHANNEL = "C0123456789";
const CHANNEL_NAME = "code-review";
const SIGNING_SECRET = "8f742231b10e8888abcd99eeefff85a5";
const SLACK_TEAM = "T0THREADL1";
const REPOSITORY = "Codertocat/Hello-World";
const PULL_NUMBER = 2;
const PULL_URL = `https://github.com/${REPOSITORY}/pull/${PULL_NUMBER}`;

// --- the story -------------------------------------------------------------------------------

/** The pull request's author in Slack, and the reviewer they answer. */
const CODER_CAT = "U0CODERTO1";
const MONA = "U0OCTOCAT1";
/** @type {Record<string, FakeMember>} */
const MEMBERS = {
  [CODER_CAT]: { name: "codertocat", display_name: "Coder Cat" },
  [MONA]: { name: "octocat", real_name: "Mona Lisa Octocat", display_name: "Mona" },
};
const CONFIG = [
  `channel: ${CHANNEL}`,
  "replies: mapped",
  "mentions:",
  `  Codertocat: ${CODER_CAT}`,
  `  octocat: ${MONA}`,
  "",
].join("\n");

/** octocat's question on GitHub, at 10:02. */
const QUESTION = {
  id: 1_812_345_678,
  minute: 0,
  body: "Does `npm start` still work on Node 18? CI only runs **20** and **22** now.",
};

/**
 * Coder Cat's answer in the thread, at 10:14, as Slack's event carries it: mrkdwn, with `>` sent
 * as `&gt;`, a link as `<url|text>` and a mention as `<@member>`.
 */
const ANSWER = {
  ts: "1700000100.000001",
  minute: 12,
  text: [
    "*Good catch:* it didn't. `engines` now says `&gt;=20`, in <https://github.com/Codertocat/Hello-World/commit/4f2c1e9|this commit>.",
    `<@${MONA}> could you take another look?`,
  ].join("\n"),
};

/**
 * What Slack's clock shows for a minute of the story (which starts at 10:02 AM).
 * @param {number} minute
 */
const clockLabel = (minute) => {
  const total = 10 * 60 + 2 + minute;
  const hours = Math.floor(total / 60);
  return `${((hours + 11) % 12) + 1}:${String(total % 60).padStart(2, "0")} ${hours < 12 ? "AM" : "PM"}`;
};

/**
 * A recorded payload from test/fixtures/, as parsed JSON.
 * @param {string} name
 * @returns {any}
 */
const fixture = (name) =>
  JSON.parse(readFileSync(join(ROOT, "test", "fixtures", `${name}.json`), "utf8"));

/** The pull request, as the recorded review comment's delivery describes it. */
const PULL_REQUEST = fixture("pull_request_review_comment.created").pull_request;
const OCTOCAT = {
  ...fixture("issue_comment.created").comment.user,
  login: "octocat",
  id: 583231,
  node_id: "MDQ6VXNlcjU4MzIzMQ==",
  avatar_url: "https://avatars.githubusercontent.com/u/583231?v=4",
  html_url: "https://github.com/octocat",
};
/** The App's bot user, as GitHub names the author of the comments it writes. */
const THREADLINE_BOT = {
  ...OCTOCAT,
  login: "threadline[bot]",
  id: 1_000_001,
  node_id: "BOT_kgDOAA9CQQ",
  avatar_url: "https://avatars.githubusercontent.com/in/12345?v=4",
  html_url: "https://github.com/apps/threadline",
  type: "Bot",
};

/**
 * The recorded issue_comment is on an issue; this puts it on the pull request, as GitHub would.
 * @param {{ id: number; body: string; user: unknown; createdAt: string }} comment
 */
function pullRequestComment({ id, body, user, createdAt }) {
  const payload = fixture("issue_comment.created");
  Object.assign(payload.issue, {
    number: PULL_NUMBER,
    title: PULL_REQUEST.title,
    html_url: PULL_URL,
    user: PULL_REQUEST.user,
    labels: [],
    pull_request: {
      url: `https://api.github.com/repos/${REPOSITORY}/pulls/${PULL_NUMBER}`,
      html_url: PULL_URL,
      diff_url: `${PULL_URL}.diff`,
      patch_url: `${PULL_URL}.patch`,
      merged_at: null,
    },
  });
  Object.assign(payload.comment, {
    id,
    user,
    body,
    created_at: createdAt,
    updated_at: createdAt,
    html_url: `${PULL_URL}#issuecomment-${id}`,
  });
  const installation = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  return { ...payload, sender: user, installation };
}

/**
 * Slack's Events API envelope of a `message` event: `user` wrote `text` in the thread of
 * `threadTs` (https://docs.slack.dev/reference/events/message), as test/helpers/slack-events.ts
 * builds it.
 * @param {{ ts: string; threadTs: string; user: string; text: string }} message
 */
function messageEvent({ ts, threadTs, user, text }) {
  return {
    token: "verification-token-unused",
    team_id: SLACK_TEAM,
    api_app_id: "A0THREADL1",
    event: {
      client_msg_id: "c0ffee00-0000-4000-8000-170000010001",
      type: "message",
      text,
      user,
      ts,
      team: SLACK_TEAM,
      user_team: SLACK_TEAM,
      source_team: SLACK_TEAM,
      thread_ts: threadTs,
      parent_user_id: "U0THREADL1",
      blocks: [],
      channel: CHANNEL,
      event_ts: ts,
      channel_type: "channel",
    },
    type: "event_callback",
    event_id: "Ev0PICTURE0001",
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: SLACK_TEAM,
        user_id: "U0THREADL1",
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: "4-eyJldCI6Im1lc3NhZ2UifQ",
  };
}

/**
 * POSTs an event to the App's Slack endpoint signed as Slack signs (`v0=` HMAC-SHA256 of
 * `v0:{timestamp}:{body}`, as test/helpers/sign-slack-request.ts computes it).
 * @param {string} appUrl
 * @param {unknown} payload
 */
async function sendSlackEvent(appUrl, payload) {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", SIGNING_SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest("hex");
  const response = await fetch(`${appUrl}/api/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": `v0=${signature}`,
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    },
    body,
  });
  if (response.status !== 200) throw new Error(`Slack event: HTTP ${response.status}`);
}

/**
 * Resolves once `done()` is true; throws after 30 seconds, saying `what` never happened.
 * @param {() => boolean} done
 * @param {string} what
 */
async function waitFor(done, what) {
  const deadline = Date.now() + 30_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * @typedef {object} StoryOutcome
 * @property {SlackMessage[]} shown What the channel shows at the end, oldest first.
 * @property {FakeComment} comment The comment the App wrote on GitHub.
 * @property {string[]} methods The Slack methods the App called, in order.
 */

/**
 * Runs the story through the App.
 * @returns {Promise<StoryOutcome>}
 */
async function runStory() {
  const { url, slack, github, deliver, settled, close, assertClean } = await startPictureApp({
    configs: { [REPOSITORY]: CONFIG },
    slack: { scopes: "chat:write,channels:history,groups:history,users:read", members: MEMBERS },
    github: {
      permissions: {
        metadata: "read",
        issues: "write",
        pull_requests: "read",
        single_file: "read",
      },
    },
    slackSigningSecret: SIGNING_SECRET,
  });
  /** @type {FakeComment | undefined} */
  let comment;
  try {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    await deliver(
      "issue_comment",
      pullRequestComment({ ...QUESTION, user: OCTOCAT, createdAt: now }),
    );
    await settled();
    const parent = slack.history(CHANNEL)[0];
    if (!parent) throw new Error("the App started no thread");

    // Slack has the message (so chat.getPermalink finds it), then tells the App about it.
    slack.remember(CHANNEL, {
      ts: ANSWER.ts,
      user: CODER_CAT,
      text: ANSWER.text,
      thread_ts: parent.ts,
    });
    await sendSlackEvent(
      url,
      messageEvent({ ts: ANSWER.ts, threadTs: parent.ts, user: CODER_CAT, text: ANSWER.text }),
    );
    await waitFor(() => github.comments.size === 1, "a comment on GitHub");
    comment = [...github.comments.values()][0];
    if (!comment) throw new Error("no comment on GitHub");

    // GitHub tells the App about the comment it wrote: it must not come back to Slack.
    await deliver(
      "issue_comment",
      pullRequestComment({
        id: comment.id,
        body: comment.body,
        user: THREADLINE_BOT,
        createdAt: comment.created_at,
      }),
    );
    await settled();
    // And a moment more, as test/e2e/answer-from-slack.test.ts waits, for anything posted late.
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    await close();
  }
  assertClean();
  if (github.comments.size !== 1) throw new Error(`GitHub has ${github.comments.size} comments`);
  if (comment.repository !== REPOSITORY || comment.issue !== PULL_NUMBER) {
    throw new Error(`the comment is on ${comment.repository}#${comment.issue}`);
  }
  const methods = slack.calls.map((call) => call.method);
  const posts = methods.filter(
    (method) => method.startsWith("chat.") && method !== "chat.getPermalink",
  );
  // The parent and octocat's comment; nothing for the reply (it is the person's), no echo.
  if (posts.join(", ") !== "chat.postMessage, chat.postMessage") {
    throw new Error(`Slack got ${posts.join(", ")}; expected the parent and one reply`);
  }
  return { shown: slack.history(CHANNEL), comment, methods };
}

// --- the page ----------------------------------------------------------------------------------

/**
 * A member's mentions in `text` written `<@ID|name>`: Slack shows a mention by the member's
 * display name (their full name when they set none).
 * @param {string} text
 */
function withMemberNames(text) {
  return text.replace(/<@([UW][A-Z0-9]+)>/g, (token, id) => {
    const member = MEMBERS[id];
    const name = member ? member.display_name || member.real_name || member.name : undefined;
    return name === undefined
      ? token
      : `<@${id}|${name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}>`;
  });
}

/**
 * One message of the Slack thread: the App's (its blocks) or a person's (its mrkdwn text).
 * @param {SlackMessage} message
 * @param {number} minute
 */
function slackMessageHtml(message, minute) {
  const person = message.bot_id === "" ? MEMBERS[message.user] : undefined;
  const name = person ? person.display_name || person.real_name || person.name : "threadline";
  const avatar = person
    ? letterAvatarHtml(name, "person-avatar")
    : `<span class="bot-avatar">t</span>`;
  const body = person
    ? `<div class="section">${mrkdwnToHtml(withMemberNames(message.text))}</div>`
    : blocksToHtml(
        /** @type {Block[]} */ (message.blocks ?? []),
        message.edited !== undefined,
      ).join("\n");
  const app = person ? "" : `<span class="app">APP</span>`;
  return `<div class="message${person ? " answer" : ""}">
  ${avatar}
  <div class="content">
    <div class="sender"><b>${escapeHtml(name)}</b>${app}<span class="time">${clockLabel(minute)}</span></div>
    ${body}
  </div>
</div>`;
}

/**
 * One comment of the pull request's conversation as GitHub draws it.
 * @param {{ login: string; bot: boolean; when: string; markdown: string; highlight?: boolean }} comment
 */
function gitHubCommentHtml({ login, bot, when, markdown, highlight = false }) {
  const avatar = bot
    ? `<span class="gh-avatar gh-app-avatar">t</span>`
    : letterAvatarHtml(login, "gh-avatar");
  const label = bot ? `<span class="gh-label">bot</span>` : "";
  return `<div class="gh-item">
  ${avatar}
  <div class="gh-comment${highlight ? " answer" : ""}">
    <div class="gh-comment-header"><b>${escapeHtml(login)}</b>${label} commented ${escapeHtml(when)}</div>
    <div class="gh-body">${markdownToGitHubHtml(markdown)}</div>
  </div>
</div>`;
}

/**
 * The page: the Slack thread on the left, the pull request's conversation on the right.
 * @param {StoryOutcome} outcome
 */
function page({ shown, comment }) {
  const [parent, ...replies] = shown;
  if (!parent || parent.thread_ts !== undefined) {
    throw new Error("the first message is not a parent");
  }
  for (const reply of replies) {
    if (reply.thread_ts !== parent.ts) throw new Error("a message is not a reply in the thread");
  }
  const answer = replies.at(-1);
  if (replies.length !== 2 || answer?.ts !== ANSWER.ts) {
    throw new Error("the thread is not octocat's comment, then the answer");
  }
  const minuteOf = (/** @type {SlackMessage} */ message) =>
    message.ts === ANSWER.ts ? ANSWER.minute : QUESTION.minute;
  const count = `${replies.length} replies`;
  const ago = ANSWER.minute - QUESTION.minute;
  return `<!doctype html>
<!-- Generated by scripts/render-reply-picture.mjs from threadline's real Slack and GitHub calls; do not edit. -->
<html lang="en">
<head>
<meta charset="utf-8">
<title>threadline: answering from Slack</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; padding: 16px; background: #f4f4f4; width: ${WIDTH}px; color: #1d1c1d;
    -webkit-font-smoothing: antialiased; }
  .side-by-side { display: grid; grid-template-columns: 1fr 48px 1fr; }
  /* Level with the answer on the left and the comment it became on the right. */
  .arrow { align-self: end; margin-bottom: 72px; display: flex; justify-content: center;
    color: #8d8d8d; }
  .pane { background: #fff; border: 1px solid #ddd; border-radius: 8px; overflow: hidden; }

  /* Slack */
  .slack { font: 15px/1.46668 "Lato", "Helvetica Neue", "Segoe UI", Helvetica, Arial, sans-serif; }
  .pane-header { display: flex; align-items: baseline; gap: 8px; padding: 12px 20px;
    border-bottom: 1px solid #e8e8e8; }
  .pane-header b { font-size: 18px; font-weight: 900; }
  .pane-header span { color: #616061; font-size: 13px; }
  .slack .message { display: flex; gap: 8px; padding: 8px 20px; }
  .slack .message.answer { background: #fef9ec; box-shadow: inset 3px 0 #e8a723; }
  .bot-avatar, .person-avatar { flex: none; width: 36px; height: 36px; border-radius: 6px;
    color: #fff; font-weight: 900; font-size: 18px; display: flex; align-items: center;
    justify-content: center; margin-top: 3px; }
  .bot-avatar { background: #4a154b; }
  .person-avatar { background: #2b7a78; }
  .content { min-width: 0; flex: 1; }
  .sender b { font-weight: 900; }
  .app { font-size: 10px; font-weight: 700; color: #616061; background: #e8e8e8; border-radius: 2px;
    padding: 1px 3px; margin: 0 6px 0 4px; vertical-align: 1px; }
  .sender b + .time { margin-left: 6px; }
  .time { font-size: 12px; color: #616061; }
  .context { display: flex; align-items: flex-start; flex-wrap: wrap; gap: 6px; color: #616061;
    font-size: 13px; line-height: 1.385; margin: 4px 0; }
  .context-avatar { flex: none; width: 18px; height: 18px; border-radius: 50%; background: #c8c8c8;
    color: #fff; font-size: 11px; font-weight: 700; display: flex; align-items: center;
    justify-content: center; }
  .context > span:not(.context-avatar) { flex: 1 1 0; min-width: 0; }
  .section { margin: 4px 0; overflow-wrap: anywhere; }
  .slack a { color: #1264a3; text-decoration: none; }
  .slack b { font-weight: 700; }
  .slack code { font: 12px/1.5 Monaco, Menlo, Consolas, "Courier New", monospace; color: #c01343;
    background: #f8f8f8; border: 1px solid #e1e1e1; border-radius: 3px; padding: 1px 3px; }
  .slack pre { font: 12px/1.5 Monaco, Menlo, Consolas, "Courier New", monospace; background: #f8f8f8;
    border: 1px solid #e1e1e1; border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap;
    overflow-wrap: anywhere; }
  .slack blockquote { margin: 4px 0; padding-left: 12px; border-left: 4px solid #ddd; }
  .mention { color: #1264a3; background: #e8f5fa; border-radius: 3px; padding: 0 2px; }
  .edited { color: #616061; font-size: 13px; }
  .replies { display: flex; align-items: center; gap: 12px; color: #616061; font-size: 13px;
    padding: 4px 20px; }
  .replies::after { content: ""; flex: 1; border-top: 1px solid #e8e8e8; }
  .slack > .message:last-child { margin-bottom: 8px; }

  /* GitHub */
  .github { font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica,
    Arial, sans-serif; color: #1f2328; padding-bottom: 20px; }
  .gh-title { padding: 14px 20px 12px; border-bottom: 1px solid #d1d9e0; }
  .gh-title h1 { margin: 0; font-size: 22px; font-weight: 400; line-height: 1.3; }
  .gh-title h1 span { color: #59636e; font-weight: 300; }
  .gh-state { display: inline-block; margin-top: 8px; padding: 3px 12px; border-radius: 2em;
    background: #1f883d; color: #fff; font-size: 13px; font-weight: 500; }
  .gh-state + span { color: #59636e; font-size: 14px; margin-left: 6px; }
  .gh-timeline { position: relative; padding: 16px 20px 0 20px; }
  .gh-timeline::before { content: ""; position: absolute; top: 16px; bottom: 0; left: 96px;
    border-left: 2px solid #d1d9e0; }
  .gh-item { position: relative; display: flex; gap: 16px; margin-bottom: 16px; }
  .gh-item:last-child { margin-bottom: 0; }
  .gh-avatar { flex: none; width: 40px; height: 40px; border-radius: 50%; background: #8c959f;
    color: #fff; font-weight: 600; font-size: 18px; display: flex; align-items: center;
    justify-content: center; }
  .gh-app-avatar { border-radius: 6px; background: #4a154b; font-weight: 900; }
  .gh-comment { position: relative; flex: 1; min-width: 0; background: #fff;
    border: 1px solid #d1d9e0; border-radius: 6px; }
  .gh-comment.answer { border-color: #0969da; box-shadow: 0 0 0 1px #0969da; }
  .gh-comment-header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0;
    border-radius: 6px 6px 0 0; color: #59636e; }
  .gh-comment.answer .gh-comment-header { background: #ddf4ff; border-bottom-color: #0969da; }
  .gh-comment-header b { color: #1f2328; font-weight: 600; }
  .gh-label { display: inline-block; margin: 0 4px 0 6px; padding: 0 7px; border: 1px solid #d1d9e0;
    border-radius: 2em; font-size: 12px; line-height: 18px; font-weight: 500; color: #59636e; }
  .gh-comment-header b:not(:has(+ .gh-label)) { margin-right: 4px; }
  .gh-body { padding: 16px; overflow-wrap: anywhere; }
  .gh-body > :first-child { margin-top: 0; }
  .gh-body > :last-child { margin-bottom: 0; }
  .gh-body p, .gh-body ul, .gh-body ol, .gh-body pre, .gh-body blockquote { margin: 0 0 16px; }
  .gh-body a { color: #0969da; text-decoration: underline; text-underline-offset: 0.2rem; }
  .gh-body a.user-mention { font-weight: 600; color: #1f2328; text-decoration: none; }
  .gh-body strong { font-weight: 600; }
  .gh-body code { font: 85%/1.45 ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas,
    "Liberation Mono", monospace; padding: 0.2em 0.4em; background: rgba(129, 139, 152, 0.12);
    border-radius: 6px; }
  .gh-body pre { padding: 16px; background: #f6f8fa; border-radius: 6px; overflow: auto; }
  .gh-body pre code { padding: 0; background: none; font-size: 85%; }
  .gh-body blockquote { padding: 0 1em; color: #59636e; border-left: 0.25em solid #d1d9e0; }
  .gh-body sub { font-size: 75%; line-height: 0; vertical-align: -0.25em; }
  .gh-body sub a { text-decoration: underline; }
</style>
</head>
<body>
<div class="side-by-side">
<div class="pane slack">
<div class="pane-header"><b>Thread</b><span>#${CHANNEL_NAME}</span></div>
${slackMessageHtml(parent, QUESTION.minute)}
<div class="replies">${count}</div>
${replies.map((reply) => slackMessageHtml(reply, minuteOf(reply))).join("\n")}
</div>
<div class="arrow"><svg width="32" height="24" viewBox="0 0 32 24" aria-label="becomes"><path d="M2 12h24M18 4l8 8-8 8" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg></div>
<div class="pane github">
<div class="gh-title">
  <h1>${escapeHtml(PULL_REQUEST.title)} <span>#${PULL_NUMBER}</span></h1>
  <span class="gh-state">Open</span><span>${escapeHtml(REPOSITORY)}</span>
</div>
<div class="gh-timeline">
${gitHubCommentHtml({ login: OCTOCAT.login, bot: false, when: `${ago} minutes ago`, markdown: QUESTION.body })}
${gitHubCommentHtml({ login: "threadline", bot: true, when: "now", markdown: comment.body, highlight: true })}
</div>
</div>
</div>
<script>document.body.dataset.height = Math.ceil(document.documentElement.getBoundingClientRect().height);</script>
</body>
</html>
`;
}

// --- main --------------------------------------------------------------------------------------

const outcome = await runStory();
mkdirSync(dirname(OUT_HTML), { recursive: true });
// Formatted as the repository formats everything (`npm run format:check` covers docs/).
writeFileSync(OUT_HTML, await format(page(outcome), { parser: "html", printWidth: 100 }));
console.log(
  `Slack calls: ${outcome.methods.join(", ")}; GitHub comment:\n${outcome.comment.body}\n-> ${OUT_HTML}`,
);

if (process.argv.includes("--screenshot")) {
  const height = screenshotPage(OUT_HTML, OUT_PNG, WIDTH);
  console.log(`-> ${OUT_PNG} (${WIDTH}×${height})`);
}

/**
 * The deliveries the servers receive: a real `issue_comment.created` payload from
 * @octokit/webhooks-examples, turned into a pull-request comment on installation 1.
 */
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The example payload as a pull-request comment on pull request `number`. */
export function pullRequestComment(number) {
  const examples = require("@octokit/webhooks-examples");
  const issueComment = examples.find((webhook) => webhook.name === "issue_comment");
  const example = issueComment?.examples.find((payload) => payload.action === "created");
  if (!example) throw new Error("@octokit/webhooks-examples has no issue_comment.created example");

  const payload = structuredClone(example);
  if (number !== payload.issue.number) {
    const from = `/issues/${payload.issue.number}`;
    const to = `/issues/${number}`;
    payload.issue.number = number;
    payload.issue.url = payload.issue.url.replace(from, to);
    payload.issue.html_url = payload.issue.html_url.replace(from, to);
    payload.comment.issue_url = payload.comment.issue_url.replace(from, to);
  }
  const pullUrl = payload.issue.url.replace("/issues/", "/pulls/");
  const htmlUrl = payload.issue.html_url.replace("/issues/", "/pull/");
  payload.issue.pull_request = {
    url: pullUrl,
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
  };
  payload.installation = { id: 1 };
  return payload;
}

function sign(secret, body) {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Raw body bytes plus a valid and a forged `X-Hub-Signature-256` for them. */
export function buildDelivery(secret) {
  const payload = pullRequestComment(1);
  const body = Buffer.from(JSON.stringify(payload));
  return {
    body,
    event: "issue_comment",
    repository: payload.repository.full_name,
    validSignature: sign(secret, body),
    // Same length and shape as a real signature, so the server does the full HMAC before refusing.
    forgedSignature: sign(`${secret}-forged`, body),
  };
}

/**
 * One distinct comment for the end-to-end phase: its own comment id, creation time and body on
 * pull request `pullRequest`. The body is `marker`, which the rendered Slack message contains, so the
 * fake Slack can tell which delivery a post came from.
 */
export function buildCommentDelivery(secret, { pullRequest, commentId, marker }) {
  const payload = pullRequestComment(pullRequest);
  const createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  payload.comment.id = commentId;
  payload.comment.node_id = `IC_bench${commentId}`;
  payload.comment.body = `Bench comment ${marker}`;
  payload.comment.created_at = createdAt;
  payload.comment.updated_at = createdAt;
  payload.comment.html_url = `${payload.issue.html_url.replace("/issues/", "/pull/")}#issuecomment-${commentId}`;
  payload.comment.url = payload.comment.url.replace(/\d+$/, String(commentId));
  const body = Buffer.from(JSON.stringify(payload));
  return { body, event: "issue_comment", signature: sign(secret, body) };
}

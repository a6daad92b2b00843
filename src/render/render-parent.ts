import type { PullRequestState, PullRequestUpdate } from "../events/conversation-event.js";
import { context, section, slackMessage, type SlackMessage } from "./block-kit.js";
import { escapeInlineCode, escapeMrkdwn } from "./escape-mrkdwn.js";
import { slackLink } from "./slack-link.js";
import { truncateText } from "./truncate-text.js";

const STATE_LABEL: Record<PullRequestState, string> = {
  open: "🟢 Open",
  draft: "📝 Draft",
  merged: "🟣 Merged",
  closed: "🔴 Closed",
};

/** The prefix that keeps a thread reply in Slack when replies are carried to GitHub. */
export const SLACK_ONLY_PREFIX = "//";

export interface ParentOptions {
  /** The repository's `replies:`; when replies are carried, the footer says how, and how not to. */
  replies?: "off" | "mapped" | "anyone";
}

/**
 * The parent message of a pull request's thread in a channel: what it is, who opened it, where it
 * goes, and where it stands. It is edited in place as the pull request changes. Where replies are
 * carried to GitHub, its footer is where people read how (and how to keep a remark in Slack).
 */
export function renderParent(update: PullRequestUpdate, options: ParentOptions = {}): SlackMessage {
  const { repository, pullRequest } = update;
  const reference = `${repository.fullName}#${pullRequest.number}`;
  const title = truncateText(pullRequest.title, 200);
  const branches =
    pullRequest.base === undefined || pullRequest.head === ""
      ? ""
      : ` · \`${escapeInlineCode(pullRequest.base)}\` ← \`${escapeInlineCode(pullRequest.head)}\``;
  const thread =
    options.replies && options.replies !== "off"
      ? `replies in the thread become comments on GitHub (start one with \`${SLACK_ONLY_PREFIX}\` to keep it in Slack)`
      : "comments in the thread";
  return slackMessage(
    `${escapeMrkdwn(reference)}: ${escapeMrkdwn(title)} (${STATE_LABEL[pullRequest.state]})`,
    [
      section(`*${slackLink(pullRequest.htmlUrl, `${reference}: ${title}`)}*`),
      context(
        `${STATE_LABEL[pullRequest.state]} · opened by ${escapeMrkdwn(pullRequest.author)}${branches} · ${thread}`,
      ),
    ],
  );
}

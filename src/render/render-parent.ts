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

/**
 * The parent message of a pull request's thread in a channel: what it is, who opened it, where it
 * goes, and where it stands. It is edited in place as the pull request changes.
 */
export function renderParent(update: PullRequestUpdate): SlackMessage {
  const { repository, pullRequest } = update;
  const reference = `${repository.fullName}#${pullRequest.number}`;
  const title = truncateText(pullRequest.title, 200);
  const branches =
    pullRequest.base === undefined || pullRequest.head === ""
      ? ""
      : ` · \`${escapeInlineCode(pullRequest.base)}\` ← \`${escapeInlineCode(pullRequest.head)}\``;
  return slackMessage(
    `${escapeMrkdwn(reference)}: ${escapeMrkdwn(title)} (${STATE_LABEL[pullRequest.state]})`,
    [
      section(`*${slackLink(pullRequest.htmlUrl, `${reference}: ${title}`)}*`),
      context(
        `${STATE_LABEL[pullRequest.state]} · opened by ${escapeMrkdwn(pullRequest.author)}${branches} · comments in the thread`,
      ),
    ],
  );
}

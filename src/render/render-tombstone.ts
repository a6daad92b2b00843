import type { ConversationEvent } from "../events/conversation-event.js";
import { context, slackMessage, type SlackMessage } from "./block-kit.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { slackLink } from "./slack-link.js";

/** What stays in Slack where a comment deleted on GitHub was (`deleted: tombstone`). */
export function renderTombstone(event: ConversationEvent): SlackMessage {
  const what = event.kind === "review" ? "review" : "comment";
  const reference = `${event.repository.fullName}#${event.pullRequest.number}`;
  return slackMessage(
    `A ${what} by ${escapeMrkdwn(event.author.login)} on ${escapeMrkdwn(reference)} was deleted`,
    [
      context(
        `🗑️ _A ${what} by ${escapeMrkdwn(event.author.login)} on ${slackLink(event.pullRequest.htmlUrl, reference)} was deleted on GitHub._`,
      ),
    ],
  );
}

import type { ConversationEvent } from "../events/conversation-event.js";
import { mrkdwn, type SlackMessage } from "./block-kit.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { slackLink } from "./slack-link.js";

/** What stays in Slack where a comment deleted on GitHub was (`deleted: tombstone`). */
export function renderTombstone(event: ConversationEvent): SlackMessage {
  const what = event.kind === "review" ? "review" : "comment";
  const reference = `${event.repository.fullName}#${event.pullRequest.number}`;
  return {
    text: `A ${what} by ${escapeMrkdwn(event.author.login)} on ${escapeMrkdwn(reference)} was deleted`,
    blocks: [
      {
        type: "context",
        elements: [
          mrkdwn(
            `🗑️ _A ${what} by ${escapeMrkdwn(event.author.login)} on ${slackLink(event.pullRequest.htmlUrl, reference)} was deleted on GitHub._`,
          ),
        ],
      },
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}

import type { Announcement, PullRequestUpdate } from "../events/conversation-event.js";
import { context, slackMessage, type SlackMessage } from "./block-kit.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { slackLink } from "./slack-link.js";

const SAID: Record<Announcement, { emoji: string; words: string }> = {
  merged: { emoji: "🟣", words: "merged" },
  closed: { emoji: "🔴", words: "closed without merging" },
  ready_for_review: { emoji: "🟢", words: "marked ready for review" },
};

/**
 * A reply in the pull request's thread saying what became of it (`announce:`), so people
 * following the thread hear of it; the parent's card says it too, for those scanning the channel.
 */
export function renderAnnouncement(
  update: PullRequestUpdate,
  what: Announcement,
  by: string,
): SlackMessage {
  const { repository, pullRequest } = update;
  const reference = `${repository.fullName}#${pullRequest.number}`;
  const { emoji, words } = SAID[what];
  return slackMessage(`${escapeMrkdwn(reference)} was ${words} by ${escapeMrkdwn(by)}`, [
    context(
      `${emoji} ${slackLink(pullRequest.htmlUrl, reference)} was ${words} by ${escapeMrkdwn(by)}`,
    ),
  ]);
}

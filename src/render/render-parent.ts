import type { PullRequestState } from "../events/conversation-event.js";
import {
  headChecks,
  reviewerStatuses,
  type CheckOutcome,
  type PullRequestCard,
  type ReviewerState,
} from "../events/pull-request-card.js";
import { context, section, slackMessage, type Block, type SlackMessage } from "./block-kit.js";
import { escapeInlineCode, escapeMrkdwn } from "./escape-mrkdwn.js";
import { slackLink } from "./slack-link.js";
import { truncateText } from "./truncate-text.js";

const STATE_LABEL: Record<PullRequestState, string> = {
  open: "🟢 Open",
  draft: "📝 Draft",
  merged: "🟣 Merged",
  closed: "🔴 Closed",
};

const REVIEWER_LABEL: Record<ReviewerState, string> = {
  changes_requested: "❌ Changes requested",
  approved: "✅ Approved",
  commented: "💬 Commented",
  dismissed: "↩️ Dismissed",
  pending: "⏳ Review requested",
};

/**
 * The longest line of the card. Slack takes 3,000 characters per text; a card with every line
 * this long (six) still stays far under a message's 12,000.
 */
export const MAX_CARD_LINE = 1_500;

/** The prefix that keeps a thread reply in Slack when replies are carried to GitHub. */
export const SLACK_ONLY_PREFIX = "//";

export interface ParentOptions {
  /** The repository's `replies:`; when replies are carried, the footer says how, and how not to. */
  replies?: "off" | "mapped" | "anyone";
}

/**
 * `items` joined by `separator` as long as they fit in `max` characters after `prefix`; what does
 * not fit is counted by `more` (which must stay short), so the line never breaks Slack's limits.
 */
function fitLine(
  prefix: string,
  items: readonly string[],
  separator: string,
  more: (left: number) => string,
  max = MAX_CARD_LINE,
): string {
  let line = prefix;
  const reserve = separator.length + more(items.length).length;
  for (const [index, item] of items.entries()) {
    const next = `${index === 0 ? "" : separator}${item}`;
    const last = index === items.length - 1;
    if (line.length + next.length + (last ? 0 : reserve) > max) {
      return `${line}${index === 0 ? "" : separator}${more(items.length - index)}`;
    }
    line += next;
  }
  return line;
}

/** `🏷️ `bug` `docs``: the labels, each in a code span so nothing in a name is read as mrkdwn. */
function labelsLine(labels: readonly string[]): string | undefined {
  if (labels.length === 0) return undefined;
  const spans = labels.map((label) => `\`${escapeInlineCode(truncateText(label, 100))}\``);
  return fitLine("🏷️ ", spans, " ", (left) => `+${left} more`);
}

/** The reviewers grouped by where they stand: `❌ Changes requested: carol · ✅ Approved: alice, bob`. */
function reviewersLine(card: PullRequestCard): string | undefined {
  const statuses = reviewerStatuses(card);
  if (statuses.length === 0) return undefined;
  const reserve = ` and ${statuses.length} more`.length;
  let line = "";
  for (const [index, { reviewer, state }] of statuses.entries()) {
    const name = escapeMrkdwn(truncateText(reviewer, 100));
    // Sorted by state: a new group starts after a middle dot, names within it after commas.
    const piece =
      index === 0
        ? `${REVIEWER_LABEL[state]}: ${name}`
        : statuses[index - 1]!.state === state
          ? `, ${name}`
          : ` · ${REVIEWER_LABEL[state]}: ${name}`;
    const last = index === statuses.length - 1;
    if (line.length + piece.length + (last ? 0 : reserve) > MAX_CARD_LINE) {
      return `${line} and ${statuses.length - index} more`;
    }
    line += piece;
  }
  return line;
}

const CHECK_SUMMARY: Record<CheckOutcome, (count: number) => string> = {
  passed: (count) => `✅ ${count} passed`,
  failed: (count) => `❌ ${count} failed`,
  running: (count) => `⏳ ${count} running`,
  skipped: (count) => `⏭️ ${count} skipped`,
};

/** `Checks on `ec26c3e`: ✅ 12 passed · ❌ 2 failed · ⏳ 1 running`, then each failed one linked. */
function checksLines(card: PullRequestCard): string[] {
  const checks = headChecks(card);
  const sha = card.pullRequest.headSha;
  if (checks.length === 0 || !sha) return [];
  const counts = new Map<CheckOutcome, number>();
  for (const check of checks) counts.set(check.outcome, (counts.get(check.outcome) ?? 0) + 1);
  const summary = (["passed", "failed", "running", "skipped"] as const)
    .flatMap((outcome) => {
      const count = counts.get(outcome);
      return count ? [CHECK_SUMMARY[outcome](count)] : [];
    })
    .join(" · ");
  const lines = [`Checks on \`${escapeInlineCode(sha.slice(0, 7))}\`: ${summary}`];
  const failed = checks.filter((check) => check.outcome === "failed");
  if (failed.length > 0) {
    const allChecks = `${card.pullRequest.htmlUrl}/checks`;
    lines.push(
      fitLine(
        "Failed: ",
        failed.map((check) => slackLink(check.url, truncateText(check.name, 100))),
        " · ",
        (left) => slackLink(allChecks, `and ${left} more`),
      ),
    );
  }
  return lines;
}

/**
 * The parent message of a pull request's thread in a channel: its card. What it is, who opened
 * it, where it goes and where it stands, then (when known) its labels, each reviewer with their
 * latest verdict, and the checks of its head commit with each failed one linked. It is edited in
 * place as the pull request changes. Where replies are carried to GitHub, its footer is where
 * people read how (and how to keep a remark in Slack). Whatever the pull request holds (30
 * reviewers, 200 checks, hostile names) the card stays within Slack's limits: long lines end with
 * how many more there are.
 */
export function renderParent(card: PullRequestCard, options: ParentOptions = {}): SlackMessage {
  const { repository, pullRequest } = card;
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
  const details = [
    labelsLine(pullRequest.labels),
    reviewersLine(card),
    ...checksLines(card),
  ].filter((line): line is string => line !== undefined);
  const blocks: Block[] = [
    section(`*${slackLink(pullRequest.htmlUrl, `${reference}: ${title}`)}*`),
    context(
      `${STATE_LABEL[pullRequest.state]} · opened by ${escapeMrkdwn(pullRequest.author)}${branches} · ${thread}`,
    ),
    ...details.map((line) => context(line)),
  ];
  return slackMessage(
    `${escapeMrkdwn(reference)}: ${escapeMrkdwn(title)} (${STATE_LABEL[pullRequest.state]})`,
    blocks,
  );
}

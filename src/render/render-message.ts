import type {
  ConversationEvent,
  ReviewCommentLocation,
  ReviewState,
} from "../events/conversation-event.js";
import { actionVerb } from "./action-verb.js";
import {
  blockTextLength,
  context,
  section,
  slackMessage,
  type Block,
  type ContextBlock,
  type SlackMessage,
} from "./block-kit.js";
import { cutMrkdwn } from "./cut-mrkdwn.js";
import { diffExcerptLines } from "./diff-hunk-lines.js";
import { diffLineUrl } from "./diff-line-url.js";
import { escapeMrkdwnText } from "./escape-mrkdwn.js";
import { fallbackText } from "./fallback-text.js";
import { fitToSlackLimits, SLACK_LIMITS } from "./fit-to-slack-limits.js";
import {
  commentTreeToMrkdwn,
  sourceChunks,
  type DetailsMode,
  type MarkdownToMrkdwnOptions,
} from "./markdown-to-mrkdwn.js";
import { commentTreeToPlainText } from "./markdown-to-plain-text.js";
import { normalizeLineEndings } from "./normalize-line-endings.js";
import { parseComment } from "./parse-comment.js";
import { slackLink, slackUrl } from "./slack-link.js";
import { suggestionShowsReplacedLines, suggestionToMrkdwn } from "./suggestion-to-mrkdwn.js";

/** What rendering needs besides the event. */
export interface RenderOptions {
  /** GitHub login -> Slack user id, from the repository's config. */
  mentions: Record<string, string>;
  /**
   * `details:` from the repository's config: a `<details>` block shows its summary only
   * (`collapse`, the default, as on GitHub) or its whole body (`show`).
   */
  details?: DetailsMode | undefined;
}

/** Reviews lead with their verdict, the thing a reader scans for. */
const REVIEW_STATE_LINE: Record<ReviewState, string> = {
  approved: "✅ *Approved*",
  changes_requested: "❌ *Changes requested*",
  commented: "💬 *Reviewed*",
};

/**
 * The diff excerpt is context, not the message: escaping can make its capped lines four times
 * longer (`<` is `&lt;`), so its text is capped as well, leaving the room to the comment.
 */
const EXCERPT_MAX_CHARS = 1_500;

const DEFAULT_SERVER_URL = "https://github.com";

/** The GitHub (Enterprise) origin the event came from, for profile links in mentions. */
function serverUrlOf(event: ConversationEvent): string {
  try {
    return new URL(event.repository.htmlUrl).origin;
  } catch {
    return DEFAULT_SERVER_URL;
  }
}

/** Who did what on which pull request, under their avatar. */
function headerBlock(event: ConversationEvent): ContextBlock {
  const { author, repository, pullRequest } = event;
  const who = `*${slackLink(author.htmlUrl, author.login)}*`;
  const what = slackLink(
    pullRequest.htmlUrl,
    `${repository.fullName}#${pullRequest.number}: ${pullRequest.title}`,
  );
  // image_url is JSON, not mrkdwn: it only has to be a web URL.
  const avatar =
    slackUrl(author.avatarUrl) === undefined
      ? undefined
      : ({
          type: "image",
          image_url: author.avatarUrl,
          alt_text: author.login,
        } as const);
  return context(`${who} ${actionVerb(event)} ${what}`, avatar);
}

/** `path:line`, or `path:start–end` for a comment on several lines. */
function locationLabel(location: ReviewCommentLocation): string {
  const { path, line, startLine } = location;
  if (line === null) {
    return `${path} (outdated)`;
  }
  return startLine !== null && startLine !== line
    ? `${path}:${startLine}–${line}`
    : `${path}:${line}`;
}

/**
 * The file and line linked to the diff, and the lines of the diff the comment is about (only those
 * above them when a suggestion already shows them as the lines it replaces).
 */
function locationBlocks(
  event: ConversationEvent,
  location: ReviewCommentLocation,
  suggestionShowsLines: boolean,
): Block[] {
  const link = slackLink(diffLineUrl(event.pullRequest.htmlUrl, location), locationLabel(location));
  if (location.inReplyToId !== null) {
    // A reply in a line's conversation: the comment it answers already showed the diff, so point
    // at that comment instead of repeating the excerpt.
    const answered = slackLink(
      `${event.pullRequest.htmlUrl}#discussion_r${location.inReplyToId}`,
      "a comment",
    );
    return [context(`↪ replying to ${answered} on ${link}`)];
  }
  const excerpt = diffExcerptLines(location, { aboveCommented: suggestionShowsLines });
  return excerpt.length === 0
    ? [context(link)]
    : [
        context(link),
        section(
          cutMrkdwn("```\n" + escapeMrkdwnText(excerpt.join("\n")) + "\n```", EXCERPT_MAX_CHARS)
            .head,
        ),
      ];
}

/** The comment as mrkdwn chunks and as the plain words of its notification, from one parse. */
function renderBody(
  body: string,
  options: MarkdownToMrkdwnOptions,
): { chunks: string[]; plain: string } {
  try {
    const tree = parseComment(body);
    return {
      chunks: commentTreeToMrkdwn(tree, options),
      plain: commentTreeToPlainText(tree, { ...options, details: options.details ?? "collapse" }),
    };
  } catch (error) {
    // Nesting too deep to render in good time still shows, as the comment's escaped source.
    if (error instanceof RangeError) {
      return {
        chunks: sourceChunks(body, options),
        plain: normalizeLineEndings(body).replace(/\s+/g, " ").trim(),
      };
    }
    throw error;
  }
}

/**
 * The Slack message for one GitHub conversation event: a header with the author and pull request,
 * for a line comment the file, line and diff excerpt, the body as mrkdwn within Slack's limits,
 * and a link back to GitHub. Everything from GitHub is escaped; only the mapped Slack users in
 * `options.mentions` can be mentioned, and nothing can reach `@channel`/`@here`.
 */
export function renderMessage(event: ConversationEvent, options: RenderOptions): SlackMessage {
  const location = event.kind === "review_comment" ? event.location : undefined;
  let suggestionShowsLines = false;
  const { chunks, plain } = renderBody(event.body, {
    mentions: options.mentions,
    serverUrl: serverUrlOf(event),
    repository: event.repository.fullName,
    details: options.details ?? "collapse",
    commentUrl: event.htmlUrl,
    renderSuggestion: (code, shown) => {
      if (shown && location !== undefined && suggestionShowsReplacedLines(location)) {
        suggestionShowsLines = true;
      }
      return suggestionToMrkdwn(code, location);
    },
  });
  const before: Block[] = [
    headerBlock(event),
    ...(location ? locationBlocks(event, location, suggestionShowsLines) : []),
  ];
  const after: Block[] = [context(slackLink(event.htmlUrl, "View on GitHub"))];

  if (event.kind === "review") {
    chunks.unshift(REVIEW_STATE_LINE[event.reviewState ?? "commented"]);
  }
  const fixed = [...before, ...after];
  const body = fitToSlackLimits(chunks, {
    commentUrl: event.htmlUrl,
    maxSections: SLACK_LIMITS.blocks - fixed.length,
    maxChars:
      SLACK_LIMITS.blockText - fixed.reduce((sum, block) => sum + blockTextLength(block), 0),
  });

  return slackMessage(fallbackText(event, plain), [
    ...before,
    ...body.sections.map((text) => section(text)),
    ...after,
  ]);
}

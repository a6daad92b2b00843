import type { Root } from "hast";
import { hastToMrkdwn, type DetailsMode } from "./hast-to-mrkdwn.js";
import { normalizeLineEndings } from "./normalize-line-endings.js";
import { parseComment } from "./parse-comment.js";
import { suggestionToMrkdwn } from "./suggestion-to-mrkdwn.js";
import { textToMrkdwn, type MentionOptions } from "./text-to-mrkdwn.js";

export { THEMATIC_BREAK, type DetailsMode } from "./hast-to-mrkdwn.js";

/** What the renderer needs beyond the markdown itself. */
export interface MarkdownToMrkdwnOptions extends MentionOptions {
  /**
   * Draws a ```suggestion block. Only the message layout knows which lines a review comment
   * covers, so it passes its own; without one the suggestion is shown under a label.
   */
  renderSuggestion?: (code: string, shown: boolean) => string;
  /** `owner/name` of the comment's repository, which `#123` and commit SHAs refer to. */
  repository?: string | undefined;
  /** What a `<details>` shows: its summary only (default, as on GitHub), or everything. */
  details?: DetailsMode | undefined;
  /** The comment on GitHub, linked from what a closed `<details>` hides. */
  commentUrl?: string | undefined;
}

/**
 * A comment that could not be parsed (nesting too deep to render in good time) as its escaped
 * source, a chunk per paragraph, so it still shows.
 */
export function sourceChunks(markdown: string, options: MentionOptions): string[] {
  return normalizeLineEndings(markdown)
    .split(/\n\s*\n/)
    .map((paragraph) => textToMrkdwn(paragraph.trim(), options))
    .filter((paragraph) => paragraph !== "");
}

/**
 * A parsed comment (see `parseComment`) as Slack mrkdwn chunks, as {@link markdownToMrkdwn} gives
 * them; for callers that also need the tree for the notification text.
 */
export function commentTreeToMrkdwn(tree: Root, options: MarkdownToMrkdwnOptions): string[] {
  return hastToMrkdwn(tree, {
    mentions: options.mentions,
    serverUrl: options.serverUrl,
    repository: options.repository,
    renderSuggestion: options.renderSuggestion ?? ((code) => suggestionToMrkdwn(code)),
    details: options.details ?? "collapse",
    commentUrl: options.commentUrl,
  });
}

/**
 * GitHub-flavoured markdown, with the HTML GitHub allows in it, as Slack mrkdwn: one string per
 * top-level block (paragraph, list, code block, quote, table, heading, `<details>`…), so that a
 * long comment can be cut between blocks. All comment text is escaped; the only `<…>` tokens in
 * the result are links to http(s)/mailto URLs, GitHub profile and reference links, and mentions
 * of the Slack users in `options.mentions`.
 */
export function markdownToMrkdwn(markdown: string, options: MarkdownToMrkdwnOptions): string[] {
  try {
    return commentTreeToMrkdwn(parseComment(markdown), options);
  } catch (error) {
    if (error instanceof RangeError) {
      return sourceChunks(markdown, options);
    }
    throw error;
  }
}

/** Chunks from {@link markdownToMrkdwn} as one mrkdwn text, blocks apart by a blank line. */
export function joinMrkdwnChunks(chunks: readonly string[]): string {
  return chunks.join("\n\n");
}

import { cutMrkdwn, type CutBoundary } from "./cut-mrkdwn.js";
import { slackLink } from "./slack-link.js";

/**
 * Slack's limits on a message, measured in UTF-16 code units as Slack counts them.
 * https://api.slack.com/reference/block-kit/blocks and https://api.slack.com/methods/chat.postMessage
 */
export const SLACK_LIMITS = {
  /** A section block's text. */
  sectionText: 3000,
  /** Blocks in one message. */
  blocks: 50,
  /**
   * Text across all blocks. Slack does not document one number; past about 12,000 characters it
   * truncates or refuses block messages, so threadline stays under it.
   */
  blockText: 12_000,
  /** The top-level `text` (Slack truncates it at 40,000). */
  text: 40_000,
} as const;

/** The room the comment body may take in a message. */
export interface SlackRoom {
  /** Where the whole comment can be read when it had to be cut. */
  commentUrl: string;
  /** Section blocks the body may use. */
  maxSections: number;
  /** Characters all those sections may hold together. */
  maxChars: number;
  /** Characters one section may hold; Slack's own limit unless a test wants less. */
  maxSectionChars?: number;
}

/** The body as section texts, and whether part of it was left on GitHub. */
export interface FittedBody {
  sections: string[];
  truncated: boolean;
}

/** Link text shown after a cut body. */
export const READ_MORE_LABEL = "View the whole comment on GitHub";

/** Chunks packed into as few sections as fit, each split at readable places when too long. */
function pack(chunks: readonly string[], maxSectionChars: number): string[] {
  const sections: string[] = [];
  let current = "";
  const push = (text: string): void => {
    // Slack refuses a section with no visible text, and trailing spaces show nothing.
    const trimmed = text.trimEnd();
    if (trimmed.trim() !== "") {
      sections.push(trimmed);
    }
  };
  for (const chunk of chunks) {
    if (current !== "" && current.length + 2 + chunk.length <= maxSectionChars) {
      current += `\n\n${chunk}`;
      continue;
    }
    push(current);
    let rest = chunk;
    while (rest.length > maxSectionChars) {
      const cut = cutMrkdwn(rest, maxSectionChars);
      if (cut.head === "") {
        // Links are capped well below a section, so this is unreachable; but never loop forever.
        push(rest.slice(0, maxSectionChars));
        rest = rest.slice(maxSectionChars);
        continue;
      }
      push(cut.head);
      rest = cut.rest;
    }
    current = rest;
  }
  push(current);
  return sections;
}

/** How the `…` joins the text before it: on its own line after a block or a closed code fence. */
function separatorAfter(head: string, boundary: CutBoundary): string {
  if (head === "") {
    return "";
  }
  if (head.endsWith("```")) {
    return "\n";
  }
  return boundary === "block" ? "\n\n" : boundary === "line" ? "\n" : "";
}

/**
 * Comment body chunks (from `markdownToMrkdwn`) as section texts within Slack's limits: each at
 * most `maxSectionChars`, at most `maxSections` of them and `maxChars` in all. When the body does
 * not fit it is cut at the most readable place before the limit, any open code block is closed,
 * and the last section ends with `…` and a link to the whole comment.
 */
export function fitToSlackLimits(chunks: readonly string[], room: SlackRoom): FittedBody {
  const maxSectionChars = room.maxSectionChars ?? SLACK_LIMITS.sectionText;
  const sections = pack(chunks, maxSectionChars);
  const total = sections.reduce((sum, text) => sum + text.length, 0);
  if (sections.length <= room.maxSections && total <= room.maxChars) {
    return { sections, truncated: false };
  }

  const footer = `…\n${slackLink(room.commentUrl, READ_MORE_LABEL)}`;
  // The widest a separator before the footer can be.
  const reserve = footer.length + 2;
  const kept: string[] = [];
  let used = 0;
  for (const section of sections) {
    const charsLeft = room.maxChars - used;
    if (kept.length < room.maxSections - 1 && section.length + reserve <= charsLeft) {
      kept.push(section);
      used += section.length;
      continue;
    }
    const space = Math.min(maxSectionChars, charsLeft) - reserve;
    const cut = space > 0 ? cutMrkdwn(section, space) : { head: "", boundary: "block" as const };
    const head = cut.head.trimEnd();
    kept.push(`${head}${separatorAfter(head, cut.boundary)}${footer}`);
    break;
  }
  return { sections: kept, truncated: true };
}

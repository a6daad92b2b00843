import { replaceEmojiShortcodes } from "./emoji-shortcodes.js";
import { escapeMrkdwnText } from "./escape-mrkdwn.js";
import { REFERENCE_PATTERNS, referenceOf, type ReferenceScope } from "./github-references.js";
import { slackLink } from "./slack-link.js";

/** How `@login` mentions in comment text become Slack mentions or profile links. */
export interface MentionOptions {
  /** GitHub login -> Slack user id (`U…`/`W…`); logins match case-insensitively. */
  mentions: Record<string, string>;
  /** `https://github.com` or the GitHub Enterprise Server origin the event came from. */
  serverUrl: string;
}

/** What prose needs to be shown as GitHub shows it: mentions, and the references it links. */
export interface TextOptions extends MentionOptions, ReferenceScope {
  /**
   * The text is quoted (someone's words repeated): its `@login`s show the name, linked to the
   * profile, and never ping the person in Slack again.
   */
  quoted?: boolean;
}

/**
 * GitHub's own mention rule: `@` after the start or a non-word character, a login, and then
 * neither `/` (that is a team, `@org/team`, which stays text) nor `.word` (that is an email's
 * domain or a file).
 */
const MENTION = String.raw`(?<![A-Za-z0-9_\x60])@(?<login>[A-Za-z0-9][A-Za-z0-9-]*)(?![A-Za-z0-9_/-])(?!\.+[A-Za-z0-9_])`;

/** Mentions and references in one scan of the text. */
const AUTOLINK = new RegExp([MENTION, ...REFERENCE_PATTERNS].join("|"), "g");

/** Logins are at most 39 characters, with single hyphens between alphanumerics. */
function isLogin(login: string): boolean {
  return login.length <= 39 && !login.includes("--") && !login.endsWith("-");
}

/** Only a real user id may become `<@…>`; anything else in the config could be a broadcast. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Case-insensitive lookup, since GitHub logins are case-insensitive and people type them freely. */
function slackUserFor(login: string, mentions: Record<string, string>): string | undefined {
  const wanted = login.toLowerCase();
  for (const [candidate, userId] of Object.entries(mentions)) {
    if (candidate.toLowerCase() === wanted && SLACK_USER_ID.test(userId)) {
      return userId;
    }
  }
  return undefined;
}

/** `@login` as a Slack mention when mapped, else as a link to the GitHub profile. */
export function mentionToMrkdwn(login: string, options: MentionOptions): string {
  const userId = slackUserFor(login, options.mentions);
  if (userId !== undefined) {
    return `<@${userId}>`;
  }
  return slackLink(`${options.serverUrl}/${login}`, `@${login}`);
}

/** Literal prose: emoji shortcodes drawn, then escaped. */
function literal(text: string): string {
  return escapeMrkdwnText(replaceEmojiShortcodes(text));
}

/**
 * Prose from a comment as mrkdwn: escaped, emoji shortcodes drawn, each `@login` turned into a
 * mention (a profile link when quoted), and issue, pull request and commit references linked as
 * GitHub links them. Used for text outside code and links only; code keeps all of it as typed.
 */
export function textToMrkdwn(text: string, options: TextOptions): string {
  let result = "";
  let last = 0;
  for (const match of text.matchAll(AUTOLINK)) {
    const [whole] = match;
    const groups = match.groups ?? {};
    const at = match.index ?? 0;
    let written: string | undefined;
    if (groups.login !== undefined) {
      if (isLogin(groups.login)) {
        written = options.quoted
          ? mentionToMrkdwn(groups.login, { mentions: {}, serverUrl: options.serverUrl })
          : mentionToMrkdwn(groups.login, options);
      }
    } else {
      const reference = referenceOf(groups, whole, options);
      written = reference && slackLink(reference.url, reference.label);
    }
    if (written !== undefined) {
      result += literal(text.slice(last, at)) + written;
      last = at + whole.length;
    }
  }
  return result + literal(text.slice(last));
}

import { escapeMrkdwnText } from "./escape-mrkdwn.js";
import { slackLink } from "./slack-link.js";

/** How `@login` mentions in comment text become Slack mentions or profile links. */
export interface MentionOptions {
  /** GitHub login -> Slack user id (`U…`/`W…`); logins match case-insensitively. */
  mentions: Record<string, string>;
  /** `https://github.com` or the GitHub Enterprise Server origin the event came from. */
  serverUrl: string;
}

/**
 * GitHub's own mention rule: `@` after the start or a non-word character, a login, and then
 * neither `/` (that is a team, `@org/team`) nor `.word` (that is an email's domain or a file).
 */
const MENTION =
  /(^|[^A-Za-z0-9_`])@([A-Za-z0-9][A-Za-z0-9-]*)(?![A-Za-z0-9_/-])(?!\.+[A-Za-z0-9_])/g;

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

/**
 * Prose from a comment as mrkdwn: escaped, with each `@login` turned into a mention. Used for text
 * outside code only; code keeps `@` as typed.
 */
export function textToMrkdwn(text: string, options: MentionOptions): string {
  let result = "";
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const [whole, before = "", login = ""] = match;
    if (!isLogin(login)) {
      continue;
    }
    const at = (match.index ?? 0) + before.length;
    result += escapeMrkdwnText(text.slice(last, at)) + mentionToMrkdwn(login, options);
    last = (match.index ?? 0) + whole.length;
  }
  return result + escapeMrkdwnText(text.slice(last));
}

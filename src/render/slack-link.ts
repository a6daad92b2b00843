import { escapeMrkdwnText } from "./escape-mrkdwn.js";
import { truncateText } from "./truncate-text.js";

const LINKABLE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/**
 * A link is one token that a long message cannot be cut inside, so it must stay well under a
 * section's 3,000 characters: a longer URL is shown as its label only.
 */
export const MAX_URL_LENGTH = 1_500;

/** Labels are shortened to this, before escaping (which can make them four times longer). */
export const MAX_LABEL_LENGTH = 300;

/**
 * The URL as it may sit inside a Slack `<url|label>` token, or `undefined` when it is not an
 * http(s) or mailto link (relative links, `javascript:`, `slack:` and the like stay plain text).
 * `|` would end the URL and start the label, and `<`/`>` would end the token, so they are
 * percent-encoded; `&` becomes `&amp;` as Slack expects inside tokens too.
 */
export function slackUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (!LINKABLE_PROTOCOLS.has(parsed.protocol)) {
    return undefined;
  }
  const target = parsed.href
    .replace(/\|/g, "%7C")
    .replace(/</g, "%3C")
    .replace(/>/g, "%3E")
    .replace(/&/g, "&amp;");
  return target.length > MAX_URL_LENGTH ? undefined : target;
}

/**
 * A Slack link showing `label` (plain text, escaped here) and pointing at `url`; only the escaped
 * label when the URL may not be linked, so the reader still sees the words.
 */
export function slackLink(url: string, label: string): string {
  const target = slackUrl(url);
  const text = escapeMrkdwnText(truncateText(label.replace(/\s+/g, " ").trim(), MAX_LABEL_LENGTH));
  if (target === undefined) {
    return text;
  }
  return text === "" ? `<${target}>` : `<${target}|${text}>`;
}

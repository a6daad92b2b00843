import { nameToEmoji } from "gemoji";

/**
 * GitHub's `:shortcode:` emoji (gemoji, the table GitHub maintains) as the Unicode emoji they
 * stand for. Slack draws every Unicode emoji, but reads only its own names, and the two sets
 * differ: GitHub's `:green_circle:` is Slack's `:large_green_circle:`, `:thinking:` is
 * `:thinking_face:`, and a few names mean another emoji in Slack (GitHub's `:satellite:` is 📡,
 * Slack's 🛰️). The Unicode emoji reads the same in both, so every GitHub name becomes one; a
 * name GitHub does not know stays as typed, as it does on GitHub.
 */
const SHORTCODE = /:([a-z0-9_+-]{1,60}):/g;

/** `text` with each GitHub emoji shortcode replaced by its emoji. */
export function replaceEmojiShortcodes(text: string): string {
  if (!text.includes(":")) {
    return text;
  }
  let result = "";
  let last = 0;
  SHORTCODE.lastIndex = 0;
  for (let match = SHORTCODE.exec(text); match !== null; match = SHORTCODE.exec(text)) {
    const emoji = Object.hasOwn(nameToEmoji, match[1] ?? "")
      ? nameToEmoji[match[1] ?? ""]
      : undefined;
    if (emoji === undefined) {
      // The closing colon may open the next shortcode (`a:b:tada:`).
      SHORTCODE.lastIndex = match.index + match[0].length - 1;
      continue;
    }
    result += text.slice(last, match.index) + emoji;
    last = match.index + match[0].length;
  }
  return result + text.slice(last);
}

/**
 * Slack reads `&`, `<` and `>` as control characters: `<…>` is a link, a user or a broadcast
 * (`<!channel>`), and `&…;` an entity. Escaping exactly these three is Slack's documented rule,
 * and it is what keeps text written on GitHub from pinging a whole Slack workspace.
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
};

/** `text` with `&`, `<`, `>` replaced by entities, so Slack shows it literally. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (character) => ENTITIES[character] ?? "");
}

/**
 * User text for anywhere in a message, code blocks included: escaped, and with every run of three
 * or more backticks turned into look-alike modifier letters (ˋˋˋ), because Slack opens or ends a
 * code block at any ``` it meets. So the renderer's own fences are the only ``` in a message,
 * which is what lets a long message be cut and its code block closed and reopened.
 */
export function escapeMrkdwnText(text: string): string {
  return escapeMrkdwn(text).replace(/`{3,}/g, (run) => "ˋ".repeat(run.length));
}

/** Text for an inline `code` span; Slack has no way to put a backtick inside one. */
export function escapeInlineCode(code: string): string {
  return escapeMrkdwn(code).replace(/`/g, "ˋ");
}

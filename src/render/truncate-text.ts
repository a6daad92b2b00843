/**
 * `text` cut to at most `max` UTF-16 code units (Slack's measure) with `…` at the end, at a space
 * when one falls in the last half, and never between the two halves of an emoji.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  let end = Math.max(max - 1, 0);
  const space = text.lastIndexOf(" ", end);
  if (space > end / 2) {
    end = space;
  } else if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) {
    end -= 1;
  }
  return `${text.slice(0, end).trimEnd()}…`;
}

/** Where a cut fell, from most to least readable; decides how the "…" is attached. */
export type CutBoundary = "block" | "line" | "word" | "hard";

/** A mrkdwn text cut in two, each half valid mrkdwn on its own. */
export interface MrkdwnCut {
  /** At most the asked length, with any code block it leaves open closed. */
  head: string;
  /** The remainder, reopening that code block; empty when nothing was cut. */
  rest: string;
  boundary: CutBoundary;
}

const FENCE = "```";

/** How far back a readable boundary may be and still be preferred to a less readable one. */
const MIN_HEAD_SHARE = 0.5;

/**
 * Whether cutting before `index` keeps tokens whole: not between the halves of a surrogate pair,
 * not inside an `&amp;`-style entity, not inside a `<…>` link or mention. Every literal `<` and
 * `&` in rendered text is escaped, so any raw one starts a token.
 */
function isSafeCut(text: string, index: number): boolean {
  const code = text.charCodeAt(index - 1);
  if (code >= 0xd800 && code <= 0xdbff) {
    return false;
  }
  const tokenStart = text.lastIndexOf("<", index - 1);
  if (tokenStart !== -1) {
    const tokenEnd = text.indexOf(">", tokenStart);
    if (tokenEnd !== -1 && tokenEnd >= index) {
      return false;
    }
  }
  const entityStart = text.lastIndexOf("&", index - 1);
  if (entityStart !== -1 && index - entityStart <= 4) {
    const entityEnd = text.indexOf(";", entityStart);
    if (entityEnd !== -1 && entityEnd >= index && entityEnd - entityStart <= 4) {
      return false;
    }
  }
  return true;
}

/** The latest safe occurrence of `separator` ending at or before `limit`, not too early. */
function lastSeparator(text: string, separator: string, limit: number): number | undefined {
  let index = text.lastIndexOf(separator, limit);
  while (index >= limit * MIN_HEAD_SHARE && index > 0) {
    if (isSafeCut(text, index)) {
      return index;
    }
    index = text.lastIndexOf(separator, index - 1);
  }
  return undefined;
}

/** The latest safe index at or before `limit`, or 0 when a token spans all of it. */
function lastSafeIndex(text: string, limit: number): number {
  for (let index = limit; index > 0; index -= 1) {
    if (isSafeCut(text, index)) {
      return index;
    }
  }
  return 0;
}

function countFences(text: string): number {
  return text.split(FENCE).length - 1;
}

/** What stands before the fence on its line (a quote's `> │ `, a list's indent), to repeat it. */
function fencePrefix(head: string): string {
  const at = head.lastIndexOf(FENCE);
  const prefix = head.slice(head.lastIndexOf("\n", at) + 1, at);
  return /^[\s>│]*$/.test(prefix) ? prefix : "";
}

/**
 * The quote markers of the line being cut (`> `, and the `│ ` of a quote inside it), so a line
 * split mid-way stays in its quote.
 */
function quotePrefix(head: string): string {
  const line = head.slice(head.lastIndexOf("\n") + 1);
  return /^>(?: ?│)* ?/.exec(line)?.[0] ?? "";
}

/**
 * Cuts `text` to at most `max` UTF-16 code units (Slack's measure) at the most readable place:
 * between blocks, else between lines, else between words, else anywhere safe. A code block left
 * open is closed in the head and reopened in the rest. The head is empty when a single token
 * (a link) is longer than `max`, since half a link would show as markup.
 */
export function cutMrkdwn(text: string, max: number): MrkdwnCut {
  if (text.length <= max) {
    return { head: text, rest: "", boundary: "block" };
  }
  // Room for the fence that may have to close the head, grown if its line prefix is longer.
  let reserve = FENCE.length + 1;
  for (;;) {
    const cut = cutBefore(text, Math.max(max - reserve, 1));
    if (cut.head.length <= max || reserve >= max) {
      return cut;
    }
    reserve += cut.head.length - max;
  }
}

function cutBefore(text: string, limit: number): MrkdwnCut {
  let boundary: CutBoundary = "block";
  let end = lastSeparator(text, "\n\n", limit);
  let skip = 2;
  if (end === undefined) {
    boundary = "line";
    end = lastSeparator(text, "\n", limit);
    skip = 1;
  }
  if (end === undefined) {
    boundary = "word";
    end = lastSeparator(text, " ", limit);
  }
  if (end === undefined) {
    boundary = "hard";
    end = lastSafeIndex(text, limit);
    skip = 0;
  }
  let head = text.slice(0, end);
  let rest = text.slice(end + skip);
  if (boundary === "word" || boundary === "hard") {
    rest = quotePrefix(head) + rest;
  }
  if (countFences(head) % 2 === 1) {
    const prefix = fencePrefix(head);
    head = `${head}\n${prefix}${FENCE}`;
    rest = `${prefix}${FENCE}\n${rest}`;
  }
  return { head, rest, boundary };
}

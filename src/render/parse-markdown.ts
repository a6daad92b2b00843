import type { Root } from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";

const processor = unified().use(remarkParse).use(remarkGfm);

/**
 * A line opening 32 nested quotes or lists. No one writes that; it only makes the parser slow and,
 * deeper still, overflow its stack. (Each marker is followed by what cannot start the next one, so
 * this test runs in linear time.)
 */
const TOO_DEEP = /^[ \t]*(?:>[ \t]*|(?:[-*+]|\d{1,9}[.)])[ \t]+){32}/m;

/**
 * The mdast tree of GitHub-flavoured markdown (tables, task lists, strikethrough, autolinks).
 * Throws a RangeError, as a stack overflow would, for nesting too deep to parse in good time;
 * callers fall back to the source text.
 */
export function parseMarkdown(markdown: string): Root {
  if (TOO_DEEP.test(markdown)) {
    throw new RangeError("markdown is nested too deeply to render");
  }
  return processor.parse(markdown);
}

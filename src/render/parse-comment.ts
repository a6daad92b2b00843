import type { Root as HastRoot } from "hast";
import { raw } from "hast-util-raw";
import type { Nodes as MdastNodes, PhrasingContent, Root as MdastRoot } from "mdast";
import { toHast } from "mdast-util-to-hast";
import { prepareHtml, type HtmlDepth } from "./github-html.js";
import { normalizeLineEndings } from "./normalize-line-endings.js";
import { parseMarkdown } from "./parse-markdown.js";

/** `one\ntwo` as `one`, a line break, `two`: GitHub shows each newline of a comment as one. */
function splitSoftBreaks(children: PhrasingContent[]): PhrasingContent[] {
  if (!children.some((child) => child.type === "text" && child.value.includes("\n"))) {
    return children;
  }
  return children.flatMap((child): PhrasingContent[] =>
    child.type === "text" && child.value.includes("\n")
      ? child.value
          .split("\n")
          .flatMap((part, index): PhrasingContent[] => [
            ...(index > 0 ? [{ type: "break" } as const] : []),
            ...(part === "" ? [] : [{ type: "text", value: part } as const]),
          ])
      : [child],
  );
}

/**
 * Readies the markdown tree for GitHub's reading of it: raw HTML limited to the tags GitHub
 * allows (the rest becomes text) and checked for nesting, soft line breaks made hard. Walks with
 * a stack of its own, since the tree may be as deep as markdown allows.
 */
function prepareTree(tree: MdastRoot): void {
  const depth: HtmlDepth = { depth: 0 };
  const stack: MdastNodes[] = [tree];
  // Children are pushed in reverse so that HTML pieces are met in document order.
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type === "html") {
      node.value = prepareHtml(node.value, depth);
      continue;
    }
    if (!("children" in node)) {
      continue;
    }
    if (
      node.type === "paragraph" ||
      node.type === "heading" ||
      node.type === "tableCell" ||
      node.type === "emphasis" ||
      node.type === "strong" ||
      node.type === "delete" ||
      node.type === "link" ||
      node.type === "linkReference"
    ) {
      node.children = splitSoftBreaks(node.children);
    }
    for (let index = node.children.length - 1; index >= 0; index -= 1) {
      stack.push(node.children[index] as MdastNodes);
    }
  }
}

/**
 * A comment as GitHub renders it: GitHub-flavoured markdown, then the HTML written in it parsed
 * together with the markdown around it (a `<details>` opened in one HTML block, markdown inside,
 * closed in a later one), as one HTML tree. Footnotes come out as GitHub numbers them.
 * Throws a RangeError for nesting too deep to render in good time; callers fall back to the
 * source text.
 */
export function parseComment(markdown: string): HastRoot {
  const tree = parseMarkdown(normalizeLineEndings(markdown));
  prepareTree(tree);
  return raw(toHast(tree, { allowDangerousHtml: true }) as HastRoot) as HastRoot;
}

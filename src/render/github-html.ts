/**
 * The HTML GitHub lets through in comments, and how raw HTML from a comment is made ready for the
 * HTML parser: anything that is not one of these tags is shown as the text it is.
 */

/**
 * Elements GitHub keeps when it sanitizes a comment. Only these are parsed as markup; anything
 * else that looks like a tag (`Array<T>` in prose, `<!channel>`, `<script>`) stays literal text,
 * so a reader sees what was typed and nothing can hide in Slack.
 */
export const GITHUB_ELEMENTS: ReadonlySet<string> = new Set(
  (
    "a abbr article b bdo big blockquote br caption center cite code col colgroup dd del details " +
    "dfn div dl dt em figcaption figure font g-emoji h1 h2 h3 h4 h5 h6 hr i img input ins kbd li " +
    "mark ol p picture pre q rp rt ruby s samp section small source span strike strong sub " +
    "summary sup table tbody td tfoot th thead tr tt u ul var video wbr"
  ).split(" "),
);

/** Elements without content: they open nothing. */
const VOID_ELEMENTS = new Set("br col hr img input source wbr".split(" "));

/**
 * Elements the parser closes by itself when the next one starts (`<p>a<p>b`, `<li>`, `<td>`), so
 * an author leaving out their end tags does not nest anything.
 */
const SELF_CLOSING = new Set("p li dt dd td th tr thead tbody tfoot rt rp colgroup".split(" "));

/**
 * How deeply a comment's HTML may nest. The HTML parser looks through every open element for
 * each new tag, so a comment of thousands of nested (or unclosed) tags costs time in the square
 * of its length; browsers stop nesting at 512. Nobody writes more than a few levels (AI review
 * bots nest `<details>` three or four deep).
 */
export const MAX_HTML_DEPTH = 64;

/** A comment, a tag with its attributes, or any other `<`; one quantifier per part (linear). */
const TOKEN = /<!--[\s\S]*?(?:-->|$)|<(\/?)([A-Za-z][A-Za-z0-9-]*)(?:[\s/][^<>]*)?>|</g;

/** Open elements seen so far across a comment's HTML pieces, in document order. */
export interface HtmlDepth {
  depth: number;
}

/**
 * Raw HTML from a comment with every `<` that does not open one of {@link GITHUB_ELEMENTS} or a
 * comment written as `&lt;`, so the parser reads it as text. Counts the nesting into `state`
 * and throws a RangeError past {@link MAX_HTML_DEPTH}, as the markdown parser does for nesting too
 * deep to render in good time.
 */
export function prepareHtml(html: string, state: HtmlDepth): string {
  return html.replace(TOKEN, (token, closing: string | undefined, rawName: string | undefined) => {
    if (token === "<") {
      return "&lt;";
    }
    if (rawName === undefined) {
      return token;
    }
    const name = rawName.toLowerCase();
    if (!GITHUB_ELEMENTS.has(name)) {
      return `&lt;${token.slice(1)}`;
    }
    if (!VOID_ELEMENTS.has(name) && !SELF_CLOSING.has(name)) {
      state.depth = Math.max(state.depth + (closing ? -1 : 1), 0);
      if (state.depth > MAX_HTML_DEPTH) {
        throw new RangeError("HTML is nested too deeply to render");
      }
    }
    return token;
  });
}

import { slackLink } from "./slack-link.js";
import { textToMrkdwn, type MentionOptions } from "./text-to-mrkdwn.js";

/**
 * Elements GitHub lets through in comments. Only these are treated as markup; anything else that
 * looks like a tag (`<T>` in prose, `<!channel>`, `<@U123>`) is shown as the text it is.
 */
const HTML_ELEMENTS = new Set(
  (
    "a abbr article b bdo big blockquote br caption center cite code col colgroup dd del details " +
    "dfn div dl dt em figcaption figure font g-emoji h1 h2 h3 h4 h5 h6 hr i img input ins kbd li " +
    "mark ol p picture pre q rp rt ruby s samp section small source span strike strong sub " +
    "summary sup table tbody td tfoot th thead tr tt u ul var video wbr"
  ).split(" "),
);

/** Elements that start a new line when GitHub shows them. */
const LINE_ELEMENTS = new Set(
  (
    "blockquote br caption details div dl dd dt figure h1 h2 h3 h4 h5 h6 hr li ol p pre section " +
    "summary table tr ul"
  ).split(" "),
);

/** A comment, or a tag with its attributes; one quantifier per part, so it runs in linear time. */
const TOKEN = /<!--[\s\S]*?(?:-->|$)|<(\/?)([A-Za-z][A-Za-z0-9-]*)([\s/][^<>]*)?>/g;

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/** Raw HTML text still carries entities (`&amp;`); decoded here so they are escaped only once. */
function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z]+));/g,
    (whole, decimal?: string, hex?: string, name?: string) => {
      const codePoint =
        decimal !== undefined
          ? Number.parseInt(decimal, 10)
          : hex !== undefined
            ? Number.parseInt(hex, 16)
            : undefined;
      if (codePoint !== undefined) {
        return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
      }
      return NAMED_ENTITIES[name?.toLowerCase() ?? ""] ?? whole;
    },
  );
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(
    `(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`,
    "i",
  ).exec(attributes);
  const value = match?.[1] ?? match?.[2] ?? match?.[3];
  return value === undefined ? undefined : decodeEntities(value);
}

/**
 * The target of an opening `<a href="…">` tag, or `undefined`. Inline HTML arrives from remark one
 * tag per node, so the markdown renderer pairs the anchor with its `</a>` itself.
 */
export function anchorHref(html: string): string | undefined {
  const match = /^<a(\s[^<>]*)>$/i.exec(html.trim());
  return match ? attribute(match[1] ?? "", "href") : undefined;
}

/** How the one HTML walk below writes its output, as mrkdwn or as plain text. */
interface HtmlWriter {
  text(text: string): string;
  link(href: string, label: string): string;
  lineBreak: string;
}

function writeHtml(html: string, writer: HtmlWriter): string {
  let result = "";
  let last = 0;
  let openLink: { href: string; label: string } | undefined;
  const emit = (written: string, plain: string): void => {
    if (openLink) {
      openLink.label += plain;
    } else {
      result += written;
    }
  };
  const emitText = (raw: string): void => {
    const text = decodeEntities(raw);
    emit(writer.text(text), text);
  };

  for (const match of html.matchAll(TOKEN)) {
    const [whole, closing, rawName, attributes = ""] = match;
    const index = match.index ?? 0;
    const name = rawName?.toLowerCase();
    if (name !== undefined && !HTML_ELEMENTS.has(name)) {
      continue;
    }
    emitText(html.slice(last, index));
    last = index + whole.length;
    if (name === undefined) {
      continue;
    }
    if (name === "a" && !closing) {
      const href = attribute(attributes, "href");
      if (href !== undefined && !openLink) {
        openLink = { href, label: "" };
      }
    } else if (name === "a" && openLink) {
      const link = openLink;
      openLink = undefined;
      result += writer.link(link.href, link.label.trim() || link.href);
    } else if (name === "img") {
      const source = attribute(attributes, "src") ?? "";
      const alt = attribute(attributes, "alt")?.trim() || "image";
      emit(writer.link(source, alt), alt);
    } else if (LINE_ELEMENTS.has(name)) {
      emit(writer.lineBreak, " ");
    }
  }
  emitText(html.slice(last));
  if (openLink) {
    result += writer.text(openLink.label);
  }
  return result;
}

/**
 * Raw HTML from a comment as mrkdwn: comments dropped, GitHub's tags stripped with their text kept
 * (so `<details><summary>Logs</summary>` reads "Logs"), `<br>` and block tags as line breaks,
 * `<a href>` and `<img>` as links, and anything that is not a known tag left as literal text.
 */
export function htmlToMrkdwn(html: string, options: MentionOptions): string {
  return writeHtml(html, {
    text: (text) => textToMrkdwn(text, options),
    link: slackLink,
    lineBreak: "\n",
  });
}

/** The text a reader sees of raw HTML, on one line, unescaped: for labels and plain summaries. */
export function htmlToPlainText(html: string): string {
  return writeHtml(html, {
    text: (text) => text,
    link: (_href, label) => label,
    lineBreak: " ",
  });
}

/**
 * The few Block Kit shapes threadline sends, typed here so rendering stays free of the Slack SDK.
 * https://api.slack.com/reference/block-kit
 */

/**
 * A mrkdwn text object. threadline always sets `verbatim: true`: without it Slack auto-links bare
 * URLs and channel names and may parse mentions, and the only links and mentions a message may
 * hold are the `<…>` tokens the renderer wrote deliberately.
 */
export interface MrkdwnText {
  type: "mrkdwn";
  text: string;
  verbatim: true;
}

/** The author's avatar in the header line. */
export interface ImageElement {
  type: "image";
  image_url: string;
  alt_text: string;
}

/** Small grey lines: who did what, where in the diff, the link back to GitHub. */
export interface ContextBlock {
  type: "context";
  elements: Array<MrkdwnText | ImageElement>;
}

/** Body text; Slack caps `text.text` at 3,000 characters. */
export interface SectionBlock {
  type: "section";
  text: MrkdwnText;
}

/** The blocks threadline uses; no others are needed to show a conversation. */
export type Block = ContextBlock | SectionBlock;

/** The `chat.postMessage` arguments threadline fills in (the channel is the poster's business). */
export interface SlackMessage {
  /** Plain fallback shown in notifications and by clients that cannot draw blocks. */
  text: string;
  blocks: Block[];
  unfurl_links: false;
  unfurl_media: false;
}

/** A mrkdwn text object with `verbatim` set, the only kind threadline builds. */
export function mrkdwn(text: string): MrkdwnText {
  return { type: "mrkdwn", text, verbatim: true };
}

/** A section of body text. */
export function section(text: string): SectionBlock {
  return { type: "section", text: mrkdwn(text) };
}

/** A small grey line, after an image when one is given. */
export function context(text: string, image?: ImageElement): ContextBlock {
  return {
    type: "context",
    elements: image ? [image, mrkdwn(text)] : [mrkdwn(text)],
  };
}

/** The characters of text a block holds, as Slack counts them against a message's limit. */
export function blockTextLength(block: Block): number {
  return block.type === "section"
    ? block.text.text.length
    : block.elements.reduce(
        (sum, element) => sum + (element.type === "mrkdwn" ? element.text.length : 0),
        0,
      );
}

/** A message of these blocks with this fallback text; links are never unfurled. */
export function slackMessage(text: string, blocks: Block[]): SlackMessage {
  return { text, blocks, unfurl_links: false, unfurl_media: false };
}

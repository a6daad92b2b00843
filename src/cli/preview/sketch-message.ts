import type { Block, SlackMessage } from "../../render/block-kit.js";

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">" };

/** mrkdwn as a terminal shows it: links by their labels, mentions by their ids, entities decoded. */
function plainMrkdwn(text: string): string {
  return text
    .replace(/<([^<>|]*)\|([^<>]*)>/g, "$2")
    .replace(/<@([A-Z0-9]+)>/g, "@$1")
    .replace(/<([^<>]*)>/g, "$1")
    .replace(/&(?:amp|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** Code blocks drawn as boxes, as Slack draws them; the rest as it reads. */
function drawSection(text: string): string[] {
  const lines: string[] = [];
  let code: string[] | undefined;
  for (const line of plainMrkdwn(text).split("\n")) {
    const fence = /^(.*)```(.*)$/.exec(line);
    if (!fence) {
      (code ?? lines).push(line);
      continue;
    }
    if (code === undefined) {
      if (fence[1]) lines.push(fence[1]);
      code = fence[2] ? [fence[2]] : [];
      continue;
    }
    if (fence[1]) code.push(fence[1]);
    const width = code.reduce((widest, codeLine) => Math.max(widest, [...codeLine].length), 0);
    lines.push(
      `┌${"─".repeat(width + 2)}┐`,
      ...code.map((codeLine) => `│ ${codeLine}${" ".repeat(width - [...codeLine].length)} │`),
      `└${"─".repeat(width + 2)}┘`,
    );
    if (fence[2]) lines.push(fence[2]);
    code = undefined;
  }
  return code ? [...lines, ...code] : lines;
}

function drawBlock(block: Block): string[] {
  if (block.type === "section") {
    return drawSection(block.text.text);
  }
  const line = block.elements
    .map((element) => (element.type === "image" ? "[avatar]" : plainMrkdwn(element.text)))
    .join(" ");
  return [line];
}

/**
 * A plain-text sketch of what the channel shows for a message: context lines and sections in
 * order, links by their labels, code in boxes. A sketch: Slack's fonts and colours are its own.
 */
export function sketchMessage(message: SlackMessage): string {
  return [`(notification) ${plainMrkdwn(message.text)}`, "", ...message.blocks.flatMap(drawBlock)]
    .join("\n")
    .trimEnd();
}

import { renderMessage } from "../../render/render-message.js";
import { blockKitBuilderUrl } from "./block-kit-builder-url.js";
import { parsePreviewArguments, PREVIEW_USAGE } from "./parse-preview-arguments.js";
import { previewEvent } from "./preview-event.js";
import { sketchMessage } from "./sketch-message.js";

export interface PreviewCommandDeps {
  /** A file's text (the comment, the diff hunk). */
  readFile: (path: string) => Promise<string>;
  /** All of stdin, for `-` (or no FILE). */
  readStdin: () => Promise<string>;
  /** Whether stdin is a terminal: then nothing is piped in, and waiting on it would hang. */
  stdinIsTerminal: boolean;
  now: () => Date;
  /** Output (stdout). */
  write: (line: string) => void;
  /** A line for the operator (stderr). */
  warn: (line: string) => void;
}

function describeReadError(what: string, path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "it is a folder"
        : code === "EACCES"
          ? "permission denied"
          : String(error);
  return `threadline: preview: cannot read ${what} ${path}: ${reason}`;
}

/**
 * `threadline preview …`: renders a comment with the App's own renderer, as the App would send
 * it, and prints the payload, a sketch and a Block Kit Builder link. Sends nothing, reads no
 * setting. Resolves to the exit code: 0 rendered, 1 usage or read error.
 */
export async function runPreviewCommand(
  argv: readonly string[],
  deps: PreviewCommandDeps,
): Promise<number> {
  const parsed = parsePreviewArguments(argv);
  if (parsed.kind === "help") {
    deps.write(PREVIEW_USAGE);
    return 0;
  }
  if (parsed.kind === "usage-error") {
    deps.warn(`threadline: ${parsed.message}`);
    return 1;
  }
  const { request } = parsed;
  let body: string;
  let hunk: string | undefined;
  if (request.source === "-" && deps.stdinIsTerminal) {
    deps.warn(
      'threadline: preview: give the comment as a FILE, or pipe it in (threadline preview - < comment.md). Run "threadline preview --help" for usage',
    );
    return 1;
  }
  try {
    body = request.source === "-" ? await deps.readStdin() : await deps.readFile(request.source);
  } catch (error) {
    deps.warn(describeReadError("the comment", request.source, error));
    return 1;
  }
  if (request.location) {
    try {
      hunk = await deps.readFile(request.location.hunkFile);
    } catch (error) {
      deps.warn(describeReadError("the diff hunk", request.location.hunkFile, error));
      return 1;
    }
  }

  const message = renderMessage(previewEvent(request, body, hunk, deps.now()), {
    mentions: request.mentions,
    details: request.details,
  });
  const payload = JSON.stringify(message, null, 2);
  if (request.json) {
    deps.write(payload);
    return 0;
  }
  deps.write("Slack payload (chat.postMessage, without the channel):");
  deps.write(payload);
  deps.write("");
  deps.write("What the channel shows (a sketch):");
  deps.write(sketchMessage(message));
  deps.write("");
  deps.write("Open it in Slack's Block Kit Builder:");
  deps.write(blockKitBuilderUrl(message));
  return 0;
}

import { parseArgs } from "node:util";
import type { DetailsMode } from "../../render/markdown-to-mrkdwn.js";

export const PREVIEW_USAGE = `Usage: threadline preview [FILE|-] [options]

Renders a comment exactly as the App would send it to Slack, without sending anything: the
chat.postMessage payload as JSON, a plain-text sketch of what the channel shows, and a link that
opens the message in Slack's Block Kit Builder. Check a bot's output or a template before it
floods a channel.

FILE holds the comment's markdown, as written on GitHub; "-" or no FILE reads it from stdin.

Options:
  --review-comment      Render a comment on a line of a pull request's diff (needs --path,
                        --line and --hunk).
    --path P            The file the comment is on.
    --line N            The line it is on (the last one, for a comment on several lines).
    --start-line N      The first line, for a comment on several lines.
    --side LEFT|RIGHT   The side of the diff (default RIGHT, the new file).
    --hunk FILE         The diff hunk GitHub sends with the comment (its "@@" header, then the
                        lines up to the commented one).
  --details show|collapse
                        What a <details> block shows, as the config's "details:" (default
                        collapse).
  --mention login=U…    Map a GitHub login to a Slack member ID, as the config's "mentions:";
                        repeat for several.
  --repo owner/name     The repository the comment is in (default Codertocat/Hello-World).
  --pr N                The pull request's number (default 1).
  --title TEXT          The pull request's title.
  --author LOGIN        Who wrote the comment (default Codertocat).
  --json                Print the payload only, as one JSON document.

Exit status: 0 when the comment was rendered, 1 otherwise.`;

/** A line comment's place in the diff, as given on the command line. */
export interface PreviewLocation {
  path: string;
  line: number;
  startLine: number | null;
  side: "LEFT" | "RIGHT";
  /** The file holding the diff hunk. */
  hunkFile: string;
}

/** What `threadline preview …` asks for. */
export interface PreviewRequest {
  /** The file holding the comment, or `-` for stdin. */
  source: string;
  location: PreviewLocation | undefined;
  details: DetailsMode;
  mentions: Record<string, string>;
  repository: string;
  pullRequest: number;
  title: string | undefined;
  author: string;
  json: boolean;
}

export type PreviewArguments =
  | { kind: "help" }
  | { kind: "usage-error"; message: string }
  | { kind: "command"; request: PreviewRequest };

const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;

function usageError(message: string): PreviewArguments {
  return {
    kind: "usage-error",
    message: `preview: ${message}. Run "threadline preview --help" for usage`,
  };
}

function positiveInteger(text: string | undefined): number | undefined {
  return text !== undefined && /^[1-9]\d{0,8}$/.test(text) ? Number(text) : undefined;
}

/** Reads the arguments after `preview`; nothing is read from the disk or the environment here. */
export function parsePreviewArguments(argv: readonly string[]): PreviewArguments {
  let values: Record<string, string | string[] | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        "review-comment": { type: "boolean" },
        path: { type: "string" },
        line: { type: "string" },
        "start-line": { type: "string" },
        side: { type: "string" },
        hunk: { type: "string" },
        details: { type: "string" },
        mention: { type: "string", multiple: true },
        repo: { type: "string" },
        pr: { type: "string" },
        title: { type: "string" },
        author: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    // Not `instanceof Error`: node:util's errors may come from another realm (a test's VM).
    const text = (error as { message?: unknown } | undefined)?.message;
    const message = (typeof text === "string" ? text : String(error)).split(". ")[0]!;
    return usageError(`${message.charAt(0).toLowerCase()}${message.slice(1)}`);
  }
  const text = (name: string): string | undefined =>
    typeof values[name] === "string" ? (values[name] as string) : undefined;
  if (values.help || positionals[0] === "help") return { kind: "help" };
  if (positionals.length > 1) {
    return usageError(`give one FILE (or "-" for stdin), got "${positionals.join(" ")}"`);
  }

  const details = text("details") ?? "collapse";
  if (details !== "show" && details !== "collapse") {
    return usageError(`--details must be show or collapse, got "${details}"`);
  }
  const mentions: Record<string, string> = {};
  for (const pair of (values.mention as string[] | undefined) ?? []) {
    const [login = "", userId = ""] = pair.split("=", 2).map((part) => part.trim());
    if (!LOGIN.test(login) || !/^[UW][A-Z0-9]{6,}$/.test(userId)) {
      return usageError(`--mention "${pair}" is not login=U… (a GitHub login, a Slack member ID)`);
    }
    mentions[login] = userId;
  }
  const repository = text("repo") ?? "Codertocat/Hello-World";
  if (!REPOSITORY.test(repository)) return usageError(`--repo "${repository}" is not owner/name`);
  const pullRequest = positiveInteger(text("pr") ?? "1");
  if (pullRequest === undefined) return usageError(`--pr "${text("pr")}" is not a number`);
  const author = text("author") ?? "Codertocat";
  if (!LOGIN.test(author)) return usageError(`--author "${author}" is not a GitHub login`);

  const lineOptions = ["path", "line", "start-line", "side", "hunk"].filter(
    (name) => values[name] !== undefined,
  );
  let location: PreviewLocation | undefined;
  if (values["review-comment"]) {
    const path = text("path");
    const line = positiveInteger(text("line"));
    const hunkFile = text("hunk");
    if (path === undefined || path.trim() === "") {
      return usageError("--review-comment needs --path P, the file the comment is on");
    }
    if (line === undefined) {
      return usageError("--review-comment needs --line N, the line the comment is on");
    }
    if (hunkFile === undefined) {
      return usageError("--review-comment needs --hunk FILE, the diff hunk GitHub sends with it");
    }
    const startText = text("start-line");
    const startLine = startText === undefined ? null : positiveInteger(startText);
    if (startLine === undefined || (startLine !== null && startLine > line)) {
      return usageError(`--start-line "${startText}" is not a line at or before --line ${line}`);
    }
    const side = (text("side") ?? "RIGHT").toUpperCase();
    if (side !== "LEFT" && side !== "RIGHT") {
      return usageError(`--side must be LEFT or RIGHT, got "${text("side")}"`);
    }
    location = { path, line, startLine, side, hunkFile };
  } else if (lineOptions.length > 0) {
    return usageError(`--${lineOptions[0]} goes with --review-comment`);
  }

  return {
    kind: "command",
    request: {
      source: positionals[0] ?? "-",
      location,
      details,
      mentions,
      repository,
      pullRequest,
      title: text("title"),
      author,
      json: values.json === true,
    },
  };
}

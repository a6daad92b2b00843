import { describe, expect, test } from "@jest/globals";
import { BLOCK_KIT_BUILDER } from "../../src/cli/preview/block-kit-builder-url.js";
import {
  runPreviewCommand,
  type PreviewCommandDeps,
} from "../../src/cli/preview/run-preview-command.js";
import type { SlackMessage } from "../../src/render/block-kit.js";
import { expectWithinSlackLimits } from "../render/slack-invariants.js";

const NOW = new Date("2024-05-01T12:00:00Z");

/** GitHub's hunk for line 7 of the new README, as a file saved from the webhook payload. */
const README_HUNK = [
  "@@ -3,6 +3,8 @@",
  " ## Install",
  " ",
  "-Run `npm install`.",
  "+Run `npm ci` for a clean install.",
  "+",
  "+Then start it with `npm start`.",
].join("\n");

const SUGGESTION_COMMENT =
  "Nice! One nit, @octocat — see <!channel> in the docs:\r\n\r\n```suggestion\r\nThen start it with `npm start` (it builds first).\r\n```\r\n";

const RENOVATE = [
  "This PR contains the following updates:",
  "",
  "| Package | Change | Age |",
  "|---|---|---|",
  "| [zod](https://zod.dev) | `4.6.6` -> `4.6.7` | :green_circle: |",
  "",
  "<details>",
  "<summary>colinhacks/zod (zod)</summary>",
  "",
  "### [`v4.6.7`](https://github.com/colinhacks/zod/releases/tag/v4.6.7)",
  "",
  "- Fix `z.record` with enum keys",
  "",
  "</details>",
].join("\n");

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(
  argv: string[],
  {
    files = {},
    stdin,
    terminal = false,
  }: { files?: Record<string, string>; stdin?: string; terminal?: boolean } = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const deps: PreviewCommandDeps = {
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
          code: "ENOENT",
        });
      }
      return text;
    },
    readStdin: async () => stdin ?? "",
    stdinIsTerminal: terminal,
    now: () => NOW,
    write: (line) => out.push(line),
    warn: (line) => err.push(line),
  };
  const code = await runPreviewCommand(argv, deps);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** The payload printed with --json. */
async function payloadOf(argv: string[], files: Record<string, string>): Promise<SlackMessage> {
  const { code, out, err } = await run([...argv, "--json"], { files });
  expect(err).toBe("");
  expect(code).toBe(0);
  return JSON.parse(out) as SlackMessage;
}

describe("threadline preview", () => {
  test("a line comment: the payload, a sketch of the channel, and a Block Kit Builder link", async () => {
    const { code, out, err } = await run(
      [
        "-",
        "--review-comment",
        "--path",
        "README.md",
        "--line",
        "7",
        "--hunk",
        "hunk.diff",
        "--mention",
        "octocat=U024BE7LH",
        "--pr",
        "2",
        "--title",
        "Update the README with new information.",
      ],
      { files: { "hunk.diff": README_HUNK }, stdin: SUGGESTION_COMMENT },
    );
    expect(err).toBe("");
    expect(code).toBe(0);
    const [, json = "", sketch = "", url = ""] =
      /^Slack payload \(chat\.postMessage, without the channel\):\n([\s\S]*?)\n\nWhat the channel shows \(a sketch\):\n([\s\S]*?)\n\nOpen it in Slack's Block Kit Builder:\n(\S+)$/.exec(
        out,
      ) ?? [];
    const message = JSON.parse(json) as SlackMessage;
    expectWithinSlackLimits(message, ["U024BE7LH"]);
    expect(message.text).toBe(
      "Codertocat commented on a line in Codertocat/Hello-World#2: Nice! One nit, @octocat — see &lt;!channel&gt; in the docs: (suggested change)",
    );
    expect(sketch).toMatchInlineSnapshot(`
     "(notification) Codertocat commented on a line in Codertocat/Hello-World#2: Nice! One nit, @octocat — see <!channel> in the docs: (suggested change)

     [avatar] *Codertocat* commented on a line in Codertocat/Hello-World#2: Update the README with new information.
     README.md:7
     ┌────────────────────────────────────┐
     │  ## Install                        │
     │                                    │
     │ -Run \`npm install\`.                │
     │ +Run \`npm ci\` for a clean install. │
     │ +                                  │
     └────────────────────────────────────┘
     Nice! One nit, @U024BE7LH — see <!channel> in the docs:

     *Suggested change:* replace
     ┌─────────────────────────────────┐
     │ Then start it with \`npm start\`. │
     └─────────────────────────────────┘
     with
     ┌───────────────────────────────────────────────────┐
     │ Then start it with \`npm start\` (it builds first). │
     └───────────────────────────────────────────────────┘
     View on GitHub"
    `);
    expect(url.startsWith(BLOCK_KIT_BUILDER)).toBe(true);
    expect(JSON.parse(decodeURIComponent(url.slice(BLOCK_KIT_BUILDER.length)))).toEqual({
      blocks: message.blocks,
    });
  });

  test("a conversation comment from a file, with a bot's table and details", async () => {
    const message = await payloadOf(["renovate.md"], { "renovate.md": RENOVATE });
    expectWithinSlackLimits(message);
    expect(message.blocks.map((block) => block.type)).toEqual(["context", "section", "context"]);
    expect(message).toMatchObject({
      blocks: [
        {},
        {
          text: {
            text: expect.stringContaining(
              "▸ colinhacks/zod (zod) (<https://github.com/Codertocat/Hello-World/pull/1#issuecomment-1|2 lines hidden>)",
            ),
          },
        },
        {},
      ],
    });
  });

  test("--details show renders what the config's details: show would", async () => {
    const message = await payloadOf(["renovate.md", "--details", "show"], {
      "renovate.md": RENOVATE,
    });
    expect(JSON.stringify(message.blocks)).toContain("Fix `z.record` with enum keys");
  });

  test("--repo and --author name the pull request and the writer", async () => {
    const message = await payloadOf(["c.md", "--repo", "octo-org/octo-repo", "--author", "hubot"], {
      "c.md": "Fixed in #12",
    });
    expect(message.blocks[0]).toMatchObject({
      elements: [
        { type: "image", image_url: "https://github.com/hubot.png", alt_text: "hubot" },
        { text: expect.stringContaining("*<https://github.com/hubot|hubot>* commented on") },
      ],
    });
    expect(JSON.stringify(message.blocks)).toContain(
      "<https://github.com/octo-org/octo-repo/issues/12|#12>",
    );
  });

  test("--help prints the usage", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: threadline preview \[FILE\|-\] \[options\]/);
  });

  test.each([
    [["--nope"], "threadline: preview: unknown option '--nope'"],
    [["a.md", "b.md"], 'threadline: preview: give one FILE (or "-" for stdin), got "a.md b.md"'],
    [
      ["a.md", "--details", "hide"],
      'threadline: preview: --details must be show or collapse, got "hide"',
    ],
    [["a.md", "--mention", "octocat"], 'threadline: preview: --mention "octocat" is not login=U…'],
    [["a.md", "--line", "3"], "threadline: preview: --line goes with --review-comment"],
    [
      ["a.md", "--review-comment", "--path", "a.ts", "--line", "3"],
      "threadline: preview: --review-comment needs --hunk FILE",
    ],
    [
      [
        "a.md",
        "--review-comment",
        "--path",
        "a.ts",
        "--line",
        "3",
        "--start-line",
        "5",
        "--hunk",
        "h",
      ],
      'threadline: preview: --start-line "5" is not a line at or before --line 3',
    ],
    [["a.md", "--repo", "nope"], 'threadline: preview: --repo "nope" is not owner/name'],
  ])("usage error: %j", async (argv, message) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err.slice(0, message.length)).toBe(message);
    expect(err).toMatch(/Run "threadline preview --help" for usage$/);
  });

  test("a file that cannot be read is named, with the reason", async () => {
    const { code, err } = await run(["missing.md"]);
    expect(code).toBe(1);
    expect(err).toBe("threadline: preview: cannot read the comment missing.md: no such file");
  });

  test("no FILE and nothing piped in: it says how, rather than wait for the terminal", async () => {
    const { code, err } = await run([], { terminal: true });
    expect(code).toBe(1);
    expect(err).toMatch(/give the comment as a FILE, or pipe it in/);
  });
});

import { describe, expect, test } from "@jest/globals";
import {
  describeConfigCheck,
  MAX_ANNOTATIONS,
  MAX_OUTPUT_CHARS,
  type ConfigCheck,
} from "../../src/config/describe-config-check.js";
import { parseConfig } from "../../src/config/parse-config.js";

const PATH = ".github/threadline.yml";
const yaml = (...lines: string[]): string => `${lines.join("\n")}\n`;

/** The check for `text` as the pull request's new config in `owner/repo`. */
function checkOf(text: string, repo = "Hello-World", owner = "Codertocat"): ConfigCheck {
  return describeConfigCheck({
    kind: "changed",
    owner,
    repo,
    text,
    parsed: parseConfig(text, { repository: `${owner}/${repo}`, path: PATH }),
  });
}

const annotation = (line: number, title: string, message: string) => ({
  path: PATH,
  start_line: line,
  end_line: line,
  annotation_level: "failure",
  title,
  message,
});

describe("a valid file passes and lists the settings it puts in force", () => {
  test("channel, events, every route with its channel and conditions, filters, mentions", () => {
    const check = checkOf(
      yaml(
        "channel: C0123456789",
        "events: [comments, review_comments]",
        "routes:",
        "  - channel: C0FRONTEND",
        '    paths: ["web/**"]',
        '  - channel: "#releases"',
        '    base: ["main", "release/*"]',
        "    authors: [alice]",
        "  - channel: C0DESIGN01",
        "    labels: [design, ux]",
        "  - channel: C0FIREHOSE",
        "ignore:",
        "  bots: false",
        "  authors: [dependabot]",
        '  labels: ["no-slack"]',
        "  drafts: true",
        "mentions:",
        "  octocat: U024BE7LH",
        "  alice: U0ALICE01",
      ),
    );
    expect(check).toEqual({
      conclusion: "success",
      output: {
        title: "valid: default channel C0123456789, 4 routes",
        summary: [
          "`.github/threadline.yml` is valid.",
          "",
          "- **Default channel:** `C0123456789` (events no route matches)",
          "- **Events:** conversation comments, review comments on lines",
          "- **Routes** (every matching route gets the event; the default channel gets it only when none matches):",
          "  - routes[0] → `C0FRONTEND` when the file matches `web/**` (review comments only)",
          "  - routes[1] → `#releases` when the base branch matches `main` or `release/*` and the author is `alice`",
          "  - routes[2] → `C0DESIGN01` when the pull request has any of the labels `design`, `ux`",
          "  - routes[3] → `C0FIREHOSE` for every event",
          "- **Ignored:** comments by `dependabot`; pull requests labelled `no-slack`; draft pull requests",
          "- **Threads:** one parent message per pull request, comments as replies; deleted comments are replaced by a tombstone",
          "- **Mentions:** 2 GitHub logins mapped to Slack members",
        ].join("\n"),
        annotations: [],
      },
    });
  });

  test.each([
    [
      "an empty file: all defaults, SLACK_CHANNEL as the channel",
      "# nothing yet\n",
      "Hello-World",
      [
        "- **Default channel:** not set: events no route matches go to the deployment's `SLACK_CHANNEL`, or nowhere if it is unset; this file replaces the `.github` repository's, it does not add to it",
        "- **Events:** conversation comments, review comments on lines, reviews",
        "- **Routes:** none",
        "- **Ignored:** comments by bots",
        "- **Mentions:** none",
      ],
    ],
    [
      "the organisation's .github repository: says whom it applies to",
      "channel: C0123456789\n",
      ".github",
      [
        "It is in Codertocat's `.github` repository, so it applies to every repository of Codertocat without its own file.",
      ],
    ],
    [
      "_extends: says the extended file is not read here",
      "_extends: .github\nchannel: C0123456789\n",
      "Hello-World",
      [
        "It extends `.github`: fields it leaves out come from there, which this check does not read, so the defaults shown for them may not be what applies.",
      ],
    ],
    [
      "events: []: says nothing is posted",
      "channel: C0123456789\nevents: []\nignore:\n  bots: false\n",
      "Hello-World",
      ["- **Events:** none: nothing is posted", "- **Ignored:** nothing"],
    ],
    [
      "one label, one author: singular wording",
      yaml("routes:", "  - channel: C0ONE00001", "    labels: [ui]", "    authors: [bob]"),
      "Hello-World",
      [
        "  - routes[0] → `C0ONE00001` when the pull request has the label `ui` and the author is `bob`",
      ],
    ],
  ])("%s", (_name, text, repo, expectedLines) => {
    const check = checkOf(text, repo);
    expect(check.conclusion).toBe("success");
    expect(check.output.annotations).toEqual([]);
    const summaryLines = check.output.summary.split("\n");
    for (const line of expectedLines) expect(summaryLines).toContain(line);
  });

  test("values from the file cannot format, link or mention: they are shown as code", () => {
    const check = checkOf(
      yaml(
        "channel: C0123456789",
        "routes:",
        "  - channel: C0FRONTEND",
        '    labels: ["@octo-org/everyone", "a`b", "<b>bold</b>"]',
      ),
    );
    expect(check.output.summary).toContain(
      "has any of the labels `@octo-org/everyone`, ``a`b``, `<b>bold</b>`",
    );
  });
});

describe("a file that cannot be used fails, each problem marked on its line", () => {
  test.each([
    [
      "schema problems: one annotation per field, at its line, listed in the text too",
      yaml("channel: general", "ignore:", "  bots: maybe", "  bot: true"),
      "3 problems in .github/threadline.yml, first on line 1",
      [
        annotation(
          1,
          "channel",
          '"general" is not a Slack channel; use a channel ID like C0123456789 or a name like #general',
        ),
        annotation(3, "ignore.bots", 'expected true or false, found "maybe"'),
        annotation(4, "ignore.bot", "unknown field `bot`; did you mean `bots`?"),
      ],
      [
        '- line 1, `channel`: "general" is not a Slack channel; use a channel ID like C0123456789 or a name like \\#general',
        '- line 3, `ignore.bots`: expected true or false, found "maybe"',
        "- line 4, `ignore.bot`: unknown field `bot`; did you mean `bots`?",
      ].join("\n"),
    ],
    [
      "a YAML syntax error: one annotation for the file, at the line of the error",
      yaml("channel: C0123456789", "routes:", "  - channel: C0FRONTEND", "\tpaths: [web/**]"),
      "1 problem in .github/threadline.yml, first on line 4",
      [
        annotation(
          4,
          "file",
          "invalid YAML: tabs are not allowed as indentation; indent with spaces",
        ),
      ],
      "- line 4: invalid YAML: tabs are not allowed as indentation; indent with spaces",
    ],
    [
      "a route in a deep list: the line of the item",
      yaml(
        "routes:",
        '  - channel: "#web"',
        "    paths: [web/**]",
        "  - channel: C0RELEASES",
        "    base: [main, 7]",
      ),
      "1 problem in .github/threadline.yml, first on line 5",
      [annotation(5, "routes[1].base[1]", "expected text, found 7")],
      "- line 5, `routes[1].base[1]`: expected text, found 7",
    ],
  ])("%s", (_name, text, title, annotations, problemList) => {
    const check = checkOf(text);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe(title);
    expect(check.output.annotations).toEqual(annotations);
    expect(check.output.text).toBe(problemList);
    expect(check.output.summary).toContain("nothing would be posted for this repository");
  });

  test("in the organisation's .github repository, says every relying repository is affected", () => {
    const check = checkOf("ignore:\n  bots: maybe\n", ".github");
    expect(check.output.summary).toContain(
      "nothing would be posted for any repository of Codertocat that relies on it",
    );
  });

  test(`more than ${MAX_ANNOTATIONS} problems: the first ${MAX_ANNOTATIONS} annotated, all listed`, () => {
    const problems = 60;
    const text = yaml(
      "mentions:",
      ...Array.from({ length: problems }, (_, index) => `  user${index}: not-a-member`),
    );
    const check = checkOf(text);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("60 problems in .github/threadline.yml, first on line 2");
    expect(check.output.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(check.output.annotations.at(-1)).toMatchObject({
      start_line: MAX_ANNOTATIONS + 1,
      title: `mentions.user${MAX_ANNOTATIONS - 1}`,
    });
    expect(check.output.summary).toContain(
      "The first 50 are marked on the file; all are listed below.",
    );
    expect(check.output.text?.split("\n")).toHaveLength(problems);
    expect(check.output.text).toContain("line 61, `mentions.user59`");
  });

  test("a problem list longer than GitHub allows is cut at a line, saying how many are left out", () => {
    const problems = 800;
    const text = yaml(
      "mentions:",
      ...Array.from(
        { length: problems },
        (_, index) => `  user${index}: ${"x".repeat(60)}${index}`,
      ),
    );
    const check = checkOf(text);
    const listed = check.output.text ?? "";
    expect(listed.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(listed).toMatch(/\n… and \d+ more$/);
    const kept = listed.split("\n").length - 1;
    expect(listed.endsWith(`… and ${problems - kept} more`)).toBe(true);
  });
});

describe("a removed file passes and says what applies instead", () => {
  test.each([
    [
      "Hello-World",
      "config removed: the org's .github file or SLACK_CHANNEL will apply",
      "This pull request removes `.github/threadline.yml`. Once it is merged, the file in Codertocat's `.github` repository applies, or the deployment's `SLACK_CHANNEL` if there is none.",
    ],
    [
      ".github",
      "config removed: SLACK_CHANNEL will apply",
      "This pull request removes `.github/threadline.yml` from Codertocat's `.github` repository. Once it is merged, repositories without their own file post to the deployment's `SLACK_CHANNEL`, or nowhere if it is unset.",
    ],
  ])("in %s", (repo, title, summary) => {
    expect(describeConfigCheck({ kind: "removed", owner: "Codertocat", repo })).toEqual({
      conclusion: "success",
      output: { title, summary, annotations: [] },
    });
  });
});

import { describe, expect, test } from "@jest/globals";
import { parseConfig } from "../../src/config/parse-config.js";
import { configSchema } from "../../src/config/schema.js";

const source = {
  repository: "Codertocat/Hello-World",
  path: ".github/threadline.yml",
};

/** YAML lines joined, so each case reads like the file it stands for. */
const yaml = (...lines: string[]): string => `${lines.join("\n")}\n`;

const DEFAULTS = {
  events: ["comments", "review_comments", "reviews"],
  routes: [],
  ignore: { bots: true, authors: [], labels: [], drafts: false },
  threads: true,
  broadcast: false,
  deleted: "tombstone",
  details: "collapse",
  mentions: {},
  replies: "off",
  announce: [],
};

describe("configSchema", () => {
  test("every default", () => {
    expect(configSchema.parse({})).toStrictEqual(DEFAULTS);
  });

  const valid: [name: string, text: string, expected: object][] = [
    [
      "conversation settings",
      yaml("threads: false", "broadcast: true", "deleted: remove"),
      { ...DEFAULTS, threads: false, broadcast: true, deleted: "remove" },
    ],
    ["details shown in full", yaml("details: show"), { ...DEFAULTS, details: "show" }],
    ["replies from mapped members", yaml("replies: mapped"), { ...DEFAULTS, replies: "mapped" }],
    ["replies from anyone", yaml("replies: anyone"), { ...DEFAULTS, replies: "anyone" }],
    [
      "every announcement",
      yaml("announce: [merged, closed, ready_for_review]"),
      { ...DEFAULTS, announce: ["merged", "closed", "ready_for_review"] },
    ],
    ["merges only", yaml("announce:", "  - merged"), { ...DEFAULTS, announce: ["merged"] }],
    ["no announcements", yaml("announce: []"), DEFAULTS],
    ["an empty file", "", DEFAULTS],
    ["only comments", yaml("# threadline settings", "# none yet"), DEFAULTS],
    ["a channel ID", yaml("channel: C0123456789"), { ...DEFAULTS, channel: "C0123456789" }],
    ["a private channel ID", yaml("channel: G0123ABCD"), { ...DEFAULTS, channel: "G0123ABCD" }],
    [
      "a quoted channel name",
      yaml('channel: "#pull-requests"'),
      { ...DEFAULTS, channel: "#pull-requests" },
    ],
    ["some events", yaml("events: [reviews]"), { ...DEFAULTS, events: ["reviews"] }],
    ["no events at all", yaml("events: []"), { ...DEFAULTS, events: [] }],
    [
      "routes, with the conditions they were given",
      yaml(
        "routes:",
        '  - channel: "#web"',
        "    paths: [web/**]",
        "  - channel: C0123456789",
        "    labels: [security]",
        "    base: [release/*]",
        "    authors: [octocat]",
      ),
      {
        ...DEFAULTS,
        routes: [
          { channel: "#web", paths: ["web/**"] },
          {
            channel: "C0123456789",
            labels: ["security"],
            base: ["release/*"],
            authors: ["octocat"],
          },
        ],
      },
    ],
    [
      "part of ignore, the rest defaulted",
      yaml("ignore:", "  bots: false", "  labels: [wip]"),
      {
        ...DEFAULTS,
        ignore: { ...DEFAULTS.ignore, bots: false, labels: ["wip"] },
      },
    ],
    [
      "mentions",
      yaml("mentions:", "  octocat: U024BE7LH", "  hubot: W012A3CDE"),
      { ...DEFAULTS, mentions: { octocat: "U024BE7LH", hubot: "W012A3CDE" } },
    ],
    [
      "_extends, which Probot's config plugin resolves",
      yaml("_extends: .github", "channel: C0123456789"),
      { ...DEFAULTS, channel: "C0123456789" },
    ],
  ];

  test.each(valid)("valid: %s", (_name, text, expected) => {
    expect(parseConfig(text, source)).toStrictEqual({ config: expected });
  });

  const prefix = "Codertocat/Hello-World .github/threadline.yml";
  const invalid: [name: string, text: string, message: string][] = [
    [
      "a channel that is neither an ID nor a #name",
      yaml("channel: general"),
      `${prefix} line 1: channel: "general" is not a Slack channel; use a channel ID like C0123456789 or a name like #general`,
    ],
    [
      "a channel name in capitals",
      yaml('channel: "#Pull Requests"'),
      `${prefix} line 1: channel: "#Pull Requests" is not a Slack channel; use a channel ID like C0123456789 or a name like #pull-requests`,
    ],
    [
      "an unquoted #name, which YAML reads as a comment",
      yaml("channel: #general"),
      `${prefix} line 1: channel: is empty because an unquoted # starts a YAML comment; write channel: "#general"`,
    ],
    [
      "an empty channel",
      yaml("channel:"),
      `${prefix} line 1: channel: is empty; use a channel ID like C0123456789 or a quoted name like "#pull-requests"`,
    ],
    [
      "replies with a value it does not take",
      yaml("replies: yes"),
      `${prefix} line 1: replies: "yes" is not one of off, mapped or anyone`,
    ],
    [
      "an announcement threadline does not make",
      yaml("announce: [merged, opened]"),
      `${prefix} line 1: announce[1]: "opened" is not one of merged, closed or ready_for_review`,
    ],
    [
      "announce as a flag",
      yaml("announce: true"),
      `${prefix} line 1: announce: expected a list, found true`,
    ],
    [
      "a misspelt top-level field",
      yaml("rotes: []"),
      `${prefix} line 1: rotes: unknown field \`rotes\`; did you mean \`routes\`?`,
    ],
    [
      "an unknown field with nothing close",
      yaml("colour: blue"),
      `${prefix} line 1: colour: unknown field \`colour\`; the fields here are \`channel\`, \`events\`, \`routes\`, \`ignore\`, \`threads\`, \`broadcast\`, \`deleted\`, \`details\`, \`mentions\`, \`replies\` or \`announce\``,
    ],
    [
      "a field people call by another name",
      yaml("routes:", '  - channel: "#release"', "    branches: [release/*]"),
      `${prefix} line 3: routes[0].branches: unknown field \`branches\`; did you mean \`base\`?`,
    ],
    [
      "a route without a channel",
      yaml("routes:", "  - paths: [web/**]"),
      `${prefix} line 2: routes[0].channel: is required; use a channel ID like C0123456789 or a name like "#pull-requests"`,
    ],
    [
      "a yes/no where true or false is wanted",
      yaml("ignore:", "  bots: no"),
      `${prefix} line 2: ignore.bots: expected true or false, found "no"`,
    ],
    [
      "a single path where a list is wanted",
      yaml("routes:", '  - channel: "#web"', "    paths: web/**"),
      `${prefix} line 3: routes[0].paths: expected a list; write ["web/**"]`,
    ],
    [
      "ignore as a flag",
      yaml("ignore: true"),
      `${prefix} line 1: ignore: expected a mapping of field: value lines, found true`,
    ],
    [
      "an event name in the singular",
      yaml("events:", "  - reviews", "  - comment"),
      `${prefix} line 3: events[1]: "comment" is not one of comments, review_comments or reviews; did you mean comments?`,
    ],
    [
      "a mention that is a Slack handle, not a member ID",
      yaml("mentions:", '  octocat: "@octo"'),
      `${prefix} line 2: mentions.octocat: "@octo" is not a Slack member ID; copy the member ID from the person's Slack profile, like U024BE7LH`,
    ],
    [
      "an empty label",
      yaml("ignore:", '  labels: [""]'),
      `${prefix} line 2: ignore.labels[0]: must not be empty`,
    ],
    [
      "several problems, in one line",
      yaml("chanel: C0123456789", "ignore:", "  drafts: 1"),
      `${prefix} line 1: chanel: unknown field \`chanel\`; did you mean \`channel\`?; line 3: ignore.drafts: expected true or false, found 1`,
    ],
    [
      "a list instead of a mapping",
      yaml("- channel: C0123456789"),
      `${prefix} line 1: the file must be a mapping of settings such as channel: "#pull-requests", found a list`,
    ],
    [
      "a bare word",
      yaml("threadline"),
      `${prefix} line 1: the file must be a mapping of settings such as channel: "#pull-requests", found "threadline"`,
    ],
    [
      "tabs",
      yaml("ignore:", "\tbots: false"),
      `${prefix} line 2: invalid YAML: tabs are not allowed as indentation; indent with spaces`,
    ],
    [
      "a repeated field",
      yaml("channel: C0123456789", "channel: C9876543210"),
      `${prefix} line 2: invalid YAML: map keys must be unique; keep one of the repeated fields`,
    ],
  ];

  test.each(invalid)("invalid: %s", (_name, text, message) => {
    const { error } = parseConfig(text, source);
    expect(error?.message).toBe(message);
  });
});

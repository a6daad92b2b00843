import { describe, expect, test } from "@jest/globals";
import { ZodError } from "zod";
import { ConfigError } from "../../src/config/config-error.js";
import { parseConfig } from "../../src/config/parse-config.js";

const source = {
  repository: "Codertocat/Hello-World",
  path: ".github/threadline.yml",
};

const yaml = (...lines: string[]): string => `${lines.join("\n")}\n`;

const ROUTES = yaml(
  "# Where pull-request conversations go",
  "channel: C0123456789",
  "",
  "routes:",
  '  - channel: "#web"',
  "    paths:",
  "      - web/**",
  "      - docs/**",
  '  - channel: "#release"',
  "    base: [main, release/*]",
  "  - channel: releases", // line 11
  "    labels:",
  "      - release",
  "      - 42", // line 14
  "ignore:",
  "  drafts: true",
  "  bot: true", // line 17
);

describe("parseConfig", () => {
  test("a problem deep in a route is reported on its own line, with its field path", () => {
    const { error } = parseConfig(ROUTES, source);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems).toEqual([
      {
        line: 11,
        field: "routes[2].channel",
        message:
          '"releases" is not a Slack channel; use a channel ID like C0123456789 or a name like #releases',
      },
      {
        line: 14,
        field: "routes[2].labels[1]",
        message: "expected text, found 42",
      },
      {
        line: 17,
        field: "ignore.bot",
        message: "unknown field `bot`; did you mean `bots`?",
      },
    ]);
    expect(error).toMatchObject({
      repository: "Codertocat/Hello-World",
      path: ".github/threadline.yml",
      line: 11,
      field: "routes[2].channel",
    });
    expect(error?.cause).toBeInstanceOf(ZodError);
  });

  test("a wrong item in a flow list points at the list's line", () => {
    const { error } = parseConfig(
      yaml("routes:", '  - channel: "#web"', "    base: [main, 7]"),
      source,
    );
    expect(error?.problems).toEqual([
      {
        line: 3,
        field: "routes[0].base[1]",
        message: "expected text, found 7",
      },
    ]);
  });

  test("a missing field points at the mapping that lacks it", () => {
    const { error } = parseConfig(
      yaml(
        "channel: C0123456789",
        "routes:",
        '  - channel: "#web"',
        "  - labels: [ui]",
        "    base: [main]",
      ),
      source,
    );
    expect(error).toMatchObject({ line: 4, field: "routes[1].channel" });
  });

  test("a list where a mapping is wanted is reported at its key, not its first item", () => {
    const { error } = parseConfig(yaml("channel: C0123456789", "ignore:", "  - bots"), source);
    expect(error).toMatchObject({ line: 2, field: "ignore" });
  });

  test("an unknown field is reported at the key, however deep", () => {
    const { error } = parseConfig(
      yaml("routes:", '  - channel: "#web"', "", "    # for the front end", "    path: [web/**]"),
      source,
    );
    expect(error?.message).toBe(
      "Codertocat/Hello-World .github/threadline.yml line 5: routes[0].path: unknown field `path`; did you mean `paths`?",
    );
  });

  test.each([
    [
      "a tab in the indentation",
      yaml("routes:", '  - channel: "#web"', "\tpaths: [web/**]"),
      3,
      "invalid YAML: tabs are not allowed as indentation; indent with spaces",
    ],
    [
      "an unclosed flow list",
      yaml("channel: C0123456789", "events: [comments, reviews", "ignore:", "  bots: false"),
      3,
      "invalid YAML: flow sequence in block collection must be sufficiently indented and end with a ]; line the fields up under their parent and close every [ and {",
    ],
    [
      'a value containing ": "',
      yaml("channel: C0123456789", "routes:", "  - channel: web: frontend"),
      3,
      'invalid YAML: nested mappings are not allowed in compact mappings; quote values that contain ": "',
    ],
    [
      "a field repeated inside a route",
      yaml("routes:", '  - channel: "#web"', "    paths: [web/**]", "    paths: [docs/**]"),
      4,
      "invalid YAML: map keys must be unique; keep one of the repeated fields",
    ],
  ])("a syntax error is reported on its line: %s", (_name, text, line, message) => {
    const { error } = parseConfig(text, source);
    expect(error?.problems).toEqual([{ line, field: "", message }]);
    expect(error?.line).toBe(line);
    expect(error?.cause).toMatchObject({ name: "YAMLParseError" });
  });

  test("a valid file comes back with its defaults filled in", () => {
    const { config, error } = parseConfig(yaml("events: [reviews]"), source);
    expect(error).toBeUndefined();
    expect(config?.events).toEqual(["reviews"]);
    expect(config?.ignore.bots).toBe(true);
  });

  test("a null document (`~`) is the same as an empty file", () => {
    expect(parseConfig("~\n", source)).toEqual(parseConfig("", source));
  });
});

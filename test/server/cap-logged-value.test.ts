import { describe, expect, test } from "@jest/globals";
import { capLoggedValue, LOGGED_VALUE_MAX_CHARS } from "../../src/server/cap-logged-value.js";

describe("capLoggedValue", () => {
  test.each([
    [
      "a GitHub delivery id",
      "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    ],
    [
      "GitHub's longest event names",
      "branch_protection_configuration",
      "branch_protection_configuration",
    ],
    ["exactly the cap", "x".repeat(40), "x".repeat(40)],
    ["one past the cap", "x".repeat(41), `${"x".repeat(40)}…[+1]`],
    ["an 8 KB header", "d".repeat(8000), `${"d".repeat(40)}…[+7960]`],
    ["quotes and backslashes", 'a"b\\c', "a?b?c"],
    ["a tab and Latin-1 bytes", "caf\u00e9\there", "caf??here"],
    ["an emoji (two UTF-16 units)", "ok\u{1F600}", "ok??"],
    ["the empty string", "", ""],
  ])("%s", (_name, value, expected) => {
    expect(capLoggedValue(value)).toBe(expected);
  });

  test("nothing stays nothing, so the log line leaves the field out", () => {
    expect(capLoggedValue(undefined)).toBeUndefined();
  });

  test("a value as logged is one byte per character, whatever the sender sent (the marker's … aside)", () => {
    for (const character of ['"', "\\", "\u00e9", "\u{1F600}", "\u0000", "a"]) {
      const capped = capLoggedValue(character.repeat(10_000))!;
      expect(capped.split("…")[0]).toHaveLength(LOGGED_VALUE_MAX_CHARS);
      // Nothing for JSON to escape, so the line grows by exactly what is shown.
      expect(JSON.stringify(capped)).toBe(`"${capped}"`);
      expect(Buffer.byteLength(capped)).toBe(capped.length + 2);
    }
  });

  test("a later endpoint may keep more or fewer characters", () => {
    expect(capLoggedValue("Slackbot 1.0 (+https://api.slack.com/robots)", 12)).toBe(
      "Slackbot 1.0…[+32]",
    );
  });
});

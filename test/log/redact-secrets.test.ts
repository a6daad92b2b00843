import { describe, expect, test } from "@jest/globals";
import { createLogger } from "../../src/log/create-logger.js";
import { createSecretRedactor } from "../../src/log/redact-secrets.js";
import { TEST_PRIVATE_KEY } from "../helpers/start-test-app.js";

describe("createSecretRedactor", () => {
  const redact = createSecretRedactor(["xoxb-123-456-abcdef", TEST_PRIVATE_KEY, "hush"]);

  test.each([
    ["a token in a sentence", "token xoxb-123-456-abcdef failed", "token [redacted] failed"],
    ["a JSON-escaped key", JSON.stringify({ key: TEST_PRIVATE_KEY }), '{"key":"[redacted]"}'],
    ["a short secret", "the secret is hush", "the secret is [redacted]"],
  ])("masks %s", (_name, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  test("masks a single line quoted out of the PEM", () => {
    const line = TEST_PRIVATE_KEY.split("\n")[3]!;
    expect(redact(`oops: ${line}`)).toBe("oops: [redacted]");
  });

  test.each([
    ["a user access token", "ghu_16C7e42F292c6912E7710c838347Ae178B4a", "ghu_[redacted]"],
    [
      "a refresh token",
      `ghr_${"1B4a2e77838347a7E420ce178F2E7c6912E1692".repeat(2)}`,
      "ghr_[redacted]",
    ],
    ["an installation token", "ghs_16C7e42F292c6912E7710c838347Ae178B4a", "ghs_[redacted]"],
    [
      "a fine-grained personal token",
      "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
      "github_pat_[redacted]",
    ],
  ])("masks %s by its shape, though nobody named it a secret", (_name, token, expected) => {
    expect(createSecretRedactor([])(`Bearer ${token} refused`)).toBe(`Bearer ${expected} refused`);
  });

  test("leaves other text alone", () => {
    expect(redact("nothing to see")).toBe("nothing to see");
  });
});

describe("createLogger", () => {
  test("a secret logged by any code path is masked in the written line, pretty or JSON", async () => {
    for (const format of ["json", "pretty"] as const) {
      const lines: string[] = [];
      const log = await createLogger({
        level: "info",
        format,
        secrets: ["xoxb-123-456-abcdef"],
        destination: { write: (line) => lines.push(line) },
      });
      log.error({ err: new Error("auth header Bearer xoxb-123-456-abcdef") }, "failed");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lines.join("")).toContain("Bearer [redacted]");
      expect(lines.join("")).not.toContain("xoxb-123-456-abcdef");
    }
  });
});

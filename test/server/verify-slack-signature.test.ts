import { describe, expect, test } from "@jest/globals";
import { createHmac } from "node:crypto";
import { verifySlackSignature } from "../../src/server/verify-slack-signature.js";
import { signSlackRequest } from "../helpers/sign-slack-request.js";

/**
 * Slack's own example from "Verifying requests from Slack": a slash command's body, the signing
 * secret, the timestamp and the signature Slack computed. It proves the basestring is
 * `v0:{timestamp}:{raw body}` exactly, which a round trip through our own signer could not.
 */
const SLACK_EXAMPLE = {
  secret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: "1531420618",
  body:
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V" +
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};

const SECRET = "slack-signing-secret-current";
const PREVIOUS = "slack-signing-secret-previous";
const NOW_S = 1_700_000_000;
const NOW_MS = NOW_S * 1000;
const BODY = JSON.stringify({
  token: "XXYYZZ",
  team_id: "T123ABC456",
  api_app_id: "A123ABC456",
  event: { type: "message", channel: "C123ABC456", text: "Looks good", ts: "1700000000.000200" },
  type: "event_callback",
  event_id: "Ev123ABC456",
  event_time: 1_700_000_000,
});

/** Slack's headers for BODY signed with `secret` at `timestampSeconds`. */
function signed(secret = SECRET, timestampSeconds = NOW_S, body = BODY) {
  const headers = signSlackRequest(body, secret, timestampSeconds);
  return {
    timestamp: headers["x-slack-request-timestamp"],
    signature: headers["x-slack-signature"],
  };
}

function check(
  body: string,
  timestamp: string | undefined,
  signature: string | undefined,
  { secrets = [SECRET] as readonly string[], nowMs = NOW_MS } = {},
) {
  return verifySlackSignature(Buffer.from(body), timestamp, signature, secrets, nowMs);
}

describe("verifySlackSignature accepts", () => {
  test("Slack's documented example", () => {
    const { secret, timestamp, body, signature } = SLACK_EXAMPLE;
    expect(
      verifySlackSignature(Buffer.from(body), timestamp, signature, [secret], 1531420618_000),
    ).toEqual({ valid: true });
  });

  test("a request signed as Slack signs, with the current secret", () => {
    const { timestamp, signature } = signed();
    expect(check(BODY, timestamp, signature)).toEqual({ valid: true });
  });

  test("the previous secret during a rotation, and the current one", () => {
    const secrets = [SECRET, PREVIOUS];
    for (const secret of secrets) {
      const { timestamp, signature } = signed(secret);
      expect(check(BODY, timestamp, signature, { secrets })).toEqual({ valid: true });
    }
  });

  test("the exact bytes received, whatever they hold (non-ASCII text, escapes)", () => {
    const body = '{"text":"Schöne Grüße \\u2014 <@U123|anna> &amp; 🎉"}';
    const { timestamp, signature } = signed(SECRET, NOW_S, body);
    expect(check(body, timestamp, signature)).toEqual({ valid: true });
  });

  test("upper-case hex digits", () => {
    const { timestamp, signature } = signed();
    expect(check(BODY, timestamp, `v0=${signature!.slice(3).toUpperCase()}`)).toEqual({
      valid: true,
    });
  });

  test.each([
    ["exactly 5 minutes old", -300],
    ["exactly 5 minutes ahead (a clock running behind Slack's)", 300],
    ["a second old", -1],
  ])("a timestamp %s", (_name, offsetSeconds) => {
    const { timestamp, signature } = signed(SECRET, NOW_S + offsetSeconds);
    expect(check(BODY, timestamp, signature)).toEqual({ valid: true });
  });
});

describe("verifySlackSignature refuses", () => {
  const good = signed();

  test.each<[string, string | undefined, string | undefined, RegExp]>([
    ["no timestamp", undefined, good.signature, /X-Slack-Request-Timestamp is missing/],
    ["an empty timestamp", "", good.signature, /X-Slack-Request-Timestamp is missing/],
    ["no signature", good.timestamp, undefined, /X-Slack-Signature is missing/],
    ["an empty signature", good.timestamp, "", /X-Slack-Signature is missing/],
    ["a timestamp in milliseconds-with-a-dot", "1700000000.5", good.signature, /epoch seconds/],
    ["a negative timestamp", "-1700000000", good.signature, /epoch seconds/],
    ["a timestamp of 8 KB of digits", "9".repeat(8000), good.signature, /epoch seconds/],
    ["a signature without v0=", good.timestamp, good.signature!.slice(3), /malformed/],
    ["a v1= signature", good.timestamp, `v1=${good.signature!.slice(3)}`, /malformed/],
    ["a truncated signature", good.timestamp, good.signature!.slice(0, 40), /malformed/],
    ["a signature with non-hex", good.timestamp, `v0=${"z".repeat(64)}`, /malformed/],
    ["GitHub's sha256= form", good.timestamp, `sha256=${good.signature!.slice(3)}`, /malformed/],
  ])("%s", (_name, timestamp, signature, reason) => {
    const result = check(BODY, timestamp, signature);
    expect(result.valid).toBe(false);
    expect(!result.valid && result.reason).toMatch(reason);
  });

  test.each([
    ["6 minutes old (a replay)", -360, /360 s old/],
    ["5 minutes and 1 second old", -301, /301 s old/],
    ["6 minutes ahead", 360, /360 s ahead/],
  ])("a correctly signed request %s", (_name, offsetSeconds, reason) => {
    const { timestamp, signature } = signed(SECRET, NOW_S + offsetSeconds);
    const result = check(BODY, timestamp, signature);
    expect(result).toEqual({ valid: false, reason: expect.stringMatching(reason) });
    expect(!result.valid && result.reason).toMatch(/more than 5 minutes/);
  });

  test("a signature made with another secret", () => {
    const { timestamp, signature } = signed("not-the-secret");
    expect(check(BODY, timestamp, signature)).toEqual({
      valid: false,
      reason: "X-Slack-Signature does not match the body and the signing secret",
    });
  });

  test("a body changed after signing", () => {
    const { timestamp, signature } = signed();
    expect(check(BODY.replace("Looks good", "Looks bad"), timestamp, signature).valid).toBe(false);
  });

  test("a timestamp changed after signing (it is part of what is signed)", () => {
    const { signature } = signed(SECRET, NOW_S - 10);
    expect(check(BODY, String(NOW_S), signature).valid).toBe(false);
  });

  test("a signature over the body alone, without the v0:timestamp: prefix", () => {
    const bodyOnly = `v0=${createHmac("sha256", SECRET).update(BODY).digest("hex")}`;
    expect(check(BODY, String(NOW_S), bodyOnly).valid).toBe(false);
  });

  test("everything when no secret is configured, or only an empty one (anyone can sign with it)", () => {
    const { timestamp, signature } = signed();
    expect(check(BODY, timestamp, signature, { secrets: [] }).valid).toBe(false);
    const empty = signed("");
    expect(check(BODY, empty.timestamp, empty.signature, { secrets: [""] }).valid).toBe(false);
  });

  test("reasons stay short and hold nothing the sender chose", () => {
    const forged = `v0=${"a".repeat(8000)}`;
    for (const [timestamp, signature] of [
      ["9".repeat(8000), good.signature],
      [good.timestamp, forged],
      [String(NOW_S - 999_999_999), good.signature],
    ] as const) {
      const result = check(BODY, timestamp, signature);
      expect(result.valid).toBe(false);
      expect(!result.valid && result.reason.length).toBeLessThan(120);
      expect(!result.valid && result.reason).not.toContain("aaaa");
      expect(!result.valid && result.reason).not.toContain("9".repeat(20));
    }
  });
});

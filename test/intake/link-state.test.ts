/**
 * The `state` of GitHub's authorize URL: it names the Slack member who asked, is good for ten
 * minutes, and cannot be made, changed or reused for anything else without THREADLINE_TOKEN_KEY.
 */
import { describe, expect, test } from "@jest/globals";
import { createHmac, randomBytes } from "node:crypto";
import { createLinkStateSigner, LINK_STATE_TTL_MS } from "../../src/intake/link-state.js";

const KEY = randomBytes(32);
const T0 = 1_700_000_000_000;
const CODERTOCAT = { slackTeam: "T0THREADL1", slackUser: "U0CODERTO1" };

describe("createLinkStateSigner", () => {
  const signer = createLinkStateSigner(KEY);

  test("a state comes back valid for ten minutes, naming who asked; then it has expired", () => {
    const state = signer.sign(CODERTOCAT, T0);
    expect(state).toMatch(/^l1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(state.length).toBeLessThan(300);
    expect(signer.verify(state, T0)).toEqual({ valid: true, request: CODERTOCAT });
    expect(signer.verify(state, T0 + LINK_STATE_TTL_MS - 1)).toEqual({
      valid: true,
      request: CODERTOCAT,
    });
    expect(signer.verify(state, T0 + LINK_STATE_TTL_MS)).toEqual({
      valid: false,
      reason: "expired",
    });
  });

  test("two states for the same person differ (a random nonce)", () => {
    expect(signer.sign(CODERTOCAT, T0)).not.toBe(signer.sign(CODERTOCAT, T0));
  });

  test("another key's state, or a changed one, is refused", () => {
    const state = signer.sign(CODERTOCAT, T0);
    expect(createLinkStateSigner(randomBytes(32)).verify(state, T0)).toEqual({
      valid: false,
      reason: "bad_signature",
    });
    // Another person named in the payload, the signature kept.
    const [version, payload, signature] = state.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...claims, u: "U0MALLORY1" })).toString(
      "base64url",
    );
    expect(signer.verify(`${version}.${forged}.${signature}`, T0)).toEqual({
      valid: false,
      reason: "bad_signature",
    });
  });

  test("a state signed with the raw key (not the derived one) for another purpose is refused", () => {
    // The same key material signs nothing else threadline accepts as a link state.
    const payload = Buffer.from(
      JSON.stringify({ p: "something-else", t: "T0THREADL1", u: "U0CODERTO1", e: T0 + 60_000 }),
    ).toString("base64url");
    const raw = createHmac("sha256", KEY).update(`l1.${payload}`).digest("base64url");
    expect(signer.verify(`l1.${payload}.${raw}`, T0)).toEqual({
      valid: false,
      reason: "bad_signature",
    });
  });

  test.each([
    ["empty", ""],
    ["another version", "l2.abc.def"],
    ["not three parts", "l1.abc"],
    ["enormous", `l1.${"a".repeat(5_000)}.${"b".repeat(43)}`],
  ])("a malformed state (%s) is refused before any work", (_name, state) => {
    expect(signer.verify(state, T0)).toEqual({ valid: false, reason: "malformed" });
  });
});

/**
 * Tokens at rest: AES-256-GCM with a fresh IV per value, in one versioned string; a changed value,
 * another row's or column's context, or another key is refused with a clear error, never misread.
 */
import { describe, expect, test } from "@jest/globals";
import { randomBytes } from "node:crypto";
import {
  createTokenCipher,
  TokenDecryptionError,
  type TokenCipher,
} from "../../src/store/token-cipher.js";

const KEY = Buffer.from("0f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff", "hex");
const TOKEN = "ghu_16C7e42F292c6912E7710c838347Ae178B4a";
const CONTEXT = "12345/T0THREADL1/U0CODERTO1/access";

/** Runs `work`, resolving to the error it throws. */
function errorOf(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected it to throw");
}

describe("createTokenCipher", () => {
  const cipher: TokenCipher = createTokenCipher(KEY);

  test("a value comes back as it went in, stored as v1.<iv>.<data>.<tag> without the plaintext", () => {
    const sealed = cipher.encrypt(TOKEN, CONTEXT);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain(TOKEN);
    expect(sealed).not.toContain(Buffer.from(TOKEN).toString("base64url"));
    expect(cipher.decrypt(sealed, CONTEXT)).toBe(TOKEN);
    // Unicode and the empty string round-trip too.
    expect(cipher.decrypt(cipher.encrypt("", CONTEXT), CONTEXT)).toBe("");
    expect(cipher.decrypt(cipher.encrypt("tøken ✓", CONTEXT), CONTEXT)).toBe("tøken ✓");
  });

  test("each encryption takes a fresh IV: the same token never looks the same twice", () => {
    const sealed = new Set(Array.from({ length: 50 }, () => cipher.encrypt(TOKEN, CONTEXT)));
    expect(sealed.size).toBe(50);
    const ivs = new Set([...sealed].map((value) => value.split(".")[1]));
    expect(ivs.size).toBe(50);
  });

  test.each([
    ["a flipped ciphertext bit", (parts: string[]) => (parts[2] = flip(parts[2]!))],
    ["a flipped tag bit", (parts: string[]) => (parts[3] = flip(parts[3]!))],
    ["another IV", (parts: string[]) => (parts[1] = randomBytes(12).toString("base64url"))],
  ])("%s is detected, not misread", (_name, tamper) => {
    const parts = cipher.encrypt(TOKEN, CONTEXT).split(".");
    tamper(parts);
    const error = errorOf(() => cipher.decrypt(parts.join("."), CONTEXT));
    expect(error).toBeInstanceOf(TokenDecryptionError);
    expect(error.message).toMatch(/does not decrypt with THREADLINE_TOKEN_KEY/);
  });

  test("a value moved to another row or column does not open", () => {
    const sealed = cipher.encrypt(TOKEN, CONTEXT);
    for (const other of [
      "12345/T0THREADL1/U0MALLORY1/access",
      "12345/T0THREADL1/U0CODERTO1/refresh",
      "99999/T0THREADL1/U0CODERTO1/access",
    ]) {
      expect(() => cipher.decrypt(sealed, other)).toThrow(TokenDecryptionError);
    }
  });

  test("another key refuses the value with an error that says the key changed, and no secret", () => {
    const sealed = cipher.encrypt(TOKEN, CONTEXT);
    const other = createTokenCipher(randomBytes(32));
    const error = errorOf(() => other.decrypt(sealed, CONTEXT));
    expect(error).toBeInstanceOf(TokenDecryptionError);
    expect(error.message).toBe(
      "the stored token does not decrypt with THREADLINE_TOKEN_KEY (the key changed since it was stored, or the value was altered)",
    );
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(KEY.toString("hex"));
  });

  test.each([
    ["an unknown version", "v2.aaaa.bbbb.cccc", /not in a format this version reads/],
    ["missing parts", "v1.aaaa.bbbb", /damaged/],
    ["characters outside base64url", "v1.a+a.bbbb.cccc", /damaged/],
    ["an IV of the wrong size", "v1.aaaa.bbbb.AAAAAAAAAAAAAAAAAAAAAA", /wrong size/],
    ["a plaintext token", TOKEN, /not in a format this version reads/],
  ])("%s is refused as damaged", (_name, sealed, expected) => {
    const error = errorOf(() => cipher.decrypt(sealed, CONTEXT));
    expect(error).toBeInstanceOf(TokenDecryptionError);
    expect(error.message).toMatch(expected);
    expect(error.message).not.toContain(TOKEN.slice(4));
  });

  test("a key that is not 32 bytes is refused", () => {
    expect(() => createTokenCipher(randomBytes(16))).toThrow(/must be 32 bytes, got 16/);
  });
});

/** The base64url text with its first character's low bit flipped. */
function flip(part: string): string {
  const bytes = Buffer.from(part, "base64url");
  bytes[0] = bytes[0]! ^ 1;
  return bytes.toString("base64url");
}

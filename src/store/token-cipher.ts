import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Encrypts the tokens the store keeps at rest (a person's GitHub user access and refresh tokens):
 * AES-256-GCM, a fresh random 12-byte IV per value, the 16-byte tag checked on the way back, so a
 * value changed in the database, or read with another key, is refused rather than misread.
 */
export interface TokenCipher {
  /** `v1.<iv>.<ciphertext>.<tag>` (base64url parts): one string, for one text column. */
  encrypt(plaintext: string, context: string): string;
  /** The plaintext; throws {@link TokenDecryptionError} for a wrong key, a changed value or context. */
  decrypt(sealed: string, context: string): string;
}

/** A stored token that cannot be read back: another key, or a value changed in the database. */
export class TokenDecryptionError extends Error {
  override name = "TokenDecryptionError";
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** THREADLINE_TOKEN_KEY is 32 random bytes; the cipher key is derived from it for this use only. */
export const TOKEN_KEY_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The AES key for tokens at rest, derived (HKDF-SHA256) from THREADLINE_TOKEN_KEY, so the same
 * key material can sign other things (the link state) without two uses sharing one key.
 */
function tokenKeyOf(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, "", "threadline/tokens-at-rest/v1", 32));
}

/**
 * The cipher for `masterKey` (THREADLINE_TOKEN_KEY, 32 bytes). `context` (the row a value belongs
 * to, `T123/U456/access`) is authenticated with it: a token copied into another person's row, or
 * from the access column to the refresh one, does not decrypt.
 */
export function createTokenCipher(masterKey: Buffer): TokenCipher {
  if (masterKey.length !== TOKEN_KEY_BYTES) {
    throw new RangeError(`the token key must be ${TOKEN_KEY_BYTES} bytes, got ${masterKey.length}`);
  }
  const key = tokenKeyOf(masterKey);
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv, ciphertext, tag]
        .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
        .join(".");
    },
    decrypt(sealed, context) {
      const parts = sealed.split(".");
      if (parts[0] !== VERSION) {
        throw new TokenDecryptionError(
          `the stored token is not in a format this version reads (${JSON.stringify(parts[0]?.slice(0, 8) ?? "")})`,
        );
      }
      // The data part is empty for an empty value; the IV and the tag never are.
      if (
        parts.length !== 4 ||
        !BASE64URL.test(parts[1]!) ||
        !(parts[2] === "" || BASE64URL.test(parts[2]!)) ||
        !BASE64URL.test(parts[3]!)
      ) {
        throw new TokenDecryptionError("the stored token is damaged (not v1.<iv>.<data>.<tag>)");
      }
      const [, ivPart, dataPart, tagPart] = parts as [string, string, string, string];
      const iv = Buffer.from(ivPart, "base64url");
      const tag = Buffer.from(tagPart, "base64url");
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new TokenDecryptionError("the stored token is damaged (IV or tag of the wrong size)");
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(tag);
        return Buffer.concat([
          decipher.update(Buffer.from(dataPart, "base64url")),
          decipher.final(),
        ]).toString("utf8");
      } catch (error) {
        throw new TokenDecryptionError(
          "the stored token does not decrypt with THREADLINE_TOKEN_KEY (the key changed since it was stored, or the value was altered)",
          { cause: error },
        );
      }
    },
  };
}

import { createHmac, timingSafeEqual } from "node:crypto";

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

const SHA256_HEADER = /^sha256=([0-9a-f]{64})$/;

/**
 * Checks GitHub's `X-Hub-Signature-256` over the exact bytes received, against the current secret
 * and, during a rotation, the previous one. Comparison is constant-time; every secret is tried so
 * the time taken does not tell which one matched.
 */
export function verifySignature(
  body: Uint8Array,
  signatureHeader: string | undefined,
  secrets: readonly string[],
  legacySignatureHeader?: string,
): SignatureCheck {
  if (signatureHeader === undefined || signatureHeader === "") {
    return legacySignatureHeader
      ? {
          valid: false,
          reason:
            "only a SHA-1 X-Hub-Signature was sent; SHA-1 is not accepted (GitHub sends X-Hub-Signature-256 when the App has a webhook secret)",
        }
      : { valid: false, reason: "X-Hub-Signature-256 is missing" };
  }
  const match = SHA256_HEADER.exec(signatureHeader.trim().toLowerCase());
  if (!match) {
    return { valid: false, reason: "X-Hub-Signature-256 is malformed" };
  }
  const received = Buffer.from(match[1]!, "hex");
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac("sha256", secret).update(body).digest();
    if (timingSafeEqual(expected, received)) matched = true;
  }
  return matched
    ? { valid: true }
    : { valid: false, reason: "X-Hub-Signature-256 does not match the body and WEBHOOK_SECRET" };
}

/** The header value GitHub would send for `body` signed with `secret` (tests, benchmarks, tools). */
export function signBody(body: Uint8Array | string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

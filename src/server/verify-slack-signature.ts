import { createHmac, timingSafeEqual } from "node:crypto";

export type SlackSignatureCheck = { valid: true } | { valid: false; reason: string };

/**
 * How far a request's `X-Slack-Request-Timestamp` may be from the App's clock, either way. Slack's
 * own figure: a signed request older than five minutes may be a replay, and is refused.
 */
export const SLACK_TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

/** Epoch seconds, as Slack sends them; twelve digits reach the year 33658. */
const TIMESTAMP_HEADER = /^\d{1,12}$/;
/** `v0=` and the hex HMAC-SHA256: the only version Slack has. */
const SIGNATURE_HEADER = /^v0=([0-9a-fA-F]{64})$/;

/**
 * Checks Slack's `X-Slack-Signature` over the exact bytes received: `v0=` and the hex
 * HMAC-SHA256, keyed with the signing secret, of `v0:{X-Slack-Request-Timestamp}:{raw body}`.
 * The timestamp is part of what is signed, so a request whose timestamp is more than five minutes
 * from `nowMs` (either way) is refused as a replay, whatever its signature. Every secret is tried
 * (the current one and, during a rotation, the previous one) and compared in constant time, so the
 * time taken does not tell which one matched. An empty secret is never used: anyone could sign
 * with it. The reasons are short and hold nothing the sender chose: they go into a log line and
 * the 401's body.
 */
export function verifySlackSignature(
  rawBody: Buffer,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  secrets: readonly string[],
  nowMs: number,
): SlackSignatureCheck {
  if (timestampHeader === undefined || timestampHeader === "") {
    return { valid: false, reason: "X-Slack-Request-Timestamp is missing" };
  }
  if (signatureHeader === undefined || signatureHeader === "") {
    return { valid: false, reason: "X-Slack-Signature is missing" };
  }
  if (!TIMESTAMP_HEADER.test(timestampHeader)) {
    return { valid: false, reason: "X-Slack-Request-Timestamp is not epoch seconds" };
  }
  const match = SIGNATURE_HEADER.exec(signatureHeader);
  if (!match) {
    return { valid: false, reason: "X-Slack-Signature is malformed (expected v0= and 64 hex)" };
  }

  const skewMs = nowMs - Number(timestampHeader) * 1000;
  if (Math.abs(skewMs) > SLACK_TIMESTAMP_TOLERANCE_MS) {
    const seconds = Math.round(Math.abs(skewMs) / 1000);
    return {
      valid: false,
      reason: `X-Slack-Request-Timestamp is ${seconds} s ${skewMs > 0 ? "old" : "ahead"}, more than 5 minutes (a replay, or a wrong clock)`,
    };
  }

  const received = Buffer.from(match[1]!, "hex");
  let matched = false;
  for (const secret of secrets) {
    if (secret === "") continue;
    const expected = createHmac("sha256", secret)
      .update(`v0:${timestampHeader}:`)
      .update(rawBody)
      .digest();
    if (timingSafeEqual(expected, received)) matched = true;
  }
  return matched
    ? { valid: true }
    : { valid: false, reason: "X-Slack-Signature does not match the body and the signing secret" };
}

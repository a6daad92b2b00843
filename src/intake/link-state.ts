import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/** The Slack member a link was asked for. */
export interface LinkRequest {
  slackTeam: string;
  slackUser: string;
}

/** How long a `/threadline link` link works: as long as GitHub's authorization code does. */
export const LINK_STATE_TTL_MS = 10 * 60_000;

export type LinkStateCheck =
  | { valid: true; request: LinkRequest }
  | { valid: false; reason: "malformed" | "bad_signature" | "expired" | "wrong_purpose" };

export interface LinkStateSigner {
  /** The `state` for GitHub's authorize URL: names the member, expires in ten minutes. */
  sign(request: LinkRequest, now: number): string;
  verify(state: string, now: number): LinkStateCheck;
}

const VERSION = "l1";
/** Far above a real state (about 200 characters); a longer one is refused before any work. */
const MAX_STATE_LENGTH = 1_024;
const PURPOSE = "link-github-account";
/** Slack team and user ids: letters and digits. */
const SLACK_ID = /^[A-Z0-9]{2,32}$/;

/**
 * Signs the `state` that goes to GitHub and comes back on the callback: which Slack member asked,
 * until when it is good, what for, and a random nonce, under an HMAC keyed with a key derived
 * (HKDF) from THREADLINE_TOKEN_KEY for this purpose only.
 *
 * Nothing is stored: any replica can check a state another one signed, and a state cannot be made
 * or changed without the key. A state may come back twice within its ten minutes; that gains
 * nothing, as GitHub's code is single-use and the state only says who asked. (What keeps a link
 * someone else completed from being used is the reply worker: it posts as a linked person only
 * where the repository's `mentions:` maps that Slack member to that GitHub login.)
 */
export function createLinkStateSigner(masterKey: Buffer): LinkStateSigner {
  const key = Buffer.from(hkdfSync("sha256", masterKey, "", "threadline/link-state/v1", 32));
  const mac = (payload: string) =>
    createHmac("sha256", key).update(`${VERSION}.${payload}`).digest();

  return {
    sign(request, now) {
      const payload = Buffer.from(
        JSON.stringify({
          p: PURPOSE,
          t: request.slackTeam,
          u: request.slackUser,
          e: now + LINK_STATE_TTL_MS,
          n: randomBytes(12).toString("base64url"),
        }),
      ).toString("base64url");
      return `${VERSION}.${payload}.${mac(payload).toString("base64url")}`;
    },

    verify(state, now) {
      if (state.length > MAX_STATE_LENGTH) return { valid: false, reason: "malformed" };
      const match = /^l1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(state);
      if (!match) return { valid: false, reason: "malformed" };
      const [, payload = "", signature = ""] = match;
      const received = Buffer.from(signature, "base64url");
      const expected = mac(payload);
      if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
        return { valid: false, reason: "bad_signature" };
      }
      let claims: { p?: unknown; t?: unknown; u?: unknown; e?: unknown };
      try {
        claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof claims;
      } catch {
        return { valid: false, reason: "malformed" };
      }
      if (claims.p !== PURPOSE) return { valid: false, reason: "wrong_purpose" };
      if (
        typeof claims.t !== "string" ||
        typeof claims.u !== "string" ||
        !SLACK_ID.test(claims.t) ||
        !SLACK_ID.test(claims.u) ||
        typeof claims.e !== "number"
      ) {
        return { valid: false, reason: "malformed" };
      }
      if (claims.e <= now) return { valid: false, reason: "expired" };
      return { valid: true, request: { slackTeam: claims.t, slackUser: claims.u } };
    },
  };
}

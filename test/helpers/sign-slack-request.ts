import { createHmac } from "node:crypto";

/**
 * The headers Slack sends with an Events API request whose body is `body`, signed with `secret`
 * as Slack signs: `v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{body}`. The one place tests
 * sign like Slack; computed here, apart from the code under test, so a test does not check the
 * verifier against itself. `timestampSeconds` defaults to now.
 */
export function signSlackRequest(
  body: string,
  secret: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = createHmac("sha256", secret)
    .update(`v0:${timestampSeconds}:${body}`)
    .digest("hex");
  return {
    "content-type": "application/json",
    "x-slack-request-timestamp": String(timestampSeconds),
    "x-slack-signature": `v0=${signature}`,
  };
}

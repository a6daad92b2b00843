/**
 * How many characters of a value taken from a request (a delivery id, an event name, a user
 * agent) a log line keeps. GitHub's delivery ids are 36-character UUIDs and its longest event
 * name has about 30 characters, so nothing GitHub sends is ever cut; a forged 8 KB header is.
 */
export const LOGGED_VALUE_MAX_CHARS = 40;

/**
 * Characters that JSON or a terminal would expand (controls, `"`, `\`, anything beyond ASCII):
 * shown as `?`, so a kept character is one byte of log whatever the sender put in it.
 */
const EXPANDING = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/g;

/**
 * A request's header value as a log line may carry it: at most `maxChars` characters, then, when
 * cut, a marker saying how many more there were (`…[+7960]`). Without it a sender decides how
 * much log each refusal writes: two 8 KB headers made every refusal's line 16 KB.
 */
export function capLoggedValue(
  value: string | undefined,
  maxChars = LOGGED_VALUE_MAX_CHARS,
): string | undefined {
  if (value === undefined) return undefined;
  const kept = value.length > maxChars ? value.slice(0, maxChars) : value;
  const shown = kept.replace(EXPANDING, "?");
  return value.length > maxChars ? `${shown}…[+${value.length - maxChars}]` : shown;
}

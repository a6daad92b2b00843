import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * What the public endpoints (GitHub's webhooks, Slack's events) share about reading a request and
 * answering it, so the two front doors refuse alike.
 */

/** A request header's value; the first when it was sent more than once. */
export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** True for `application/json`, whatever its parameters (`; charset=utf-8`) or letter case. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  return mediaType === "application/json";
}

/** True for `application/x-www-form-urlencoded` (how Slack sends slash commands), whatever its parameters. */
export function isFormContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  return mediaType === "application/x-www-form-urlencoded";
}

/**
 * Answers with a short plain-text line, unless something already answered. `close` asks the
 * client to drop the connection (an oversized body is not read to its end).
 */
export function answer(
  response: ServerResponse,
  status: number,
  message: string,
  close = false,
): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    ...(close ? { connection: "close" } : {}),
  });
  response.end(`${message}\n`);
}

/** True when the server cut the request's connection because it did not arrive in time. */
export function timedOut(request: IncomingMessage): boolean {
  const error = request.socket.errored as NodeJS.ErrnoException | null;
  return error?.code === "ERR_HTTP_REQUEST_TIMEOUT";
}

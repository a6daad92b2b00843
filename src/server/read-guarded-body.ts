import type { IncomingMessage, ServerResponse } from "node:http";
import { header, timedOut } from "./http-helpers.js";
import { readBody } from "./read-body.js";

/** Why the front refused a request before its signature could be checked. */
export type BodyRefusal = "unsupported_media_type" | "too_large" | "timeout";

export interface GuardedBodyOptions {
  maxBodyBytes: number;
  /** The one content type the sender (GitHub, Slack) uses for this route. */
  contentType: { accepts: (value: string | undefined) => boolean; refusal: string };
  /** Answers and logs a refusal: one short line, as every refusal of the front. */
  refuse: (status: number, reason: BodyRefusal, detail: string, close?: boolean) => void;
  /** Logs a refusal whose answer the server already sent (408). */
  logRefusal: (reason: BodyRefusal, detail: string) => void;
  /** The sender hung up before its body arrived: not the App's failure, a debug line at most. */
  onSenderLeft: () => void;
}

/**
 * The front's steps before a signature can be checked, the same for GitHub's deliveries and
 * Slack's events and commands: the sender's content type only, a body read no further than the
 * cap (413, then the connection dropped rather than read to its end), a body that does not arrive
 * in time refused once (the server answered 408). Resolves to the raw bytes, which the signature
 * covers, or undefined once the request has been answered or is gone.
 */
export async function readGuardedBody(
  request: IncomingMessage,
  response: ServerResponse,
  options: GuardedBodyOptions,
): Promise<Buffer | undefined> {
  if (!options.contentType.accepts(header(request, "content-type"))) {
    request.resume();
    options.refuse(415, "unsupported_media_type", options.contentType.refusal);
    return undefined;
  }
  const { body, tooLarge, aborted } = await readBody(request, options.maxBodyBytes);
  if (aborted) {
    // The connection is gone: the server has answered 408 to a body that did not arrive in
    // time (logged once, here), or the sender hung up.
    if (timedOut(request)) {
      options.logRefusal("timeout", "the body did not arrive in time; answered 408 and closed");
    } else {
      options.onSenderLeft();
    }
    return undefined;
  }
  if (tooLarge) {
    options.refuse(413, "too_large", `body is larger than ${options.maxBodyBytes} bytes`, true);
    response.once("finish", () => request.destroy());
    return undefined;
  }
  return body;
}

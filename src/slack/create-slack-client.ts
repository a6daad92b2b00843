import { LogLevel, WebClient, type Logger as SlackLogger } from "@slack/web-api";
import type { Logger } from "pino";
import type { SlackMessage } from "../render/block-kit.js";

/** Where a message landed: what later edits and thread replies need. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

/** The only thing the rest of the App asks of Slack. Tests and the outbox swap it. */
export interface SlackPoster {
  postMessage(channel: string, message: SlackMessage): Promise<PostedMessage>;
}

export interface SlackClientOptions {
  token: string;
  apiUrl: string;
  log: Logger;
  /** @slack/web-api waits forever by default; a stuck post must not hold a delivery. */
  timeoutMs?: number;
}

/** Sends the SDK's own diagnostics through our logger (never console), at debug. */
function toSlackLogger(log: Logger): SlackLogger {
  const child = log.child({ name: "slack" });
  return {
    debug: (...parts: unknown[]) => child.debug(parts.map(String).join(" ")),
    info: (...parts: unknown[]) => child.debug(parts.map(String).join(" ")),
    warn: (...parts: unknown[]) => child.warn(parts.map(String).join(" ")),
    error: (...parts: unknown[]) => child.error(parts.map(String).join(" ")),
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: () => {},
  };
}

/** A `chat.postMessage` poster on @slack/web-api; retries are the caller's business. */
export function createSlackClient(options: SlackClientOptions): SlackPoster {
  const client = new WebClient(options.token, {
    slackApiUrl: options.apiUrl,
    timeout: options.timeoutMs ?? 10_000,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: toSlackLogger(options.log),
    // The axios error would carry the request config, Authorization header included.
    attachOriginalToWebAPIRequestError: false,
  });
  return {
    async postMessage(channel, message) {
      const result = await client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks as never,
        unfurl_links: false,
        unfurl_media: false,
      });
      return { channel: result.channel ?? channel, ts: result.ts ?? "" };
    },
  };
}

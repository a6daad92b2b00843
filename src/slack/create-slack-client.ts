import { LogLevel, WebClient, type Logger as SlackLogger } from "@slack/web-api";
import type { Logger } from "pino";
import type { SlackMessage } from "../render/block-kit.js";

/** Where a message landed: what later edits and thread replies need. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface PostOptions {
  /** Reply in this message's thread. */
  threadTs?: string;
  /** With `threadTs`: also show the reply in the channel. */
  broadcast?: boolean;
}

/** What the rest of the App asks of Slack. Tests and the outbox swap it. */
export interface SlackPoster {
  postMessage(
    channel: string,
    message: SlackMessage,
    options?: PostOptions,
  ): Promise<PostedMessage>;
  updateMessage(channel: string, ts: string, message: SlackMessage): Promise<void>;
  deleteMessage(channel: string, ts: string): Promise<void>;
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

/** `chat.postMessage`, `chat.update` and `chat.delete` on @slack/web-api; retries are the caller's business. */
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
    async postMessage(channel, message, options = {}) {
      const base = {
        channel,
        text: message.text,
        blocks: message.blocks as never,
        unfurl_links: false,
        unfurl_media: false,
      };
      const result = await client.chat.postMessage(
        options.threadTs
          ? { ...base, thread_ts: options.threadTs, reply_broadcast: options.broadcast ?? false }
          : base,
      );
      return { channel: result.channel ?? channel, ts: result.ts ?? "" };
    },
    async updateMessage(channel, ts, message) {
      await client.chat.update({
        channel,
        ts,
        text: message.text,
        blocks: message.blocks as never,
        // Said explicitly: the escaping done when rendering must hold on edits too.
        parse: "none",
      });
    },
    async deleteMessage(channel, ts) {
      await client.chat.delete({ channel, ts });
    },
  };
}

import { LogLevel, WebClient, type Logger as SlackLogger } from "@slack/web-api";
import { LRUCache } from "lru-cache";
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

/** A workspace member, as answering from Slack needs to know them. */
export interface SlackMember {
  /** Display name, else real name, else the user name. */
  name: string;
  /** The member's own workspace (another organisation's, in a shared channel). */
  teamId: string | undefined;
  isBot: boolean;
}

/** What answering from Slack asks of Slack: telling one person something, names and links. */
export interface SlackReplyApi {
  /** A message in the thread that only `user` sees (`chat.postEphemeral`). */
  postEphemeral(channel: string, user: string, text: string, threadTs?: string): Promise<void>;
  /** A link to the message (`chat.getPermalink`); undefined when Slack does not give one. */
  permalink(channel: string, ts: string): Promise<string | undefined>;
  /** The member (`users.info`, needs `users:read`); undefined when Slack does not say. */
  member(user: string): Promise<SlackMember | undefined>;
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

/**
 * `chat.postMessage`, `chat.update` and `chat.delete` on @slack/web-api, and what answering from
 * Slack needs; retries are the caller's business.
 */
export function createSlackClient(options: SlackClientOptions): SlackPoster & SlackReplyApi {
  const client = new WebClient(options.token, {
    slackApiUrl: options.apiUrl,
    timeout: options.timeoutMs ?? 10_000,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: toSlackLogger(options.log),
    // The axios error would carry the request config, Authorization header included.
    attachOriginalToWebAPIRequestError: false,
  });
  // Names change rarely; a reply names its author, and every mention in it, from here.
  const members = new LRUCache<string, SlackMember>({ max: 5_000, ttl: 10 * 60_000 });
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
    async postEphemeral(channel, user, text, threadTs) {
      await client.chat.postEphemeral({
        channel,
        user,
        text,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
    },
    async permalink(channel, ts) {
      try {
        const result = await client.chat.getPermalink({ channel, message_ts: ts });
        return result.permalink;
      } catch (error) {
        options.log.debug({ error: String(error) }, "no permalink for the Slack message");
        return undefined;
      }
    },
    async member(user) {
      const known = members.get(user);
      if (known) return known;
      try {
        const { user: found } = await client.users.info({ user });
        if (!found) return undefined;
        const member: SlackMember = {
          name: found.profile?.display_name || found.real_name || found.name || user,
          teamId: found.team_id,
          isBot: Boolean(found.is_bot),
        };
        members.set(user, member);
        return member;
      } catch (error) {
        // Without users:read (or for a member Slack hides), the reply names the member id.
        options.log.debug({ error: String(error) }, "users.info failed");
        return undefined;
      }
    },
  };
}

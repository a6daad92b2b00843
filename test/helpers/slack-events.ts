/**
 * Events API payloads as Slack sends them for people writing in a thread (the `event_callback`
 * envelope around a `message` event: https://docs.slack.dev/reference/events/message and its
 * `message_changed` / `message_deleted` subtypes), and a sender that signs and POSTs them to
 * the App as Slack does. One place for the shapes, so end-to-end tests read as the story.
 */
import { signSlackRequest } from "./sign-slack-request.js";

export const SLACK_TEAM = "T0THREADL1";

let events = 0;

/** One person's message as Slack carries it in events (and in `previous_message`). */
export interface PersonMessage {
  channel: string;
  /** The message's own ts. */
  ts: string;
  /** The thread's parent ts; absent for a top-level message. */
  threadTs?: string;
  user: string;
  text: string;
  /** The author's workspace; another organisation's in a Slack Connect channel. */
  team?: string;
  /** Set on a bot's message. */
  botId?: string;
}

function messageOf(message: PersonMessage, edited?: string) {
  return {
    client_msg_id: `c0ffee00-0000-4000-8000-${message.ts.replace(".", "").padStart(12, "0").slice(-12)}`,
    type: "message",
    text: message.text,
    user: message.user,
    ts: message.ts,
    team: message.team ?? SLACK_TEAM,
    user_team: message.team ?? SLACK_TEAM,
    source_team: message.team ?? SLACK_TEAM,
    ...(message.botId ? { bot_id: message.botId, subtype: "bot_message" } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs, parent_user_id: "U0THREADL1" } : {}),
    ...(edited ? { edited: { user: message.user, ts: edited } } : {}),
    blocks: [],
  };
}

/** The envelope Slack wraps each event in; every call a new event id. */
export function envelope(
  event: Record<string, unknown>,
  eventTime = Math.floor(Date.now() / 1000),
) {
  events += 1;
  return {
    token: "verification-token-unused",
    team_id: SLACK_TEAM,
    api_app_id: "A0THREADL1",
    event,
    type: "event_callback",
    event_id: `Ev0TEST${String(events).padStart(6, "0")}`,
    event_time: eventTime,
    authorizations: [
      {
        enterprise_id: null,
        team_id: SLACK_TEAM,
        user_id: "U0THREADL1",
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: "4-eyJldCI6Im1lc3NhZ2UifQ",
  };
}

/** `message` (message.channels): someone wrote a message. */
export function written(message: PersonMessage) {
  return envelope({
    ...messageOf(message),
    channel: message.channel,
    event_ts: message.ts,
    channel_type: "channel",
  });
}

/** `message_changed`: someone edited their message to `text`. */
export function edited(message: PersonMessage, text: string, editTs: string) {
  return envelope({
    type: "message",
    subtype: "message_changed",
    hidden: true,
    message: messageOf({ ...message, text }, editTs),
    channel: message.channel,
    previous_message: messageOf(message),
    event_ts: editTs,
    ts: editTs,
    channel_type: "channel",
  });
}

/** `message_deleted`: someone deleted their message. */
export function deleted(message: PersonMessage, deleteTs: string) {
  return envelope({
    type: "message",
    subtype: "message_deleted",
    hidden: true,
    deleted_ts: message.ts,
    channel: message.channel,
    previous_message: messageOf(message),
    event_ts: deleteTs,
    ts: deleteTs,
    channel_type: "channel",
  });
}

export interface SlackSendOptions {
  /** Signs with this secret instead of the App's. */
  secret?: string;
  /** Signs as of this epoch second (a replayed request). */
  timestamp?: number;
  /** Sent unsigned. */
  unsigned?: boolean;
  /** `X-Slack-Retry-Num`: Slack's retry of an event it got no 2xx for. */
  retryNum?: number;
}

/** POSTs `payload` to the App's Slack events endpoint, signed as Slack signs. */
export async function sendSlackEvent(
  appUrl: string,
  secret: string,
  payload: unknown,
  options: SlackSendOptions = {},
): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(payload);
  const headers = options.unsigned
    ? { "content-type": "application/json" }
    : signSlackRequest(body, options.secret ?? secret, options.timestamp);
  const response = await fetch(`${appUrl}/api/slack/events`, {
    method: "POST",
    headers: {
      ...headers,
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      ...(options.retryNum
        ? { "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": "http_timeout" }
        : {}),
    },
    body,
  });
  return { status: response.status, body: await response.text() };
}

/** A slash command's form fields as Slack sends them (https://docs.slack.dev/interactivity/implementing-slash-commands). */
export function slashCommand(
  text: string,
  user: string,
  options: { command?: string; channel?: string; team?: string } = {},
): Record<string, string> {
  return {
    token: "verification-token-unused",
    team_id: options.team ?? SLACK_TEAM,
    team_domain: "threadline-test",
    channel_id: options.channel ?? "C0123456789",
    channel_name: "pull-requests",
    user_id: user,
    user_name: "someone",
    command: options.command ?? "/threadline",
    text,
    api_app_id: "A0THREADL1",
    is_enterprise_install: "false",
    response_url: `https://hooks.slack.com/commands/${SLACK_TEAM}/1234567890/abcdefABCDEF`,
    trigger_id: "13345224609.738474920.8088930838d88f008e0",
  };
}

/**
 * POSTs a slash command to the App's `/api/slack/commands`, form-encoded and signed as Slack
 * signs it; resolves with the status and, when the App answered JSON, its message.
 */
export async function sendSlackCommand(
  appUrl: string,
  secret: string,
  fields: Record<string, string>,
  options: Pick<SlackSendOptions, "secret" | "timestamp"> = {},
): Promise<{ status: number; body: string; message?: { response_type?: string; text?: string } }> {
  const body = new URLSearchParams(fields).toString();
  const response = await fetch(`${appUrl}/api/slack/commands`, {
    method: "POST",
    headers: {
      ...signSlackRequest(body, options.secret ?? secret, options.timestamp),
      "content-type": "application/x-www-form-urlencoded",
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text,
    ...(response.headers.get("content-type")?.startsWith("application/json")
      ? { message: JSON.parse(text) as { response_type?: string; text?: string } }
      : {}),
  };
}

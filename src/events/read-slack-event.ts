import type { SlackEventReading, SlackThreadMessage } from "./slack-thread-message.js";

/**
 * Reads one Events API payload (already verified, already parsed): Slack's URL check, a person's
 * message in a thread (written, edited or deleted), or a skip with the reason. Pure, and total:
 * whatever the payload holds, it answers, never throws.
 *
 * What Slack sends, per its Events API and `message` event docs:
 * - every event arrives in an `event_callback` envelope with `event_id` (the same on each retry),
 *   `event_time` and `team_id` (the workspace the App is installed in);
 * - a reply in a thread has a `thread_ts` other than its own `ts`; a parent message has none, or
 *   its own `ts` (and a `message_replied` event may arrive without its subtype: it carries the
 *   parent in `event.message`);
 * - `message_changed` carries the edited message in `event.message` (with `edited.ts`) and the
 *   one before in `event.previous_message`; Slack sends one too when only an unfurl or an
 *   attachment was added, and when a parent with replies is deleted (a "tombstone");
 * - `message_deleted` gives the message's `ts` as `deleted_ts`, and its thread only through
 *   `previous_message`;
 * - in a shared (Slack Connect) channel a message also says whose workspace its author is in:
 *   `user_team` (and `team`), which may differ from the envelope's `team_id`.
 */
export function readSlackEvent(payload: unknown): SlackEventReading {
  const envelope = asRecord(payload);
  if (!envelope) return skip("the payload is not a JSON object");

  if (envelope.type === "url_verification") {
    const challenge = envelope.challenge;
    return typeof challenge === "string" && challenge !== ""
      ? { kind: "url_verification", challenge }
      : skip("url_verification without a challenge");
  }
  if (envelope.type !== "event_callback") {
    return skip(`not an event_callback (type ${describe(envelope.type)})`);
  }

  const eventId = stringField(envelope, "event_id");
  if (eventId === undefined) return skip("event_callback without an event_id");
  const event = asRecord(envelope.event);
  if (!event) return skip("event_callback without an event", eventId);
  if (event.type !== "message") {
    return skip(`not a message event (type ${describe(event.type)})`, eventId);
  }

  const teamId = stringField(envelope, "team_id");
  const eventTime = envelope.event_time;
  const channel = stringField(event, "channel");
  if (teamId === undefined) return skip("event_callback without a team_id", eventId);
  if (typeof eventTime !== "number" || !Number.isFinite(eventTime)) {
    return skip("event_callback without an event_time", eventId);
  }
  if (channel === undefined) return skip("message event without a channel", eventId);
  const context: Context = { eventId, eventTime, teamId, channel };

  switch (event.subtype) {
    case "message_changed":
      return readEdit(event, context);
    case "message_deleted":
      return readDeletion(event, context);
    case undefined:
    case "thread_broadcast":
    case "file_share":
      return readWritten(event, context);
    default:
      return skipSubtype(event.subtype, eventId);
  }
}

/** What every carried message takes from the envelope. */
interface Context {
  eventId: string;
  eventTime: number;
  teamId: string;
  channel: string;
}

/** A message written in a thread: plain, also sent to the channel, or with files. */
function readWritten(event: Record<string, unknown>, context: Context): SlackEventReading {
  const { eventId } = context;
  if (event.hidden === true) return skip("a hidden message event", eventId);
  // message_replied as the Events API sends it: no subtype, the thread's parent in `message`.
  if (event.message !== undefined) {
    return skip("a thread's parent changed (message_replied)", eventId);
  }
  if (fromBot(event)) return skip("written by a bot", eventId);

  const thread = threadOf(event);
  if (!thread) return skip("a top-level message, not a thread reply", eventId);
  const user = stringField(event, "user");
  if (user === undefined) return skip("a message without a user", eventId);

  return carry({
    ...base(context, event),
    action: "created",
    ts: thread.ts,
    threadTs: thread.threadTs,
    user,
    text: stringField(event, "text") ?? "",
    files: fileNames(event.files),
  });
}

/** An edit: carried when the edited message is a person's thread reply and its text changed. */
function readEdit(event: Record<string, unknown>, context: Context): SlackEventReading {
  const { eventId } = context;
  const message = asRecord(event.message);
  if (!message) return skip("message_changed without the message", eventId);
  if (fromBot(message)) return skip("an edit of a bot's message", eventId);
  if (!carriedSubtype(message.subtype)) {
    return skip(`an edit of a ${describe(message.subtype)} message`, eventId);
  }

  const thread = threadOf(message);
  if (!thread) return skip("an edit of a top-level message, not a thread reply", eventId);
  const previous = asRecord(event.previous_message);
  if (previous && previous.text === message.text) {
    return skip("the text did not change (an unfurl or an attachment was added)", eventId);
  }
  const user = stringField(message, "user");
  if (user === undefined) return skip("an edited message without a user", eventId);

  // Slack's edit example gives the event the edit's own time as `ts`: the fallback, if ever needed.
  const version =
    stringField(asRecord(message.edited), "ts") ??
    stringField(event, "ts") ??
    stringField(event, "event_ts");
  return carry({
    ...base(context, message),
    action: "edited",
    ts: thread.ts,
    threadTs: thread.threadTs,
    user,
    text: stringField(message, "text") ?? "",
    ...(version === undefined ? {} : { version }),
    files: fileNames(message.files),
  });
}

/** A deletion: carried when `previous_message` says the message was a reply in a thread. */
function readDeletion(event: Record<string, unknown>, context: Context): SlackEventReading {
  const { eventId } = context;
  const deletedTs = stringField(event, "deleted_ts");
  if (deletedTs === undefined) return skip("message_deleted without a deleted_ts", eventId);
  const previous = asRecord(event.previous_message);
  const threadTs = stringField(previous, "thread_ts");
  if (!previous || threadTs === undefined) {
    return skip(
      "a deletion whose thread Slack did not say (no previous_message.thread_ts)",
      eventId,
    );
  }
  if (threadTs === deletedTs) return skip("a deletion of a top-level message", eventId);
  if (fromBot(previous)) return skip("a deletion of a bot's message", eventId);

  const user = stringField(previous, "user");
  return carry({
    ...base(context, previous),
    action: "deleted",
    ts: deletedTs,
    threadTs,
    ...(user === undefined ? {} : { user }),
    text: "",
    files: [],
  });
}

/** The envelope's fields, and the author's workspace as the message gives it. */
function base(
  { eventId, eventTime, teamId, channel }: Context,
  message: Record<string, unknown>,
): Pick<SlackThreadMessage, "eventId" | "eventTime" | "teamId" | "userTeamId" | "channel"> {
  const userTeamId = stringField(message, "user_team") ?? stringField(message, "team");
  return {
    eventId,
    eventTime,
    teamId,
    ...(userTeamId === undefined ? {} : { userTeamId }),
    channel,
  };
}

function carry(message: SlackThreadMessage): SlackEventReading {
  return { kind: "message", message };
}

function skip(reason: string, eventId?: string): SlackEventReading {
  return eventId === undefined ? { kind: "skip", reason } : { kind: "skip", reason, eventId };
}

function skipSubtype(subtype: unknown, eventId: string): SlackEventReading {
  return subtype === "bot_message"
    ? skip("written by a bot", eventId)
    : skip(`subtype ${describe(subtype)} is not a person writing in a thread`, eventId);
}

/** The subtypes of a message a person wrote: plain, also sent to the channel, with files. */
function carriedSubtype(subtype: unknown): boolean {
  return subtype === undefined || subtype === "thread_broadcast" || subtype === "file_share";
}

/** A bot's message: `bot_id` (apps posting, threadline's own messages) or `bot_message`. */
function fromBot(message: Record<string, unknown>): boolean {
  const botId = message.bot_id;
  return (typeof botId === "string" && botId !== "") || message.subtype === "bot_message";
}

/** The message's `ts` and its thread's, when it is a reply (a `thread_ts` other than its `ts`). */
function threadOf(message: Record<string, unknown>): { ts: string; threadTs: string } | undefined {
  const ts = stringField(message, "ts");
  const threadTs = stringField(message, "thread_ts");
  if (ts === undefined || threadTs === undefined || threadTs === ts) return undefined;
  return { ts, threadTs };
}

/**
 * The files' names (else titles). A file Slack shows only by id (one shared from another
 * organisation's workspace: `"file_access": "check_file_info"`) has neither and is left out.
 */
function fileNames(files: unknown): string[] {
  if (!Array.isArray(files)) return [];
  const names: string[] = [];
  for (const entry of files) {
    const file = asRecord(entry);
    const name = stringField(file, "name") ?? stringField(file, "title");
    if (name !== undefined) names.push(name);
  }
  return names;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A non-empty string field, else undefined. */
function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A payload value as a skip reason may name it: short, whatever Slack (or a bug) put there. */
function describe(value: unknown): string {
  if (typeof value === "string") return value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return value === undefined ? "none" : typeof value;
}

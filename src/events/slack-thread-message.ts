/**
 * A message written in a Slack thread, as threadline carries it back to GitHub: what Slack's
 * Events API (or Socket Mode) sent, reduced to what deciding and writing need. Pure data.
 */

/** What happened to the message in Slack. */
export type SlackMessageAction = "created" | "edited" | "deleted";

export interface SlackThreadMessage {
  action: SlackMessageAction;
  /** Slack's `event_id`: every retry of one event carries the same. */
  eventId: string;
  /** Epoch seconds Slack saw the event (`event_time`). */
  eventTime: number;
  /** The workspace the App is installed in (the envelope's `team_id`). */
  teamId: string;
  /**
   * The author's workspace (`user_team`, else the message's `team`). It differs from `teamId` for
   * someone from another organisation in a shared (Slack Connect) channel. Undefined when Slack
   * does not say (a deletion without the previous message).
   */
  userTeamId?: string;
  channel: string;
  /** The message's own `ts`: with the channel, the key of the message and of its GitHub comment. */
  ts: string;
  /** The thread's parent message `ts`. */
  threadTs: string;
  /** The Slack member who wrote it; undefined on a deletion Slack sent without the message. */
  user?: string;
  /** mrkdwn as Slack sent it (`&`, `<`, `>` escaped as entities); "" for a deletion. */
  text: string;
  /** `edited.ts` of an edit: two edits of one message are two versions. */
  version?: string;
  /** Names of files attached to the message (their content stays in Slack). */
  files: string[];
}

/** What one Events API payload is for threadline. */
export type SlackEventReading =
  | { kind: "url_verification"; challenge: string }
  | { kind: "message"; message: SlackThreadMessage }
  /** Not carried: a top-level message, a bot's, a subtype that is not a person writing, … */
  | { kind: "skip"; reason: string; eventId?: string };

/**
 * Slack's word on a redelivery: `X-Slack-Retry-Num` over HTTP, an envelope's `retry_attempt` over
 * Socket Mode (0 on the first delivery, then 1 to 3), and the reason (`http_timeout`, …). Slack
 * retries an event it got no 2xx (or ack) for within 3 seconds, with the same `event_id`.
 */
export interface SlackRetry {
  num: number;
  reason?: string;
}

/** What became of an event: recorded to be written, recorded before (a retry), or not one to carry. */
export type SlackEventOutcome = "recorded" | "duplicate" | "ignored";

/**
 * Takes a verified Events API payload (`event_callback`) and resolves once it is recorded, so the
 * HTTP endpoint's 200 and Socket Mode's ack both mean "recorded".
 */
export type ReceiveSlackEvent = (payload: object, retry: SlackRetry) => Promise<SlackEventOutcome>;

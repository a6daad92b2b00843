import type { Generated, Insertable, Selectable } from "kysely";

/**
 * `pending`: waiting to be sent (maybe after a backoff); `sending`: claimed by a worker under a
 * lease; `sent`: Slack accepted it; `dead`: it cannot succeed as it is (see `last_error`).
 */
export type OutboxStatus = "pending" | "sending" | "sent" | "dead";

export interface DeliveriesTable {
  app_id: number;
  delivery_id: string;
  event: string;
  /** `queued` when it produced posts, `ignored` when nothing was to be carried. */
  outcome: string;
  received_at: number;
  /** Why it was or wasn't carried (config, routes, the filter that dropped it), JSON. */
  explanation: string | null;
}

export interface OutboxTable {
  id: Generated<number>;
  app_id: number;
  delivery_id: string;
  channel: string;
  /** Posts with the same key keep their order: `owner/repo#N`. */
  thread_key: string;
  /** Sorts posts of one thread in the order the comments were made: `<created_at>|<id>`. */
  order_key: string;
  /** What to post (the decided event and its render settings), JSON. */
  content: string;
  /** Posts shown together as one message (`review:<id>`: a review and its line comments). */
  group_key: string | null;
  status: OutboxStatus;
  attempts: number;
  /** Epoch milliseconds: not sent before this (backoff, or waiting for late deliveries). */
  next_attempt_at: number;
  /** Epoch milliseconds a `sending` claim expires; a crashed worker's rows come back after it. */
  lease_until: number | null;
  /** The replica (`host:port`) holding the claim. */
  claimed_by: string | null;
  /** Slack's error code and the fix, for dead letters and retries. */
  last_error: string | null;
  slack_channel: string | null;
  slack_ts: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export interface StateTable {
  key: string;
  value: string;
}

export interface MessagesTable {
  app_id: number;
  channel: string;
  /** `comment:<id>`, `review_comment:<id>`, `review:<id>` */
  item_key: string;
  slack_ts: string | null;
  thread_ts: string | null;
  /** `updated_at` of the version Slack shows (or was told to drop). */
  shown_updated_at: string;
  /** 1 once deleted on GitHub: a late creation or edit then posts nothing. */
  deleted: number;
  /** The pull request (`owner/repo#N`) the comment belongs to; NULL on rows from before 0010. */
  thread_key: string | null;
  /** Epoch ms of the last change, for pruning. */
  updated_at: number | null;
}

export interface ThreadsTable {
  app_id: number;
  channel: string;
  /** `owner/repo#N` */
  thread_key: string;
  parent_ts: string | null;
  /** `updated_at` of the pull request state the parent message shows. */
  shown_updated_at: string | null;
  /** Epoch ms of the last change, for pruning. */
  updated_at: number | null;
  /** The channel's ID as Slack answered the parent's post (`channel` may be a `#name`). */
  slack_channel: string | null;
}

/** The newest state seen of each pull request, kept once for the parents in every channel. */
export interface PullRequestsTable {
  app_id: number;
  /** `owner/repo#N` */
  thread_key: string;
  /** Its card (a PullRequestCard: the pull request, reviews, checks), JSON. */
  state: string;
  /** The head commit the card knows, for commit statuses; NULL on rows from before 0013. */
  head_sha: string | null;
  /** GitHub's `updated_at` of that state. */
  updated_at: string;
  /** 1 while the pull request is open (or a draft): its conversation may still change. */
  open: number;
}

/**
 * Each Slack channel's sending slot, shared by every replica: one post in flight at a time (for
 * order and one parent per thread) and Slack's pace, kept as the time the next post may go.
 */
export interface ChannelsTable {
  app_id: number;
  channel: string;
  /** Epoch ms before which no post may go (the pace, or a 429's Retry-After). */
  ready_at: number;
  /** The post being sent in this channel, if any. */
  busy_post: number | null;
  /** Epoch ms the busy slot expires, should its holder die. */
  busy_until: number | null;
}

/** Jobs that one replica at a time runs (the missed-delivery sweep). */
export interface LeasesTable {
  /** `<app id>/<job>` */
  name: string;
  /** The process holding it: host, pid and a random part. */
  holder: string;
  expires_at: number;
}

/**
 * `pending`: waiting to be written to GitHub (maybe after a backoff); `sending`: claimed by a
 * worker under a lease; `done`: written (or nothing was to be written); `dead`: it cannot succeed
 * as it is (see `last_error`).
 */
export type ReplyStatus = "pending" | "sending" | "done" | "dead";

/** Messages written in pull requests' Slack threads, on their way to GitHub as comments. */
export interface SlackRepliesTable {
  id: Generated<number>;
  app_id: number;
  /** Slack's `event_id`: a retried event is recorded once. */
  event_id: string;
  /**
   * The change of the message: `<channel>/<ts>/created`, `<channel>/<ts>/edited/<version>` or
   * `<channel>/<ts>/deleted`, so the same change sent as two events is recorded once.
   */
  dedupe_key: string;
  channel: string;
  /** The message's own `ts`: changes of one message are written in `id` order. */
  ts: string;
  /** The thread's parent message `ts`. */
  thread_ts: string;
  /** The pull request the thread belongs to: `owner/repo#N`. */
  thread_key: string;
  action: "created" | "edited" | "deleted";
  /** The Slack thread message, JSON. */
  message: string;
  status: ReplyStatus;
  attempts: number;
  /** Epoch ms: not written before this (backoff). */
  next_attempt_at: number;
  /** Epoch ms a `sending` claim expires; a crashed worker's rows come back after it. */
  lease_until: number | null;
  /** The process holding the claim. */
  claimed_by: string | null;
  /** Why the last attempt failed, for retries and dead rows. */
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** The GitHub comment each Slack message became, so its edits and deletion find it. */
export interface ReplyCommentsTable {
  app_id: number;
  channel: string;
  /** The Slack message's `ts`. */
  ts: string;
  comment_id: number;
  /** `owner/repo#N` */
  thread_key: string;
  /** 1 once deleted in Slack: the comment is gone and a late edit must not bring it back. */
  deleted: number;
  /** Epoch ms of the last change, for pruning. */
  updated_at: number;
  /**
   * The GitHub user id of the person whose own token wrote the comment; NULL when the App wrote
   * it (and on rows from before 0012).
   */
  author_user_id: number | null;
}

/** Who was told what in which thread (a reply that could not be carried), so once is enough. */
export interface ReplyNoticesTable {
  app_id: number;
  channel: string;
  /** The thread's parent message `ts`. */
  thread_ts: string;
  slack_user: string;
  reason: string;
  /** Epoch ms, for pruning. */
  told_at: number;
}

/**
 * A Slack member's linked GitHub account (post as themselves): tokens encrypted at rest
 * (`v1.<iv>.<data>.<tag>`, see token-cipher.ts), kept until unlinked or revoked.
 */
export interface LinkedAccountsTable {
  app_id: number;
  slack_team: string;
  slack_user: string;
  github_login: string;
  github_user_id: number;
  /** Encrypted user access token (`ghu_…`). */
  access_token: string;
  /** Epoch ms it expires; NULL when the App's tokens do not expire. */
  access_expires_at: number | null;
  /** Encrypted refresh token (`ghr_…`); NULL when the App's tokens do not expire. */
  refresh_token: string | null;
  refresh_expires_at: number | null;
  /** The replica refreshing the tokens now (a refresh token works once), and until when. */
  refresh_claimed_by: string | null;
  refresh_claimed_until: number | null;
  linked_at: number;
  updated_at: number;
}

/** What a person was told once, whatever the thread (how to post as themselves). */
export interface PersonNoticesTable {
  app_id: number;
  slack_team: string;
  slack_user: string;
  reason: string;
  told_at: number;
}

export interface Database {
  deliveries: DeliveriesTable;
  outbox: OutboxTable;
  state: StateTable;
  messages: MessagesTable;
  threads: ThreadsTable;
  pull_requests: PullRequestsTable;
  channels: ChannelsTable;
  leases: LeasesTable;
  slack_replies: SlackRepliesTable;
  reply_comments: ReplyCommentsTable;
  reply_notices: ReplyNoticesTable;
  linked_accounts: LinkedAccountsTable;
  person_notices: PersonNoticesTable;
}

export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
export type SlackReplyRow = Selectable<SlackRepliesTable>;

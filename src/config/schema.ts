import { z } from "zod";

/** Slack channel ID (C…, G…) or a `#name`. IDs survive renames; names are easier to read. */
export const slackChannel = z
  .string()
  .regex(
    /^(?:[CG][A-Z0-9]{6,}|#[a-z0-9][a-z0-9._-]{0,79})$/,
    "must be a Slack channel ID such as C0123456789 or a name such as #pull-requests",
  );

/** Slack member ID that a GitHub login is mentioned as. */
const slackMember = z
  .string()
  .regex(/^[UW][A-Z0-9]{6,}$/, "must be a Slack member ID such as U024BE7LH");

const stringList = z.array(z.string().min(1));

/** The pull request news `announce:` can post in its thread, as written there. */
export const ANNOUNCEMENTS = ["merged", "closed", "ready_for_review"] as const;

/** The kinds of conversation a repository can choose to carry, as written under `events:`. */
export const EVENT_NAMES = ["comments", "review_comments", "reviews"] as const;

/** One entry of `routes:`. A route matches when every condition it gives holds. */
export const routeSchema = z.strictObject({
  /** Channel that receives the events this route matches. */
  channel: slackChannel,
  /** Glob patterns matched against the file of a review comment (`web/**`). */
  paths: stringList.optional(),
  /** The pull request has any of these labels. */
  labels: stringList.optional(),
  /** Glob patterns matched against the pull request's base branch (`release/*`). */
  base: stringList.optional(),
  /** GitHub logins of comment authors. */
  authors: stringList.optional(),
});

/** `ignore:`, the filters that drop an event before it is routed. */
export const ignoreSchema = z.strictObject({
  /** Skip comments written by bots and GitHub Apps. */
  bots: z.boolean().default(true),
  /** Skip comments written by these GitHub logins. */
  authors: stringList.default([]),
  /** Skip pull requests that carry any of these labels. */
  labels: stringList.default([]),
  /** Skip draft pull requests. Drafts are carried by default. */
  drafts: z.boolean().default(false),
});

/**
 * `.github/threadline.yml`. Every field is optional; an empty file means "use the deployment's
 * SLACK_CHANNEL with the defaults below".
 */
export const configSchema = z.strictObject({
  /** Channel for this repository; events go here when no route matches. */
  channel: slackChannel.optional(),
  /** Which kinds of comment are carried. */
  events: z.array(z.enum(EVENT_NAMES)).default([...EVENT_NAMES]),
  /** Extra channels by file path, label, base branch or author; every matching route gets the event. */
  routes: z.array(routeSchema).default([]),
  /** Filters applied before routing. */
  ignore: ignoreSchema.default({
    bots: true,
    authors: [],
    labels: [],
    drafts: false,
  }),
  /**
   * One parent message per pull request and channel, every comment a reply in its thread. Off:
   * every comment is a message of its own in the channel.
   */
  threads: z.boolean().default(true),
  /** With threads, also show each reply in the channel (Slack's "also send to channel"). */
  broadcast: z.boolean().default(false),
  /** A comment deleted on GitHub: `tombstone` leaves "comment deleted" in its place, `remove` deletes it. */
  deleted: z.enum(["tombstone", "remove"]).default("tombstone"),
  /**
   * A `<details>` block in a comment (bots fold long reports into them): `collapse` shows its
   * summary and how many lines it hides, linked to the comment, as GitHub shows it closed;
   * `show` shows the whole body under the summary.
   */
  details: z.enum(["show", "collapse"]).default("collapse"),
  /** GitHub login -> Slack member ID, so `@login` in a comment becomes a real Slack mention. */
  mentions: z.record(z.string().min(1), slackMember).default({}),
  /**
   * A reply written in a pull request's Slack thread becomes a comment on the pull request:
   * `off` (nobody is nagged), `mapped` (only members that `mentions` maps: known people), or
   * `anyone` (any member of the App's own workspace). Nobody from another organisation in a
   * shared channel ever writes.
   */
  replies: z.enum(["off", "mapped", "anyone"]).default("off"),
  /**
   * Pull request news also posted as a reply in its thread (`merged`, `closed` without merging,
   * `ready_for_review`). The parent message's card shows every change either way; by default
   * nothing more is posted.
   */
  announce: z.array(z.enum(ANNOUNCEMENTS)).default([]),
});

/** A validated `.github/threadline.yml` with every default filled in. */
export type ThreadlineConfig = z.infer<typeof configSchema>;
/** One validated entry of `routes:`. */
export type Route = z.infer<typeof routeSchema>;

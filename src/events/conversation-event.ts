/**
 * The normalized shape every carried GitHub event is turned into before it is routed and rendered.
 * Everything downstream (routing, rendering, delivery) reads this, never the raw webhook payload,
 * so a new event family only needs a new normalizer.
 */

/** Which config `events:` entry an event belongs to. */
export type ConversationKind = "comment" | "review_comment" | "review";

/** The config names of the kinds above, as written in `.github/threadline.yml`. */
export const EVENT_NAME_BY_KIND = {
  comment: "comments",
  review_comment: "review_comments",
  review: "reviews",
} as const satisfies Record<ConversationKind, string>;

export interface Person {
  login: string;
  avatarUrl: string;
  htmlUrl: string;
  /** GitHub Apps and other `type: Bot` accounts. */
  isBot: boolean;
}

export interface PullRequestSummary {
  number: number;
  title: string;
  htmlUrl: string;
  draft: boolean;
  labels: string[];
  /**
   * Base branch. `issue_comment` payloads do not carry it, so it is `undefined` until the edge
   * fetches the pull request (only done when a route filters on `base`).
   */
  base: string | undefined;
  author: string;
  /** Where the pull request stood when the event happened (for the thread's parent message). */
  state?: PullRequestState;
  /** Head branch, when the payload carries it. */
  head?: string;
  /** The head commit, when the payload carries it: the commit whose checks the card shows. */
  headSha?: string;
  /**
   * Logins asked to review and not yet reviewed since, when the payload carries them (a
   * `pull_request` or `pull_request_review` payload; a comment's does not).
   */
  requestedReviewers?: string[];
  /** Teams asked to review (`org/slug`), when the payload carries them. */
  requestedTeams?: string[];
}

export interface RepositorySummary {
  owner: string;
  name: string;
  /** `owner/name` */
  fullName: string;
  htmlUrl: string;
  /** The repository's default branch, used to know when a push changes the config. */
  defaultBranch: string;
}

export type ReviewState = "approved" | "changes_requested" | "commented";

export interface ReviewCommentLocation {
  path: string;
  /** Line in the new file (or old file when `side` is LEFT); null for outdated comments. */
  line: number | null;
  /** First line of a multi-line comment, null for a single line. */
  startLine: number | null;
  side: "LEFT" | "RIGHT";
  /** GitHub's hunk up to and including the commented line. */
  diffHunk: string;
  /** Set when this comment answers another review comment. */
  inReplyToId: number | null;
  /** The review this comment was submitted with. */
  reviewId: number | null;
}

/** What happened to the comment or review on GitHub. */
export type ConversationAction = "created" | "edited" | "deleted";

export interface ConversationEvent {
  kind: ConversationKind;
  action: ConversationAction;
  /** Comment or review id on GitHub. */
  id: number;
  repository: RepositorySummary;
  pullRequest: PullRequestSummary;
  author: Person;
  /** GitHub-flavoured markdown as written; may be empty (an approval without words). */
  body: string;
  /** Link to the comment or review on GitHub. */
  htmlUrl: string;
  /** ISO-8601 time the comment or review was made. */
  createdAt: string;
  /**
   * ISO-8601 time of this version: what decides, when deliveries arrive out of order, which
   * version of a comment Slack should show.
   */
  updatedAt: string;
  /** Present for `kind: "review"`. */
  reviewState?: ReviewState;
  /** Present for `kind: "review_comment"`. */
  location?: ReviewCommentLocation;
}

/** Where a pull request stands, as its thread's parent message shows it. */
export type PullRequestState = "open" | "draft" | "merged" | "closed";

/** The pull request news a config may ask to be posted in its thread (`announce:`). */
export type Announcement = "merged" | "closed" | "ready_for_review";

/** A pull request's own news (`pull_request` events), for the parent message of its threads. */
export interface PullRequestUpdate {
  repository: RepositorySummary;
  pullRequest: PullRequestSummary & { state: PullRequestState; head: string };
  /** ISO-8601 `updated_at` of the pull request: the newest update wins. */
  updatedAt: string;
}

/**
 * Conversation events for the delivery tests, each from a real recorded payload
 * (test/fixtures) through the App's own normalizer, changed only where a test says so.
 *
 * - the pull-request comment is on Codertocat/Hello-World#1, made 2019-05-15T15:20:21Z;
 * - the review (id 237895671) and its line comment (id 284312630, made 15:20:37Z) are on #2,
 *   submitted 15:20:38Z; a line comment's `pull_request_review_id` names that review.
 */
import type {
  ConversationAction,
  ConversationEvent,
  PullRequestUpdate,
  ReviewState,
} from "../../src/events/conversation-event.js";
import { normalize, normalizePullRequestUpdate } from "../../src/events/normalize.js";
import { loadFixture, loadPullRequestCommentFixture } from "../fixtures/index.js";

/** The review every line comment below belongs to. */
export const REVIEW_ID = 237895671;
/** The recorded line comment's id; line comment `n` has id `FIRST_LINE_COMMENT_ID + n - 1`. */
export const FIRST_LINE_COMMENT_ID = 284312630;

function carried(normalized: ReturnType<(typeof normalize)["issue_comment.created"]>) {
  if (!normalized.event) throw new Error(`the fixture was not carried: ${normalized.skipped}`);
  return normalized.event;
}

export interface CommentChange {
  action?: ConversationAction;
  body?: string;
  /** GitHub's `updated_at` of this version; the creation time unless given. */
  updatedAt?: string;
}

/** The recorded comment on pull request #1, as action `action`. */
export function pullRequestComment(change: CommentChange = {}): ConversationEvent {
  const payload = loadPullRequestCommentFixture();
  if (change.body !== undefined) payload.comment.body = change.body;
  if (change.updatedAt !== undefined) payload.comment.updated_at = change.updatedAt;
  return carried(normalize[`issue_comment.${change.action ?? "created"}`](payload));
}

export interface ReviewChange {
  action?: Exclude<ConversationAction, "deleted">;
  state?: ReviewState;
  body?: string;
}

/** The recorded review of pull request #2, with a verdict and summary (approved by default). */
export function review(change: ReviewChange = {}): ConversationEvent {
  const payload = loadFixture("pull_request_review.submitted");
  payload.review.state = change.state ?? "approved";
  payload.review.body = change.body ?? "Ship it.";
  const name = change.action === "edited" ? "edited" : "submitted";
  return carried(normalize[`pull_request_review.${name}`](payload));
}

export interface LineCommentChange extends CommentChange {
  /** When it was made; `n` seconds after the recorded one unless given. */
  createdAt?: string;
}

/** Line comment `n` of the review (1 is the recorded one), made `n - 1` seconds after it. */
export function lineComment(n: number, change: LineCommentChange = {}): ConversationEvent {
  const payload = loadFixture("pull_request_review_comment.created");
  const createdAt =
    change.createdAt ??
    new Date(Date.parse(payload.comment.created_at) + (n - 1) * 1_000)
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
  payload.comment.id = FIRST_LINE_COMMENT_ID + n - 1;
  payload.comment.html_url = payload.comment.html_url.replace(/\d+$/, String(payload.comment.id));
  payload.comment.body = change.body ?? `Line comment ${n}: please rename this.`;
  payload.comment.created_at = createdAt;
  payload.comment.updated_at = change.updatedAt ?? createdAt;
  return carried(normalize[`pull_request_review_comment.${change.action ?? "created"}`](payload));
}

/**
 * A line comment's body long enough that the review's message takes a second message (a chunk)
 * from its fourth such comment on: a review and three of them fill one message.
 */
export function longNote(n: number): string {
  return `Note ${n}: ${"This line needs another look. ".repeat(90)}`;
}

export interface PullRequestChange {
  /** GitHub's `updated_at` of the pull request after the change. */
  updatedAt: string;
  state?: "open" | "closed";
  merged?: boolean;
  draft?: boolean;
  title?: string;
  /** The pull request's number; the recorded #2 unless given. */
  number?: number;
}

/**
 * The pull request's own news (`pull_request.closed`, `.edited`, …) as the App keeps it: the
 * recorded `pull_request` payload, changed as given.
 */
export function pullRequestNews(change: PullRequestChange): PullRequestUpdate {
  const payload = loadFixture("pull_request.opened");
  const number = change.number ?? payload.pull_request.number;
  const closed = change.state === "closed";
  const pullRequest = {
    ...payload.pull_request,
    number,
    html_url: payload.pull_request.html_url.replace(/\d+$/, String(number)),
    title: change.title ?? payload.pull_request.title,
    state: change.state ?? "open",
    draft: change.draft ?? false,
    merged: change.merged ?? false,
    updated_at: change.updatedAt,
    closed_at: closed ? change.updatedAt : null,
    merged_at: change.merged ? change.updatedAt : null,
  };
  return normalizePullRequestUpdate({
    ...payload,
    action: closed ? "closed" : "edited",
    number,
    pull_request: pullRequest,
    changes: {},
  } as unknown as Parameters<typeof normalizePullRequestUpdate>[0]);
}

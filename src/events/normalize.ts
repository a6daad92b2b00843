import type { EmitterWebhookEvent, EmitterWebhookEventName } from "@octokit/webhooks";
import type { CardFact, Verdict } from "./pull-request-card.js";
import type {
  ConversationAction,
  ConversationEvent,
  PullRequestState,
  PullRequestUpdate,
  Person,
  PullRequestSummary,
  RepositorySummary,
  ReviewState,
} from "./conversation-event.js";

/** Either the event to carry, or why the delivery is not one. */
export type Normalized =
  { event: ConversationEvent; skipped?: undefined } | { event?: undefined; skipped: string };

export type CarriedEventName =
  | "issue_comment.created"
  | "issue_comment.edited"
  | "issue_comment.deleted"
  | "pull_request_review_comment.created"
  | "pull_request_review_comment.edited"
  | "pull_request_review_comment.deleted"
  | "pull_request_review.submitted"
  | "pull_request_review.edited";

type Payload<TName extends EmitterWebhookEventName> = EmitterWebhookEvent<TName>["payload"];

interface UserLike {
  login: string;
  avatar_url?: string;
  html_url?: string;
  type?: string;
}

interface RepositoryLike {
  name: string;
  full_name: string;
  html_url: string;
  default_branch: string;
  owner: { login: string } | null;
}

interface LabelLike {
  name: string;
}

function toPerson(user: UserLike | null | undefined, serverUrl: string): Person {
  const login = user?.login ?? "ghost";
  return {
    login,
    avatarUrl: user?.avatar_url ?? "",
    htmlUrl: user?.html_url ?? `${serverUrl}/${login}`,
    // GitHub Apps post as `type: "Bot"`, and their logins end in `[bot]`.
    isBot: user?.type === "Bot" || login.endsWith("[bot]"),
  };
}

function toRepository(repository: RepositoryLike): RepositorySummary {
  return {
    owner: repository.owner?.login ?? repository.full_name.split("/")[0] ?? "",
    name: repository.name,
    fullName: repository.full_name,
    htmlUrl: repository.html_url,
    defaultBranch: repository.default_branch,
  };
}

function labelNames(labels: readonly LabelLike[] | undefined): string[] {
  return (labels ?? []).map((label) => label.name);
}

/** `https://github.com` or a GitHub Enterprise Server origin, from the repository's own link. */
function serverUrlOf(repository: RepositoryLike): string {
  return new URL(repository.html_url).origin;
}

function normalizeIssueComment(
  payload: Payload<"issue_comment.created">,
  action: ConversationAction,
): Normalized {
  const { issue, comment, repository } = payload;
  if (!issue.pull_request) {
    return { skipped: "comment is on an issue, not a pull request" };
  }
  const serverUrl = serverUrlOf(repository);
  const pullRequest: PullRequestSummary = {
    number: issue.number,
    title: issue.title,
    htmlUrl: issue.pull_request.html_url ?? issue.html_url,
    draft: issue.draft ?? false,
    labels: labelNames(issue.labels),
    base: undefined,
    author: issue.user?.login ?? "ghost",
    state: stateOf(Boolean(issue.pull_request.merged_at), issue.state, issue.draft),
  };
  return {
    event: {
      kind: "comment",
      id: comment.id,
      repository: toRepository(repository),
      pullRequest,
      author: toPerson(comment.user, serverUrl),
      body: comment.body ?? "",
      htmlUrl: comment.html_url,
      createdAt: comment.created_at,
      updatedAt: comment.updated_at ?? comment.created_at,
      action,
    },
  };
}

interface TeamLike {
  name: string;
  slug?: string;
}

interface PullRequestLike {
  number: number;
  title: string;
  html_url: string;
  draft?: boolean;
  labels?: readonly LabelLike[];
  base: { ref: string };
  head: { ref: string; sha?: string };
  state: string;
  merged_at?: string | null;
  user: UserLike | null;
  updated_at?: string;
  /** People and teams asked to review (GitHub lists teams here too, and under requested_teams). */
  requested_reviewers?: readonly ({ login: string } | TeamLike | null)[] | null;
  requested_teams?: readonly TeamLike[] | null;
}

/** Merged, else closed, else draft, else open: the order GitHub's own badge follows. */
function stateOf(merged: boolean, state: string, draft: boolean | undefined): PullRequestState {
  if (merged) return "merged";
  if (state === "closed") return "closed";
  return draft ? "draft" : "open";
}

function toPullRequest(pullRequest: PullRequestLike): PullRequestUpdate["pullRequest"] {
  const reviewers = pullRequest.requested_reviewers ?? [];
  return {
    state: stateOf(Boolean(pullRequest.merged_at), pullRequest.state, pullRequest.draft),
    head: pullRequest.head.ref,
    number: pullRequest.number,
    title: pullRequest.title,
    htmlUrl: pullRequest.html_url,
    draft: pullRequest.draft ?? false,
    labels: labelNames(pullRequest.labels),
    base: pullRequest.base.ref,
    author: pullRequest.user?.login ?? "ghost",
    ...(pullRequest.head.sha ? { headSha: pullRequest.head.sha } : {}),
    requestedReviewers: reviewers.flatMap((reviewer) =>
      reviewer && "login" in reviewer ? [reviewer.login] : [],
    ),
    requestedTeams: [
      ...new Set([
        ...reviewers.flatMap((reviewer) =>
          reviewer && !("login" in reviewer) ? [reviewer.slug ?? reviewer.name] : [],
        ),
        ...(pullRequest.requested_teams ?? []).map((team) => team.slug ?? team.name),
      ]),
    ],
  };
}

function normalizeReviewComment(
  payload: Payload<"pull_request_review_comment.created">,
  action: ConversationAction,
): Normalized {
  const { comment, repository } = payload;
  const serverUrl = serverUrlOf(repository);
  return {
    event: {
      kind: "review_comment",
      id: comment.id,
      repository: toRepository(repository),
      pullRequest: toPullRequest(payload.pull_request),
      author: toPerson(comment.user, serverUrl),
      body: comment.body ?? "",
      htmlUrl: comment.html_url,
      createdAt: comment.created_at,
      updatedAt: comment.updated_at ?? comment.created_at,
      action,
      location: {
        path: comment.path,
        line: comment.line ?? comment.original_line ?? null,
        startLine: comment.start_line ?? null,
        side: comment.side === "LEFT" ? "LEFT" : "RIGHT",
        diffHunk: comment.diff_hunk ?? "",
        inReplyToId: comment.in_reply_to_id ?? null,
        reviewId: comment.pull_request_review_id ?? null,
      },
    },
  };
}

const CARRIED_REVIEW_STATES: Record<string, ReviewState> = {
  approved: "approved",
  changes_requested: "changes_requested",
  commented: "commented",
};

function normalizeReview(
  payload: Payload<"pull_request_review.submitted">,
  action: ConversationAction,
): Normalized {
  const { review, repository } = payload;
  const state = CARRIED_REVIEW_STATES[review.state.toLowerCase()];
  if (!state) {
    return { skipped: `review state "${review.state}" is not carried` };
  }
  const body = review.body ?? "";
  if (state === "commented" && body.trim() === "") {
    // A "comment" review without a summary is only the envelope of its line comments,
    // which arrive as their own pull_request_review_comment deliveries.
    return {
      skipped: "review has no summary; its line comments are carried on their own",
    };
  }
  return {
    event: {
      kind: "review",
      id: review.id,
      repository: toRepository(repository),
      pullRequest: toPullRequest(payload.pull_request),
      author: toPerson(review.user, serverUrlOf(repository)),
      body,
      htmlUrl: review.html_url,
      createdAt: review.submitted_at ?? new Date(0).toISOString(),
      // Reviews carry no edit time; an edit replaces what Slack shows (see the worker).
      updatedAt: review.submitted_at ?? new Date(0).toISOString(),
      action,
      reviewState: state,
    },
  };
}

type Normalizer = (payload: never) => Normalized;

/** Payload -> ConversationEvent for every carried webhook event and action. */
export const normalize = {
  "issue_comment.created": (payload: Payload<"issue_comment.created">) =>
    normalizeIssueComment(payload, "created"),
  "issue_comment.edited": (payload: Payload<"issue_comment.created">) =>
    normalizeIssueComment(payload, "edited"),
  "issue_comment.deleted": (payload: Payload<"issue_comment.created">) =>
    normalizeIssueComment(payload, "deleted"),
  "pull_request_review_comment.created": (
    payload: Payload<"pull_request_review_comment.created">,
  ) => normalizeReviewComment(payload, "created"),
  "pull_request_review_comment.edited": (payload: Payload<"pull_request_review_comment.created">) =>
    normalizeReviewComment(payload, "edited"),
  "pull_request_review_comment.deleted": (
    payload: Payload<"pull_request_review_comment.created">,
  ) => normalizeReviewComment(payload, "deleted"),
  "pull_request_review.submitted": (payload: Payload<"pull_request_review.submitted">) =>
    normalizeReview(payload, "created"),
  "pull_request_review.edited": (payload: Payload<"pull_request_review.submitted">) =>
    normalizeReview(payload, "edited"),
} as const satisfies Record<CarriedEventName, Normalizer>;

export const CARRIED_EVENT_NAMES = Object.keys(normalize) as CarriedEventName[];

/**
 * The pull request actions that change what its card (its threads' parent message) shows: its
 * title, state, labels, requested reviewers, or head commit. `opened` keeps the head commit, so a
 * check that finishes before anyone comments finds the pull request.
 */
export const PULL_REQUEST_UPDATE_NAMES = [
  "pull_request.opened",
  "pull_request.closed",
  "pull_request.reopened",
  "pull_request.edited",
  "pull_request.ready_for_review",
  "pull_request.converted_to_draft",
  "pull_request.review_requested",
  "pull_request.review_request_removed",
  "pull_request.labeled",
  "pull_request.unlabeled",
  "pull_request.synchronize",
] as const;

/** A `pull_request` payload -> what the parent message of its threads shows. */
export function normalizePullRequestUpdate(
  payload: EmitterWebhookEvent<(typeof PULL_REQUEST_UPDATE_NAMES)[number]>["payload"],
): PullRequestUpdate {
  const pullRequest = payload.pull_request;
  return {
    repository: toRepository(payload.repository),
    // `merged`, which the pull_request event has, rather than the time it was merged.
    pullRequest: {
      ...toPullRequest(pullRequest),
      state: stateOf(
        Boolean(pullRequest.merged ?? pullRequest.merged_at),
        pullRequest.state,
        pullRequest.draft,
      ),
    },
    updatedAt: pullRequest.updated_at,
  };
}

/** The review actions that change a reviewer's verdict on the card. */
export const REVIEW_VERDICT_NAMES = [
  "pull_request_review.submitted",
  "pull_request_review.dismissed",
] as const;

const VERDICTS: Record<string, Verdict> = {
  approved: "approved",
  changes_requested: "changes_requested",
  commented: "commented",
  dismissed: "dismissed",
};

/**
 * A submitted or dismissed review -> the reviewer's verdict and the pull request as the payload
 * shows it (a review takes its reviewer off the requested list). Every review counts, an empty
 * "comment" review too: it says the reviewer looked. A review still `pending` (not submitted) has
 * no verdict.
 */
export function normalizeReviewVerdict(
  payload: EmitterWebhookEvent<(typeof REVIEW_VERDICT_NAMES)[number]>["payload"],
): CardFact {
  const { review, repository } = payload;
  const pullRequest = payload.pull_request as PullRequestLike;
  const verdict = VERDICTS[review.state.toLowerCase()];
  const update: PullRequestUpdate = {
    repository: toRepository(repository),
    pullRequest: toPullRequest(pullRequest),
    updatedAt: pullRequest.updated_at ?? review.submitted_at ?? new Date(0).toISOString(),
  };
  if (!verdict || !review.user) return { update };
  return {
    update,
    verdict: {
      reviewer: review.user.login,
      reviewId: review.id,
      verdict,
      at: review.submitted_at ?? update.updatedAt,
    },
  };
}

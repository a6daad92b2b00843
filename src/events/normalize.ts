import type { EmitterWebhookEvent } from "@octokit/webhooks";
import type {
  ConversationEvent,
  Person,
  PullRequestSummary,
  RepositorySummary,
  ReviewState,
} from "./conversation-event.js";

/** Either the event to carry, or why the delivery is not one. */
export type Normalized =
  { event: ConversationEvent; skipped?: undefined } | { event?: undefined; skipped: string };

export type CarriedEventName =
  "issue_comment.created" | "pull_request_review_comment.created" | "pull_request_review.submitted";

type Payload<TName extends CarriedEventName> = EmitterWebhookEvent<TName>["payload"];

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

function normalizeIssueComment(payload: Payload<"issue_comment.created">): Normalized {
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
    },
  };
}

interface PullRequestLike {
  number: number;
  title: string;
  html_url: string;
  draft?: boolean;
  labels?: readonly LabelLike[];
  base: { ref: string };
  user: UserLike | null;
}

function toPullRequest(pullRequest: PullRequestLike): PullRequestSummary {
  return {
    number: pullRequest.number,
    title: pullRequest.title,
    htmlUrl: pullRequest.html_url,
    draft: pullRequest.draft ?? false,
    labels: labelNames(pullRequest.labels),
    base: pullRequest.base.ref,
    author: pullRequest.user?.login ?? "ghost",
  };
}

function normalizeReviewComment(
  payload: Payload<"pull_request_review_comment.created">,
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

function normalizeReview(payload: Payload<"pull_request_review.submitted">): Normalized {
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
      reviewState: state,
    },
  };
}

/** Payload -> ConversationEvent for the three carried webhook events. */
export const normalize = {
  "issue_comment.created": normalizeIssueComment,
  "pull_request_review_comment.created": normalizeReviewComment,
  "pull_request_review.submitted": normalizeReview,
} as const satisfies {
  [TName in CarriedEventName]: (payload: Payload<TName>) => Normalized;
};

export const CARRIED_EVENT_NAMES = Object.keys(normalize) as CarriedEventName[];

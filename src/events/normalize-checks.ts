import type { EmitterWebhookEvent } from "@octokit/webhooks";
import type { PullRequestUpdate } from "./conversation-event.js";
import type { CheckOutcome, CheckResult } from "./pull-request-card.js";

/** The check events that change a commit's checks summary on the card. */
export const CHECK_EVENT_NAMES = [
  "check_run.created",
  "check_run.completed",
  "check_suite.completed",
  "status",
] as const;

export type CheckEventName = (typeof CHECK_EVENT_NAMES)[number];

/** A check's news: its result, and the pull requests GitHub says have its commit as their head. */
export interface CheckNews {
  /** `owner/name` of the repository the commit is in. */
  repository: string;
  result: CheckResult;
  /**
   * Pull requests of this repository whose head is the checked commit, as the payload lists them
   * (a `status` lists none; nor does a check on a fork's commit; others are found by their head),
   * each with what the payload says of it (see `listedState`).
   */
  pullRequests: { number: number; update: PullRequestUpdate }[];
}

interface MinimalPullRequestLike {
  number: number;
  head: { ref: string; sha: string };
  base: { ref: string; repo: { id: number } };
}

interface RepositoryLike {
  id: number;
  name: string;
  full_name: string;
  html_url: string;
  default_branch: string;
  owner: { login: string } | null;
}

/** Older than any `updated_at` GitHub sends: every real state of the pull request wins over it. */
const BEFORE_ANYTHING = new Date(0).toISOString();

/**
 * What a check's payload says of a pull request it lists: its number, branches and head commit,
 * and nothing else. Dated before anything, so any state GitHub sends wins over it and only fills
 * what that state does not know (a comment's payload knows no head commit); it lets a check that
 * arrives before the pull request's own news be kept rather than lost.
 */
function listedState(repository: RepositoryLike, pull: MinimalPullRequestLike): PullRequestUpdate {
  const owner = repository.owner?.login ?? repository.full_name.split("/")[0] ?? "";
  return {
    repository: {
      owner,
      name: repository.name,
      fullName: repository.full_name,
      htmlUrl: repository.html_url,
      defaultBranch: repository.default_branch,
    },
    pullRequest: {
      number: pull.number,
      title: `Pull request #${pull.number}`,
      htmlUrl: `${repository.html_url}/pull/${pull.number}`,
      draft: false,
      labels: [],
      base: pull.base.ref,
      author: "",
      state: "open",
      head: pull.head.ref,
      headSha: pull.head.sha,
    },
    updatedAt: BEFORE_ANYTHING,
  };
}

/** Check runs and suites that finished: GitHub's conclusions as the card counts them. */
const CONCLUSIONS: Record<string, CheckOutcome> = {
  success: "passed",
  failure: "failed",
  timed_out: "failed",
  action_required: "failed",
  startup_failure: "failed",
  cancelled: "failed",
  neutral: "skipped",
  skipped: "skipped",
  stale: "skipped",
};

const STATUS_STATES: Record<string, CheckOutcome> = {
  success: "passed",
  failure: "failed",
  error: "failed",
  pending: "running",
};

function outcomeOf(status: string | null, conclusion: string | null): CheckOutcome {
  if (status !== "completed" || !conclusion) return "running";
  return CONCLUSIONS[conclusion] ?? "failed";
}

/** The pull requests of this repository the payload lists with the checked commit as their head. */
function headOf(
  repository: RepositoryLike,
  sha: string,
  pullRequests: readonly MinimalPullRequestLike[] | undefined,
): CheckNews["pullRequests"] {
  return (pullRequests ?? [])
    .filter((pull) => pull.head.sha === sha && pull.base.repo.id === repository.id)
    .map((pull) => ({ number: pull.number, update: listedState(repository, pull) }));
}

/** Where a commit's checks are listed on GitHub: the link when a check has none of its own. */
function commitChecksUrl(repository: RepositoryLike, sha: string): string {
  return `${repository.html_url}/commit/${sha}/checks`;
}

/** `check_run` created or completed -> the run's result (queued and in progress count as running). */
export function normalizeCheckRun(
  payload: EmitterWebhookEvent<"check_run.created" | "check_run.completed">["payload"],
): CheckNews {
  const run = payload.check_run;
  const repository = payload.repository as RepositoryLike;
  return {
    repository: repository.full_name,
    result: {
      sha: run.head_sha,
      key: `run:${run.app?.id ?? 0}/${run.name}`,
      name: run.name,
      outcome: outcomeOf(run.status, run.conclusion),
      url: run.html_url || run.details_url || commitChecksUrl(repository, run.head_sha),
      at: run.completed_at ?? run.started_at,
      id: run.id,
      suiteId: run.check_suite.id,
    },
    pullRequests: headOf(repository, run.head_sha, run.pull_requests as MinimalPullRequestLike[]),
  };
}

/**
 * `check_suite` completed -> one app's checks of the commit in one line, which stands for them
 * until one of its runs is known (a run's own events name which one failed).
 */
export function normalizeCheckSuite(
  payload: EmitterWebhookEvent<"check_suite.completed">["payload"],
): CheckNews {
  const suite = payload.check_suite;
  const repository = payload.repository as RepositoryLike;
  return {
    repository: repository.full_name,
    result: {
      sha: suite.head_sha,
      key: `suite:${suite.id}`,
      name: suite.app?.name ?? "checks",
      outcome: outcomeOf(suite.status, suite.conclusion),
      url: commitChecksUrl(repository, suite.head_sha),
      at: suite.updated_at ?? suite.created_at ?? new Date(0).toISOString(),
      id: suite.id,
    },
    pullRequests: headOf(
      repository,
      suite.head_sha,
      suite.pull_requests as unknown as MinimalPullRequestLike[],
    ),
  };
}

/** `status` -> a commit status (one per context, the newest wins); it names no pull request. */
export function normalizeStatus(payload: EmitterWebhookEvent<"status">["payload"]): CheckNews {
  const repository = payload.repository as RepositoryLike;
  return {
    repository: repository.full_name,
    result: {
      sha: payload.sha,
      key: `status:${payload.context}`,
      name: payload.context,
      outcome: STATUS_STATES[payload.state] ?? "failed",
      url:
        payload.target_url || payload.commit.html_url || commitChecksUrl(repository, payload.sha),
      at: payload.updated_at,
      id: payload.id,
    },
    pullRequests: [],
  };
}

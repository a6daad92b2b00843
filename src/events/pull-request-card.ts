import type { PullRequestUpdate } from "./conversation-event.js";

/**
 * A pull request's card: what its parent message shows and keeps current. The pull request's
 * newest state (title, state, branches, labels, requested reviewers, head commit), each reviewer's
 * latest verdict, and the checks of its commits. Kept once per pull request in the store, merged
 * by `mergeCard` from each delivery's facts, whatever order they arrive in.
 */
export interface PullRequestCard extends PullRequestUpdate {
  /** Each reviewer's reviews, by login. */
  reviews?: Record<string, ReviewerReviews>;
  /** The checks of the head commit and of the few commits seen last, by sha, then by check. */
  checks?: Record<string, Record<string, CheckResult>>;
}

/** What a review said; `dismissed` is an approval or a change request a maintainer undid. */
export type Verdict = "approved" | "changes_requested" | "commented" | "dismissed";

/** One review's verdict, from `pull_request_review` submitted or dismissed. */
export interface ReviewVerdict {
  reviewer: string;
  /** The review's id on GitHub: breaks ties of `at`, and names the review a dismissal undoes. */
  reviewId: number;
  verdict: Verdict;
  /** When the review was submitted (a dismissal keeps its review's time). */
  at: string;
}

/** A reviewer's reviews as the card keeps them. */
export interface ReviewerReviews {
  /** The latest approval or change request (or its dismissal). */
  decision?: ReviewVerdict;
  /** The latest review that only commented: on GitHub it never undoes an approval. */
  comment?: ReviewVerdict;
}

/** Where a check stands, as the card counts it. */
export type CheckOutcome = "passed" | "failed" | "running" | "skipped";

/** One check of a commit: a check run, an app's check suite, or a commit status. */
export interface CheckResult {
  /** The commit it checks. */
  sha: string;
  /**
   * One key per check of the commit, the same for its reruns: `run:<app id>/<name>`,
   * `suite:<id>`, `status:<context>`.
   */
  key: string;
  name: string;
  outcome: CheckOutcome;
  /** Where to read it on GitHub. */
  url: string;
  /** When it reached this outcome (or started): a check's newest result wins. */
  at: string;
  /** GitHub's id of this result (a rerun's is higher): breaks ties of `at`. */
  id: number;
  /** The suite a check run belongs to: a suite's own entry shows only until one of its runs does. */
  suiteId?: number;
}

/** What one delivery says about a pull request's card; any part may be absent. */
export interface CardFact {
  /** The pull request as the payload shows it, at its `updated_at`. */
  update?: PullRequestUpdate;
  verdict?: ReviewVerdict;
  check?: CheckResult;
}

/** How many commits' checks a card keeps: the head's, and the latest others (a push may race). */
export const KEPT_COMMITS = 3;

/**
 * The card with `fact` merged in: for each field, the newest value wins, whatever order the facts
 * arrive in (merging is commutative, associative and idempotent), so replicas merging deliveries
 * as they come, late or twice, end on the same card. Undefined when there is no card yet and the
 * fact cannot start one (a review's or a check's fact alone does not say what the pull request is).
 * - the pull request itself: the state with the newest `updated_at` wins; what it does not carry
 *   (a comment's payload has no branches, head commit or reviewers) is kept from the older one;
 * - reviews: per reviewer, the newest approval or change request (a dismissal beats the review it
 *   undoes) and, apart, the newest comment review;
 * - checks: per commit and check, the newest result (a finished one beats a running one of the
 *   same moment); only the head commit's are shown, so a new head resets the summary.
 */
export function mergeCard(
  card: PullRequestCard | undefined,
  fact: CardFact,
): PullRequestCard | undefined {
  let merged = fact.update ? withUpdate(card, fact.update) : card;
  if (!merged) return undefined;
  if (fact.verdict) merged = withVerdict(merged, fact.verdict);
  if (fact.check) merged = withCheck(merged, fact.check);
  return merged.checks ? { ...merged, checks: keepRecentCommits(merged) } : merged;
}

/** How much of the pull request a state knows (a comment's payload knows less). */
function completeness(update: PullRequestUpdate): number {
  const { base, head, headSha, requestedReviewers, requestedTeams } = update.pullRequest;
  return [base, head || undefined, headSha, requestedReviewers, requestedTeams].filter(
    (value) => value !== undefined,
  ).length;
}

/** Whether `a` is a newer state than `b`: by `updated_at`, then the fuller, then a fixed order. */
function isNewerUpdate(a: PullRequestUpdate, b: PullRequestUpdate): boolean {
  const byTime = Date.parse(a.updatedAt) - Date.parse(b.updatedAt);
  if (byTime !== 0) return byTime > 0;
  const byKnowledge = completeness(a) - completeness(b);
  if (byKnowledge !== 0) return byKnowledge > 0;
  return coreJson(a) > coreJson(b);
}

function coreJson(update: PullRequestUpdate): string {
  return JSON.stringify([update.repository, update.pullRequest, update.updatedAt]);
}

function withUpdate(card: PullRequestCard | undefined, update: PullRequestUpdate): PullRequestCard {
  if (!card)
    return {
      repository: update.repository,
      pullRequest: update.pullRequest,
      updatedAt: update.updatedAt,
    };
  const newer = isNewerUpdate(update, card) ? update : card;
  const older = newer === update ? card : update;
  if (newer === card && coreJson(card) === coreJson(update)) return card;
  const pullRequest = {
    ...newer.pullRequest,
    base: newer.pullRequest.base ?? older.pullRequest.base,
    head: newer.pullRequest.head || older.pullRequest.head,
  };
  const headSha = newer.pullRequest.headSha ?? older.pullRequest.headSha;
  const requestedReviewers =
    newer.pullRequest.requestedReviewers ?? older.pullRequest.requestedReviewers;
  const requestedTeams = newer.pullRequest.requestedTeams ?? older.pullRequest.requestedTeams;
  return {
    ...card,
    repository: newer.repository,
    pullRequest: {
      ...pullRequest,
      ...(headSha === undefined ? {} : { headSha }),
      ...(requestedReviewers === undefined ? {} : { requestedReviewers }),
      ...(requestedTeams === undefined ? {} : { requestedTeams }),
    },
    updatedAt: newer.updatedAt,
  };
}

/** Whether verdict `a` is newer than `b`: by time, then review id; a dismissal beats its review. */
function isNewerVerdict(a: ReviewVerdict, b: ReviewVerdict): boolean {
  const byTime = Date.parse(a.at) - Date.parse(b.at);
  if (byTime !== 0) return byTime > 0;
  if (a.reviewId !== b.reviewId) return a.reviewId > b.reviewId;
  return a.verdict === "dismissed" && b.verdict !== "dismissed";
}

function withVerdict(card: PullRequestCard, verdict: ReviewVerdict): PullRequestCard {
  const known = card.reviews?.[verdict.reviewer] ?? {};
  const slot = verdict.verdict === "commented" ? "comment" : "decision";
  const current = known[slot];
  if (current && !isNewerVerdict(verdict, current)) return card;
  return {
    ...card,
    reviews: { ...card.reviews, [verdict.reviewer]: { ...known, [slot]: verdict } },
  };
}

/** Whether result `a` is newer than `b`: by time, then id; a finished one beats a running one. */
function isNewerCheck(a: CheckResult, b: CheckResult): boolean {
  const byTime = Date.parse(a.at) - Date.parse(b.at);
  if (byTime !== 0) return byTime > 0;
  if (a.id !== b.id) return a.id > b.id;
  return a.outcome !== "running" && b.outcome === "running";
}

function withCheck(card: PullRequestCard, check: CheckResult): PullRequestCard {
  const commit = card.checks?.[check.sha] ?? {};
  const current = commit[check.key];
  if (current && !isNewerCheck(check, current)) return card;
  return {
    ...card,
    checks: { ...card.checks, [check.sha]: { ...commit, [check.key]: check } },
  };
}

/** The head commit's checks and those of the latest other commits, so the card stays small. */
function keepRecentCommits(card: PullRequestCard): Record<string, Record<string, CheckResult>> {
  const checks = card.checks ?? {};
  const shas = Object.keys(checks);
  if (shas.length <= KEPT_COMMITS) return checks;
  const head = card.pullRequest.headSha;
  const latest = (sha: string) =>
    Math.max(...Object.values(checks[sha] ?? {}).map((check) => Date.parse(check.at)));
  const others = shas
    .filter((sha) => sha !== head)
    .sort((a, b) => latest(b) - latest(a) || (a < b ? -1 : 1));
  const kept = [...(head && checks[head] ? [head] : []), ...others].slice(0, KEPT_COMMITS);
  return Object.fromEntries(kept.map((sha) => [sha, checks[sha]!]));
}

/** Where a reviewer stands on the card: their verdict, or `pending` while a review is asked of them. */
export type ReviewerState =
  "changes_requested" | "approved" | "commented" | "dismissed" | "pending";

export interface ReviewerStatus {
  /** A login, or `org/slug` for a team. */
  reviewer: string;
  state: ReviewerState;
  team: boolean;
}

/** Names as people sort them: `shard 2` before `shard 10`, capitals or not. */
const byName = new Intl.Collator("en", { numeric: true, sensitivity: "base" }).compare;

const REVIEWER_ORDER: ReviewerState[] = [
  "changes_requested",
  "approved",
  "commented",
  "dismissed",
  "pending",
];

/**
 * Each reviewer and requested reviewer with where they stand, as GitHub's sidebar shows it: a
 * review asked again after their latest review is pending; otherwise the latest approval or change
 * request, else that they commented. The author's own reviews (replies in review threads) are not
 * a verdict. Sorted by state (changes requested first), then name.
 */
export function reviewerStatuses(card: PullRequestCard): ReviewerStatus[] {
  const author = card.pullRequest.author;
  const requested = new Set(card.pullRequest.requestedReviewers ?? []);
  const requestedAt = Date.parse(card.updatedAt);
  const statuses: ReviewerStatus[] = [];
  const logins = new Set([...Object.keys(card.reviews ?? {}), ...requested]);
  for (const login of logins) {
    if (login === author) continue;
    const { decision, comment } = card.reviews?.[login] ?? {};
    const latest = Math.max(
      decision ? Date.parse(decision.at) : -Infinity,
      comment ? Date.parse(comment.at) : -Infinity,
    );
    let state: ReviewerState;
    if (requested.has(login) && requestedAt >= latest) state = "pending";
    else if (decision && decision.verdict !== "dismissed") state = decision.verdict;
    else if (comment) state = "commented";
    else if (decision) state = "dismissed";
    else state = "pending";
    statuses.push({ reviewer: login, state, team: false });
  }
  for (const slug of card.pullRequest.requestedTeams ?? []) {
    statuses.push({ reviewer: `${card.repository.owner}/${slug}`, state: "pending", team: true });
  }
  return statuses.sort(
    (a, b) =>
      REVIEWER_ORDER.indexOf(a.state) - REVIEWER_ORDER.indexOf(b.state) ||
      Number(a.team) - Number(b.team) ||
      byName(a.reviewer, b.reviewer) ||
      (a.reviewer < b.reviewer ? -1 : 1),
  );
}

/**
 * The checks of the head commit, by name: an app's suite stands for its runs only until one of
 * them is known. Empty while the head commit is unknown (a new head starts with none).
 */
export function headChecks(card: PullRequestCard): CheckResult[] {
  const head = card.pullRequest.headSha;
  const checks = Object.values((head && card.checks?.[head]) || {});
  const suitesWithRuns = new Set(
    checks.flatMap((check) =>
      check.key.startsWith("run:") && check.suiteId ? [check.suiteId] : [],
    ),
  );
  return checks
    .filter((check) => !(check.key.startsWith("suite:") && suitesWithRuns.has(check.id)))
    .sort((a, b) => byName(a.name, b.name) || (a.key < b.key ? -1 : 1));
}

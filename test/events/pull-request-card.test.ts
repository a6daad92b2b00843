/**
 * The card's state as a pure function of the facts delivered: for each field the newest wins,
 * whatever order the deliveries arrive in, and a new head commit starts a new checks summary.
 */
import { describe, expect, test } from "@jest/globals";
import type { PullRequestUpdate } from "../../src/events/conversation-event.js";
import { normalizeCheckRun } from "../../src/events/normalize-checks.js";
import { normalizePullRequestUpdate, normalizeReviewVerdict } from "../../src/events/normalize.js";
import {
  headChecks,
  KEPT_COMMITS,
  mergeCard,
  reviewerStatuses,
  type CardFact,
  type CheckOutcome,
  type CheckResult,
  type PullRequestCard,
  type Verdict,
} from "../../src/events/pull-request-card.js";
import { loadFixture } from "../fixtures/index.js";

const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
const NEXT_HEAD = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";

/** Minutes after the recorded pull request was opened (15:20:33). */
function at(minutes: number): string {
  return new Date(Date.parse("2019-05-15T15:20:00Z") + minutes * 60_000).toISOString();
}

interface StateChange {
  updatedAt: string;
  labels?: string[];
  requested?: string[];
  headSha?: string;
  title?: string;
}

/** The recorded `pull_request.labeled` (#2), as GitHub would send it at `updatedAt`. */
function pullRequest(change: StateChange): CardFact {
  const payload = loadFixture("pull_request.labeled");
  const labels = (change.labels ?? ["bug"]).map((name) => ({
    ...payload.pull_request.labels[0]!,
    name,
  }));
  const requested = (change.requested ?? []).map((login) => ({
    ...payload.pull_request.requested_reviewers[0]!,
    login,
  }));
  return {
    update: normalizePullRequestUpdate({
      ...payload,
      pull_request: {
        ...payload.pull_request,
        title: change.title ?? payload.pull_request.title,
        labels,
        requested_reviewers: requested,
        head: { ...payload.pull_request.head, sha: change.headSha ?? HEAD },
        updated_at: change.updatedAt,
      },
    }),
  };
}

/**
 * The recorded review, by `reviewer`, saying `verdict` at `submittedAt` (review `id`), with the
 * pull request as its payload shows it then (no review requested any more).
 */
function review(reviewer: string, verdict: Verdict, submittedAt: string, id: number): CardFact {
  const payload =
    verdict === "dismissed"
      ? loadFixture("pull_request_review.dismissed")
      : loadFixture("pull_request_review.submitted");
  payload.review = {
    ...payload.review,
    id,
    state: verdict as "approved",
    submitted_at: submittedAt,
    user: { ...payload.review.user!, login: reviewer },
  };
  payload.pull_request = {
    ...payload.pull_request,
    requested_reviewers: [],
    updated_at: submittedAt,
  };
  return normalizeReviewVerdict(payload);
}

/**
 * The recorded check run, named `name`, on `sha`, ending `outcome` at `finishedAt`; its payload
 * lists the pull request when `sha` is its head.
 */
function check(
  name: string,
  outcome: CheckOutcome,
  finishedAt: string,
  options: { sha?: string; id?: number } = {},
): CardFact {
  const payload = loadFixture("check_run.completed");
  const conclusion = { passed: "success", failed: "failure", skipped: "neutral" } as const;
  payload.check_run = {
    ...payload.check_run,
    id: options.id ?? 1,
    name,
    head_sha: options.sha ?? HEAD,
    status: outcome === "running" ? "in_progress" : "completed",
    conclusion: outcome === "running" ? null : conclusion[outcome],
    started_at: finishedAt,
    completed_at: outcome === "running" ? null : finishedAt,
    pull_requests: payload.check_run.pull_requests.map((pull) => ({
      ...pull,
      head: { ...pull.head, sha: options.sha ?? HEAD },
    })),
  };
  const news = normalizeCheckRun(payload);
  return {
    check: news.result,
    ...(news.pullRequests[0] ? { update: news.pullRequests[0].update } : {}),
  };
}

/** A check found by the pull request's kept head (a status, a fork's check): the check alone. */
function checkAlone(fact: CardFact): CardFact {
  return { check: fact.check! };
}

/** The card after `facts`, merged in this order. */
function cardOf(facts: readonly CardFact[]): PullRequestCard | undefined {
  return facts.reduce<PullRequestCard | undefined>(
    (card, fact) => mergeCard(card, fact),
    undefined,
  );
}

/** Every order of `items` (Heap's algorithm). */
function* orders<T>(items: readonly T[]): Generator<T[]> {
  const a = [...items];
  const c = a.map(() => 0);
  yield [...a];
  let i = 0;
  while (i < a.length) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [a[j], a[i]] = [a[i]!, a[j]!];
      yield [...a];
      c[i]! += 1;
      i = 0;
    } else {
      c[i] = 0;
      i += 1;
    }
  }
}

/** What the card shows, as a reader would list it. */
function shown(card: PullRequestCard | undefined) {
  if (!card) return undefined;
  return {
    title: card.pullRequest.title,
    state: card.pullRequest.state,
    labels: card.pullRequest.labels,
    head: card.pullRequest.headSha,
    reviewers: reviewerStatuses(card).map(({ reviewer, state }) => `${reviewer}: ${state}`),
    checks: headChecks(card).map(({ name, outcome }) => `${name}: ${outcome}`),
  };
}

describe("mergeCard: the newest wins per field, whatever the order", () => {
  const facts: [name: string, fact: CardFact][] = [
    [
      "opened, octocat asked to review",
      pullRequest({ updatedAt: at(1), requested: ["octocat"], labels: [] }),
    ],
    [
      "labelled bug, hubot asked too",
      pullRequest({ updatedAt: at(2), requested: ["octocat", "hubot"] }),
    ],
    ["renamed", pullRequest({ updatedAt: at(9), title: "Better README", requested: ["hubot"] })],
    ["octocat approves", review("octocat", "approved", at(3), 10)],
    ["octocat comments afterwards", review("octocat", "commented", at(4), 11)],
    ["monalisa requests changes", review("monalisa", "changes_requested", at(5), 12)],
    ["monalisa approves", review("monalisa", "approved", at(8), 13)],
    ["lint fails", check("lint", "failed", at(5), { id: 100 })],
    ["lint's rerun passes", check("lint", "passed", at(7), { id: 101 })],
    ["test starts", check("test", "running", at(5), { id: 200 })],
    ["test passes", check("test", "passed", at(6), { id: 200 })],
  ];
  const expected = {
    title: "Better README",
    state: "open",
    labels: ["bug"],
    head: HEAD,
    reviewers: ["monalisa: approved", "octocat: approved", "hubot: pending"],
    checks: ["lint: passed", "test: passed"],
  };

  test("in the order things happened", () => {
    expect(shown(cardOf(facts.map(([, fact]) => fact)))).toEqual(expected);
  });

  test("in reverse, in every order of the first six, and in 2,000 shuffled orders: the same card", () => {
    const inOrder = cardOf(facts.map(([, fact]) => fact));
    expect(cardOf(facts.map(([, fact]) => fact).reverse())).toEqual(inOrder);
    // Whichever the order, the kept state itself is the same (replicas converge).
    const rest = facts.slice(6).map(([, fact]) => fact);
    for (const order of orders(facts.slice(0, 6).map(([, fact]) => fact))) {
      expect(cardOf([...order, ...rest])).toEqual(inOrder);
    }
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 2_000; round += 1) {
      const shuffled = facts.map(([, fact]) => fact).sort(() => random() - 0.5);
      expect(cardOf(shuffled)).toEqual(inOrder);
    }
    expect(shown(inOrder)).toEqual(expected);
  });

  test("delivered twice: the same card (merging is idempotent)", () => {
    const once = cardOf(facts.map(([, fact]) => fact));
    const twice = cardOf([...facts, ...facts].map(([, fact]) => fact));
    expect(twice).toEqual(once);
    for (const [, fact] of facts) expect(mergeCard(once, fact)).toEqual(once);
  });
});

describe("mergeCard: each field", () => {
  const opened = pullRequest({ updatedAt: at(1) });

  const cases: [name: string, facts: CardFact[], expected: Partial<ReturnType<typeof shown>>][] = [
    [
      "a check found by its commit alone starts no card: it does not say what the pull request is",
      [checkAlone(check("lint", "failed", at(3)))],
      {},
    ],
    [
      "a check listing the pull request, before the pull request's own news: kept until it comes",
      [check("lint", "failed", at(3)), opened],
      { checks: ["lint: failed"], title: "Update the README with new information." },
    ],
    [
      "an older label change delivered late does not take the labels back",
      [
        opened,
        pullRequest({ updatedAt: at(5), labels: ["bug", "docs"] }),
        pullRequest({ updatedAt: at(3), labels: [] }),
      ],
      { labels: ["bug", "docs"] },
    ],
    [
      "an approval, then a change request: changes requested",
      [
        opened,
        review("octocat", "approved", at(3), 1),
        review("octocat", "changes_requested", at(4), 2),
      ],
      { reviewers: ["octocat: changes_requested"] },
    ],
    [
      "the same two delivered the other way round: still changes requested",
      [
        opened,
        review("octocat", "changes_requested", at(4), 2),
        review("octocat", "approved", at(3), 1),
      ],
      { reviewers: ["octocat: changes_requested"] },
    ],
    [
      "a comment after an approval does not undo it (as on GitHub)",
      [opened, review("octocat", "approved", at(3), 1), review("octocat", "commented", at(4), 2)],
      { reviewers: ["octocat: approved"] },
    ],
    [
      "only comments: commented",
      [opened, review("octocat", "commented", at(4), 2)],
      { reviewers: ["octocat: commented"] },
    ],
    [
      "a dismissed approval, delivered before the approval: dismissed",
      [opened, review("octocat", "dismissed", at(3), 1), review("octocat", "approved", at(3), 1)],
      { reviewers: ["octocat: dismissed"] },
    ],
    [
      "a dismissed approval, then a comment: commented",
      [
        opened,
        review("octocat", "approved", at(3), 1),
        review("octocat", "dismissed", at(3), 1),
        review("octocat", "commented", at(5), 2),
      ],
      { reviewers: ["octocat: commented"] },
    ],
    [
      "a new approval after a dismissal: approved",
      [opened, review("octocat", "dismissed", at(3), 1), review("octocat", "approved", at(6), 3)],
      { reviewers: ["octocat: approved"] },
    ],
    [
      "asked again after approving: pending",
      [
        opened,
        review("octocat", "approved", at(3), 1),
        pullRequest({ updatedAt: at(4), requested: ["octocat"] }),
      ],
      { reviewers: ["octocat: pending"] },
    ],
    [
      "approving after being asked (the request delivered last): approved",
      [
        opened,
        review("octocat", "approved", at(5), 1),
        pullRequest({ updatedAt: at(4), requested: ["octocat"] }),
      ],
      { reviewers: ["octocat: approved"] },
    ],
    [
      "the author's own review (a reply in a review thread) is no verdict",
      [opened, review("Codertocat", "commented", at(3), 1)],
      { reviewers: [] },
    ],
    [
      "a check's rerun that started later wins over the earlier run's result",
      [
        opened,
        check("test", "running", at(8), { id: 2 }),
        check("test", "failed", at(6), { id: 1 }),
      ],
      { checks: ["test: running"] },
    ],
    [
      "a run's start and end in the same second: finished",
      [
        opened,
        check("test", "passed", at(6), { id: 1 }),
        check("test", "running", at(6), { id: 1 }),
      ],
      { checks: ["test: passed"] },
    ],
  ];

  test.each(cases)("%s", (_name, facts, expected) => {
    const card = shown(cardOf(facts));
    if (Object.keys(expected ?? {}).length === 0) expect(card).toBeUndefined();
    else expect(card).toMatchObject(expected!);
  });
});

describe("mergeCard: a new head commit resets the checks summary", () => {
  const opened = pullRequest({ updatedAt: at(1) });
  const pushed = pullRequest({ updatedAt: at(10), headSha: NEXT_HEAD });

  test("after a push, the old head's checks are no longer shown", () => {
    const card = cardOf([
      opened,
      check("lint", "failed", at(5)),
      check("test", "passed", at(5)),
      pushed,
    ]);
    expect(shown(card)?.head).toBe(NEXT_HEAD);
    expect(headChecks(card!)).toEqual([]);
  });

  test("the new head's checks show, even those delivered before the push", () => {
    const early = check("lint", "passed", at(11), { sha: NEXT_HEAD, id: 9 });
    for (const facts of orders([early, pushed, checkAlone(check("lint", "failed", at(5)))])) {
      expect(shown(cardOf([opened, ...facts]))?.checks).toEqual(["lint: passed"]);
    }
  });

  test("a late check of the old head changes nothing that is shown", () => {
    const card = cardOf([
      opened,
      pushed,
      checkAlone(check("lint", "failed", at(12), { sha: HEAD })),
    ]);
    expect(shown(card)?.checks).toEqual([]);
  });

  test(`only the head's and ${KEPT_COMMITS - 1} other commits' checks are kept`, () => {
    const shas = ["a1", "b2", "c3", "d4", "e5"].map((prefix) => prefix.repeat(20));
    const card = cardOf([
      opened,
      ...shas.map((sha, index) =>
        checkAlone(check("lint", "passed", at(2 + index), { sha, id: index + 1 })),
      ),
      check("lint", "passed", at(1), { id: 99 }),
    ])!;
    expect(Object.keys(card.checks ?? {}).sort()).toEqual([HEAD, shas[3]!, shas[4]!].sort());
  });

  test("an app's suite stands for its runs until one of them is known", () => {
    const suite: CheckResult = {
      sha: HEAD,
      key: "suite:7",
      name: "ci",
      outcome: "passed",
      url: "https://github.com/Codertocat/Hello-World/commit/x/checks",
      at: at(6),
      id: 7,
    };
    const run = check("lint", "failed", at(5));
    const alone = cardOf([opened, { check: suite }])!;
    expect(shown(alone)?.checks).toEqual(["ci: passed"]);
    const withRun = mergeCard(alone, { check: { ...run.check!, suiteId: 7 } })!;
    expect(shown(withRun)?.checks).toEqual(["lint: failed"]);
  });
});

describe("mergeCard: what a comment's payload knows", () => {
  test("a newer state without branches, head or reviewers keeps the older one's", () => {
    const opened = pullRequest({ updatedAt: at(1), requested: ["octocat"] });
    const fromComment: PullRequestUpdate = {
      ...opened.update!,
      pullRequest: {
        ...opened.update!.pullRequest,
        state: "closed",
        base: undefined,
        head: "",
        headSha: undefined,
        requestedReviewers: undefined,
        requestedTeams: undefined,
      },
      updatedAt: at(5),
    };
    delete fromComment.pullRequest.headSha;
    delete fromComment.pullRequest.requestedReviewers;
    delete fromComment.pullRequest.requestedTeams;
    for (const facts of orders([opened, { update: fromComment }])) {
      expect(cardOf(facts)?.pullRequest).toMatchObject({
        state: "closed",
        base: "master",
        head: "changes",
        headSha: HEAD,
        requestedReviewers: ["octocat"],
      });
    }
  });
});

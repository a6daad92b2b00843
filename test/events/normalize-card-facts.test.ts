/**
 * The events that feed a pull request's card, from the recorded payloads: what each says of the
 * pull request, a reviewer's verdict, or a check of a commit.
 */
import { describe, expect, test } from "@jest/globals";
import {
  normalizeCheckRun,
  normalizeCheckSuite,
  normalizeStatus,
} from "../../src/events/normalize-checks.js";
import { normalizePullRequestUpdate, normalizeReviewVerdict } from "../../src/events/normalize.js";
import { loadFixture } from "../fixtures/index.js";

const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

describe("the pull request, as a pull_request payload shows it", () => {
  test("labels, requested reviewers and teams, and the head commit", () => {
    const payload = loadFixture("pull_request.review_requested");
    payload.pull_request.requested_teams = [
      {
        name: "Justice League",
        id: 1,
        node_id: "MDQ6VGVhbTE=",
        slug: "justice-league",
        description: null,
        privacy: "closed",
        permission: "pull",
        parent: null,
        html_url: "https://github.com/orgs/Codertocat/teams/justice-league",
        members_url: "",
        repositories_url: "",
        url: "",
      },
    ];
    const update = normalizePullRequestUpdate(payload);
    expect(update).toMatchObject({
      updatedAt: "2019-05-15T15:20:33Z",
      pullRequest: {
        number: 2,
        state: "open",
        labels: ["bug"],
        requestedReviewers: ["octocat"],
        requestedTeams: ["justice-league"],
        headSha: HEAD,
        head: "changes",
        base: "master",
      },
    });
  });

  test("synchronize names the new head commit; closed unmerged is closed", () => {
    const pushed = loadFixture("pull_request.synchronize");
    pushed.pull_request.head.sha = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
    expect(normalizePullRequestUpdate(pushed).pullRequest.headSha).toBe(
      "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
    );
    expect(normalizePullRequestUpdate(loadFixture("pull_request.closed")).pullRequest.state).toBe(
      "closed",
    );
  });
});

describe("a reviewer's verdict", () => {
  test("a submitted review, even an empty comment, is a verdict with the pull request's state", () => {
    const fact = normalizeReviewVerdict(loadFixture("pull_request_review.submitted"));
    expect(fact.verdict).toEqual({
      reviewer: "Codertocat",
      reviewId: 237895671,
      verdict: "commented",
      at: "2019-05-15T15:20:38Z",
    });
    expect(fact.update?.pullRequest).toMatchObject({ number: 2, headSha: HEAD });
  });

  test("approved and changes requested, in GitHub's spelling", () => {
    for (const [state, verdict] of [
      ["approved", "approved"],
      ["changes_requested", "changes_requested"],
      ["APPROVED", "approved"],
    ] as const) {
      const payload = loadFixture("pull_request_review.submitted");
      payload.review.state = state as "approved";
      expect(normalizeReviewVerdict(payload).verdict?.verdict).toBe(verdict);
    }
  });

  test("a dismissal keeps its review's time and id", () => {
    const fact = normalizeReviewVerdict(loadFixture("pull_request_review.dismissed"));
    expect(fact.verdict).toEqual({
      reviewer: "Codertocat",
      reviewId: 237895671,
      verdict: "dismissed",
      at: "2019-05-15T15:20:38Z",
    });
  });

  test("a review still pending (not submitted) is no verdict", () => {
    const payload = loadFixture("pull_request_review.submitted");
    payload.review.state = "pending" as "approved";
    const fact = normalizeReviewVerdict(payload);
    expect(fact.verdict).toBeUndefined();
    expect(fact.update).toBeDefined();
  });
});

describe("a check of a commit", () => {
  test("a failed check run, linked to its page, naming the pull request whose head it checks", () => {
    const news = normalizeCheckRun(loadFixture("check_run.completed"));
    expect(news).toEqual({
      repository: "Codertocat/Hello-World",
      result: {
        sha: HEAD,
        key: "run:29310/Octocoders-linter",
        name: "Octocoders-linter",
        outcome: "failed",
        url: "https://github.com/Codertocat/Hello-World/runs/128620228",
        at: "2019-05-15T15:21:12Z",
        id: 128620228,
        suiteId: 118578147,
      },
      pullRequests: [{ number: 2, update: expect.anything() }],
    });
    // What the payload says of the pull request: its branches and head, dated before anything.
    expect(news.pullRequests[0]?.update).toEqual({
      repository: {
        owner: "Codertocat",
        name: "Hello-World",
        fullName: "Codertocat/Hello-World",
        htmlUrl: "https://github.com/Codertocat/Hello-World",
        defaultBranch: "master",
      },
      pullRequest: {
        number: 2,
        title: "Pull request #2",
        htmlUrl: "https://github.com/Codertocat/Hello-World/pull/2",
        draft: false,
        labels: [],
        base: "master",
        author: "",
        state: "open",
        head: "changes",
        headSha: HEAD,
      },
      updatedAt: "1970-01-01T00:00:00.000Z",
    });
  });

  test("a created check run is running; each conclusion counts as GitHub shows it", () => {
    expect(normalizeCheckRun(loadFixture("check_run.created")).result.outcome).toBe("running");
    const cases = [
      ["success", "passed"],
      ["failure", "failed"],
      ["timed_out", "failed"],
      ["cancelled", "failed"],
      ["action_required", "failed"],
      ["startup_failure", "failed"],
      ["neutral", "skipped"],
      ["skipped", "skipped"],
      ["stale", "skipped"],
    ] as const;
    for (const [conclusion, outcome] of cases) {
      const payload = loadFixture("check_run.completed");
      payload.check_run.conclusion = conclusion;
      expect([conclusion, normalizeCheckRun(payload).result.outcome]).toEqual([
        conclusion,
        outcome,
      ]);
    }
  });

  test("a pull request listed with another head (an older commit's check) is not this check's", () => {
    const payload = loadFixture("check_run.completed");
    payload.check_run.pull_requests[0]!.head.sha = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
    expect(normalizeCheckRun(payload).pullRequests).toEqual([]);
  });

  test("a check suite stands for its app's runs", () => {
    expect(normalizeCheckSuite(loadFixture("check_suite.completed"))).toEqual({
      repository: "Codertocat/Hello-World",
      result: {
        sha: HEAD,
        key: "suite:118578147",
        name: "octocoders-linter",
        outcome: "passed",
        url: `https://github.com/Codertocat/Hello-World/commit/${HEAD}/checks`,
        at: "2019-05-15T15:21:14Z",
        id: 118578147,
      },
      pullRequests: [{ number: 2, update: expect.anything() }],
    });
  });

  test("a commit status names no pull request; without a target it links the commit", () => {
    const payload = loadFixture("status");
    expect(normalizeStatus(payload)).toEqual({
      repository: "Codertocat/Hello-World",
      result: {
        sha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        key: "status:default",
        name: "default",
        outcome: "passed",
        url: "https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        at: "2019-05-15T15:20:55+00:00",
        id: 6805126730,
      },
      pullRequests: [],
    });
    for (const [state, outcome] of [
      ["pending", "running"],
      ["failure", "failed"],
      ["error", "failed"],
    ] as const) {
      expect(normalizeStatus({ ...payload, state }).result.outcome).toBe(outcome);
    }
  });
});

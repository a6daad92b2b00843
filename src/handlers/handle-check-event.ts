import { threadKeyOf } from "../delivery/outgoing-post.js";
import {
  normalizeCheckRun,
  normalizeCheckSuite,
  normalizeStatus,
  type CheckEventName,
  type CheckNews,
} from "../events/normalize-checks.js";
import { decideCardPosts, type CardDeps } from "./decide-card-posts.js";
import type { Decision, GitHubEvent } from "./github-event.js";

export interface CheckEventDeps extends CardDeps {
  /** The pull requests (`owner/repo#N`) of a repository whose kept head commit is `sha`. */
  pullRequestsWithHead: (repository: string, sha: string) => Promise<string[]>;
}

function normalizeCheck(event: GitHubEvent<CheckEventName>): CheckNews {
  switch (event.name) {
    case "check_run.created":
    case "check_run.completed":
      return normalizeCheckRun(
        event.payload as GitHubEvent<"check_run.created" | "check_run.completed">["payload"],
      );
    case "check_suite.completed":
      return normalizeCheckSuite(event.payload as GitHubEvent<"check_suite.completed">["payload"]);
    case "status":
      return normalizeStatus(event.payload as GitHubEvent<"status">["payload"]);
  }
}

/**
 * `check_run` created or completed, `check_suite` completed, `status`: the check's result is
 * merged into the card of every pull request whose head is the checked commit (those the payload
 * names, and those whose kept head it is: a status names none), and their parent messages follow
 * where they have a thread. A check of a commit that is the head of no pull request the payload
 * names or threadline keeps changes nothing and posts nothing.
 */
export function createCheckEventHandler(deps: CheckEventDeps) {
  return async (event: GitHubEvent<CheckEventName>): Promise<Decision> => {
    const news = normalizeCheck(event);
    const { sha } = news.result;
    // Those the payload lists come with what it says of them (a check may arrive first).
    const listed = new Map(
      news.pullRequests.map(({ number, update }) => [threadKeyOf(news.repository, number), update]),
    );
    const candidates = [
      ...new Set([...listed.keys(), ...(await deps.pullRequestsWithHead(news.repository, sha))]),
    ];
    const kept: string[] = [];
    for (const threadKey of candidates) {
      const update = listed.get(threadKey);
      const fact = update ? { update, check: news.result } : { check: news.result };
      if (await deps.rememberPullRequest(threadKey, fact)) kept.push(threadKey);
    }
    if (kept.length === 0) {
      const skipped = "the checked commit is the head of no pull request threadline knows";
      event.log.debug({ repository: news.repository, sha }, skipped);
      return { skipped, explanation: { skipped } };
    }
    const [owner = "", repo = ""] = news.repository.split("/");
    return decideCardPosts(event, deps, kept, { owner, repo });
  };
}

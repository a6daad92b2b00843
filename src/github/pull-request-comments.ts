import type { ProbotOctokit } from "probot";

/** An installation's (or a person's) Octokit, as Probot makes it. */
type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepositoryRef {
  owner: string;
  repo: string;
}

/** The writes that answering from Slack makes on GitHub: a pull request's conversation comments. */
export interface PullRequestComments {
  /** Resolves to the new comment's id. */
  create(pullNumber: number, body: string): Promise<number>;
  update(commentId: number, body: string): Promise<void>;
  remove(commentId: number): Promise<void>;
  /**
   * The id of a comment on the pull request, made since `since` (ISO-8601), whose body holds
   * `marker`: a write whose answer a crash lost, found instead of being made twice.
   */
  findWithMarker(pullNumber: number, marker: string, since: string): Promise<number | undefined>;
}

/**
 * Conversation comments of pull requests in `repository` through `octokit`. On GitHub a pull
 * request's conversation comments are issue comments (the pull request is an issue too).
 */
export function pullRequestComments(
  octokit: Octokit,
  repository: RepositoryRef,
): PullRequestComments {
  return {
    async create(pullNumber, body) {
      const { data } = await octokit.rest.issues.createComment({
        ...repository,
        issue_number: pullNumber,
        body,
      });
      return data.id;
    },
    async update(commentId, body) {
      await octokit.rest.issues.updateComment({ ...repository, comment_id: commentId, body });
    },
    async remove(commentId) {
      await octokit.rest.issues.deleteComment({ ...repository, comment_id: commentId });
    },
    async findWithMarker(pullNumber, marker, since) {
      for await (const { data } of octokit.paginate.iterator(octokit.rest.issues.listComments, {
        ...repository,
        issue_number: pullNumber,
        since,
        per_page: 100,
      })) {
        const found = data.find((comment) => comment.body?.includes(marker));
        if (found) return found.id;
      }
      return undefined;
    },
  };
}

import type { ProbotOctokit } from "probot";

/** An installation's (or a person's) Octokit, as Probot makes it. */
type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepositoryRef {
  owner: string;
  repo: string;
}

/** A comment found on GitHub, and who wrote it. */
export interface FoundComment {
  id: number;
  /** The GitHub user id of its author when a person (not a bot, not the App) wrote it. */
  authorUserId: number | undefined;
}

/** The writes that answering from Slack makes on GitHub: a pull request's conversation comments. */
export interface PullRequestComments {
  /** Resolves to the new comment's id. */
  create(pullNumber: number, body: string): Promise<number>;
  update(commentId: number, body: string): Promise<void>;
  remove(commentId: number): Promise<void>;
  /**
   * A comment on the pull request, made since `since` (ISO-8601), whose body holds `marker`: a
   * write whose answer a crash lost, found instead of being made twice.
   */
  findWithMarker(
    pullNumber: number,
    marker: string,
    since: string,
  ): Promise<FoundComment | undefined>;
}

/**
 * Conversation comments of pull requests in `repository` through `octokit`: an installation's
 * (written as the App) or one made with a person's user access token (written as them). On
 * GitHub a pull request's conversation comments are issue comments (the pull request is an issue
 * too).
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
        if (found) {
          const person = found.user && found.user.type !== "Bot" ? found.user.id : undefined;
          return { id: found.id, authorUserId: person };
        }
      }
      return undefined;
    },
  };
}

import type { ConversationEvent } from "../../events/conversation-event.js";
import type { PreviewRequest } from "./parse-preview-arguments.js";

const SERVER_URL = "https://github.com";

/** A stable id, so the links in a preview are the same from one run to the next. */
const PREVIEW_ID = 1;

/**
 * The conversation event the App would render for this comment: a conversation comment, or a
 * comment on a line of the diff, on the pull request the request names, with GitHub's URLs.
 */
export function previewEvent(
  request: PreviewRequest,
  body: string,
  diffHunk: string | undefined,
  now: Date,
): ConversationEvent {
  const [owner = "", name = ""] = request.repository.split("/");
  const repositoryUrl = `${SERVER_URL}/${request.repository}`;
  const pullRequestUrl = `${repositoryUrl}/pull/${request.pullRequest}`;
  const time = now.toISOString();
  const { location } = request;
  return {
    kind: location ? "review_comment" : "comment",
    action: "created",
    id: PREVIEW_ID,
    repository: {
      owner,
      name,
      fullName: request.repository,
      htmlUrl: repositoryUrl,
      defaultBranch: "main",
    },
    pullRequest: {
      number: request.pullRequest,
      title: request.title ?? "Preview of a comment",
      htmlUrl: pullRequestUrl,
      draft: false,
      labels: [],
      base: "main",
      author: request.author,
      state: "open",
      head: "preview",
    },
    author: {
      login: request.author,
      avatarUrl: `${SERVER_URL}/${request.author}.png`,
      htmlUrl: `${SERVER_URL}/${request.author}`,
      isBot: false,
    },
    body,
    htmlUrl: location
      ? `${pullRequestUrl}#discussion_r${PREVIEW_ID}`
      : `${pullRequestUrl}#issuecomment-${PREVIEW_ID}`,
    createdAt: time,
    updatedAt: time,
    ...(location
      ? {
          location: {
            path: location.path,
            line: location.line,
            startLine: location.startLine,
            side: location.side,
            diffHunk: diffHunk ?? "",
            inReplyToId: null,
            reviewId: null,
          },
        }
      : {}),
  };
}

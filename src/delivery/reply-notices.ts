import type { RefusedBecause } from "./decide-reply-write.js";
import { SLACK_ONLY_PREFIX } from "../render/render-parent.js";

/**
 * What a person whose reply stays in Slack is told (only they see it), and what to do about it.
 * Plain text: these go to `chat.postEphemeral` as they are.
 */
export function refusalNotice(
  because: RefusedBecause,
  place: { repository: string; pullRequestUrl: string; slackUser: string },
): string {
  const where = `${place.repository} on GitHub`;
  switch (because) {
    case "unmapped":
      return (
        `Your reply stays in Slack: threadline writes replies to ${where} only for people mapped ` +
        `in its .github/threadline.yml (\`mentions:\`). Ask a maintainer to add ` +
        `\`<your GitHub login>: ${place.slackUser}\` there, or comment on GitHub: ${place.pullRequestUrl} ` +
        `(Start a reply with \`${SLACK_ONLY_PREFIX}\` to keep it among the team.)`
      );
    case "outsider":
      return (
        `Your reply stays in Slack: only members of this channel's own workspace can write to ` +
        `${where} through threadline. Comment on GitHub instead: ${place.pullRequestUrl}`
      );
  }
}

/** What the author of a reply that GitHub refused is told: GitHub's reason turned into the fix. */
export function failureNotice(tell: string, pullRequestUrl: string): string {
  return `${tell} Comment on GitHub instead: ${pullRequestUrl}`;
}

/**
 * What a linked person is told when GitHub no longer takes their token (revoked, expired, or it
 * could not be read): the reply went out anyway, written by the App with their name.
 */
export function linkStoppedNotice(githubLogin: string): string {
  return (
    `Your GitHub link to @${githubLogin} stopped working (GitHub no longer takes its token: it was revoked, or it expired), ` +
    "so threadline wrote your reply on GitHub itself, with your name. Run `/threadline link` to post as yourself again."
  );
}

/** Told once to a mapped person whose replies go out with the App's name while they could link. */
export function linkHintNotice(): string {
  return (
    "threadline wrote your reply on GitHub with your name on it. To have your replies appear as " +
    "written by you, with your own GitHub account, run `/threadline link` once. (You see this once.)"
  );
}

/**
 * Told once per repository to a linked person whose reply the App wrote because the repository's
 * `mentions:` does not map them to the account they linked.
 */
export function linkNotMappedNotice(
  linkedLogin: string,
  mappedLogin: string | undefined,
  repository: string,
): string {
  const why =
    mappedLogin === undefined
      ? `${repository}'s .github/threadline.yml does not map you in \`mentions:\``
      : `${repository}'s .github/threadline.yml maps you to @${mappedLogin} in \`mentions:\``;
  return (
    `threadline wrote your reply on GitHub with your name, not as @${linkedLogin}: ${why}, and ` +
    "threadline posts as a linked person only where the repository's config says that account is theirs. " +
    "Ask a maintainer to fix the mapping, or `/threadline link` the mapped account."
  );
}

/**
 * Told once per repository to a linked person whose own GitHub account may not comment there:
 * the App wrote the reply with their name, as it does for people who have not linked.
 */
export function linkNoAccessNotice(linkedLogin: string, repository: string): string {
  return (
    `GitHub does not let @${linkedLogin} comment in ${repository}, so threadline wrote your reply there itself, with your name. ` +
    "(You see this once for this repository.)"
  );
}

/**
 * What a person is told when the App may not edit or delete a comment that their own GitHub
 * account wrote (their link is gone meanwhile).
 */
export function personCommentNotice(action: "update" | "delete", pullRequestUrl: string): string {
  return (
    `That comment was written on GitHub with your own account, which is no longer linked, and threadline may not ${action === "update" ? "edit" : "delete"} it. ` +
    `${action === "update" ? "Edit" : "Delete"} it on GitHub (${pullRequestUrl}), or run \`/threadline link\` and try again.`
  );
}

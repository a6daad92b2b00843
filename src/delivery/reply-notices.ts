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

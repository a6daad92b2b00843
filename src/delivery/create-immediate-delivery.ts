import type { SlackPoster } from "../slack/create-slack-client.js";
import { describeSlackError } from "../slack/describe-slack-error.js";
import type { DeliverPosts } from "./outgoing-post.js";

/**
 * Posts each message to Slack right away, one channel's failure not stopping the others. A failed
 * post is logged with the channel and what to do about it, and not retried.
 */
export function createImmediateDelivery(slack: SlackPoster): DeliverPosts {
  return async (posts, log) => {
    await Promise.all(
      posts.map(async (post) => {
        try {
          const posted = await slack.postMessage(post.channel, post.message);
          log.info(
            { channel: post.channel, ts: posted.ts, pullRequest: post.pullRequest },
            "posted to Slack",
          );
        } catch (error) {
          const failure = describeSlackError(error, post.channel);
          log.error(
            { channel: post.channel, slackError: failure.code, pullRequest: post.pullRequest },
            `Slack post failed: ${failure.hint}`,
          );
        }
      }),
    );
  };
}

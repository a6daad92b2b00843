import type { Logger } from "pino";
import type { ThreadlineConfig } from "../config/schema.js";
import type { SlackThreadMessage } from "../events/slack-thread-message.js";
import { describeGitHubWriteError } from "../github/describe-github-write-error.js";
import type { PullRequestComments, RepositoryRef } from "../github/pull-request-comments.js";
import type { Metrics } from "../metrics/create-metrics.js";
import { composeReplyComment, replyMarker } from "../render/compose-reply-comment.js";
import { mentionedSlackUsers, slackTextToMarkdown } from "../render/slack-text-to-markdown.js";
import type { SlackReplyApi } from "../slack/create-slack-client.js";
import type { ClaimedReply, ReplyQueue } from "../store/reply-queue.js";
import { decideReplyWrite, loginOf, type ReplyWrite } from "./decide-reply-write.js";
import { failureNotice, refusalNotice } from "./reply-notices.js";

/** A repository's config as answering from Slack reads it; undefined without a config file. */
export type ReplyConfigSource = (
  repository: RepositoryRef,
) => Promise<Pick<ThreadlineConfig, "replies" | "mentions"> | undefined>;

export interface ReplyRetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** A reply still failing after this long is given up, and its author told. */
  giveUpAfterMs: number;
}

/** A reply is a conversation: an hour late, it had better be written on GitHub by hand. */
export const DEFAULT_REPLY_RETRY_POLICY: ReplyRetryPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  giveUpAfterMs: 60 * 60_000,
};

export interface ReplyWorkerOptions {
  replies: ReplyQueue;
  /** The pull-request comments of a repository, written as the App's installation there. */
  comments: (repository: RepositoryRef) => Promise<PullRequestComments>;
  configs: ReplyConfigSource;
  slack: SlackReplyApi;
  holder: string;
  log: Logger;
  metrics: Metrics;
  policy?: ReplyRetryPolicy;
  leaseMs?: number;
  pollIntervalMs?: number;
  now?: () => number;
  random?: () => number;
}

export interface ReplyWorker {
  start(): void;
  /** A message was recorded: look now rather than at the next poll. */
  wake(): void;
  /** Stops claiming and waits up to `graceMs` for the write in flight. */
  stop(graceMs: number): Promise<void>;
}

/** `owner/repo#N` -> where the pull request is. */
function pullRequestOf(threadKey: string): RepositoryRef & { number: number; fullName: string } {
  const match = /^([^/]+)\/([^#]+)#(\d+)$/.exec(threadKey);
  if (!match) throw new Error(`not a pull request key: ${threadKey}`);
  return {
    owner: match[1]!,
    repo: match[2]!,
    number: Number(match[3]),
    fullName: `${match[1]}/${match[2]}`,
  };
}

/**
 * Writes what people say in pull requests' Slack threads to GitHub, from the store: one message
 * at a time, each message's changes in order, retrying what GitHub may take later, and telling
 * the author (only them) when their reply stays in Slack and why.
 */
export function createReplyWorker(options: ReplyWorkerOptions): ReplyWorker {
  const {
    replies,
    slack,
    holder,
    log,
    metrics,
    policy = DEFAULT_REPLY_RETRY_POLICY,
    leaseMs = 60_000,
    pollIntervalMs = 1_000,
    now = Date.now,
    random = Math.random,
  } = options;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let loop: Promise<void> | undefined;
  let again = false;

  const schedule = (delayMs: number) => {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(run, delayMs);
    timer.unref();
  };

  function run(): void {
    if (!running) return;
    if (loop) {
      again = true;
      return;
    }
    loop = drain()
      .catch((error: unknown) => {
        // The store failed: look again later, as the Slack worker does.
        log.warn({ error: String(error) }, "could not read the reply queue; trying again");
      })
      .finally(() => {
        loop = undefined;
        if (again) {
          again = false;
          schedule(0);
        } else schedule(pollIntervalMs);
      });
  }

  async function drain(): Promise<void> {
    while (running) {
      const claimed = await replies.claimNext(now(), holder, leaseMs);
      if (!claimed) return;
      await handle(claimed);
    }
  }

  async function handle(claimed: ClaimedReply): Promise<void> {
    const { message } = claimed;
    const pullRequest = pullRequestOf(claimed.threadKey);
    const pullRequestUrl = `https://github.com/${pullRequest.fullName}/pull/${pullRequest.number}`;
    const childLog = log.child({ pullRequest: claimed.threadKey, slackTs: message.ts });
    let decision: ReplyWrite | undefined;
    try {
      const config = await options.configs(pullRequest);
      const authorTeamId =
        message.userTeamId ??
        (message.user ? (await slack.member(message.user))?.teamId : undefined);
      decision = decideReplyWrite({
        message,
        config,
        authorTeamId,
        written: await replies.getComment(message.channel, message.ts),
      });
      switch (decision.write) {
        case "none":
          childLog.debug({ reason: decision.reason }, "nothing to write on GitHub");
          metrics.repliesHandled.inc({ outcome: "skipped" });
          break;
        case "refuse": {
          childLog.info({ reason: decision.reason }, "reply kept in Slack");
          metrics.repliesHandled.inc({ outcome: "refused" });
          const user = message.user!;
          const first = await replies.tellOnce(
            message.channel,
            message.threadTs,
            user,
            decision.because,
            now(),
          );
          if (first) {
            await tell(
              message,
              refusalNotice(decision.because, {
                repository: pullRequest.fullName,
                pullRequestUrl,
                slackUser: user,
              }),
            );
          }
          break;
        }
        case "create":
        case "update": {
          const comments = await options.comments(pullRequest);
          const body = await bodyOf(message, decision.login, config?.mentions ?? {});
          if (decision.write === "update") {
            await comments.update(decision.commentId, body);
            metrics.repliesHandled.inc({ outcome: "updated" });
            childLog.info({ commentId: decision.commentId }, "comment edited from Slack");
            break;
          }
          // A creation tried before may have reached GitHub with its answer lost: find it first.
          const since = new Date(message.eventTime * 1000 - 60_000).toISOString();
          const earlier =
            claimed.attempts > 0
              ? await comments.findWithMarker(
                  pullRequest.number,
                  replyMarker(message.channel, message.ts),
                  since,
                )
              : undefined;
          const commentId = earlier ?? (await comments.create(pullRequest.number, body));
          await replies.saveComment(
            message.channel,
            message.ts,
            { commentId, threadKey: claimed.threadKey, deleted: false },
            now(),
          );
          metrics.repliesHandled.inc({ outcome: "created" });
          childLog.info(
            { commentId, ...(earlier ? { foundAfterRestart: true } : {}) },
            "reply written on GitHub",
          );
          break;
        }
        case "delete": {
          const comments = await options.comments(pullRequest);
          await comments.remove(decision.commentId);
          await forget(claimed, decision.commentId);
          metrics.repliesHandled.inc({ outcome: "deleted" });
          childLog.info({ commentId: decision.commentId }, "comment deleted from Slack");
          break;
        }
      }
      await replies.complete(claimed.id, now());
    } catch (error) {
      await fail(claimed, decision, error, pullRequest.fullName, pullRequestUrl, childLog);
    }
  }

  async function forget(claimed: ClaimedReply, commentId: number): Promise<void> {
    const { channel, ts } = claimed.message;
    await replies.saveComment(
      channel,
      ts,
      { commentId, threadKey: claimed.threadKey, deleted: true },
      now(),
    );
  }

  async function fail(
    claimed: ClaimedReply,
    decision: ReplyWrite | undefined,
    error: unknown,
    repository: string,
    pullRequestUrl: string,
    childLog: Logger,
  ): Promise<void> {
    const action =
      decision?.write === "update" ? "update" : decision?.write === "delete" ? "delete" : "create";
    const failure = describeGitHubWriteError(error, { repository, action, asPerson: false }, now());
    const { message } = claimed;
    switch (failure.kind) {
      case "gone":
        // Deleted on GitHub meanwhile: nothing left to edit or delete.
        if (decision?.write === "update" || decision?.write === "delete") {
          await forget(claimed, decision.commentId);
        }
        childLog.info({ reason: failure.reason }, "the comment is gone on GitHub");
        metrics.repliesHandled.inc({ outcome: "skipped" });
        await replies.complete(claimed.id, now());
        return;
      case "refused":
      case "token_revoked": {
        const reason = failure.reason;
        childLog.warn({ reason }, "GitHub refused a reply from Slack; its author is told");
        metrics.repliesHandled.inc({ outcome: "failed" });
        await replies.fail(claimed.id, reason, now());
        if (failure.kind === "refused")
          await tell(message, failureNotice(failure.tell, pullRequestUrl));
        return;
      }
      case "transient": {
        const waited = now() - message.eventTime * 1000;
        if (waited >= policy.giveUpAfterMs) {
          childLog.warn({ reason: failure.reason }, "gave up writing a reply; its author is told");
          metrics.repliesHandled.inc({ outcome: "failed" });
          await replies.fail(claimed.id, `gave up: ${failure.reason}`, now());
          await tell(
            message,
            failureNotice(
              `GitHub kept failing for ${Math.round(waited / 60_000)} minutes, so your reply was not written there (${failure.reason}).`,
              pullRequestUrl,
            ),
          );
          return;
        }
        const ceiling = Math.min(
          policy.maxDelayMs,
          policy.baseDelayMs * 2 ** Math.min(claimed.attempts, 30),
        );
        const delay = failure.retryAfterMs ?? ceiling / 2 + random() * (ceiling / 2);
        childLog.info(
          { reason: failure.reason, retryInMs: Math.round(delay) },
          "GitHub did not take the reply yet; trying again",
        );
        metrics.repliesHandled.inc({ outcome: "retried" });
        await replies.retryLater(claimed.id, failure.reason, now() + Math.round(delay), now());
        return;
      }
    }
  }

  /** The comment's body: the reply in GitHub's markdown, who wrote it, a link back. */
  async function bodyOf(
    message: SlackThreadMessage,
    login: string | undefined,
    mentions: Record<string, string>,
  ): Promise<string> {
    const mentioned = mentionedSlackUsers(message.text);
    const names = new Map<string, string>();
    await Promise.all(
      [...new Set([...mentioned, ...(login ? [] : [message.user!])])].map(async (user) => {
        const member = await slack.member(user);
        if (member) names.set(user, member.name);
      }),
    );
    const markdown = slackTextToMarkdown(message.text, {
      loginOf: (user) => loginOf(mentions, user),
      nameOf: (user) => names.get(user),
    });
    return composeReplyComment({
      markdown,
      files: message.files,
      channel: message.channel,
      ts: message.ts,
      attribution: {
        ...(login ? { login } : {}),
        name: names.get(message.user!) ?? message.user!,
        ...(await permalinkOf(message)),
      },
    });
  }

  async function permalinkOf(message: SlackThreadMessage): Promise<{ permalink?: string }> {
    const permalink = await slack.permalink(message.channel, message.ts);
    return permalink ? { permalink } : {};
  }

  /** Tells the author, in the thread, only them; a failure to tell is logged, not retried. */
  async function tell(message: SlackThreadMessage, text: string): Promise<void> {
    if (!message.user) return;
    try {
      await slack.postEphemeral(message.channel, message.user, text, message.threadTs);
    } catch (error) {
      log.warn(
        { error: error instanceof Error ? error.message : String(error) },
        "could not tell the author of a reply why it stays in Slack",
      );
    }
  }

  return {
    start() {
      running = true;
      schedule(0);
    },
    wake() {
      run();
    },
    async stop(graceMs) {
      running = false;
      clearTimeout(timer);
      if (loop) {
        await Promise.race([loop, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      }
    },
  };
}

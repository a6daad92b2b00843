import type { Logger } from "pino";
import type { ThreadlineConfig } from "../config/schema.js";
import type { SlackThreadMessage } from "../events/slack-thread-message.js";
import { describeGitHubWriteError } from "../github/describe-github-write-error.js";
import { isPermissionDenied, messageOf, statusOf } from "../github/github-error.js";
import type { PullRequestComments, RepositoryRef } from "../github/pull-request-comments.js";
import type { Metrics } from "../metrics/create-metrics.js";
import { composeReplyComment, replyMarker } from "../render/compose-reply-comment.js";
import { mentionedSlackUsers, slackTextToMarkdown } from "../render/slack-text-to-markdown.js";
import type { SlackReplyApi } from "../slack/create-slack-client.js";
import type { LinkedAccounts, SlackPerson } from "../store/linked-accounts.js";
import type { ClaimedReply, ReplyQueue, WrittenComment } from "../store/reply-queue.js";
import {
  decideReplyIdentity,
  type LinkedIdentity,
  type ReplyIdentity,
} from "./decide-reply-identity.js";
import { decideReplyWrite, loginOf, type ReplyWrite } from "./decide-reply-write.js";
import type { PersonTokens } from "./person-tokens.js";
import {
  failureNotice,
  linkHintNotice,
  linkNoAccessNotice,
  linkNotMappedNotice,
  linkStoppedNotice,
  personCommentNotice,
  refusalNotice,
} from "./reply-notices.js";

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

/** Posting as themselves: what the worker needs to write with a person's own token. */
export interface ReplyLinking {
  tokens: PersonTokens;
  /** A repository's pull-request comments, written with a person's user access token. */
  comments: (repository: RepositoryRef, token: string) => PullRequestComments;
  /** Who was told once how to post as themselves. */
  notices: Pick<LinkedAccounts, "tellOnce">;
}

export interface ReplyWorkerOptions {
  replies: ReplyQueue;
  /** The pull-request comments of a repository, written as the App's installation there. */
  comments: (repository: RepositoryRef) => Promise<PullRequestComments>;
  /** Posting as themselves; absent when linking is off. */
  linking?: ReplyLinking;
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

/** Whose identity the write under way uses, and whose comment it changes. */
interface WriteWay {
  /** Made with the author's own token. */
  asPerson: boolean;
  /** The comment being edited or deleted was written with the author's own token. */
  personComment: boolean;
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
    // How the write under way is made, for `fail`, which reads GitHub's refusal accordingly.
    const how: WriteWay = { asPerson: false, personComment: false };
    try {
      const config = await options.configs(pullRequest);
      const authorTeamId =
        message.userTeamId ??
        (message.user ? (await slack.member(message.user))?.teamId : undefined);
      const written = await replies.getComment(message.channel, message.ts);
      decision = decideReplyWrite({ message, config, authorTeamId, written });
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
        case "update":
        case "delete": {
          const done = await write(
            claimed,
            decision,
            { config, written, pullRequest, how },
            childLog,
          );
          if (!done) return;
          break;
        }
      }
      await replies.complete(claimed.id, now());
    } catch (error) {
      await fail(claimed, decision, how, error, pullRequest.fullName, pullRequestUrl, childLog);
    }
  }

  /**
   * Creates, edits or deletes the comment, as the person (their own token) or as the App, as
   * {@link decideReplyIdentity} says. A person's token GitHub refuses (401) is dropped, they are
   * told, and the App writes instead; a new comment their own account may not make (404, 403) is
   * made by the App too, and they are told once per repository. False when the write must wait
   * (another replica is renewing the person's token): the reply was put back for a moment.
   */
  async function write(
    claimed: ClaimedReply,
    decision: Extract<ReplyWrite, { write: "create" | "update" | "delete" }>,
    context: {
      config: Pick<ThreadlineConfig, "replies" | "mentions"> | undefined;
      /** The comment the message became, if it became one. */
      written: WrittenComment | undefined;
      pullRequest: RepositoryRef & { number: number; fullName: string };
      how: WriteWay;
    },
    childLog: Logger,
  ): Promise<boolean> {
    const { message } = claimed;
    const { config, written, pullRequest, how } = context;
    const linking = options.linking;
    const person: SlackPerson | undefined = message.user
      ? { slackTeam: message.teamId, slackUser: message.user }
      : undefined;
    const mentions = config?.mentions ?? {};

    let linked: { token: string; identity: LinkedIdentity } | undefined;
    /** Told in this attempt that their link stopped working: no other notice on top. */
    let toldStopped = false;
    if (linking && person) {
      const found = await linking.tokens.tokenFor(person);
      switch (found.kind) {
        case "token":
          linked = { token: found.token, identity: found.identity };
          break;
        case "busy":
          childLog.debug("another replica is renewing the author's GitHub token; shortly again");
          metrics.repliesHandled.inc({ outcome: "retried" });
          await replies.retryLater(
            claimed.id,
            "waiting for the author's GitHub token to be renewed",
            now() + 1_000,
            now(),
          );
          return false;
        case "dropped":
          await tell(message, linkStoppedNotice(found.identity.githubLogin));
          toldStopped = true;
          break;
        case "unavailable":
        case "none":
          break;
      }
    }

    const facts = {
      write: decision.write,
      authorUserId: written?.authorUserId,
      mappedLogin: message.user ? loginOf(mentions, message.user) : undefined,
      linkingOn: linking !== undefined,
    };
    let identity = decideReplyIdentity({ ...facts, linked: linked?.identity });
    try {
      await writeAs(identity, linked);
    } catch (error) {
      if (identity.as !== "person" || !linked || !person) throw error;
      if (statusOf(error) === 401) {
        // GitHub no longer takes the person's token (revoked, or it expired early): forget it,
        // say so, and write as the App.
        await linking!.tokens.drop(person, linked.identity, "GitHub answered 401 to its token");
        await tell(message, linkStoppedNotice(linked.identity.githubLogin));
        toldStopped = true;
        childLog.info("the author's GitHub token was refused; writing as the App instead");
        linked = undefined;
        identity = decideReplyIdentity({ ...facts, linked: undefined });
        await writeAs(identity, undefined);
      } else if (
        decision.write === "create" &&
        (statusOf(error) === 404 ||
          (isPermissionDenied(error) && !/locked|archived/i.test(messageOf(error))))
      ) {
        // Their own account may not comment here (GitHub hides a private repository from someone
        // without access: 404), but the repository's config lets them write through the App: as
        // before they linked. Should the App not reach it either, its own refusal is told.
        childLog.info(
          { reason: messageOf(error) },
          "the author's own GitHub account may not comment here; writing as the App instead",
        );
        identity = { as: "app", asThemselves: false };
        await writeAs(identity, undefined);
        await noticeOnce(person, message, `link_no_access:${pullRequest.fullName}`, () =>
          linkNoAccessNotice(linked!.identity.githubLogin, pullRequest.fullName),
        );
      } else {
        throw error;
      }
    }
    if (identity.as === "app" && identity.notice && person && linking) {
      const notice = identity.notice;
      const linkedLogin = linked?.identity.githubLogin;
      // Just told how to link again: the hint is recorded as told, not said twice.
      if (notice === "link_hint" || toldStopped) {
        await noticeOnce(person, message, "link_hint", toldStopped ? undefined : linkHintNotice);
      } else if (linkedLogin !== undefined) {
        await noticeOnce(person, message, `link_not_mapped:${pullRequest.fullName}`, () =>
          linkNotMappedNotice(linkedLogin, facts.mappedLogin, pullRequest.fullName),
        );
      }
    }
    return true;

    async function writeAs(
      chosen: ReplyIdentity,
      token: { token: string; identity: LinkedIdentity } | undefined,
    ): Promise<void> {
      const asPerson = chosen.as === "person" && token !== undefined;
      how.asPerson = asPerson;
      how.personComment = written?.authorUserId !== undefined;
      const comments = asPerson
        ? linking!.comments(pullRequest, token.token)
        : await options.comments(pullRequest);
      const asThemselves = chosen.as === "person" || chosen.asThemselves;
      const by = asPerson ? { as: "person" } : { as: "app" };
      if (decision.write === "delete") {
        await comments.remove(decision.commentId);
        await forget(claimed, decision.commentId, written);
        metrics.repliesHandled.inc({ outcome: "deleted" });
        childLog.info({ commentId: decision.commentId, ...by }, "comment deleted from Slack");
        return;
      }
      const body = await bodyOf(message, decision.login, mentions, asThemselves);
      if (decision.write === "update") {
        await comments.update(decision.commentId, body);
        metrics.repliesHandled.inc({ outcome: "updated" });
        childLog.info({ commentId: decision.commentId, ...by }, "comment edited from Slack");
        return;
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
      const commentId = earlier?.id ?? (await comments.create(pullRequest.number, body));
      const authorUserId = earlier
        ? earlier.authorUserId
        : asPerson
          ? token.identity.githubUserId
          : undefined;
      await replies.saveComment(
        message.channel,
        message.ts,
        {
          commentId,
          threadKey: claimed.threadKey,
          deleted: false,
          ...(authorUserId === undefined ? {} : { authorUserId }),
        },
        now(),
      );
      metrics.repliesHandled.inc({ outcome: "created" });
      childLog.info(
        { commentId, ...by, ...(earlier ? { foundAfterRestart: true } : {}) },
        "reply written on GitHub",
      );
    }
  }

  /**
   * Tells the person `text()` once for `reason` (per person, whatever the thread), about posting as
   * themselves; without `text`, only records it as told (they were just told another way).
   */
  async function noticeOnce(
    person: SlackPerson,
    message: SlackThreadMessage,
    reason: string,
    text: (() => string) | undefined,
  ): Promise<void> {
    try {
      if ((await options.linking!.notices.tellOnce(person, reason, now())) && text) {
        await tell(message, text());
      }
    } catch (error) {
      // The reply is written; a notice not given now is given next time.
      log.warn(
        { error: error instanceof Error ? error.message : String(error) },
        "could not tell a person how to post as themselves",
      );
    }
  }

  async function forget(
    claimed: ClaimedReply,
    commentId: number,
    written: WrittenComment | undefined,
  ): Promise<void> {
    const { channel, ts } = claimed.message;
    const authorUserId = written?.authorUserId;
    await replies.saveComment(
      channel,
      ts,
      {
        commentId,
        threadKey: claimed.threadKey,
        deleted: true,
        ...(authorUserId === undefined ? {} : { authorUserId }),
      },
      now(),
    );
  }

  async function fail(
    claimed: ClaimedReply,
    decision: ReplyWrite | undefined,
    how: WriteWay,
    error: unknown,
    repository: string,
    pullRequestUrl: string,
    childLog: Logger,
  ): Promise<void> {
    const action =
      decision?.write === "update" ? "update" : decision?.write === "delete" ? "delete" : "create";
    const { asPerson } = how;
    const failure = describeGitHubWriteError(error, { repository, action, asPerson }, now());
    const { message } = claimed;
    switch (failure.kind) {
      case "gone":
        // Deleted on GitHub meanwhile: nothing left to edit or delete.
        if (decision?.write === "update" || decision?.write === "delete") {
          await forget(
            claimed,
            decision.commentId,
            await replies.getComment(message.channel, message.ts),
          );
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
        if (failure.kind !== "refused") return;
        // A comment the person's own account wrote, which the App may not change.
        if (!asPerson && how.personComment && action !== "create" && statusOf(error) === 403) {
          await tell(message, personCommentNotice(action, pullRequestUrl));
          return;
        }
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

  /**
   * The comment's body: the reply in GitHub's markdown, who wrote it (unless the comment is the
   * person's own on GitHub: `asThemselves`), a link back.
   */
  async function bodyOf(
    message: SlackThreadMessage,
    login: string | undefined,
    mentions: Record<string, string>,
    asThemselves: boolean,
  ): Promise<string> {
    const mentioned = mentionedSlackUsers(message.text);
    const names = new Map<string, string>();
    const authorByName = !login && !asThemselves;
    await Promise.all(
      [...new Set([...mentioned, ...(authorByName ? [message.user!] : [])])].map(async (user) => {
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
        ...(asThemselves ? { asThemselves: true } : {}),
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

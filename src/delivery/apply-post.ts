import { createHash } from "node:crypto";
import type { PullRequestUpdate } from "../events/conversation-event.js";
import { renderMessage } from "../render/render-message.js";
import { renderParent } from "../render/render-parent.js";
import { renderReviewGroup } from "../render/render-review-group.js";
import { renderTombstone } from "../render/render-tombstone.js";
import type { PostedMessage, SlackPoster } from "../slack/create-slack-client.js";
import type { ConversationMap } from "../store/conversation-map.js";
import type { OutboxRow } from "../store/schema.js";
import type { SendQueue } from "../store/send-queue.js";
import { decideMessageChange } from "./decide-message-change.js";
import { newestUpdate, readPullRequestState } from "./pull-request-state.js";
import {
  itemKeyOf,
  type ConversationContent,
  type ParentContent,
  type PostContent,
} from "./post-content.js";

/** What applying a post needs: the group's posts, what Slack shows, Slack, and the clock. */
export interface ApplyDeps {
  queue: Pick<SendQueue, "listGroup" | "completeGroup">;
  conversations: ConversationMap;
  slack: SlackPoster;
  now: () => number;
}

/** What applying a post did, for the outbox row and the log. */
export interface Applied {
  /** The Slack message the post created or changed (empty when nothing needed doing). */
  posted: PostedMessage;
  what: "posted" | "updated" | "removed" | "tombstoned" | "parent updated" | "nothing";
  reason?: string;
}

/**
 * Carries one outbox post into Slack: posts, edits or removes the comment's message as
 * `decideMessageChange` says, creating the pull request's parent message first when it threads.
 * Slack errors propagate to the worker, which retries or sets the post aside; everything done
 * before the error is recorded, so a retry resumes rather than repeats.
 */
export async function applyPost(
  row: OutboxRow,
  content: PostContent,
  deps: ApplyDeps,
): Promise<Applied> {
  if (content.type === "parent") return applyParentUpdate(row, content, deps);
  if (row.group_key) return applyGroup(row, content, deps);
  return applyConversation(row, content, deps);
}

/**
 * The newest version of each part of a group (a review, its line comments), from every post the
 * group has had in this channel; a part deleted in any version is gone.
 */
function currentParts(rows: readonly OutboxRow[]): ConversationContent[] {
  const newest = new Map<string, ConversationContent>();
  const deleted = new Set<string>();
  for (const row of rows) {
    const content = JSON.parse(row.content) as PostContent;
    if (content.type === "parent") continue;
    const key = itemKeyOf(content.event);
    if (content.event.action === "deleted") deleted.add(key);
    const known = newest.get(key);
    if (!known || content.event.updatedAt >= known.event.updatedAt) newest.set(key, content);
  }
  return [...newest.entries()].filter(([key]) => !deleted.has(key)).map(([, content]) => content);
}

/**
 * A review and its line comments as one message (or a few, past Slack's limits): rendered from
 * every part received so far, posted once, and edited as stragglers, edits and deletions arrive.
 * What Slack shows is fingerprinted, so a part that changes nothing costs no Slack call.
 */
async function applyGroup(
  row: OutboxRow,
  content: ConversationContent,
  deps: ApplyDeps,
): Promise<Applied> {
  const { queue, conversations, slack, now } = deps;
  const channel = row.channel;
  const groupKey = row.group_key!;
  const rows = await queue.listGroup(channel, groupKey);
  const parts = currentParts(rows);
  const review = parts.find((part) => part.event.kind === "review")?.event;
  const comments = parts
    .filter((part) => part.event.kind !== "review")
    .map((part) => part.event)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
  const messages = renderReviewGroup({ review, comments }, { mentions: content.mentions });

  let first: PostedMessage | undefined;
  /** The thread the first message is in, which later messages continue. */
  let firstThreadTs: string | null = null;
  let what: Applied["what"] = "nothing";
  const chunks = Math.max(messages.length, 1);
  for (let index = 0; ; index += 1) {
    const key = `${groupKey}#${index}`;
    const shown = await conversations.getMessage(channel, key);
    if (index >= chunks && !shown?.ts) break;
    const message = messages[index];
    if (!message) {
      // Fewer messages than before (parts deleted): what is left over becomes a tombstone.
      if (shown?.ts && !shown.deleted) {
        const lead = comments[0] ?? review ?? content.event;
        await slack.updateMessage(channel, shown.ts, renderTombstone(lead));
        await conversations.saveMessage(channel, key, { ...shown, deleted: true });
        what = "tombstoned";
      }
      continue;
    }
    const fingerprint = createHash("sha256").update(JSON.stringify(message)).digest("hex");
    if (shown?.ts) {
      if (shown.shownUpdatedAt !== fingerprint || shown.deleted) {
        await slack.updateMessage(channel, shown.ts, message);
        await conversations.saveMessage(channel, key, {
          ...shown,
          shownUpdatedAt: fingerprint,
          deleted: false,
        });
        what = "updated";
      }
      if (index === 0) firstThreadTs = shown.threadTs;
      first ??= { channel, ts: shown.ts };
      continue;
    }
    // Later messages of a large review continue in the first one's thread (or the PR's).
    const threadTs: string | null =
      index === 0
        ? content.threads
          ? await ensureParent(row, content, deps)
          : null
        : (firstThreadTs ?? first?.ts ?? null);
    const posted = await slack.postMessage(
      channel,
      message,
      threadTs ? { threadTs, broadcast: index === 0 && (content.broadcast ?? false) } : {},
    );
    await conversations.saveMessage(channel, key, {
      ts: posted.ts,
      threadTs,
      shownUpdatedAt: fingerprint,
      deleted: false,
    });
    if (index === 0) firstThreadTs = threadTs;
    first ??= posted;
    what = what === "nothing" ? "posted" : what;
  }
  const posted = first ?? { channel, ts: "" };
  const lastSeen = rows.reduce((max, groupRow) => Math.max(max, groupRow.id), row.id);
  await queue.completeGroup(channel, groupKey, lastSeen, posted, now());
  return { posted, what };
}

async function applyConversation(
  row: OutboxRow,
  content: ConversationContent,
  deps: ApplyDeps,
): Promise<Applied> {
  const { conversations, slack, now } = deps;
  const { event } = content;
  const channel = row.channel;
  const itemKey = itemKeyOf(event);
  const shown = await conversations.getMessage(channel, itemKey);
  const change = decideMessageChange(event, shown, now());
  const render = () => renderMessage(event, { mentions: content.mentions });

  switch (change.change) {
    case "none":
      return { posted: { channel, ts: shown?.ts ?? "" }, what: "nothing", reason: change.reason };
    case "record_deletion":
      await conversations.saveMessage(channel, itemKey, {
        ts: null,
        threadTs: null,
        shownUpdatedAt: event.updatedAt,
        deleted: true,
      });
      return {
        posted: { channel, ts: "" },
        what: "nothing",
        reason: "deleted before it was shown",
      };
    case "remove": {
      const tombstone = content.deleted !== "remove";
      if (tombstone) await slack.updateMessage(channel, change.ts, renderTombstone(event));
      else await slack.deleteMessage(channel, change.ts);
      await conversations.saveMessage(channel, itemKey, { ...shown!, deleted: true });
      return { posted: { channel, ts: change.ts }, what: tombstone ? "tombstoned" : "removed" };
    }
    case "update":
      await slack.updateMessage(channel, change.ts, render());
      await conversations.saveMessage(channel, itemKey, {
        ...shown!,
        shownUpdatedAt: event.updatedAt,
      });
      return { posted: { channel, ts: change.ts }, what: "updated" };
    case "post": {
      const threadTs = content.threads ? await ensureParent(row, content, deps) : null;
      const posted = await slack.postMessage(
        channel,
        render(),
        threadTs ? { threadTs, broadcast: content.broadcast ?? false } : {},
      );
      await conversations.saveMessage(channel, itemKey, {
        ts: posted.ts,
        threadTs,
        shownUpdatedAt: event.updatedAt,
        deleted: false,
      });
      return { posted, what: "posted" };
    }
  }
}

/**
 * The parent message of the pull request's thread in this channel, posted now if missing, showing
 * the newest state known: the pull request's own news (kept even before any thread existed) or
 * what the comment's payload said. News that lands while the parent is being posted is applied
 * right after.
 */
async function ensureParent(
  row: OutboxRow,
  content: ConversationContent,
  { conversations, slack }: ApplyDeps,
): Promise<string> {
  const thread = await conversations.getThread(row.channel, row.thread_key);
  if (thread?.parentTs) return thread.parentTs;
  const { event } = content;
  const fromComment: PullRequestUpdate = {
    repository: event.repository,
    pullRequest: {
      ...event.pullRequest,
      state: event.pullRequest.state ?? (event.pullRequest.draft ? "draft" : "open"),
      head: event.pullRequest.head ?? "",
    },
    updatedAt: event.createdAt,
  };
  const shown = newestUpdate(
    fromComment,
    await readPullRequestState(conversations, row.thread_key),
  )!;
  const parent = await slack.postMessage(row.channel, renderParent(shown));
  await conversations.saveThread(row.channel, row.thread_key, {
    parentTs: parent.ts,
    shownUpdatedAt: shown.updatedAt,
  });
  const latest = await readPullRequestState(conversations, row.thread_key);
  if (latest && Date.parse(latest.updatedAt) > Date.parse(shown.updatedAt)) {
    await slack.updateMessage(row.channel, parent.ts, renderParent(latest));
    await conversations.saveThread(row.channel, row.thread_key, {
      parentTs: parent.ts,
      shownUpdatedAt: latest.updatedAt,
    });
  }
  return parent.ts;
}

/**
 * The pull request changed: its parent message in this channel shows the newest state known
 * (the one this post carries, or a newer one kept since), unless it shows that already. Without a
 * parent yet there is nothing to edit: the state is kept, and the parent shows it when posted.
 */
async function applyParentUpdate(
  row: OutboxRow,
  content: ParentContent,
  { conversations, slack }: ApplyDeps,
): Promise<Applied> {
  const thread = await conversations.getThread(row.channel, row.thread_key);
  const newest = newestUpdate(
    content.update,
    await readPullRequestState(conversations, row.thread_key),
  )!;
  if (!thread?.parentTs) {
    return {
      posted: { channel: row.channel, ts: "" },
      what: "nothing",
      reason: "no parent message yet; it will show this state when posted",
    };
  }
  if (thread.shownUpdatedAt && Date.parse(newest.updatedAt) <= Date.parse(thread.shownUpdatedAt)) {
    return {
      posted: { channel: row.channel, ts: thread.parentTs },
      what: "nothing",
      reason: "a newer state of the pull request is shown",
    };
  }
  await slack.updateMessage(row.channel, thread.parentTs, renderParent(newest));
  await conversations.saveThread(row.channel, row.thread_key, {
    parentTs: thread.parentTs,
    shownUpdatedAt: newest.updatedAt,
  });
  return { posted: { channel: row.channel, ts: thread.parentTs }, what: "parent updated" };
}

import type { ConversationEvent, PullRequestUpdate } from "../events/conversation-event.js";
import { renderMessage } from "../render/render-message.js";
import { renderParent } from "../render/render-parent.js";
import { renderReviewGroup } from "../render/render-review-group.js";
import { renderTombstone } from "../render/render-tombstone.js";
import type { PostedMessage, SlackPoster } from "../slack/create-slack-client.js";
import type { ConversationMap, ShownMessage, ThreadRecord } from "../store/conversation-map.js";
import type { OutboxRow } from "../store/schema.js";
import type { SendQueue } from "../store/send-queue.js";
import { decideGroupChange, type ChunkChange } from "./decide-group-change.js";
import { decideMessageChange } from "./decide-message-change.js";
import { decideParentChange, type ParentForNews } from "./decide-parent-change.js";
import { decideReviewGroup } from "./decide-review-group.js";
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
  /**
   * True for a comment threadline itself wrote from a Slack reply: its echo is not shown in
   * Slack again. Asked again at send time, since the echo's delivery can be recorded before the
   * reply's comment id is.
   */
  wroteFromSlack?: (commentId: number) => Promise<boolean>;
}

/** What applying a post did, for the outbox row and the log. */
export interface Applied {
  /**
   * The Slack message the post created or changed, or the one already showing it; absent when
   * Slack shows nothing for it (deleted before it was shown, removed, or never posted).
   */
  posted?: PostedMessage;
  what: "posted" | "updated" | "removed" | "tombstoned" | "parent updated" | "nothing";
  reason?: string;
}

/**
 * Carries one outbox post into Slack. What to post, edit or remove is decided by pure functions
 * of what the store says Slack shows and of the post (`decideMessageChange` for a comment,
 * `decideGroupChange` for a review's message, `decideParentChange` for the pull request's parent);
 * this edge reads the store, asks them, then makes each Slack call and records it at once. Slack
 * errors propagate to the worker, which retries or sets the post aside; everything done before
 * the error is recorded, so a retry resumes rather than repeats.
 */
export async function applyPost(
  row: OutboxRow,
  content: PostContent,
  deps: ApplyDeps,
): Promise<Applied> {
  if (content.type === "parent") return applyParentUpdate(row, content, deps);
  if (
    content.event.kind === "comment" &&
    content.event.action === "created" &&
    (await deps.wroteFromSlack?.(content.event.id))
  ) {
    return { what: "nothing", reason: "written from a Slack reply: already in the thread" };
  }
  if (row.group_key) return applyGroup(row, row.group_key, content, deps);
  return applyConversation(row, content, deps);
}

/** The key a group's chunk `index` is recorded under in the conversation map. */
function chunkKey(groupKey: string, index: number): string {
  return `${groupKey}#${index}`;
}

/**
 * What Slack shows for each chunk of a group: one per message to show (`count`), then any
 * leftovers that still have a message in Slack.
 */
async function readShownChunks(
  conversations: ConversationMap,
  channel: string,
  groupKey: string,
  count: number,
): Promise<(ShownMessage | undefined)[]> {
  const shown: (ShownMessage | undefined)[] = [];
  for (let index = 0; ; index += 1) {
    const chunk = await conversations.getMessage(channel, chunkKey(groupKey, index));
    if (index >= count && !chunk?.ts) return shown;
    shown.push(chunk);
  }
}

const DONE: Record<Exclude<ChunkChange["change"], "keep">, Applied["what"]> = {
  post: "posted",
  update: "updated",
  tombstone: "tombstoned",
  remove: "removed",
};

/**
 * A review and its line comments as one message (or a few, past Slack's limits): rendered from
 * every part received so far, posted once, and edited as stragglers, edits and deletions arrive.
 * Later messages of a large review continue in the first one's thread.
 */
async function applyGroup(
  row: OutboxRow,
  groupKey: string,
  content: ConversationContent,
  deps: ApplyDeps,
): Promise<Applied> {
  const { queue, conversations, slack, now } = deps;
  const channel = row.channel;
  const rows = await queue.listGroup(channel, groupKey);
  const group = decideReviewGroup(
    rows.map((groupRow) => JSON.parse(groupRow.content) as PostContent),
  );
  const messages = renderReviewGroup(group, {
    mentions: content.mentions,
    details: content.details,
  });
  const shown = await readShownChunks(conversations, channel, groupKey, messages.length);
  const changes = decideGroupChange(messages, shown, content.deleted ?? "tombstone");

  /** Where the group's first message is, as recorded after each change. */
  let lead = shown[0];
  for (const change of changes) {
    const key = chunkKey(groupKey, change.index);
    const current = shown[change.index];
    let record: ShownMessage;
    switch (change.change) {
      case "keep":
        continue;
      case "post": {
        const threadTs =
          change.index === 0
            ? content.threads
              ? await ensureParent(row, content, deps)
              : null
            : (lead?.threadTs ?? lead?.ts ?? null);
        const broadcast = change.index === 0 && (content.broadcast ?? false);
        const posted = await slack.postMessage(
          channel,
          change.message,
          threadTs ? { threadTs, broadcast } : {},
        );
        record = { ts: posted.ts, threadTs, shownUpdatedAt: change.fingerprint, deleted: false };
        break;
      }
      case "update":
        await slack.updateMessage(channel, change.ts, change.message);
        record = {
          ts: change.ts,
          threadTs: current?.threadTs ?? null,
          shownUpdatedAt: change.fingerprint,
          deleted: false,
        };
        break;
      case "tombstone":
        // Named for the first part still shown (or, with none left, the part just deleted).
        await slack.updateMessage(
          channel,
          change.ts,
          renderTombstone(group.comments[0] ?? group.review ?? content.event),
        );
        record = { ...current!, deleted: true };
        break;
      case "remove":
        await slack.deleteMessage(channel, change.ts);
        // Nothing shows there any more: should the group grow again, the chunk is posted anew.
        record = { ...current!, ts: null, threadTs: null, deleted: true };
        break;
    }
    await conversations.saveMessage(channel, key, record, row.thread_key);
    if (change.index === 0) lead = record;
  }

  const posted = lead?.ts ? { channel, ts: lead.ts } : undefined;
  const lastSeen = rows.reduce((max, groupRow) => Math.max(max, groupRow.id), row.id);
  await queue.completeGroup(channel, groupKey, lastSeen, { ts: posted?.ts }, now());
  const acted = changes.find((change) => change.change !== "keep");
  return acted
    ? { posted, what: DONE[acted.change] }
    : { posted, what: "nothing", reason: "Slack already shows this review as it is" };
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

  switch (change.change) {
    case "none":
      return {
        ...(shown?.ts ? { posted: { channel, ts: shown.ts } } : {}),
        what: "nothing",
        reason: change.reason,
      };
    case "record_deletion":
      await conversations.saveMessage(
        channel,
        itemKey,
        {
          ts: null,
          threadTs: null,
          shownUpdatedAt: event.updatedAt,
          deleted: true,
        },
        row.thread_key,
      );
      return { what: "nothing", reason: "deleted before it was shown" };
    case "remove": {
      const tombstone = content.deleted !== "remove";
      if (tombstone) await slack.updateMessage(channel, change.ts, renderTombstone(event));
      else await slack.deleteMessage(channel, change.ts);
      await conversations.saveMessage(
        channel,
        itemKey,
        { ...shown!, deleted: true },
        row.thread_key,
      );
      return { posted: { channel, ts: change.ts }, what: tombstone ? "tombstoned" : "removed" };
    }
    case "update":
      await slack.updateMessage(
        channel,
        change.ts,
        renderMessage(event, { mentions: content.mentions, details: content.details }),
      );
      await conversations.saveMessage(
        channel,
        itemKey,
        { ...shown!, shownUpdatedAt: event.updatedAt },
        row.thread_key,
      );
      return { posted: { channel, ts: change.ts }, what: "updated" };
    case "post": {
      const threadTs = content.threads ? await ensureParent(row, content, deps) : null;
      const posted = await slack.postMessage(
        channel,
        renderMessage(event, { mentions: content.mentions, details: content.details }),
        threadTs ? { threadTs, broadcast: content.broadcast ?? false } : {},
      );
      await conversations.saveMessage(
        channel,
        itemKey,
        { ts: posted.ts, threadTs, shownUpdatedAt: event.updatedAt, deleted: false },
        row.thread_key,
      );
      return { posted, what: "posted" };
    }
  }
}

/** Where the pull request stood as a comment's payload tells it, dated by the comment. */
function stateFromComment(event: ConversationEvent): PullRequestUpdate {
  return {
    repository: event.repository,
    pullRequest: {
      ...event.pullRequest,
      state: event.pullRequest.state ?? (event.pullRequest.draft ? "draft" : "open"),
      head: event.pullRequest.head ?? "",
    },
    updatedAt: event.createdAt,
  };
}

/**
 * The parent message a comment replies under in this channel, posted first if missing, showing
 * the newest state known: the pull request's own news (kept even before any thread existed) or
 * what the comment's payload said. News that lands while the parent is being posted is applied
 * right after.
 */
async function ensureParent(
  row: OutboxRow,
  content: ConversationContent,
  deps: ApplyDeps,
): Promise<string> {
  const { conversations, slack } = deps;
  const thread = await conversations.getThread(row.channel, row.thread_key);
  const newest = newestUpdate(
    stateFromComment(content.event),
    await readPullRequestState(conversations, row.thread_key),
  )!;
  const change = decideParentChange(thread, newest, "thread");
  if (change.change === "keep") return change.parentTs;
  const parent = await slack.postMessage(
    row.channel,
    renderParent(change.show, { replies: content.replies ?? "off" }),
  );
  const posted: ThreadRecord = {
    parentTs: parent.ts,
    shownUpdatedAt: change.show.updatedAt,
    slackChannel: parent.channel,
  };
  await conversations.saveThread(row.channel, row.thread_key, posted);
  const latest = await readPullRequestState(conversations, row.thread_key);
  if (latest) {
    const news = decideParentChange(posted, latest, "news");
    await applyParentChange(row, news, content.replies, deps);
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
  deps: ApplyDeps,
): Promise<Applied> {
  const thread = await deps.conversations.getThread(row.channel, row.thread_key);
  const newest = newestUpdate(
    content.update,
    await readPullRequestState(deps.conversations, row.thread_key),
  )!;
  return applyParentChange(row, decideParentChange(thread, newest, "news"), content.replies, deps);
}

/** Edits the parent as the pull request's news decided, and records what it shows. */
async function applyParentChange(
  row: OutboxRow,
  change: ParentForNews,
  replies: ParentContent["replies"],
  { conversations, slack }: ApplyDeps,
): Promise<Applied> {
  switch (change.change) {
    case "update":
      await slack.updateMessage(
        row.channel,
        change.parentTs,
        renderParent(change.show, { replies: replies ?? "off" }),
      );
      await conversations.saveThread(row.channel, row.thread_key, {
        parentTs: change.parentTs,
        shownUpdatedAt: change.show.updatedAt,
      });
      return { posted: { channel: row.channel, ts: change.parentTs }, what: "parent updated" };
    case "keep":
      return {
        posted: { channel: row.channel, ts: change.parentTs },
        what: "nothing",
        reason: change.reason,
      };
    case "none":
      return { what: "nothing", reason: change.reason };
  }
}

import type { ConversationEvent, PullRequestUpdate } from "../events/conversation-event.js";
import { mergeCard, type PullRequestCard } from "../events/pull-request-card.js";
import { renderAnnouncement } from "../render/render-announcement.js";
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
import {
  decideParentChange,
  shownParentOf,
  type ParentForNews,
  type ParentView,
} from "./decide-parent-change.js";
import { decideReviewGroup } from "./decide-review-group.js";
import { readPullRequestState, rememberPullRequestCard } from "./pull-request-state.js";
import {
  itemKeyOf,
  type AnnouncementContent,
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
  what:
    "posted" | "updated" | "removed" | "tombstoned" | "parent updated" | "announced" | "nothing";
  reason?: string;
}

/**
 * Carries one outbox post into Slack. What to post, edit or remove is decided by pure functions
 * of what the store says Slack shows and of the post (`decideMessageChange` for a comment,
 * `decideGroupChange` for a review's message, `decideParentChange` for the pull request's card);
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
  if (content.type === "announcement") return applyAnnouncement(row, content, deps);
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

/** The parent message as the card says it should be, with the repository's `replies:` footer. */
function parentView(card: PullRequestCard, replies: ParentContent["replies"]): ParentView {
  return { message: renderParent(card, { replies: replies ?? "off" }), updatedAt: card.updatedAt };
}

/**
 * The parent message a comment replies under in this channel, posted first if missing, showing
 * the pull request's card: what the store keeps (kept even before any thread existed) with what
 * the comment's payload says merged in, and kept, so every later edit starts from what the parent
 * shows. News that lands while the parent is being posted is applied right after.
 */
async function ensureParent(
  row: OutboxRow,
  content: ConversationContent,
  deps: ApplyDeps,
): Promise<string> {
  const { conversations, slack } = deps;
  const thread = await conversations.getThread(row.channel, row.thread_key);
  if (thread?.parentTs) return thread.parentTs;
  const card = await rememberPullRequestCard(conversations, row.thread_key, {
    update: stateFromComment(content.event),
  });
  const change = decideParentChange(thread, parentView(card!, content.replies), "thread");
  if (change.change === "keep") return change.parentTs;
  const parent = await slack.postMessage(row.channel, change.show.message);
  const posted: ThreadRecord = {
    parentTs: parent.ts,
    shownUpdatedAt: shownParentOf(change.show),
    slackChannel: parent.channel,
  };
  await conversations.saveThread(row.channel, row.thread_key, posted);
  const latest = await readPullRequestState(conversations, row.thread_key);
  if (latest) {
    const news = decideParentChange(posted, parentView(latest, content.replies), "news");
    await applyParentChange(row, news, deps);
  }
  return parent.ts;
}

/**
 * The pull request's card changed: its parent message in this channel shows the newest card the
 * store keeps, unless it shows that already. However many card posts of the pull request are
 * queued in this channel, this one edit answers them all: each kept its facts before it was
 * recorded, so the card read after taking them holds every one (that is the coalescing; each post
 * waited its window first). Without a parent there is nothing to edit: the card is kept, and the
 * parent shows it when posted.
 */
async function applyParentUpdate(
  row: OutboxRow,
  content: ParentContent,
  deps: ApplyDeps,
): Promise<Applied> {
  const { queue, conversations, now } = deps;
  const thread = await conversations.getThread(row.channel, row.thread_key);
  if (row.group_key) {
    const parentTs = thread?.parentTs;
    await queue.completeGroup(
      row.channel,
      row.group_key,
      Number.MAX_SAFE_INTEGER,
      parentTs ? { ts: parentTs } : {},
      now(),
    );
  }
  const kept = await readPullRequestState(conversations, row.thread_key);
  // Rows from before cards carry the state they announce; the store has kept it too.
  const card = content.update ? mergeCard(kept, { update: content.update }) : kept;
  if (!card) return { what: "nothing", reason: "nothing is kept of this pull request" };
  return applyParentChange(
    row,
    decideParentChange(thread, parentView(card, content.replies), "news"),
    deps,
  );
}

/** Edits the parent as the pull request's news decided, and records what it shows. */
async function applyParentChange(
  row: OutboxRow,
  change: ParentForNews,
  { conversations, slack }: ApplyDeps,
): Promise<Applied> {
  switch (change.change) {
    case "update":
      await slack.updateMessage(row.channel, change.parentTs, change.show.message);
      await conversations.saveThread(row.channel, row.thread_key, {
        parentTs: change.parentTs,
        shownUpdatedAt: shownParentOf(change.show),
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

/**
 * News the repository's `announce:` asks for, as a reply in the pull request's thread: once per
 * channel and moment (a delivery GitHub sends twice announces once), and only where the thread
 * exists.
 */
async function applyAnnouncement(
  row: OutboxRow,
  content: AnnouncementContent,
  { conversations, slack }: ApplyDeps,
): Promise<Applied> {
  const thread = await conversations.getThread(row.channel, row.thread_key);
  const threadTs = thread?.parentTs;
  if (!threadTs) return { what: "nothing", reason: "no thread for this pull request here" };
  const itemKey = `announcement:${content.what}:${content.update.updatedAt}`;
  const shown = await conversations.getMessage(row.channel, itemKey);
  if (shown?.ts) {
    return {
      posted: { channel: row.channel, ts: shown.ts },
      what: "nothing",
      reason: "announced in the thread already",
    };
  }
  const posted = await slack.postMessage(
    row.channel,
    renderAnnouncement(content.update, content.what, content.by),
    { threadTs, broadcast: false },
  );
  await conversations.saveMessage(
    row.channel,
    itemKey,
    { ts: posted.ts, threadTs, shownUpdatedAt: content.update.updatedAt, deleted: false },
    row.thread_key,
  );
  return { posted, what: "announced" };
}

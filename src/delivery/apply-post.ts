import type { PullRequestUpdate } from "../events/conversation-event.js";
import { renderMessage } from "../render/render-message.js";
import { renderParent } from "../render/render-parent.js";
import { renderTombstone } from "../render/render-tombstone.js";
import type { PostedMessage, SlackPoster } from "../slack/create-slack-client.js";
import type { OutboxStore } from "../store/outbox-store.js";
import type { OutboxRow } from "../store/schema.js";
import { decideMessageChange } from "./decide-message-change.js";
import {
  itemKeyOf,
  type ConversationContent,
  type ParentContent,
  type PostContent,
} from "./post-content.js";

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
  deps: { store: OutboxStore; slack: SlackPoster },
): Promise<Applied> {
  return content.type === "parent"
    ? applyParentUpdate(row, content, deps)
    : applyConversation(row, content, deps);
}

async function applyConversation(
  row: OutboxRow,
  content: ConversationContent,
  { store, slack }: { store: OutboxStore; slack: SlackPoster },
): Promise<Applied> {
  const { event } = content;
  const channel = row.channel;
  const itemKey = itemKeyOf(event);
  const shown = await store.getMessage(channel, itemKey);
  const change = decideMessageChange(event, shown, Date.now());
  const render = () => renderMessage(event, { mentions: content.mentions });

  switch (change.change) {
    case "none":
      return { posted: { channel, ts: shown?.ts ?? "" }, what: "nothing", reason: change.reason };
    case "record_deletion":
      await store.saveMessage(channel, itemKey, {
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
      await store.saveMessage(channel, itemKey, { ...shown!, deleted: true });
      return { posted: { channel, ts: change.ts }, what: tombstone ? "tombstoned" : "removed" };
    }
    case "update":
      await slack.updateMessage(channel, change.ts, render());
      await store.saveMessage(channel, itemKey, { ...shown!, shownUpdatedAt: event.updatedAt });
      return { posted: { channel, ts: change.ts }, what: "updated" };
    case "post": {
      const threadTs = content.threads ? await ensureParent(row, content, { store, slack }) : null;
      const posted = await slack.postMessage(
        channel,
        render(),
        threadTs ? { threadTs, broadcast: content.broadcast ?? false } : {},
      );
      await store.saveMessage(channel, itemKey, {
        ts: posted.ts,
        threadTs,
        shownUpdatedAt: event.updatedAt,
        deleted: false,
      });
      return { posted, what: "posted" };
    }
  }
}

/** The parent message of the pull request's thread in this channel, posted now if missing. */
async function ensureParent(
  row: OutboxRow,
  content: ConversationContent,
  { store, slack }: { store: OutboxStore; slack: SlackPoster },
): Promise<string> {
  const thread = await store.getThread(row.channel, row.thread_key);
  if (thread?.parentTs) return thread.parentTs;
  const known = thread?.pullRequest
    ? (JSON.parse(thread.pullRequest) as PullRequestUpdate)
    : undefined;
  const { event } = content;
  const update: PullRequestUpdate = known ?? {
    repository: event.repository,
    pullRequest: {
      ...event.pullRequest,
      state: event.pullRequest.draft ? "draft" : "open",
      head: "",
    },
    updatedAt: event.createdAt,
  };
  const parent = await slack.postMessage(row.channel, renderParent(update));
  await store.saveThread(row.channel, row.thread_key, {
    parentTs: parent.ts,
    pullRequest: JSON.stringify(update),
    pullRequestUpdatedAt: thread?.pullRequestUpdatedAt ?? null,
  });
  return parent.ts;
}

async function applyParentUpdate(
  row: OutboxRow,
  content: ParentContent,
  { store, slack }: { store: OutboxStore; slack: SlackPoster },
): Promise<Applied> {
  const { update } = content;
  const thread = await store.getThread(row.channel, row.thread_key);
  if (thread?.pullRequestUpdatedAt && update.updatedAt < thread.pullRequestUpdatedAt) {
    return {
      posted: { channel: row.channel, ts: thread.parentTs ?? "" },
      what: "nothing",
      reason: "a newer state of the pull request is shown",
    };
  }
  if (thread?.parentTs)
    await slack.updateMessage(row.channel, thread.parentTs, renderParent(update));
  await store.saveThread(row.channel, row.thread_key, {
    parentTs: thread?.parentTs ?? null,
    pullRequest: JSON.stringify(update),
    pullRequestUpdatedAt: update.updatedAt,
  });
  return { posted: { channel: row.channel, ts: thread?.parentTs ?? "" }, what: "parent updated" };
}

/**
 * applyPost below end to end: a real store (in-memory SQLite, or a PostgreSQL schema in the
 * postgres project) holds the outbox rows and what Slack shows; Slack is the App's real client
 * against nock, strict about every call's body. Each test says what Slack is asked, in order, and
 * what the store then records.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { applyPost, type Applied } from "../../src/delivery/apply-post.js";
import { fingerprintOf } from "../../src/delivery/decide-group-change.js";
import { shownParentOf } from "../../src/delivery/decide-parent-change.js";
import {
  CARD_ORDER_KEY,
  CARD_PART,
  cardGroupKeyOf,
  orderKeyOf,
  threadKeyOf,
} from "../../src/delivery/outgoing-post.js";
import type {
  AnnouncementContent,
  ConversationContent,
  PostContent,
} from "../../src/delivery/post-content.js";
import {
  readPullRequestState,
  rememberPullRequestCard,
  rememberPullRequestState,
} from "../../src/delivery/pull-request-state.js";
import type { CardFact, PullRequestCard } from "../../src/events/pull-request-card.js";
import { renderAnnouncement } from "../../src/render/render-announcement.js";
import type { ConversationEvent, PullRequestUpdate } from "../../src/events/conversation-event.js";
import { renderMessage } from "../../src/render/render-message.js";
import { renderParent } from "../../src/render/render-parent.js";
import { renderReviewGroup, type ReviewGroup } from "../../src/render/render-review-group.js";
import { renderTombstone } from "../../src/render/render-tombstone.js";
import type { Store } from "../../src/store/open-store.js";
import type { OutboxRow } from "../../src/store/schema.js";
import { useStrictNock } from "../helpers/strict-nock.js";
import { openTestStore } from "../helpers/test-store.js";
import {
  REVIEW_ID,
  lineComment,
  longNote,
  pullRequestComment,
  pullRequestNews,
  review,
} from "./conversation-events.js";
import {
  createNockedSlackClient,
  expectDelete,
  expectPost,
  expectUpdate,
  slackCalls,
  takeSlackLeftovers,
} from "./nocked-slack.js";

const APP_ID = 4242;
const CHANNEL = "C0123456789";
/** Later the same afternoon as the recorded comments, so every edit is recent. */
const NOW = Date.parse("2019-05-15T16:00:00Z");
/** The comment's pull request and the review's, as their threads are keyed. */
const PR1 = "Codertocat/Hello-World#1";
const PR2 = "Codertocat/Hello-World#2";
const GROUP = `review:${REVIEW_ID}`;

/** The `ts` values the fake Slack gives, in the shape Slack gives them. */
const PARENT_TS = "1557936000.000100";
const REPLY_TS = "1557936001.000200";
const CONTINUED_TS = "1557936002.000300";
const LATER_TS = "1557936003.000400";

const slack = createNockedSlackClient();
let store: Store;

useStrictNock({ allowLocal: false });

beforeEach(async () => {
  store = await openTestStore(APP_ID);
});

afterEach(async () => {
  await store.close();
  expect(takeSlackLeftovers()).toEqual({ pending: [], unexpected: [] });
});

/** A comment's post as the intake queues it: the repository's settings, at their defaults. */
function conversation(
  event: ConversationEvent,
  settings: Partial<Pick<ConversationContent, "threads" | "broadcast" | "deleted">> = {},
): ConversationContent {
  return {
    event,
    mentions: {},
    threads: true,
    broadcast: false,
    deleted: "tombstone",
    ...settings,
  };
}

let deliveries = 0;

/** Queues `content` for CHANNEL with the keys the intake gives it; resolves to its outbox row. */
async function queue(content: PostContent): Promise<OutboxRow> {
  const deliveryId = `delivery-${(deliveries += 1)}`;
  let keys: { threadKey: string; orderKey: string; groupKey?: string };
  if (content.type === "parent" || content.type === "announcement") {
    const { repository, pullRequest } = content.update!;
    keys = {
      threadKey: threadKeyOf(repository.fullName, pullRequest.number),
      orderKey: orderKeyOf(content.update!.updatedAt),
    };
  } else {
    const { event } = content;
    const reviewId = event.kind === "review" ? event.id : event.location?.reviewId;
    keys = {
      threadKey: threadKeyOf(event.repository.fullName, event.pullRequest.number),
      orderKey: orderKeyOf(event.createdAt, event.id),
      ...(reviewId ? { groupKey: `review:${reviewId}` } : {}),
    };
  }
  await store.intake.enqueue(
    { deliveryId, event: "test", receivedAt: NOW },
    [{ channel: CHANNEL, content, ...keys }],
    NOW,
  );
  const rows = await store.operations.list({ limit: 100 });
  return rows.find((row) => row.delivery_id === deliveryId)!;
}

/** The pull request's news as the handler takes it: kept as its newest state, then queued. */
async function queueNews(update: PullRequestUpdate): Promise<OutboxRow> {
  const threadKey = threadKeyOf(update.repository.fullName, update.pullRequest.number);
  await rememberPullRequestState(store.conversations, threadKey, update);
  return queue({ type: "parent", update });
}

/** Applies `row` as the worker does. */
function apply(row: OutboxRow): Promise<Applied> {
  return applyPost(row, JSON.parse(row.content) as PostContent, {
    queue: store.queue,
    conversations: store.conversations,
    slack,
    now: () => NOW,
  });
}

/** The pull request as a comment's payload shows it, dated by the comment. */
function pullRequestSeenBy(event: ConversationEvent): PullRequestUpdate {
  return {
    repository: event.repository,
    pullRequest: {
      ...event.pullRequest,
      state: event.pullRequest.state ?? "open",
      head: event.pullRequest.head ?? "",
    },
    updatedAt: event.createdAt,
  };
}

const render = (event: ConversationEvent) => renderMessage(event, { mentions: {} });
const renderGroup = (group: ReviewGroup) => renderReviewGroup(group, { mentions: {} });

/** Slack shows `event` as REPLY_TS in the pull request's thread under PARENT_TS. */
async function shown(event: ConversationEvent): Promise<void> {
  const threadKey = threadKeyOf(event.repository.fullName, event.pullRequest.number);
  await store.conversations.saveThread(CHANNEL, threadKey, {
    parentTs: PARENT_TS,
    shownUpdatedAt: event.createdAt,
  });
  await store.conversations.saveMessage(CHANNEL, `${event.kind}:${event.id}`, {
    ts: REPLY_TS,
    threadTs: PARENT_TS,
    shownUpdatedAt: event.updatedAt,
    deleted: false,
  });
}

describe("a comment", () => {
  const comment = pullRequestComment();

  test("is posted in its pull request's thread, the parent first", async () => {
    const parent = renderParent(pullRequestSeenBy(comment));
    expect(parent.text).toBe(`${PR1}: Spelling error in the README file (🟢 Open)`);
    expectPost({ channel: CHANNEL, message: parent, ts: PARENT_TS });
    expectPost({ channel: CHANNEL, message: render(comment), threadTs: PARENT_TS, ts: REPLY_TS });

    expect(await apply(await queue(conversation(comment)))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "posted",
    });
    expect(slackCalls).toEqual([`post → ${PARENT_TS}`, `reply to ${PARENT_TS} → ${REPLY_TS}`]);
    // The parent's record says which card it shows; the card is kept for later edits.
    expect(await store.conversations.getThread(CHANNEL, PR1)).toEqual({
      parentTs: PARENT_TS,
      shownUpdatedAt: shownParentOf({ message: parent, updatedAt: comment.createdAt }),
    });
    expect(await readPullRequestState(store.conversations, PR1)).toEqual(
      pullRequestSeenBy(comment),
    );
    expect(await store.conversations.getMessage(CHANNEL, `comment:${comment.id}`)).toEqual({
      ts: REPLY_TS,
      threadTs: PARENT_TS,
      shownUpdatedAt: comment.updatedAt,
      deleted: false,
    });
  });

  test("cut off after its parent was posted: the retry replies under it, posting no second parent", async () => {
    const row = await queue(conversation(comment));
    expectPost({
      channel: CHANNEL,
      message: renderParent(pullRequestSeenBy(comment)),
      ts: PARENT_TS,
    });
    expectPost({
      channel: CHANNEL,
      message: render(comment),
      threadTs: PARENT_TS,
      answer: { status: 503 },
    });
    await expect(apply(row)).rejects.toMatchObject({ statusCode: 503 });
    // What was done before the error is recorded; the comment itself is not shown.
    expect(await store.conversations.getThread(CHANNEL, PR1)).toMatchObject({
      parentTs: PARENT_TS,
    });
    expect(await store.conversations.getMessage(CHANNEL, `comment:${comment.id}`)).toBeUndefined();

    expectPost({ channel: CHANNEL, message: render(comment), threadTs: PARENT_TS, ts: REPLY_TS });
    expect(await apply(row)).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "posted",
    });
    expect(slackCalls).toEqual([
      `post → ${PARENT_TS}`,
      `reply to ${PARENT_TS} → HTTP 503`,
      `reply to ${PARENT_TS} → ${REPLY_TS}`,
    ]);
  });

  test("`threads: false`: a message of its own, no parent", async () => {
    expectPost({ channel: CHANNEL, message: render(comment), ts: REPLY_TS });
    expect(await apply(await queue(conversation(comment, { threads: false })))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "posted",
    });
    expect(await store.conversations.getThread(CHANNEL, PR1)).toBeUndefined();
  });

  test("an edit newer than what Slack shows updates the message; the same edit again does nothing", async () => {
    await shown(comment);
    const edited = pullRequestComment({
      action: "edited",
      body: "Fixed the spelling, thanks!",
      updatedAt: "2019-05-15T15:25:00Z",
    });
    expectUpdate(CHANNEL, REPLY_TS, render(edited));

    expect(await apply(await queue(conversation(edited)))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "updated",
    });
    expect(await store.conversations.getMessage(CHANNEL, `comment:${comment.id}`)).toEqual({
      ts: REPLY_TS,
      threadTs: PARENT_TS,
      shownUpdatedAt: "2019-05-15T15:25:00Z",
      deleted: false,
    });
    expect(await apply(await queue(conversation(edited)))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "nothing",
      reason: "Slack already shows this version or a newer one",
    });
    expect(slackCalls).toEqual([`update ${REPLY_TS}`]);
  });

  test("deleted on GitHub: its message becomes a tombstone (the default)", async () => {
    await shown(comment);
    const deleted = pullRequestComment({ action: "deleted" });
    const tombstone = renderTombstone(deleted);
    expect(tombstone.text).toBe(`A comment by Codertocat on ${PR1} was deleted`);
    expectUpdate(CHANNEL, REPLY_TS, tombstone);

    expect(await apply(await queue(conversation(deleted)))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "tombstoned",
    });
    expect(await store.conversations.getMessage(CHANNEL, `comment:${comment.id}`)).toMatchObject({
      ts: REPLY_TS,
      deleted: true,
    });
  });

  test("deleted on GitHub with `deleted: remove`: its message is deleted from Slack", async () => {
    await shown(comment);
    const deleted = pullRequestComment({ action: "deleted" });
    expectDelete(CHANNEL, REPLY_TS);

    expect(await apply(await queue(conversation(deleted, { deleted: "remove" })))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "removed",
    });
    expect(await store.conversations.getMessage(CHANNEL, `comment:${comment.id}`)).toMatchObject({
      deleted: true,
    });
  });

  test("deleted before it was shown: nothing posted, no message named, its creation posts nothing", async () => {
    const deleted = pullRequestComment({ action: "deleted" });
    expect(await apply(await queue(conversation(deleted)))).toEqual({
      what: "nothing",
      reason: "deleted before it was shown",
    });
    expect(await apply(await queue(conversation(comment)))).toEqual({
      what: "nothing",
      reason: "deleted on GitHub already",
    });
    expect(slackCalls).toEqual([]);
  });
});

describe("a review's message", () => {
  const approval = review();
  const line1 = lineComment(1);
  /** A review with four long line comments: the fourth continues in a second message. */
  const longComments = [1, 2, 3, 4].map((n) => lineComment(n, { body: longNote(n) }));
  const large = renderGroup({ review: approval, comments: longComments });

  /** The parent of #2 as the first of the group's parts to be sent shows it. */
  const parentFor = (first: ConversationEvent) => renderParent(pullRequestSeenBy(first));

  /** Posts the large review (its parent, then both its messages); resolves to the rows. */
  async function postLargeReview(settings: Parameters<typeof conversation>[1] = {}) {
    const rows = [];
    for (const part of [approval, ...longComments])
      rows.push(await queue(conversation(part, settings)));
    expectPost({ channel: CHANNEL, message: parentFor(approval), ts: PARENT_TS });
    expectPost({ channel: CHANNEL, message: large[0]!, threadTs: PARENT_TS, ts: REPLY_TS });
    expectPost({ channel: CHANNEL, message: large[1]!, threadTs: PARENT_TS, ts: CONTINUED_TS });
    expect(await apply(rows[0]!)).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "posted",
    });
    slackCalls.splice(0);
    return rows;
  }

  test("is posted once, in its pull request's thread, with the parts that arrived with it", async () => {
    const rows = [await queue(conversation(line1)), await queue(conversation(approval))];
    const [message] = renderGroup({ review: approval, comments: [line1] });
    expect(parentFor(line1).text).toBe(`${PR2}: Update the README with new information. (🟢 Open)`);
    expectPost({ channel: CHANNEL, message: parentFor(line1), ts: PARENT_TS });
    expectPost({ channel: CHANNEL, message: message!, threadTs: PARENT_TS, ts: REPLY_TS });

    expect(await apply(rows[0]!)).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "posted",
    });
    expect(slackCalls).toEqual([`post → ${PARENT_TS}`, `reply to ${PARENT_TS} → ${REPLY_TS}`]);
    // The review's own post is settled with it: the message already shows it.
    const settled = await store.operations.list({ limit: 10 });
    expect(settled.map((row) => [row.status, row.slack_ts])).toEqual([
      ["sent", REPLY_TS],
      ["sent", REPLY_TS],
    ]);
    expect(await store.conversations.getMessage(CHANNEL, `${GROUP}#0`)).toEqual({
      ts: REPLY_TS,
      threadTs: PARENT_TS,
      shownUpdatedAt: fingerprintOf(message!),
      deleted: false,
    });
  });

  test("a line comment arriving after the message was posted edits it; its redelivery does nothing", async () => {
    const [first] = renderGroup({ review: approval, comments: [line1] });
    expectPost({ channel: CHANNEL, message: parentFor(approval), ts: PARENT_TS });
    expectPost({ channel: CHANNEL, message: first!, threadTs: PARENT_TS, ts: REPLY_TS });
    const row = await queue(conversation(approval));
    await queue(conversation(line1));
    await apply(row);

    const line2 = lineComment(2, { createdAt: "2019-05-15T15:22:00Z" });
    const [grown] = renderGroup({ review: approval, comments: [line1, line2] });
    expectUpdate(CHANNEL, REPLY_TS, grown!);
    expect(await apply(await queue(conversation(line2)))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "updated",
    });
    expect(await apply(await queue(conversation(line2)))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "nothing",
      reason: "Slack already shows this review as it is",
    });
    expect(slackCalls).toEqual([
      `post → ${PARENT_TS}`,
      `reply to ${PARENT_TS} → ${REPLY_TS}`,
      `update ${REPLY_TS}`,
    ]);
    expect(await store.conversations.getMessage(CHANNEL, `${GROUP}#0`)).toMatchObject({
      shownUpdatedAt: fingerprintOf(grown!),
    });
  });

  test("the review's summary edited (a review carries no edit time) edits the message", async () => {
    const [first] = renderGroup({ review: approval, comments: [] });
    expectPost({ channel: CHANNEL, message: parentFor(approval), ts: PARENT_TS });
    expectPost({ channel: CHANNEL, message: first!, threadTs: PARENT_TS, ts: REPLY_TS });
    await apply(await queue(conversation(approval)));

    const edited = review({ action: "edited", body: "Ship it, once CI is green." });
    expect(edited.updatedAt).toBe(approval.updatedAt);
    const [shownNow] = renderGroup({ review: edited, comments: [] });
    expectUpdate(CHANNEL, REPLY_TS, shownNow!);
    expect(await apply(await queue(conversation(edited)))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "updated",
    });
  });

  test("a large review continues in the first message's thread, and resumes where an error stopped it", async () => {
    expect(large).toHaveLength(2);
    const row = await queue(conversation(approval));
    for (const part of longComments) await queue(conversation(part));
    expectPost({ channel: CHANNEL, message: parentFor(approval), ts: PARENT_TS });
    expectPost({ channel: CHANNEL, message: large[0]!, threadTs: PARENT_TS, ts: REPLY_TS });
    expectPost({
      channel: CHANNEL,
      message: large[1]!,
      threadTs: PARENT_TS,
      answer: { error: "internal_error" },
    });
    await expect(apply(row)).rejects.toMatchObject({ data: { error: "internal_error" } });

    expectPost({ channel: CHANNEL, message: large[1]!, threadTs: PARENT_TS, ts: CONTINUED_TS });
    expect(await apply(row)).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "posted",
    });
    expect(slackCalls).toEqual([
      `post → ${PARENT_TS}`,
      `reply to ${PARENT_TS} → ${REPLY_TS}`,
      `reply to ${PARENT_TS} → internal_error`,
      `reply to ${PARENT_TS} → ${CONTINUED_TS}`,
    ]);
  });

  test("`threads: false`: a large review's continuation replies to its first message", async () => {
    const row = await queue(conversation(approval, { threads: false }));
    for (const part of longComments) await queue(conversation(part, { threads: false }));
    expectPost({ channel: CHANNEL, message: large[0]!, ts: REPLY_TS });
    expectPost({ channel: CHANNEL, message: large[1]!, threadTs: REPLY_TS, ts: CONTINUED_TS });
    expect(await apply(row)).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "posted",
    });
  });

  test("a line comment deleted, with `deleted: remove`: the message left over is deleted", async () => {
    await postLargeReview({ deleted: "remove" });
    const deleted = lineComment(4, { action: "deleted", body: longNote(4) });
    // Without the fourth line comment the review fits one message, the first, unchanged.
    expect(renderGroup({ review: approval, comments: longComments.slice(0, 3) })).toEqual([
      large[0],
    ]);
    expectDelete(CHANNEL, CONTINUED_TS);

    expect(await apply(await queue(conversation(deleted, { deleted: "remove" })))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "removed",
    });
    expect(slackCalls).toEqual([`delete ${CONTINUED_TS}`]);
    expect(await store.conversations.getMessage(CHANNEL, `${GROUP}#1`)).toEqual({
      ts: null,
      threadTs: null,
      shownUpdatedAt: fingerprintOf(large[1]!),
      deleted: true,
    });
  });

  test("a line comment deleted (the default): the message left over becomes a tombstone", async () => {
    await postLargeReview();
    const deleted = lineComment(4, { action: "deleted", body: longNote(4) });
    expectUpdate(CHANNEL, CONTINUED_TS, renderTombstone(longComments[0]!));

    expect(await apply(await queue(conversation(deleted)))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "tombstoned",
    });
    expect(await store.conversations.getMessage(CHANNEL, `${GROUP}#1`)).toMatchObject({
      ts: CONTINUED_TS,
      deleted: true,
    });
  });

  test("grown again after a removal: the continuation is posted anew, in the review's thread", async () => {
    await postLargeReview({ deleted: "remove" });
    expectDelete(CHANNEL, CONTINUED_TS);
    const deleted = lineComment(4, { action: "deleted", body: longNote(4) });
    await apply(await queue(conversation(deleted, { deleted: "remove" })));

    const line5 = lineComment(5, { body: longNote(5), createdAt: "2019-05-15T15:23:00Z" });
    const regrown = renderGroup({
      review: approval,
      comments: [...longComments.slice(0, 3), line5],
    });
    expect(regrown[0]).toEqual(large[0]);
    expectPost({ channel: CHANNEL, message: regrown[1]!, threadTs: PARENT_TS, ts: LATER_TS });
    expect(await apply(await queue(conversation(line5, { deleted: "remove" })))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "posted",
    });
    expect(slackCalls).toEqual([`delete ${CONTINUED_TS}`, `reply to ${PARENT_TS} → ${LATER_TS}`]);
  });
});

describe("the pull request's parent message", () => {
  /** #2's parent in CHANNEL shows the pull request as of its review (15:20:38). */
  async function parentShown(): Promise<void> {
    await store.conversations.saveThread(CHANNEL, PR2, {
      parentTs: PARENT_TS,
      shownUpdatedAt: "2019-05-15T15:20:38Z",
    });
  }

  test("news newer than what the parent shows edits it; older or repeated news changes nothing", async () => {
    await parentShown();
    const merged = pullRequestNews({
      updatedAt: "2019-05-15T15:30:00Z",
      state: "closed",
      merged: true,
    });
    expect(renderParent(merged).text).toBe(
      `${PR2}: Update the README with new information. (🟣 Merged)`,
    );
    expectUpdate(CHANNEL, PARENT_TS, renderParent(merged));
    expect(await apply(await queueNews(merged))).toEqual({
      posted: { channel: CHANNEL, ts: PARENT_TS },
      what: "parent updated",
    });
    expect(await store.conversations.getThread(CHANNEL, PR2)).toEqual({
      parentTs: PARENT_TS,
      shownUpdatedAt: shownParentOf({ message: renderParent(merged), updatedAt: merged.updatedAt }),
    });

    const older = pullRequestNews({ updatedAt: "2019-05-15T15:25:00Z", draft: true });
    const nothing = {
      posted: { channel: CHANNEL, ts: PARENT_TS },
      what: "nothing",
      reason: "the parent shows this card already",
    };
    expect(await apply(await queueNews(older))).toEqual(nothing);
    expect(await apply(await queueNews(merged))).toEqual(nothing);
    expect(slackCalls).toEqual([`update ${PARENT_TS}`]);
  });

  test("news before any thread changes nothing in Slack; the first comment's parent shows it", async () => {
    const comment = pullRequestComment();
    const merged = pullRequestNews({
      number: 1,
      title: "Spelling error in the README file",
      updatedAt: "2019-05-15T15:30:00Z",
      state: "closed",
      merged: true,
    });
    expect(await apply(await queueNews(merged))).toEqual({
      what: "nothing",
      reason: "no parent message yet; it will show this state when posted",
    });

    expectPost({ channel: CHANNEL, message: renderParent(merged), ts: PARENT_TS });
    expectPost({ channel: CHANNEL, message: render(comment), threadTs: PARENT_TS, ts: REPLY_TS });
    await apply(await queue(conversation(comment)));
    expect(await store.conversations.getThread(CHANNEL, PR1)).toEqual({
      parentTs: PARENT_TS,
      shownUpdatedAt: shownParentOf({ message: renderParent(merged), updatedAt: merged.updatedAt }),
    });
  });

  test("merged while the parent is being posted: the parent is edited right after, then the reply", async () => {
    const comment = pullRequestComment();
    const merged = pullRequestNews({
      number: 1,
      title: "Spelling error in the README file",
      updatedAt: "2019-05-15T15:30:00Z",
      state: "closed",
      merged: true,
    });
    expectPost({
      channel: CHANNEL,
      message: renderParent(pullRequestSeenBy(comment)),
      ts: PARENT_TS,
      // The merge is delivered (and kept) while Slack takes its time answering.
      beforeAnswer: () => rememberPullRequestState(store.conversations, PR1, merged),
    });
    expectUpdate(CHANNEL, PARENT_TS, renderParent(merged));
    expectPost({ channel: CHANNEL, message: render(comment), threadTs: PARENT_TS, ts: REPLY_TS });

    expect(await apply(await queue(conversation(comment)))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "posted",
    });
    expect(slackCalls).toEqual([
      `post → ${PARENT_TS}`,
      `update ${PARENT_TS}`,
      `reply to ${PARENT_TS} → ${REPLY_TS}`,
    ]);
    expect(await store.conversations.getThread(CHANNEL, PR1)).toEqual({
      parentTs: PARENT_TS,
      shownUpdatedAt: shownParentOf({ message: renderParent(merged), updatedAt: merged.updatedAt }),
    });
  });
});

describe("the pull request's card", () => {
  const opened = pullRequestNews({ updatedAt: "2019-05-15T15:20:33Z" });
  const approval = (reviewer: string, at: string, reviewId: number): CardFact => ({
    verdict: { reviewer, reviewId, verdict: "approved", at },
  });
  const lintFailed: CardFact = {
    check: {
      sha: opened.pullRequest.headSha!,
      key: "run:1/lint",
      name: "lint",
      outcome: "failed",
      url: "https://github.com/Codertocat/Hello-World/runs/1",
      at: "2019-05-15T15:25:00Z",
      id: 1,
    },
  };

  /** A card fact as the handler takes it: merged into the kept card, then a card post queued. */
  async function queueCard(fact: CardFact): Promise<OutboxRow> {
    await rememberPullRequestCard(store.conversations, PR2, fact);
    const deliveryId = `delivery-${(deliveries += 1)}`;
    await store.intake.enqueue(
      { deliveryId, event: "test", receivedAt: NOW },
      [
        {
          channel: CHANNEL,
          content: { type: "parent", replies: "off" },
          threadKey: PR2,
          orderKey: CARD_ORDER_KEY,
          groupKey: cardGroupKeyOf(PR2),
          part: CARD_PART,
        },
      ],
      NOW,
    );
    const rows = await store.operations.list({ limit: 100 });
    return rows.find((row) => row.delivery_id === `${deliveryId}/card`)!;
  }

  async function parentShows(card: PullRequestCard): Promise<void> {
    await store.conversations.saveThread(CHANNEL, PR2, {
      parentTs: PARENT_TS,
      shownUpdatedAt: shownParentOf({ message: renderParent(card), updatedAt: card.updatedAt }),
    });
  }

  test("five posts queued: one edit, showing every fact, answers them all", async () => {
    await rememberPullRequestCard(store.conversations, PR2, { update: opened });
    await parentShows((await readPullRequestState(store.conversations, PR2))!);
    const rows = [
      await queueCard(approval("alice", "2019-05-15T15:21:00Z", 1)),
      await queueCard(approval("bob", "2019-05-15T15:22:00Z", 2)),
      await queueCard(lintFailed),
      await queueCard({
        update: pullRequestNews({ updatedAt: "2019-05-15T15:30:00Z", title: "Renamed" }),
      }),
      await queueCard(approval("carol", "2019-05-15T15:23:00Z", 3)),
    ];
    const newest = (await readPullRequestState(store.conversations, PR2))!;
    expect(renderParent(newest).blocks).toHaveLength(5);
    expectUpdate(CHANNEL, PARENT_TS, renderParent(newest));

    expect(await apply(rows[0]!)).toEqual({
      posted: { channel: CHANNEL, ts: PARENT_TS },
      what: "parent updated",
    });
    expect(slackCalls).toEqual([`update ${PARENT_TS}`]);
    // The others were answered by that edit: nothing is left to send.
    const statuses = await store.operations.list({ limit: 100 });
    expect(statuses.filter((row) => row.id !== rows[0]!.id).map((row) => row.status)).toEqual([
      "sent",
      "sent",
      "sent",
      "sent",
    ]);
    expect(await store.queue.findDue(NOW + 60_000, 10)).toEqual([]);
  });

  test("a post whose card Slack shows already: no call; a fact that changes nothing shown: no call", async () => {
    await rememberPullRequestCard(store.conversations, PR2, { update: opened });
    const row = await queueCard(approval("alice", "2019-05-15T15:21:00Z", 1));
    await parentShows((await readPullRequestState(store.conversations, PR2))!);
    expect(await apply(row)).toEqual({
      posted: { channel: CHANNEL, ts: PARENT_TS },
      what: "nothing",
      reason: "the parent shows this card already",
    });
    // The same approval delivered again, and an older title: the card stays as it is.
    const again = await queueCard(approval("alice", "2019-05-15T15:21:00Z", 1));
    expect((await apply(again)).what).toBe("nothing");
    const older = await queueCard({
      update: pullRequestNews({ updatedAt: "2019-05-15T15:10:00Z", title: "Older" }),
    });
    expect((await apply(older)).what).toBe("nothing");
    expect(slackCalls).toEqual([]);
  });

  test("merged, with `announce: [merged]`: one reply in the thread, once", async () => {
    const merged = pullRequestNews({
      updatedAt: "2019-05-15T15:30:00Z",
      state: "closed",
      merged: true,
    });
    await parentShows(merged);
    const announcement: AnnouncementContent = {
      type: "announcement",
      update: merged,
      what: "merged",
      by: "octocat",
    };
    const message = renderAnnouncement(merged, "merged", "octocat");
    expect(message.text).toBe(`${PR2} was merged by octocat`);
    expectPost({ channel: CHANNEL, message, threadTs: PARENT_TS, ts: REPLY_TS });
    expect(await apply(await queue(announcement))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "announced",
    });
    // GitHub sent the same news twice (two deliveries): announced once.
    expect(await apply(await queue(announcement))).toEqual({
      posted: { channel: CHANNEL, ts: REPLY_TS },
      what: "nothing",
      reason: "announced in the thread already",
    });
    expect(slackCalls).toEqual([`reply to ${PARENT_TS} → ${REPLY_TS}`]);
  });

  test("an announcement where the pull request has no thread: nothing", async () => {
    const merged = pullRequestNews({
      updatedAt: "2019-05-15T15:30:00Z",
      state: "closed",
      merged: true,
    });
    expect(
      await apply(
        await queue({ type: "announcement", update: merged, what: "merged", by: "octocat" }),
      ),
    ).toEqual({ what: "nothing", reason: "no thread for this pull request here" });
  });
});

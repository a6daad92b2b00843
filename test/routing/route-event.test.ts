import { describe, expect, test } from "@jest/globals";
import { configSchema, type ThreadlineConfig } from "../../src/config/schema.js";
import type { ConversationEvent } from "../../src/events/conversation-event.js";
import { normalize } from "../../src/events/normalize.js";
import { needsBaseBranch, routeEvent } from "../../src/routing/route-event.js";
import { loadFixture, loadPullRequestCommentFixture } from "../fixtures/index.js";

function carried(normalized: { event?: ConversationEvent; skipped?: string }): ConversationEvent {
  if (!normalized.event) throw new Error(`fixture not carried: ${normalized.skipped}`);
  return normalized.event;
}

/** Codertocat's comment on the conversation tab: no file, no base branch, label `bug`. */
const comment = carried(normalize["issue_comment.created"](loadPullRequestCommentFixture()));

/** Codertocat's line comment on README.md, into `master`, label `bug`. */
const reviewComment = carried(
  normalize["pull_request_review_comment.created"](
    loadFixture("pull_request_review_comment.created"),
  ),
);

/** Codertocat approving the pull request into `master`. */
const review = (() => {
  const payload = loadFixture("pull_request_review.submitted");
  payload.review.state = "approved";
  return carried(normalize["pull_request_review.submitted"](payload));
})();

/** `event` with some of its pull request's or author's fields changed. */
function changed(
  event: ConversationEvent,
  changes: {
    pullRequest?: Partial<ConversationEvent["pullRequest"]>;
    author?: Partial<ConversationEvent["author"]>;
    path?: string;
  },
): ConversationEvent {
  return {
    ...event,
    pullRequest: { ...event.pullRequest, ...changes.pullRequest },
    author: { ...event.author, ...changes.author },
    ...(changes.path !== undefined && event.location
      ? { location: { ...event.location, path: changes.path } }
      : {}),
  };
}

/** A config as `.github/threadline.yml` would give it, defaults filled in. */
const config = (settings: object): ThreadlineConfig => configSchema.parse(settings);

const DEFAULT_CHANNEL = "C0DEFAULT01";
const dependabot = { login: "dependabot[bot]", isBot: true };

describe("routeEvent: filters", () => {
  test.each<
    [name: string, event: ConversationEvent, config: ThreadlineConfig | null, skipped: string]
  >([
    [
      "events leaves out the kind",
      comment,
      config({ events: ["reviews"] }),
      "events: comments are not carried",
    ],
    [
      "events leaves out review comments",
      reviewComment,
      config({ events: ["comments", "reviews"] }),
      "events: review_comments are not carried",
    ],
    [
      "bots are ignored by default",
      changed(comment, { author: dependabot }),
      config({ channel: "#prs" }),
      "ignore.bots: dependabot[bot] is a bot",
    ],
    [
      "bots are ignored without a config file too",
      changed(review, { author: dependabot }),
      null,
      "ignore.bots: dependabot[bot] is a bot",
    ],
    [
      "ignore.authors, whatever the case",
      review,
      config({ ignore: { authors: ["CODERTOCAT"] } }),
      "ignore.authors: Codertocat is ignored",
    ],
    [
      "ignore.labels, any of them, whatever the case",
      reviewComment,
      config({ ignore: { labels: ["wip", "Bug"] } }),
      "ignore.labels: the pull request has the label Bug",
    ],
    [
      "ignore.drafts on a draft",
      changed(comment, { pullRequest: { draft: true } }),
      config({ ignore: { drafts: true } }),
      "ignore.drafts: the pull request is a draft",
    ],
  ])("%s", (_name, event, settings, skipped) => {
    expect(routeEvent(event, settings, { defaultChannel: DEFAULT_CHANNEL })).toEqual({
      channels: [],
      skipped,
    });
  });

  test.each<[name: string, event: ConversationEvent, config: ThreadlineConfig]>([
    [
      "bots, when ignore.bots is false",
      changed(comment, { author: dependabot }),
      config({ ignore: { bots: false } }),
    ],
    ["drafts, by default", changed(comment, { pullRequest: { draft: true } }), config({})],
    ["a label that is not ignored", reviewComment, config({ ignore: { labels: ["wip"] } })],
  ])("carries %s", (_name, event, settings) => {
    expect(routeEvent(event, settings, { defaultChannel: DEFAULT_CHANNEL }).channels).toEqual([
      DEFAULT_CHANNEL,
    ]);
  });
});

describe("routeEvent: routes", () => {
  test.each<
    [
      name: string,
      event: ConversationEvent,
      routes: object[],
      expected: { channels: string[]; reasons: string[] },
    ]
  >([
    [
      "paths globs against the commented file",
      reviewComment,
      [{ channel: "#docs", paths: ["docs/**", "*.md"] }],
      { channels: ["#docs"], reasons: ["routes[0] (paths *.md)"] },
    ],
    [
      "paths cover dotfiles",
      changed(reviewComment, { path: "web/.eslintrc.json" }),
      [{ channel: "#web", paths: ["web/**"] }],
      { channels: ["#web"], reasons: ["routes[0] (paths web/**)"] },
    ],
    [
      "a route with paths never takes a comment without a file",
      comment,
      [{ channel: "#docs", paths: ["**"] }],
      { channels: ["#prs"], reasons: ["channel (no route matched)"] },
    ],
    [
      "a route with paths never takes a review",
      review,
      [{ channel: "#docs", paths: ["**"] }],
      { channels: ["#prs"], reasons: ["channel (no route matched)"] },
    ],
    [
      "labels: any of them, whatever the case",
      comment,
      [{ channel: "#triage", labels: ["ui", "BUG"] }],
      { channels: ["#triage"], reasons: ["routes[0] (labels BUG)"] },
    ],
    [
      "labels that the pull request does not have",
      comment,
      [{ channel: "#triage", labels: ["ui"] }],
      { channels: ["#prs"], reasons: ["channel (no route matched)"] },
    ],
    [
      "base globs against the base branch",
      review,
      [
        { channel: "#release", base: ["release/*"] },
        { channel: "#mainline", base: ["main", "mast*"] },
      ],
      { channels: ["#mainline"], reasons: ["routes[1] (base mast*)"] },
    ],
    [
      "base never matches while the base branch is unknown",
      comment,
      [{ channel: "#mainline", base: ["**"] }],
      { channels: ["#prs"], reasons: ["channel (no route matched)"] },
    ],
    [
      "authors, whatever the case",
      review,
      [{ channel: "#octo", authors: ["codertocat"] }],
      { channels: ["#octo"], reasons: ["routes[0] (authors Codertocat)"] },
    ],
    [
      "every condition of a route must hold",
      reviewComment,
      [
        { channel: "#docs-ui", paths: ["*.md"], labels: ["ui"] },
        {
          channel: "#docs-bugs",
          paths: ["*.md"],
          labels: ["bug"],
          base: ["master"],
          authors: ["Codertocat"],
        },
      ],
      {
        channels: ["#docs-bugs"],
        reasons: ["routes[1] (paths *.md, labels bug, base master, authors Codertocat)"],
      },
    ],
    [
      "every matching route gets the event, in the order written",
      reviewComment,
      [
        { channel: "#bugs", labels: ["bug"] },
        { channel: "#web", paths: ["web/**"] },
        { channel: "#docs", paths: ["**/*.md"] },
      ],
      {
        channels: ["#bugs", "#docs"],
        reasons: ["routes[0] (labels bug)", "routes[2] (paths **/*.md)"],
      },
    ],
    [
      "a channel two routes match is posted to once",
      reviewComment,
      [
        { channel: "#docs", labels: ["bug"] },
        { channel: "C0123456789", authors: ["Codertocat"] },
        { channel: "#docs", paths: ["*.md"] },
      ],
      {
        channels: ["#docs", "C0123456789"],
        reasons: [
          "routes[0] (labels bug) and routes[2] (paths *.md)",
          "routes[1] (authors Codertocat)",
        ],
      },
    ],
    [
      "a route without conditions takes everything",
      comment,
      [{ channel: "#all" }],
      { channels: ["#all"], reasons: ["routes[0] (no conditions)"] },
    ],
    [
      "an empty list is no condition",
      comment,
      [{ channel: "#all", labels: [], paths: [] }],
      { channels: ["#all"], reasons: ["routes[0] (no conditions)"] },
    ],
  ])("%s", (_name, event, routes, expected) => {
    expect(
      routeEvent(event, config({ channel: "#prs", routes }), {
        defaultChannel: DEFAULT_CHANNEL,
      }),
    ).toEqual(expected);
  });
});

describe("routeEvent: where unrouted events go", () => {
  const unmatched = [{ channel: "#web", paths: ["web/**"] }];

  test.each<
    [
      name: string,
      config: ThreadlineConfig | null,
      defaultChannel: string | undefined,
      expected: ReturnType<typeof routeEvent>,
    ]
  >([
    [
      "no config file and no SLACK_CHANNEL",
      null,
      undefined,
      {
        channels: [],
        skipped: "no .github/threadline.yml and no SLACK_CHANNEL",
      },
    ],
    [
      "no config file: SLACK_CHANNEL",
      null,
      DEFAULT_CHANNEL,
      {
        channels: [DEFAULT_CHANNEL],
        reasons: ["SLACK_CHANNEL (no .github/threadline.yml)"],
      },
    ],
    [
      "the config's channel before SLACK_CHANNEL",
      config({ channel: "#prs", routes: unmatched }),
      DEFAULT_CHANNEL,
      { channels: ["#prs"], reasons: ["channel (no route matched)"] },
    ],
    [
      "SLACK_CHANNEL when the config names no channel",
      config({ routes: unmatched }),
      DEFAULT_CHANNEL,
      {
        channels: [DEFAULT_CHANNEL],
        reasons: ["SLACK_CHANNEL (no route matched and .github/threadline.yml sets no channel)"],
      },
    ],
    [
      "nowhere at all",
      config({ routes: unmatched }),
      undefined,
      { channels: [], skipped: "no route matched and no channel set" },
    ],
    [
      "routes work without any fallback channel",
      config({ routes: [{ channel: "#bugs", labels: ["bug"] }] }),
      undefined,
      { channels: ["#bugs"], reasons: ["routes[0] (labels bug)"] },
    ],
  ])("%s", (_name, settings, defaultChannel, expected) => {
    expect(routeEvent(comment, settings, { defaultChannel })).toEqual(expected);
  });
});

describe("needsBaseBranch", () => {
  test.each<[name: string, config: ThreadlineConfig | null, expected: boolean]>([
    ["no config file", null, false],
    ["no routes", config({ channel: "#prs" }), false],
    [
      "routes on other conditions",
      config({
        routes: [{ channel: "#web", paths: ["web/**"], labels: ["ui"] }],
      }),
      false,
    ],
    [
      "a route on base",
      config({
        routes: [
          { channel: "#web", paths: ["web/**"] },
          { channel: "#release", base: ["release/*"] },
        ],
      }),
      true,
    ],
    [
      "a route with an empty base list",
      config({ routes: [{ channel: "#release", base: [] }] }),
      false,
    ],
  ])("%s", (_name, settings, expected) => {
    expect(needsBaseBranch(settings)).toBe(expected);
  });
});

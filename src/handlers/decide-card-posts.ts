import type { ConfigSource } from "../config/config-source.js";
import type { ThreadlineConfig } from "../config/schema.js";
import {
  CARD_ORDER_KEY,
  CARD_PART,
  cardGroupKeyOf,
  orderKeyOf,
  type OutgoingPost,
} from "../delivery/outgoing-post.js";
import type { Announcement, PullRequestUpdate } from "../events/conversation-event.js";
import type { CardFact, PullRequestCard } from "../events/pull-request-card.js";
import type { Decision, GitHubEvent } from "./github-event.js";

/**
 * How long a card edit waits for more news of its pull request, by default: however many events
 * arrive meanwhile, the card is edited once with the newest state (Slack rate-limits
 * `chat.update`), so a card changes at most about once in this time.
 */
export const CARD_WAIT_MS = 5_000;

/** What every handler that changes a pull request's card needs. */
export interface CardDeps {
  /** For `replies:` (the card's footer) and `announce:`. */
  configs?: ConfigSource;
  /** Channels where the pull request's thread exists. */
  threadChannels: (threadKey: string) => Promise<string[]>;
  /**
   * Merges a fact into the pull request's kept card, resolving to the card as kept (undefined
   * when none is kept and the fact cannot start one).
   */
  rememberPullRequest: (threadKey: string, fact: CardFact) => Promise<PullRequestCard | undefined>;
  /** How long a card edit waits for more news (ms); CARD_WAIT_MS by default. */
  cardWaitMs?: number;
}

/** News `announce:` may ask to be posted in the thread, beside the card's edit. */
export interface CardNews {
  what: Announcement;
  update: PullRequestUpdate;
  /** Who did it. */
  by: string;
}

/**
 * The posts for pull requests whose card just changed (their facts are kept already): in every
 * channel that has the pull request's thread, one card edit, grouped with the pull request's other
 * card edits there and waiting `cardWaitMs`, so one edit answers them all; and, when the config
 * asks for it, the news as a reply in the thread. A pull request without a thread posts nothing:
 * its card shows the news when a comment posts it.
 */
export async function decideCardPosts(
  event: GitHubEvent,
  deps: CardDeps,
  threadKeys: readonly string[],
  repository: { owner: string; repo: string },
  news?: CardNews,
): Promise<Decision> {
  const threads = await Promise.all(
    threadKeys.map(async (threadKey) => ({
      threadKey,
      channels: await deps.threadChannels(threadKey),
    })),
  );
  const carried = threads.filter(({ channels }) => channels.length > 0);
  if (carried.length === 0) {
    const pullRequest = threadKeys.join(", ");
    event.log.debug(
      { pullRequest },
      "no thread for this pull request yet; its first comment's parent will show the news",
    );
    return {
      skipped: "no thread for this pull request yet; its first comment's parent will show it",
      explanation: { pullRequest },
    };
  }
  const config = await readConfig(event, deps.configs, repository);
  const announce = news && config?.announce.includes(news.what) ? news : undefined;
  const posts: OutgoingPost[] = carried.flatMap(({ threadKey, channels }) =>
    channels.flatMap((channel) => [
      {
        channel,
        content: { type: "parent" as const, replies: config?.replies ?? "off" },
        threadKey,
        orderKey: CARD_ORDER_KEY,
        groupKey: cardGroupKeyOf(threadKey),
        waitMs: deps.cardWaitMs ?? CARD_WAIT_MS,
        part: CARD_PART,
      },
      ...(announce
        ? [
            {
              channel,
              content: {
                type: "announcement" as const,
                update: announce.update,
                what: announce.what,
                by: announce.by,
              },
              threadKey,
              orderKey: orderKeyOf(announce.update.updatedAt),
            },
          ]
        : []),
    ]),
  );
  return {
    posts,
    explanation: {
      pullRequest: carried.map(({ threadKey }) => threadKey).join(", "),
      channels: carried.flatMap(({ channels }) =>
        channels.map((channel) => ({
          channel,
          because: "the pull request's thread is in this channel",
        })),
      ),
    },
  };
}

/** The repository's config from the cache, as a comment's delivery reads it; unreadable: none. */
async function readConfig(
  event: GitHubEvent,
  configs: ConfigSource | undefined,
  repository: { owner: string; repo: string },
): Promise<ThreadlineConfig | undefined> {
  const loaded = await configs?.get(event.octokit, repository).catch((error: unknown) => {
    // An unreadable config only loses the footer and the announcements; the card is edited.
    event.log.debug({ error: String(error) }, "config unreadable; the card shows no footer");
    return undefined;
  });
  return loaded?.status === "found" ? loaded.config : undefined;
}

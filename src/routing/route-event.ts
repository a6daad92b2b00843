import picomatch from "picomatch";
import { configSchema, type Route, type ThreadlineConfig } from "../config/schema.js";
import { EVENT_NAME_BY_KIND, type ConversationEvent } from "../events/conversation-event.js";

export interface RouteOptions {
  /** SLACK_CHANNEL: where events go when the repository's config names no channel of its own. */
  defaultChannel?: string | undefined;
}

/** The channels to post to, each with why; or why the event goes nowhere. */
export type Routed =
  | {
      channels: string[];
      /** `reasons[i]` explains `channels[i]`, for the log. */
      reasons: string[];
      skipped?: undefined;
    }
  | { channels: []; reasons?: undefined; skipped: string };

/** Schema defaults, for repositories without a `.github/threadline.yml`. */
const DEFAULT_CONFIG: ThreadlineConfig = configSchema.parse({});

/**
 * Decides where a conversation event goes. The config's `events` and `ignore` filters run first;
 * then every route whose conditions all hold adds its channel, and when none does the event goes to
 * the config's `channel`, else SLACK_CHANNEL. `config` is null when the repository has no file.
 */
export function routeEvent(
  event: ConversationEvent,
  config: ThreadlineConfig | null,
  options: RouteOptions = {},
): Routed {
  const { defaultChannel } = options;
  if (!config && !defaultChannel) {
    return {
      channels: [],
      skipped: "no .github/threadline.yml and no SLACK_CHANNEL",
    };
  }
  const settings = config ?? DEFAULT_CONFIG;

  const filtered = skipReason(event, settings);
  if (filtered) return { channels: [], skipped: filtered };

  const channels: string[] = [];
  const reasons: string[] = [];
  settings.routes.forEach((route, index) => {
    const matched = matchRoute(route, event);
    if (!matched) return;
    const reason = `routes[${index}] (${matched})`;
    const seen = channels.indexOf(route.channel);
    if (seen === -1) {
      channels.push(route.channel);
      reasons.push(reason);
    } else {
      reasons[seen] = `${reasons[seen]} and ${reason}`;
    }
  });
  if (channels.length > 0) return { channels, reasons };

  if (config?.channel) {
    return {
      channels: [config.channel],
      reasons: ["channel (no route matched)"],
    };
  }
  if (defaultChannel) {
    return {
      channels: [defaultChannel],
      reasons: [
        config
          ? "SLACK_CHANNEL (no route matched and .github/threadline.yml sets no channel)"
          : "SLACK_CHANNEL (no .github/threadline.yml)",
      ],
    };
  }
  return { channels: [], skipped: "no route matched and no channel set" };
}

/**
 * Whether routing may read the pull request's base branch. `issue_comment` payloads do not carry
 * it, so the caller fetches the pull request for those only when this is true.
 */
export function needsBaseBranch(config: ThreadlineConfig | null): boolean {
  return config?.routes.some((route) => given(route.base)) ?? false;
}

/** Why the config's filters drop this event, naming the setting that does it; undefined if none does. */
function skipReason(event: ConversationEvent, config: ThreadlineConfig): string | undefined {
  const eventName = EVENT_NAME_BY_KIND[event.kind];
  if (!config.events.includes(eventName)) {
    return `events: ${eventName} are not carried`;
  }
  const { ignore } = config;
  const login = event.author.login;
  if (ignore.bots && event.author.isBot) {
    return `ignore.bots: ${login} is a bot`;
  }
  if (includesIgnoringCase(ignore.authors, login)) {
    return `ignore.authors: ${login} is ignored`;
  }
  const label = firstCommon(ignore.labels, event.pullRequest.labels);
  if (label !== undefined) {
    return `ignore.labels: the pull request has the label ${label}`;
  }
  if (ignore.drafts && event.pullRequest.draft) {
    return "ignore.drafts: the pull request is a draft";
  }
  return undefined;
}

/**
 * Describes how `route` matched (`paths web/**, labels ui`: the pattern or value that held for each
 * condition), or undefined when any of its conditions fails. An empty list is read as "no
 * condition", the same as leaving the key out.
 */
function matchRoute(route: Route, event: ConversationEvent): string | undefined {
  const matched: string[] = [];

  if (given(route.paths)) {
    // A route about files never takes a conversation comment or a review, which have no file.
    const path = event.location?.path;
    const glob = path === undefined ? undefined : firstGlobMatching(route.paths, path);
    if (glob === undefined) return undefined;
    matched.push(`paths ${glob}`);
  }
  if (given(route.labels)) {
    const label = firstCommon(route.labels, event.pullRequest.labels);
    if (label === undefined) return undefined;
    matched.push(`labels ${label}`);
  }
  if (given(route.base)) {
    const base = event.pullRequest.base;
    const glob = base === undefined ? undefined : firstGlobMatching(route.base, base);
    if (glob === undefined) return undefined;
    matched.push(`base ${glob}`);
  }
  if (given(route.authors)) {
    if (!includesIgnoringCase(route.authors, event.author.login)) return undefined;
    matched.push(`authors ${event.author.login}`);
  }

  return matched.length > 0 ? matched.join(", ") : "no conditions";
}

function given(list: readonly string[] | undefined): list is string[] {
  return list !== undefined && list.length > 0;
}

/**
 * Compiled globs by pattern. Configs come from a cache, so the same pattern is matched many times;
 * `dot: true` because `web/**` is meant to cover `web/.eslintrc` too.
 */
const matchers = new Map<string, picomatch.Matcher>();

function firstGlobMatching(globs: readonly string[], value: string): string | undefined {
  return globs.find((glob) => {
    let matcher = matchers.get(glob);
    if (!matcher) {
      matcher = picomatch(glob, { dot: true });
      if (matchers.size >= 1_000) matchers.clear();
      matchers.set(glob, matcher);
    }
    return matcher(value);
  });
}

/** GitHub logins and label names are unique regardless of case, so they are compared that way. */
function includesIgnoringCase(list: readonly string[], value: string): boolean {
  const wanted = value.toLowerCase();
  return list.some((item) => item.toLowerCase() === wanted);
}

/** The first of `wanted` that `present` has, ignoring case, as written in `wanted`. */
function firstCommon(wanted: readonly string[], present: readonly string[]): string | undefined {
  const have = new Set(present.map((item) => item.toLowerCase()));
  return wanted.find((item) => have.has(item.toLowerCase()));
}

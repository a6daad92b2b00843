import { LRUCache } from "lru-cache";
import type { ConfigSource } from "./config-source.js";
import {
  loadConfig,
  type ConfigOctokit,
  type LoadedConfig,
  type RepositoryRef,
} from "./load-config.js";

export interface ConfigCacheOptions {
  /** How long a loaded config is trusted, in milliseconds. A push to the file also clears it. */
  ttlMs?: number;
  /** Most repositories remembered at once; the least recently used are dropped first. */
  max?: number;
  /** The loader; `loadConfig` unless a test counts calls. */
  load?: (octokit: ConfigOctokit, repository: RepositoryRef) => Promise<LoadedConfig>;
  /** Milliseconds on a monotonic clock; `performance.now` unless a test moves time itself. */
  now?: () => number;
}

/**
 * Keeps each repository's config for `ttlMs` (a minute by default), so a busy pull request does not
 * cost a GitHub request per comment. Missing and invalid configs are kept too: a repository without
 * a file, or with a broken one, is the common case that would otherwise ask GitHub every time.
 * Concurrent requests for a repository share one load; a failed load is not kept.
 */
export function createConfigCache(options: ConfigCacheOptions = {}): ConfigSource {
  const { ttlMs = 60_000, max = 10_000, load = loadConfig } = options;
  const cache = new LRUCache<string, LoadedConfig>({
    max,
    ttl: ttlMs,
    // lru-cache otherwise reuses one clock reading for a millisecond, which hides a test's clock step.
    ttlResolution: 0,
    ...(options.now ? { perf: { now: options.now } } : {}),
  });
  const inFlight = new Map<string, Promise<LoadedConfig>>();

  return {
    async get(octokit, repository) {
      const key = keyOf(repository.owner, repository.repo);
      const cached = cache.get(key);
      if (cached) return cached;
      const pending = inFlight.get(key);
      if (pending) return pending;

      const loading = (typeof octokit === "function" ? octokit() : Promise.resolve(octokit))
        .then((resolved) => load(resolved, repository))
        .then(
          (loaded) => {
            // An invalidation while loading removed this entry; the result may predate the push.
            if (inFlight.get(key) === loading) {
              cache.set(key, loaded);
              inFlight.delete(key);
            }
            return loaded;
          },
          (error: unknown) => {
            if (inFlight.get(key) === loading) inFlight.delete(key);
            throw error;
          },
        );
      inFlight.set(key, loading);
      return loading;
    },

    invalidate(owner, repo) {
      const key = keyOf(owner, repo);
      cache.delete(key);
      inFlight.delete(key);
    },

    invalidateOwner(owner) {
      const prefix = keyOf(owner, "");
      for (const key of [...cache.keys()]) {
        if (key.startsWith(prefix)) cache.delete(key);
      }
      for (const key of [...inFlight.keys()]) {
        if (key.startsWith(prefix)) inFlight.delete(key);
      }
    },

    invalidateAll() {
      cache.clear();
      inFlight.clear();
    },
  };
}

/** GitHub owner and repository names are case-insensitive; webhooks do not always agree on case. */
function keyOf(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}

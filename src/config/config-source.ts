import type { ConfigOctokit, LoadedConfig, RepositoryRef } from "./load-config.js";

/**
 * Where handlers get a repository's config from. The app passes the cache; a test may pass a stub
 * that returns a fixed result.
 */
export interface ConfigSource {
  /** The repository's effective config, loaded with `octokit` when not already known. */
  get(octokit: ConfigOctokit, repository: RepositoryRef): Promise<LoadedConfig>;
  /** Forget one repository's config, after a push changed its `.github/threadline.yml`. */
  invalidate(owner: string, repo: string): void;
  /**
   * Forget every repository of `owner`, after a push changed the owner's `.github` repository,
   * which is the fallback for all of them.
   */
  invalidateOwner(owner: string): void;
  /** Forget everything (changes were missed, so any entry may be stale). */
  invalidateAll(): void;
}

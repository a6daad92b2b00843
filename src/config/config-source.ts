import type { ConfigOctokit, LoadedConfig, RepositoryRef } from "./load-config.js";

/**
 * An Octokit, or a way to make one when it is needed: with the config cached, most deliveries
 * call no GitHub API, and making an installation's Octokit is not free.
 */
export type OctokitSource = ConfigOctokit | (() => Promise<ConfigOctokit>);

/**
 * Where handlers get a repository's config from. The app passes the cache; a test may pass a stub
 * that returns a fixed result.
 */
export interface ConfigSource {
  /** The repository's effective config, loaded with `octokit` when not already known. */
  get(octokit: OctokitSource, repository: RepositoryRef): Promise<LoadedConfig>;
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

import { LRUCache } from "lru-cache";
import type { Probot } from "probot";
import type { RepositoryRef } from "./pull-request-comments.js";

/**
 * The App's installation on a repository, asked once as the App (its JWT) and kept for an hour:
 * a Slack reply carries no installation id the way a GitHub delivery does.
 */
export function repositoryInstallations(
  probot: Pick<Probot, "auth">,
): (repository: RepositoryRef) => Promise<number> {
  const installations = new LRUCache<string, number>({ max: 10_000, ttl: 3_600_000 });
  return async ({ owner, repo }) => {
    const key = `${owner}/${repo}`;
    const known = installations.get(key);
    if (known !== undefined) return known;
    const app = await probot.auth();
    const { data } = await app.request("GET /repos/{owner}/{repo}/installation", { owner, repo });
    installations.set(key, data.id);
    return data.id;
  };
}

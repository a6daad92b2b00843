/**
 * GitHub's REST API faked with nock: the installation token exchange and the config file reads
 * that Probot's config plugin makes (repository first, then the owner's `.github` repository).
 */
import nock from "nock";

export const GITHUB_API = "https://api.github.com";
export const CONFIG_PATH = ".github/threadline.yml";

/** nock scope for GitHub's API; callers add interceptors and the test asserts `isDone()`. */
export function github(): nock.Scope {
  return nock(GITHUB_API);
}

/** The App trades its JWT for an installation token once per installation (Probot caches it). */
export function mockInstallationToken(installationId: number): nock.Scope {
  return github()
    .post(`/app/installations/${installationId}/access_tokens`)
    .reply(201, {
      token: "ghs_installation_token_for_tests",
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      permissions: { issues: "read", pull_requests: "read", single_file: "read", metadata: "read" },
      repository_selection: "all",
    });
}

function contentsPath(owner: string, repo: string): string {
  return `/repos/${owner}/${repo}/contents/${encodeURIComponent(CONFIG_PATH)}`;
}

/** `.github/threadline.yml` in `owner/repo` holds `yaml`, read `times` times. */
export function mockConfigFile(owner: string, repo: string, yaml: string, times = 1): nock.Scope {
  return github()
    .get(contentsPath(owner, repo))
    .times(times)
    .reply(200, yaml, { "content-type": "application/vnd.github.v3.raw; charset=utf-8" });
}

/** No config in the repository nor in the owner's `.github` repository. */
export function mockNoConfig(owner: string, repo: string): nock.Scope {
  return github()
    .get(contentsPath(owner, repo))
    .reply(404, { message: "Not Found" })
    .get(contentsPath(owner, ".github"))
    .reply(404, { message: "Not Found" });
}

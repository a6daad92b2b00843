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

/**
 * No config in the repository nor in the owner's `.github` repository, which the App cannot see
 * (GitHub answers 404 for a repository the installation does not include). The App looks at that
 * repository once per owner, to say why an organisation-wide config is not found.
 */
export function mockNoConfig(owner: string, repo: string): nock.Scope {
  return github()
    .get(contentsPath(owner, repo))
    .reply(404, NOT_FOUND)
    .get(contentsPath(owner, ".github"))
    .reply(404, NOT_FOUND)
    .get(`/repos/${owner}/.github`)
    .optionally()
    .reply(404, NOT_FOUND);
}

const NOT_FOUND = {
  message: "Not Found",
  documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content",
  status: "404",
};

/**
 * GitHub's answer when the App's "Single file" permission does not name the path (a manifest
 * cannot set it, so every App registered by the setup page starts this way), or the installation
 * does not include the repository holding the file.
 */
export const NOT_ACCESSIBLE = {
  message: "Resource not accessible by integration",
  documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content",
  status: "403",
};

/** GitHub refuses the App the config file of `owner/repo` (403), `times` times. */
export function mockConfigRefused(owner: string, repo: string, times = 1): nock.Scope {
  return github().get(contentsPath(owner, repo)).times(times).reply(403, NOT_ACCESSIBLE);
}

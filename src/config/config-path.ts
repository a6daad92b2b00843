/**
 * Where a repository keeps its threadline settings. Probot's config plugin also looks for it in the
 * owner's `.github` repository, so the same path names the organization-wide fallback.
 */
export const CONFIG_PATH = ".github/threadline.yml";

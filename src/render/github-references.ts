/**
 * GitHub's autolinked references, as GitHub links them in a comment: `#123` and `GH-123` in the
 * comment's own repository, `owner/repo#123`, commit SHAs (`owner/repo@sha` too), and full GitHub
 * URLs of issues, pull requests and commits shown short. Pure: it only builds the targets.
 */

/** Where the comment was written, which `#123` and bare SHAs refer to. */
export interface ReferenceScope {
  /** `https://github.com` or the GitHub Enterprise Server origin the event came from. */
  serverUrl: string;
  /** `owner/name` of the comment's repository; without it, `#123` and SHAs stay text. */
  repository?: string | undefined;
}

/** A reference found in text: what to show, and where it points. */
export interface Reference {
  label: string;
  url: string;
}

/** Commits show their first seven characters, as GitHub shows them. */
const SHORT_SHA = 7;

/**
 * A SHA must mix letters and digits: GitHub links one only when such a commit exists, which a
 * renderer cannot ask, and `1234567` or `defaced` are far likelier to be a number or a word.
 */
function looksLikeSha(text: string): boolean {
  return /[0-9]/.test(text) && /[a-f]/.test(text);
}

/**
 * Each kind of reference, at a word boundary. One bounded quantifier per part, so a scan is
 * linear in the text's length.
 */
export const REFERENCE_PATTERNS = [
  String.raw`(?<![A-Za-z0-9_./-])(?<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})\/(?<repo>[A-Za-z0-9._-]{1,100})(?:#(?<crossNumber>\d{1,9})|@(?<crossSha>[0-9a-f]{7,40}))(?![A-Za-z0-9_])`,
  String.raw`(?<![A-Za-z0-9_&/#])#(?<number>\d{1,9})(?![A-Za-z0-9_])`,
  String.raw`(?<![A-Za-z0-9_-])GH-(?<ghNumber>\d{1,9})(?![A-Za-z0-9_])`,
  String.raw`(?<![A-Za-z0-9_@/.#-])(?<sha>[0-9a-f]{7,40})(?![A-Za-z0-9_-])`,
];

/** The reference a match of {@link REFERENCE_PATTERNS} stands for, or none (text stays text). */
export function referenceOf(
  groups: Record<string, string | undefined>,
  whole: string,
  scope: ReferenceScope,
): Reference | undefined {
  const { serverUrl, repository } = scope;
  const { owner, repo, crossNumber, crossSha, number, ghNumber, sha } = groups;
  if (owner !== undefined && repo !== undefined) {
    if (crossNumber !== undefined) {
      return { label: whole, url: `${serverUrl}/${owner}/${repo}/issues/${crossNumber}` };
    }
    if (crossSha !== undefined && looksLikeSha(crossSha)) {
      return {
        label: `${owner}/${repo}@${crossSha.slice(0, SHORT_SHA)}`,
        url: `${serverUrl}/${owner}/${repo}/commit/${crossSha}`,
      };
    }
    return undefined;
  }
  if (repository === undefined) {
    return undefined;
  }
  const issue = number ?? ghNumber;
  if (issue !== undefined) {
    return { label: whole, url: `${serverUrl}/${repository}/issues/${issue}` };
  }
  if (sha !== undefined && looksLikeSha(sha)) {
    return { label: sha.slice(0, SHORT_SHA), url: `${serverUrl}/${repository}/commit/${sha}` };
  }
  return undefined;
}

const COMMENT_ANCHOR = /^#(?:issuecomment-|discussion_r|r)\d+$/;
const REVIEW_ANCHOR = /^#pullrequestreview-\d+$/;

/**
 * The short form GitHub shows for a bare link to one of its issues, pull requests or commits
 * (`#123`, `owner/repo#123`, `#123 (comment)`, `abc1234`, `owner/repo@abc1234`), or `undefined`
 * for any other URL, which keeps showing in full.
 */
export function shortGitHubLabel(url: string, scope: ReferenceScope): string | undefined {
  let parsed: URL;
  let server: URL;
  try {
    parsed = new URL(url);
    server = new URL(scope.serverUrl);
  } catch {
    return undefined;
  }
  if (parsed.origin !== server.origin || parsed.search !== "") {
    return undefined;
  }
  const [owner, repo, kind, id, more, commit, ...rest] = parsed.pathname
    .replace(/^\/+|\/+$/g, "")
    .split("/");
  if (owner === undefined || repo === undefined || rest.length > 0) {
    return undefined;
  }
  const fullName = `${owner}/${repo}`;
  const here = fullName.toLowerCase() === scope.repository?.toLowerCase();
  const commitLabel = (sha: string): string | undefined =>
    /^[0-9a-f]{7,40}$/.test(sha) && parsed.hash === ""
      ? `${here ? "" : `${fullName}@`}${sha.slice(0, SHORT_SHA)}`
      : undefined;
  if (kind === "commit" && id !== undefined && more === undefined) {
    return commitLabel(id);
  }
  if ((kind !== "issues" && kind !== "pull") || id === undefined || !/^\d+$/.test(id)) {
    return undefined;
  }
  if (kind === "pull" && more === "commits" && commit !== undefined) {
    return commitLabel(commit);
  }
  if (more !== undefined) {
    return undefined;
  }
  const reference = `${here ? "" : fullName}#${id}`;
  if (parsed.hash === "") {
    return reference;
  }
  if (COMMENT_ANCHOR.test(parsed.hash)) {
    return `${reference} (comment)`;
  }
  return REVIEW_ANCHOR.test(parsed.hash) ? `${reference} (review)` : undefined;
}

/** The password in a database URL, if any, as written and decoded (a driver may quote either). */
export function databasePasswordsOf(databaseUrl: string | undefined): string[] {
  if (!databaseUrl || !URL.canParse(databaseUrl)) return [];
  const { password } = new URL(databaseUrl);
  if (!password) return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password];
  }
}

/**
 * GitHub's tokens by their documented prefixes: user access (`ghu_`), refresh (`ghr_`), OAuth
 * (`gho_`), installation (`ghs_`), personal (`ghp_`, `github_pat_`). People's tokens are not known
 * when the logger is made, so they are masked by their shape wherever a line carries one.
 */
const GITHUB_TOKEN = /\b(gh[pousr]|github_pat)_[A-Za-z0-9_]{16,}/g;

/** `text` with anything shaped like a GitHub token masked, its prefix kept (`ghu_[redacted]`). */
export function maskGitHubTokens(text: string): string {
  return text.includes("gh") ? text.replace(GITHUB_TOKEN, "$1_[redacted]") : text;
}

/**
 * Builds a function that masks every known secret in a piece of text, and anything shaped like a
 * GitHub token ({@link maskGitHubTokens}).
 *
 * Log lines are JSON, so a secret with newlines (a PEM key) appears JSON-escaped; both forms are
 * masked. A PEM key's body lines are masked one by one too, so a partial quote of the key is caught.
 */
export function createSecretRedactor(secrets: readonly string[]): (text: string) => string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    needles.add(secret);
    needles.add(JSON.stringify(secret).slice(1, -1));
    for (const line of secret.split(/\r?\n/)) {
      if (line.length >= 16 && !line.startsWith("-----")) needles.add(line.trim());
    }
  }
  // Longest first, so a whole key is masked before its lines are looked for.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const needle of ordered) {
      if (result.includes(needle)) result = result.split(needle).join("[redacted]");
    }
    return maskGitHubTokens(result);
  };
}

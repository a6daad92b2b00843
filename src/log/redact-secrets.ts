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
 * Builds a function that masks every known secret in a piece of text.
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
  if (ordered.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const needle of ordered) {
      if (result.includes(needle)) result = result.split(needle).join("[redacted]");
    }
    return result;
  };
}

/** What to do about failures an operator meets, by the code SQLite or Node gives them. */
const FIXES: Record<string, string> = {
  SQLITE_BUSY: "another process held a write lock for more than 5 seconds; try again in a moment",
  SQLITE_CANTOPEN:
    "check DATABASE_URL, and that this user may read and write the file and its directory",
  SQLITE_NOTADB: "check that DATABASE_URL points at the App's database",
  SQLITE_READONLY: "run as the user the App runs as, who may write the database",
  EACCES: "run as the user the App runs as, who may write the database",
};

/**
 * An error as one line for stderr: its message and its causes' (a failed migration says which,
 * SQLite says why), then the fix for a known code.
 */
export function describeCliError(error: unknown): string {
  const messages: string[] = [];
  let fix: string | undefined;
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message && !messages.includes(message)) messages.push(message);
    const code = (current as { code?: unknown }).code;
    if (!fix && typeof code === "string") fix = FIXES[code];
    current = current instanceof Error ? current.cause : undefined;
  }
  if (fix) messages.push(fix);
  return messages.join(": ").replace(/\s+/g, " ").trim();
}

/**
 * Comments typed in GitHub's web editor arrive with CRLF line endings (and diff hunks of files
 * written on Windows too). Normalised once, on the way in, so no `\r` reaches the text or counts
 * against Slack's limits.
 */
export function normalizeLineEndings(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

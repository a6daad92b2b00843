/**
 * The candidate a mistyped word was most likely meant to be, for "did you mean" hints.
 * Comparison ignores case and treats `-` and `_` alike, because `review-comments` and
 * `Routes` are the slips people make; the cut-off keeps unrelated words from being suggested.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const wanted = canonical(word);
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, canonical(candidate));
    if (distance <= limit && (!best || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

function canonical(word: string): string {
  return word.toLowerCase().replaceAll("-", "_");
}

/** Levenshtein distance with one row of memory; the words compared here are a few letters long. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

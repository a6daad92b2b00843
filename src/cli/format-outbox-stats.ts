import type { OutboxCounts } from "../store/outbox-operations.js";
import { STATUSES } from "./parse-outbox-command.js";
import { formatAge } from "./format-age.js";

export interface OutboxStats {
  counts: OutboxCounts;
  /** `created_at` of the oldest post not yet sent nor dead; null when nothing waits. */
  oldestWaitingSince: number | null;
}

/** Counts by status, the oldest waiting post's age, and where to look when some are dead. */
export function formatOutboxStats(
  { counts, oldestWaitingSince }: OutboxStats,
  now: number,
): string[] {
  const width = Math.max(...STATUSES.map((status) => String(counts[status]).length));
  const lines = STATUSES.map(
    (status) => `${status.padEnd(8)}${String(counts[status]).padStart(width)}`,
  );
  lines.push(
    `oldest waiting: ${oldestWaitingSince === null ? "none" : formatAge(now - oldestWaitingSince)}`,
  );
  if (counts.dead > 0) {
    lines.push(
      `${counts.dead} dead: see "threadline outbox list --status dead", fix the cause, then "threadline outbox retry <id...>"`,
    );
  }
  return lines;
}

/** The same figures for monitoring scripts, on one line. */
export function toOutboxStatsJson({ counts, oldestWaitingSince }: OutboxStats, now: number) {
  return {
    ...counts,
    oldestWaitingSince:
      oldestWaitingSince === null ? null : new Date(oldestWaitingSince).toISOString(),
    oldestWaitingAgeMs: oldestWaitingSince === null ? null : Math.max(0, now - oldestWaitingSince),
  };
}

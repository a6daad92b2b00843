import type { OutboxCounts, StoreFootprint } from "../store/outbox-operations.js";
import { STATUSES } from "./parse-outbox-command.js";
import { formatAge } from "./format-age.js";

export interface OutboxStats {
  counts: OutboxCounts;
  /** `created_at` of the oldest post not yet sent nor dead; null when nothing waits. */
  oldestWaitingSince: number | null;
  /** The database's size and its oldest delivery, to see that pruning keeps it small. */
  footprint: StoreFootprint;
}

/** `12.3 MB` */
function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Counts by status, the oldest waiting post's age, and where to look when some are dead. */
export function formatOutboxStats(
  { counts, oldestWaitingSince, footprint }: OutboxStats,
  now: number,
): string[] {
  const width = Math.max(...STATUSES.map((status) => String(counts[status]).length));
  const lines = STATUSES.map(
    (status) => `${status.padEnd(8)}${String(counts[status]).padStart(width)}`,
  );
  lines.push(
    `oldest waiting: ${oldestWaitingSince === null ? "none" : formatAge(now - oldestWaitingSince)}`,
  );
  lines.push(
    `database: ${footprint.bytes === null ? "size unknown" : formatBytes(footprint.bytes)}, oldest delivery kept: ${
      footprint.oldestDeliveryAt === null ? "none" : formatAge(now - footprint.oldestDeliveryAt)
    }`,
  );
  if (counts.dead > 0) {
    lines.push(
      `${counts.dead} dead: see "threadline outbox list --status dead", fix the cause, then "threadline outbox retry <id...>"`,
    );
  }
  return lines;
}

/** The same figures for monitoring scripts, on one line. */
export function toOutboxStatsJson(
  { counts, oldestWaitingSince, footprint }: OutboxStats,
  now: number,
) {
  return {
    ...counts,
    databaseBytes: footprint.bytes,
    oldestDeliveryAt:
      footprint.oldestDeliveryAt === null
        ? null
        : new Date(footprint.oldestDeliveryAt).toISOString(),
    oldestWaitingSince:
      oldestWaitingSince === null ? null : new Date(oldestWaitingSince).toISOString(),
    oldestWaitingAgeMs: oldestWaitingSince === null ? null : Math.max(0, now - oldestWaitingSince),
  };
}

import type { OutboxRow } from "../store/schema.js";
import { formatAge } from "./format-age.js";

/** Long enough for Slack's error code and the start of its fix; `--json` has the whole text. */
const LAST_ERROR_WIDTH = 60;

const HEADERS = ["ID", "STATUS", "CHANNEL", "PULL REQUEST", "ATTEMPTS", "AGE", "LAST ERROR"];

/**
 * One line of the table: control characters (from a channel name or an error text) would move
 * the terminal's cursor or colour the rest of the screen, so they become spaces.
 */
function cell(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ");
}

function shorten(text: string, width: number): string {
  const flat = cell(text).replace(/\s+/g, " ").trim();
  return flat.length > width ? `${flat.slice(0, width - 1).trimEnd()}…` : flat;
}

/** The posts as an aligned table, one line per post, age counted from when GitHub sent the event. */
export function formatOutboxTable(rows: readonly OutboxRow[], now: number): string[] {
  const table = rows.map((row) => [
    String(row.id),
    row.status,
    cell(row.channel),
    cell(row.thread_key),
    String(row.attempts),
    formatAge(now - Number(row.created_at)),
    row.last_error ? shorten(row.last_error, LAST_ERROR_WIDTH) : "",
  ]);
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...table.map((line) => line[column]!.length)),
  );
  return [HEADERS, ...table].map((line) =>
    line
      .map((text, column) => (column === line.length - 1 ? text : text.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd(),
  );
}

const isoOrNull = (ms: number | null): string | null =>
  ms === null ? null : new Date(Number(ms)).toISOString();

/**
 * One post for scripts (`jq`): every column but the post's content, which can be tens of kilobytes,
 * and the App id, which the caller already chose.
 */
export function toOutboxJson(row: OutboxRow, now: number): Record<string, unknown> {
  return {
    id: row.id,
    status: row.status,
    deliveryId: row.delivery_id,
    channel: row.channel,
    threadKey: row.thread_key,
    orderKey: row.order_key,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: isoOrNull(row.created_at),
    updatedAt: isoOrNull(row.updated_at),
    nextAttemptAt: isoOrNull(row.next_attempt_at),
    leaseUntil: isoOrNull(row.lease_until),
    sentAt: isoOrNull(row.sent_at),
    slackChannel: row.slack_channel,
    slackTs: row.slack_ts,
    ageMs: Math.max(0, now - Number(row.created_at)),
  };
}

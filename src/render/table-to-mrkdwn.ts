import stringWidth from "string-width";
import { escapeMrkdwnText } from "./escape-mrkdwn.js";

/** One table cell, as plain text (for the monospace grid) and as mrkdwn (for the record lines). */
export interface TableCellText {
  plain: string;
  mrkdwn: string;
}

/** A column's alignment as written in the table's delimiter row (`:--`, `--:`, `:-:`). */
export type ColumnAlign = "left" | "right" | "center" | null;

/**
 * Beyond this many characters a grid row wraps in Slack (on a laptop; phones wrap sooner), and a
 * wrapped grid is unreadable, so wider tables are written as `header: value` lines instead.
 */
export const MAX_GRID_WIDTH = 72;

/**
 * Columns a text takes in a monospace font: an accented letter one, an emoji or a CJK character
 * two (as terminals and Slack's code font draw them), a joiner or combining mark none.
 */
function width(text: string): number {
  return stringWidth(text);
}

function pad(text: string, size: number, align: ColumnAlign): string {
  const gap = size - width(text);
  if (align === "right") {
    return " ".repeat(gap) + text;
  }
  if (align === "center") {
    const left = Math.floor(gap / 2);
    return " ".repeat(left) + text + " ".repeat(gap - left);
  }
  return text + " ".repeat(gap);
}

function grid(
  header: string[] | undefined,
  rows: string[][],
  align: ColumnAlign[],
  widths: number[],
): string {
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => pad(cell, widths[column] ?? 0, align[column] ?? null))
      .join(" | ")
      .trimEnd();
  const rule = widths.map((size) => "-".repeat(size)).join("-+-");
  const lines = [...(header ? [line(header), rule] : []), ...rows.map(line)];
  return "```\n" + escapeMrkdwnText(lines.join("\n")) + "\n```";
}

function records(header: TableCellText[] | undefined, rows: TableCellText[][]): string {
  if (header === undefined) {
    // Without headers a row is its cells on one line, kept apart.
    return rows
      .map((row) =>
        row
          .map((cell) => cell.mrkdwn.replace(/\n+/g, " "))
          .filter((text) => text !== "")
          .join(" | "),
      )
      .join("\n");
  }
  return rows
    .map((row) =>
      row
        .map((cell, column) => {
          const label = header[column]?.plain.trim() ?? "";
          return label === "" ? cell.mrkdwn : `*${escapeMrkdwnText(label)}*: ${cell.mrkdwn}`;
        })
        .join("\n"),
    )
    .join("\n\n");
}

/**
 * A GitHub table (markdown, or HTML as bots write it) as Slack can show it, which has no tables:
 * an aligned monospace grid in a code block when it fits on a screen, otherwise one
 * `*header*: value` line per cell, a blank line between rows (links and formatting survive
 * there, which the grid cannot keep). Cells never run together. A table without a header row
 * (`header` empty) is drawn without one.
 */
export function tableToMrkdwn(
  header: TableCellText[],
  rows: TableCellText[][],
  align: ColumnAlign[],
): string {
  const columns = rows.reduce((most, row) => Math.max(most, row.length), header.length);
  const filled = (row: TableCellText[]): TableCellText[] =>
    Array.from({ length: columns }, (_, column) => row[column] ?? { plain: "", mrkdwn: "" });
  const plainHeader = header.length > 0 ? filled(header).map((cell) => cell.plain) : undefined;
  const plainRows = rows.map((row) => filled(row).map((cell) => cell.plain));
  const widths = Array.from({ length: columns }, (_, column) =>
    plainRows.reduce(
      (widest, row) => Math.max(widest, width(row[column] ?? "")),
      Math.max(width(plainHeader?.[column] ?? ""), 1),
    ),
  );
  const total = widths.reduce((sum, size) => sum + size, 0) + 3 * (columns - 1);
  if (total <= MAX_GRID_WIDTH) {
    return grid(plainHeader, plainRows, align, widths);
  }
  return records(header.length > 0 ? filled(header) : undefined, rows.map(filled));
}

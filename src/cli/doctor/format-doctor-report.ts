import type { DoctorCheck } from "./doctor-check.js";

const MARKS: Record<DoctorCheck["status"], string> = {
  ok: "✓",
  warn: "!",
  problem: "✗",
  note: "…",
};

/** One finding as the lines an admin reads: the mark and text, then the fix indented below it. */
export function formatCheck(check: DoctorCheck): string[] {
  const lines = [`${MARKS[check.status]} ${check.text}`];
  if (check.fix !== undefined && check.status !== "ok") {
    for (const line of check.fix.split("\n")) lines.push(`    ${line}`);
  }
  return lines;
}

/** The last line: how many problems and warnings remain, so a rerun shows progress. */
export function formatSummary(checks: readonly DoctorCheck[]): string {
  const problems = checks.filter((check) => check.status === "problem").length;
  const warnings = checks.filter((check) => check.status === "warn").length;
  return `${problems} problem${problems === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}

/**
 * One finding of `threadline doctor`. `ok` and `problem` are what an admin acts on; `warn` works
 * today but is risky or unproven; `note` says what was not checked, and is not counted.
 */
export interface DoctorCheck {
  status: "ok" | "warn" | "problem" | "note";
  text: string;
  /** What to do, for a problem or a warning: one or two lines, split at `\n`. */
  fix?: string;
}

/** Shorthands, so the checks read as the report does. */
export const ok = (text: string): DoctorCheck => ({ status: "ok", text });
export const warn = (text: string, fix?: string): DoctorCheck =>
  fix === undefined ? { status: "warn", text } : { status: "warn", text, fix };
export const problem = (text: string, fix: string): DoctorCheck => ({
  status: "problem",
  text,
  fix,
});
export const note = (text: string): DoctorCheck => ({ status: "note", text });

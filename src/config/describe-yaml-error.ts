import type { ConfigProblem } from "./config-error.js";

/** The parts of the `yaml` package's YAMLParseError that are read here. */
export interface YamlErrorLike {
  code?: string;
  message: string;
  linePos?: readonly { line: number; col: number }[];
}

/** What to do about the syntax errors people most often make in a hand-written config. */
const FIXES: Record<string, string> = {
  TAB_AS_INDENT: "indent with spaces",
  DUPLICATE_KEY: "keep one of the repeated fields",
  BAD_INDENT: "line the fields up under their parent and close every [ and {",
  MISSING_CHAR: "close every [, { and quote",
  BLOCK_AS_IMPLICIT_KEY: 'quote values that contain ": "',
  MULTILINE_IMPLICIT_KEY: "put each field: value on one line",
  UNEXPECTED_TOKEN: "check the quoting and indentation",
};

/**
 * YAML syntax error -> problem on its line. The `yaml` package appends a multi-line excerpt of the
 * file to its message; only the sentence before it is kept, so the log stays one line.
 */
export function describeYamlError(error: YamlErrorLike): ConfigProblem {
  const sentence = error.message.split(/ at line \d+, column \d+|\n/)[0] ?? "";
  const what = sentence.charAt(0).toLowerCase() + sentence.slice(1);
  const fix = error.code === undefined ? undefined : FIXES[error.code];
  return {
    line: error.linePos?.[0]?.line,
    field: "",
    message: `invalid YAML: ${what}${fix ? `; ${fix}` : ""}`,
  };
}

/** Whether `value` is an error from the `yaml` package, whichever copy of the package threw it. */
export function isYamlError(value: unknown): value is YamlErrorLike {
  return (
    value instanceof Error &&
    (value.name === "YAMLParseError" || value.name === "YAMLWarning") &&
    "linePos" in value
  );
}

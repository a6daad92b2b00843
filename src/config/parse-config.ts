import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { ConfigError, type ConfigProblem, type ConfigLocation } from "./config-error.js";
import { describeConfigIssues, describeNotMapping } from "./describe-config-issues.js";
import { describeYamlError } from "./describe-yaml-error.js";
import { configSchema, type ThreadlineConfig } from "./schema.js";

/** The validated settings, or why the file cannot be used. */
export type ParsedConfig =
  { config: ThreadlineConfig; error?: undefined } | { config?: undefined; error: ConfigError };

/**
 * Text of a `.github/threadline.yml` -> validated settings with defaults filled in, or a
 * ConfigError whose problems carry the line of each offending field. An empty file (or one with
 * only comments) means "all defaults". `_extends` is left to Probot's config plugin, which
 * resolves it before the settings are merged.
 */
export function parseConfig(text: string, source: ConfigLocation): ParsedConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const [syntaxError] = document.errors;
  if (syntaxError) {
    return {
      error: new ConfigError(source, [describeYamlError(syntaxError)], {
        cause: syntaxError,
      }),
    };
  }

  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

  let input: unknown;
  try {
    input = document.toJS();
  } catch (cause) {
    // Only reachable through alias bombs and similar; the yaml package names the reason.
    const message = cause instanceof Error ? cause.message : String(cause);
    return {
      error: new ConfigError(
        source,
        [{ line: undefined, field: "", message: `invalid YAML: ${message}` }],
        { cause },
      ),
    };
  }
  if (input === null || input === undefined) {
    return { config: configSchema.parse({}) };
  }
  if (typeof input !== "object" || Array.isArray(input)) {
    return {
      error: new ConfigError(source, [
        {
          line: lineAt(document.contents?.range[0]),
          field: "",
          message: describeNotMapping(input),
        },
      ]),
    };
  }

  const { _extends: extendsValue, ...settings } = input as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  if (extendsValue !== undefined && typeof extendsValue !== "string") {
    problems.push({
      line: lineAt(findOffset(document, ["_extends"], "value")),
      field: "_extends",
      message: "must name the file to extend, like .github or owner/repo:path/to/file.yml",
    });
  }

  const result = configSchema.safeParse(settings);
  if (!result.success) {
    const commentAt = (path: (string | number)[]): string | undefined => {
      const line = lineAt(findOffset(document, path, "value"));
      const lineText = line === undefined ? undefined : text.split(/\r?\n/)[line - 1];
      return lineText?.match(/\s#(\S.*)$/)?.[1];
    };
    for (const issue of describeConfigIssues(result.error.issues, settings, {
      commentAt,
    })) {
      problems.push({
        line: lineAt(findOffset(document, issue.path, issue.at)),
        field: issue.field,
        message: issue.message,
      });
    }
  }

  // Read top to bottom, the way the file is fixed.
  problems.sort(
    (a, b) => (a.line ?? Number.POSITIVE_INFINITY) - (b.line ?? Number.POSITIVE_INFINITY),
  );
  const [first, ...rest] = problems;
  if (first) {
    const cause = result.success ? undefined : result.error;
    return { error: new ConfigError(source, [first, ...rest], { cause }) };
  }
  if (!result.success) {
    // Unreachable: a failed parse always yields at least one issue.
    throw new Error("config schema failed without issues", {
      cause: result.error,
    });
  }
  return { config: result.data };
}

/**
 * Offset in the text of the field at `path`: its key when `at` is "key" (an unknown field), else
 * the value under it. When the path runs out (a required field that is missing) the deepest node
 * that exists is used, which is the object that lacks the field.
 */
function findOffset(
  document: Document,
  path: readonly (string | number)[],
  at: "key" | "value",
): number | undefined {
  let node: unknown = document.contents;
  let offset = rangeStart(node);
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => String(isScalar(item.key) ? item.key.value : item.key) === String(segment),
      );
      if (!pair) return offset;
      offset = rangeStart(pair.key) ?? offset;
      if (index === path.length - 1 && at === "key") return offset;
      node = pair.value;
      // A scalar sits on its own line; a nested list or mapping is reported at its key.
      if (isScalar(node)) offset = rangeStart(node) ?? offset;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      offset = rangeStart(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === "object" && "range" in node) {
    const { range } = node as { range?: readonly number[] | null };
    return range?.[0];
  }
  return undefined;
}

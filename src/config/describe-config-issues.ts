import { z } from "zod";
import { closestMatch } from "./closest-match.js";
import { configSchema } from "./schema.js";

/** A schema problem in words, with where it sits so the caller can find its line. */
export interface DescribedIssue {
  /** Keys and indexes from the top of the file to the field. */
  path: (string | number)[];
  /** Whether the problem is the key itself (an unknown field) or the value under it. */
  at: "key" | "value";
  /** `routes[0].channel` */
  field: string;
  /** What is wrong and how to fix it. */
  message: string;
}

export interface DescribeOptions {
  /**
   * The YAML comment on the line of the value at `path`, if any. `channel: #general` reads as an
   * empty channel followed by a comment, which is worth pointing out by name.
   */
  commentAt?: (path: (string | number)[]) => string | undefined;
}

const CHANNEL_EXAMPLE = "C0123456789";
const MEMBER_EXAMPLE = "U024BE7LH";

/**
 * Names people reach for that are not threadline's, mapped to the field they meant. Edit distance
 * cannot get from `branches` to `base`.
 */
const FIELD_ALIASES: Record<string, string> = {
  branch: "base",
  branches: "base",
  base_branch: "base",
  file: "paths",
  files: "paths",
  path: "paths",
  glob: "paths",
  globs: "paths",
  user: "authors",
  users: "authors",
  login: "authors",
  logins: "authors",
  author: "authors",
  event: "events",
  slack_channel: "channel",
};

/**
 * Zod issues from validating `.github/threadline.yml` -> one problem per wrong field, each saying
 * what was found and what to write instead. `input` is the parsed YAML, used to quote the value.
 */
export function describeConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  options: DescribeOptions = {},
): DescribedIssue[] {
  return issues.flatMap((issue) => describeIssue(issue, input, options));
}

function describeIssue(
  issue: z.core.$ZodIssue,
  input: unknown,
  options: DescribeOptions,
): DescribedIssue[] {
  const path = issue.path.filter(
    (segment): segment is string | number => typeof segment !== "symbol",
  );
  const value = valueAt(input, path);
  const problem = (message: string): DescribedIssue[] => [
    { path, at: "value", field: formatField(path), message },
  ];

  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeysAt(path);
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        return {
          path: keyPath,
          at: "key" as const,
          field: formatField(keyPath),
          message: unknownFieldMessage(key, known),
        };
      });
    }
    case "invalid_type":
      return problem(invalidTypeMessage(issue.expected, value, path, options));
    case "invalid_format":
      return problem(invalidFormatMessage(value, path));
    case "invalid_value": {
      const allowed = issue.values.map(String);
      const suggestion = typeof value === "string" ? closestMatch(value, allowed) : undefined;
      const hint = suggestion ? `; did you mean ${suggestion}?` : "";
      return problem(`${show(value)} is not one of ${listOf(allowed)}${hint}`);
    }
    case "too_small":
      return problem(
        issue.origin === "string" ? "must not be empty" : `must have at least ${issue.minimum}`,
      );
    case "invalid_key":
      return problem("has an empty GitHub login as a key; write each as login: MEMBER_ID");
    default:
      return problem(issue.message);
  }
}

function unknownFieldMessage(key: string, known: readonly string[]): string {
  const alias = FIELD_ALIASES[key.toLowerCase()];
  const suggestion = alias && known.includes(alias) ? alias : closestMatch(key, known);
  if (suggestion) {
    return `unknown field \`${key}\`; did you mean \`${suggestion}\`?`;
  }
  return known.length > 0
    ? `unknown field \`${key}\`; the fields here are ${listOf(known.map((name) => `\`${name}\``))}`
    : `unknown field \`${key}\``;
}

function invalidTypeMessage(
  expected: string,
  value: unknown,
  path: (string | number)[],
  options: DescribeOptions,
): string {
  const isChannel = path.at(-1) === "channel";
  if (value === undefined) {
    return isChannel
      ? `is required; use a channel ID like ${CHANNEL_EXAMPLE} or a name like "#pull-requests"`
      : "is required";
  }
  if (isChannel && value === null) {
    const comment = options.commentAt?.(path);
    if (comment !== undefined && /^[a-z0-9]/i.test(comment)) {
      const name = `#${comment.split(/\s/)[0] ?? ""}`;
      return `is empty because an unquoted # starts a YAML comment; write channel: "${name}"`;
    }
    return `is empty; use a channel ID like ${CHANNEL_EXAMPLE} or a quoted name like "#pull-requests"`;
  }
  switch (expected) {
    case "boolean":
      return `expected true or false, found ${show(value)}`;
    case "array":
      return typeof value === "string"
        ? `expected a list; write [${JSON.stringify(value)}]`
        : `expected a list, found ${show(value)}`;
    case "object":
    case "record":
      return `expected a mapping of field: value lines, found ${show(value)}`;
    case "string":
      return `expected text, found ${show(value)}`;
    default:
      return `expected ${expected}, found ${show(value)}`;
  }
}

function invalidFormatMessage(value: unknown, path: (string | number)[]): string {
  if (path[0] === "mentions") {
    return `${show(value)} is not a Slack member ID; copy the member ID from the person's Slack profile, like ${MEMBER_EXAMPLE}`;
  }
  return `${show(value)} is not a Slack channel; use a channel ID like ${CHANNEL_EXAMPLE} or a name like ${channelNameLike(value)}`;
}

/** The channel name the user probably meant: Slack names are lower case, without spaces. */
function channelNameLike(value: unknown): string {
  const name =
    typeof value === "string"
      ? value
          .replace(/^#/, "")
          .toLowerCase()
          .replace(/\s+/g, "-")
          .replace(/[^a-z0-9._-]/g, "")
      : "";
  return /^[a-z0-9]/.test(name) ? `#${name}` : "#pull-requests";
}

/** Names the fields the schema allows in the object at `path`, for unknown-field hints. */
function knownKeysAt(path: readonly (string | number)[]): string[] {
  let schema: z.core.$ZodType | undefined = configSchema;
  for (const segment of path) {
    schema = childSchema(unwrap(schema), segment);
    if (!schema) return [];
  }
  const target = unwrap(schema);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
    current = current.unwrap();
  }
  return current;
}

function childSchema(
  schema: z.core.$ZodType,
  segment: string | number,
): z.core.$ZodType | undefined {
  if (schema instanceof z.ZodObject) {
    return (schema.shape as Record<string, z.core.$ZodType>)[String(segment)];
  }
  if (schema instanceof z.ZodArray) return schema.element;
  if (schema instanceof z.ZodRecord) return schema.valueType;
  return undefined;
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** `routes[0].channel`; keys that are not plain words are bracketed, e.g. `mentions["app[bot]"]`. */
export function formatField(path: readonly (string | number)[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === "number") return `[${segment}]`;
      if (!/^[A-Za-z0-9_-]+$/.test(segment)) {
        return `[${JSON.stringify(segment)}]`;
      }
      return index === 0 ? segment : `.${segment}`;
    })
    .join("");
}

/** A value as the reader wrote it: strings quoted, lists and mappings by their kind. */
function show(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/** Why a file whose top level is a list or a bare value cannot be a config. */
export function describeNotMapping(value: unknown): string {
  return `the file must be a mapping of settings such as channel: "#pull-requests", found ${show(value)}`;
}

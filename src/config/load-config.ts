import type { ProbotOctokit } from "probot";
import type { z } from "zod";
import { isPermissionDenied, requestUrlOf } from "../github/github-error.js";
import { ConfigAccessError } from "./config-access-error.js";
import { ConfigError, type ConfigLocation, type ConfigProblem } from "./config-error.js";
import { CONFIG_PATH } from "./config-path.js";
import { describeConfigIssues, describeNotMapping } from "./describe-config-issues.js";
import { describeYamlError, isYamlError } from "./describe-yaml-error.js";
import { parseConfig } from "./parse-config.js";
import { configSchema, type ThreadlineConfig } from "./schema.js";

/** The two Octokit features config loading uses, so tests and callers may pass any Octokit with them. */
export type ConfigOctokit = Pick<ProbotOctokit, "config" | "request">;

export interface RepositoryRef {
  owner: string;
  repo: string;
}

/** A repository's effective config, or that it has none, or why the one it has cannot be used. */
export type LoadedConfig =
  | { status: "found"; config: ThreadlineConfig; source: ConfigLocation }
  | { status: "missing" }
  | { status: "invalid"; error: ConfigError };

/** One file Probot's config plugin read; `config` is null when the file does not exist. */
interface LoadedFile {
  owner: string;
  repo: string;
  path: string;
  config: unknown;
}

const PLUGIN_PREFIX = "[@probot/octokit-plugin-config] ";

/**
 * Loads `.github/threadline.yml` the way every Probot app does: the repository's file on its default
 * branch, else the owner's `.github` repository, following `_extends`, merged shallowly.
 *
 * A bad config is a result, not an exception: it comes back as `invalid` with the line of the
 * offending field. The merged settings carry no line numbers, so only on that rare path is the file
 * that holds the field fetched again as text. A 403 (the App may not read the file: the "Single
 * file" path is not set, or the App is not installed on the repository it falls back to) is thrown
 * as a ConfigAccessError that says the fix. Anything else that goes wrong talking to GitHub is
 * thrown with its `cause`, for the caller to log.
 */
export async function loadConfig(
  octokit: ConfigOctokit,
  { owner, repo }: RepositoryRef,
): Promise<LoadedConfig> {
  let loaded: { config: Record<string, unknown>; files: LoadedFile[] };
  try {
    loaded = await octokit.config.get({ owner, repo, path: CONFIG_PATH });
  } catch (error) {
    const invalid = fromPluginError(error, { owner, repo });
    if (invalid) return { status: "invalid", error: invalid };
    if (isPermissionDenied(error)) {
      const refused =
        locationInMessage(requestUrlOf(error) ?? "")?.repository ?? `${owner}/${repo}`;
      const requested = `${owner}/${repo}`;
      throw new ConfigAccessError(refused, refused === requested ? undefined : requested, {
        cause: error,
      });
    }
    throw new Error(`could not load ${CONFIG_PATH} for ${owner}/${repo}: ${messageOf(error)}`, {
      cause: error,
    });
  }

  const present = loaded.files.filter((file) => file.config !== null);
  const [first] = present;
  if (!first) return { status: "missing" };

  // The plugin merges with Object.assign, which silently drops a file that is a bare number or
  // string and spreads a list into "0", "1", …; catch those before the merged view hides them.
  const notMapping = present.find((file) => !isMapping(file.config));
  if (notMapping) {
    return {
      status: "invalid",
      error: await locateProblems(octokit, notMapping, [
        {
          line: undefined,
          field: "",
          message: describeNotMapping(notMapping.config),
        },
      ]),
    };
  }

  const result = configSchema.safeParse(loaded.config);
  if (result.success) {
    return { status: "found", config: result.data, source: locationOf(first) };
  }
  // Shallow merge: every top-level field comes whole from the first file that has it.
  const fileOf = (issue: z.core.$ZodIssue): LoadedFile => {
    const topKey =
      issue.code === "unrecognized_keys" && issue.path.length === 0 ? issue.keys[0] : issue.path[0];
    return (
      present.find(
        (file) => typeof topKey === "string" && Object.hasOwn(file.config as object, topKey),
      ) ?? first
    );
  };
  const [firstIssue] = result.error.issues;
  const culprit = firstIssue ? fileOf(firstIssue) : first;
  const withoutLines = describeConfigIssues(
    result.error.issues.filter((issue) => fileOf(issue) === culprit),
    loaded.config,
  ).map(({ field, message }) => ({ line: undefined, field, message }));
  return {
    status: "invalid",
    error: await locateProblems(octokit, culprit, withoutLines, result.error),
  };
}

/**
 * Re-reads `file` as text and validates it alone, which gives each problem its line. Should that
 * fail (the file changed or vanished in between, or GitHub is unwell), the problems found in the
 * merged settings are reported without lines rather than not at all.
 */
async function locateProblems(
  octokit: ConfigOctokit,
  file: LoadedFile,
  fallback: ConfigProblem[],
  cause?: unknown,
): Promise<ConfigError> {
  const location = locationOf(file);
  let fetchError: unknown;
  try {
    const text = await readText(octokit, file);
    const parsed = parseConfig(text, location);
    if (parsed.error) return parsed.error;
  } catch (error) {
    fetchError = error;
  }
  const [first, ...rest] = fallback;
  const problems: [ConfigProblem, ...ConfigProblem[]] = first
    ? [first, ...rest]
    : [{ line: undefined, field: "", message: "does not match the schema" }];
  return new ConfigError(location, problems, { cause: fetchError ?? cause });
}

/** A file's text, on the default branch or at `ref`. */
export async function readText(
  octokit: Pick<ConfigOctokit, "request">,
  file: { owner: string; repo: string; path: string },
  ref?: string,
): Promise<string> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
    owner: file.owner,
    repo: file.repo,
    path: file.path,
    ...(ref === undefined ? {} : { ref }),
    mediaType: { format: "raw" },
  });
  // With the raw media type GitHub answers with the file's bytes, which Octokit hands over as text.
  if (typeof data !== "string") {
    throw new Error(
      `${file.owner}/${file.repo} ${file.path}${ref === undefined ? "" : ` at ${ref}`} did not come back as text`,
    );
  }
  return data;
}

/**
 * The config plugin throws plain errors, prefixed with its name, for files it cannot use: invalid
 * YAML (with the `yaml` package's error, which has the line, as `cause`), a top level that is a
 * string, a bad or circular `_extends`. Those are the repository owner's to fix, so they become a
 * ConfigError; HTTP failures carry a `status` and are not matched here.
 */
function fromPluginError(error: unknown, requested: RepositoryRef): ConfigError | undefined {
  if (!(error instanceof Error) || !error.message.startsWith(PLUGIN_PREFIX)) {
    return undefined;
  }
  const message = error.message.slice(PLUGIN_PREFIX.length);
  const location = locationInMessage(message) ?? {
    repository: `${requested.owner}/${requested.repo}`,
    path: CONFIG_PATH,
  };
  return new ConfigError(location, [problemOf(message, error.cause)], {
    cause: error,
  });
}

function problemOf(message: string, cause: unknown): ConfigProblem {
  if (isYamlError(cause)) return describeYamlError(cause);
  if (message.includes("(YAML is not an object)")) {
    return {
      line: undefined,
      field: "",
      message:
        'the file must be a mapping of settings such as channel: "#pull-requests", found plain text',
    };
  }
  if (message.startsWith("Recursion detected")) {
    return {
      line: undefined,
      field: "_extends",
      message: "extends a file that is already part of the chain; remove the loop",
    };
  }
  if (message.includes("for _extends")) {
    return {
      line: undefined,
      field: "_extends",
      message: "must name the file to extend, like .github or owner/repo:path/to/file.yml",
    };
  }
  return { line: undefined, field: "", message: withoutUrls(message) };
}

/** The plugin names files by API URL: `…/repos/{owner}/{repo}/contents/{path}`. */
function locationInMessage(message: string): ConfigLocation | undefined {
  const match = /\/repos\/([^/\s]+)\/([^/\s]+)\/contents\/([^\s?]+)/.exec(message);
  if (!match) return undefined;
  const [, owner = "", repo = "", path = ""] = match;
  return {
    repository: `${decodeURIComponent(owner)}/${decodeURIComponent(repo)}`,
    path: decodeURIComponent(path),
  };
}

function withoutUrls(message: string): string {
  return message.replace(/\s*https?:\/\/\S+/g, "").trim();
}

function locationOf(file: LoadedFile): ConfigLocation {
  return { repository: `${file.owner}/${file.repo}`, path: file.path };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

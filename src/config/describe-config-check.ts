import { parseDocument } from "yaml";
import type { ConfigProblem } from "./config-error.js";
import { CONFIG_PATH } from "./config-path.js";
import type { ParsedConfig } from "./parse-config.js";
import type { Route, ThreadlineConfig } from "./schema.js";

/** What a pull request does to `.github/threadline.yml`, as seen at its head commit. */
export type ConfigChange =
  | { kind: "removed"; owner: string; repo: string }
  | {
      kind: "changed";
      owner: string;
      repo: string;
      /** The file's text at the head commit, for the `_extends` it names. */
      text: string;
      /** `parseConfig` of that text. */
      parsed: ParsedConfig;
    };

/** One line-level finding on the file, in the shape GitHub's check-runs API takes. */
export interface ConfigCheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "failure";
  /** The field, or "file" when the problem is the file as a whole. */
  title: string;
  message: string;
}

/** A completed check run's verdict and output, ready for `POST /repos/{owner}/{repo}/check-runs`. */
export interface ConfigCheck {
  conclusion: "success" | "failure";
  output: {
    title: string;
    summary: string;
    text?: string;
    annotations: ConfigCheckAnnotation[];
  };
}

/** GitHub accepts at most 50 annotations per check-runs request. */
export const MAX_ANNOTATIONS = 50;

/** GitHub refuses a check run whose `summary` or `text` is longer than this. */
export const MAX_OUTPUT_CHARS = 65_535;

const EVENT_WORDS: Record<ThreadlineConfig["events"][number], string> = {
  comments: "conversation comments",
  review_comments: "review comments on lines",
  reviews: "reviews",
};

/**
 * A pull request's `.github/threadline.yml` -> the check run that reports on it: failure with one
 * annotation per problem (at its line) when the file cannot be used, else success with the settings
 * it would put in force, so a reviewer sees where each route sends events before merging. Every value
 * taken from the file is shown as code or escaped, since GitHub renders the output as markdown.
 */
export function describeConfigCheck(change: ConfigChange): ConfigCheck {
  const isOrgDefaults = change.repo === ".github";
  if (change.kind === "removed") return describeRemoved(change.owner, isOrgDefaults);
  const { parsed } = change;
  if (parsed.error) return describeProblems(parsed.error.problems, change.owner, isOrgDefaults);
  return describeSettings(parsed.config, {
    owner: change.owner,
    isOrgDefaults,
    extendsFrom: extendsOf(change.text),
  });
}

function describeRemoved(owner: string, isOrgDefaults: boolean): ConfigCheck {
  const summary = isOrgDefaults
    ? `This pull request removes \`${CONFIG_PATH}\` from ${plain(owner)}'s \`.github\` repository. ` +
      "Once it is merged, repositories without their own file post to the deployment's `SLACK_CHANNEL`, " +
      "or nowhere if it is unset."
    : `This pull request removes \`${CONFIG_PATH}\`. Once it is merged, the file in ` +
      `${plain(owner)}'s \`.github\` repository applies, or the deployment's \`SLACK_CHANNEL\` if there is none.`;
  return {
    conclusion: "success",
    output: {
      title: isOrgDefaults
        ? "config removed: SLACK_CHANNEL will apply"
        : "config removed: the org's .github file or SLACK_CHANNEL will apply",
      summary,
      annotations: [],
    },
  };
}

function describeProblems(
  problems: readonly ConfigProblem[],
  owner: string,
  isOrgDefaults: boolean,
): ConfigCheck {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  const [first] = problems;
  const where = first?.line === undefined ? "" : `, first on line ${first.line}`;
  const affected = isOrgDefaults
    ? `nothing would be posted for any repository of ${plain(owner)} that relies on it`
    : "nothing would be posted for this repository";
  const annotated =
    problems.length > MAX_ANNOTATIONS
      ? ` The first ${MAX_ANNOTATIONS} are marked on the file; all are listed below.`
      : "";
  return {
    conclusion: "failure",
    output: {
      title: `${count} in ${CONFIG_PATH}${where}`,
      summary:
        `\`${CONFIG_PATH}\` cannot be used: ${count}. Merged as it is, ${affected} ` +
        `(threadline logs the error and skips every event until the file is fixed).${annotated}`,
      text: capLines(problems.map(problemLine)),
      annotations: problems.slice(0, MAX_ANNOTATIONS).map((problem) => ({
        path: CONFIG_PATH,
        start_line: problem.line ?? 1,
        end_line: problem.line ?? 1,
        annotation_level: "failure",
        title: problem.field === "" ? "file" : problem.field,
        message: problem.message,
      })),
    },
  };
}

function problemLine(problem: ConfigProblem): string {
  const where = [
    ...(problem.line === undefined ? [] : [`line ${problem.line}`]),
    ...(problem.field === "" ? [] : [code(problem.field)]),
  ];
  const prefix = where.length === 0 ? "" : `${where.join(", ")}: `;
  return `- ${prefix}${markdownMessage(problem.message)}`;
}

interface SettingsContext {
  owner: string;
  isOrgDefaults: boolean;
  extendsFrom: string | undefined;
}

function describeSettings(config: ThreadlineConfig, context: SettingsContext): ConfigCheck {
  const { owner, isOrgDefaults, extendsFrom } = context;
  const lines: string[] = [`\`${CONFIG_PATH}\` is valid.`];
  if (isOrgDefaults) {
    lines.push(
      "",
      `It is in ${plain(owner)}'s \`.github\` repository, so it applies to every repository of ` +
        `${plain(owner)} without its own file.`,
    );
  }
  if (extendsFrom !== undefined) {
    lines.push(
      "",
      `It extends ${code(extendsFrom)}: fields it leaves out come from there, which this check ` +
        "does not read, so the defaults shown for them may not be what applies.",
    );
  }

  // A list, so each setting is its own line however the markdown treats line breaks.
  lines.push("", `- **Default channel:** ${defaultChannel(config, context)}`);
  lines.push(`- **Events:** ${eventsCarried(config)}`);
  if (config.routes.length === 0) {
    lines.push("- **Routes:** none");
  } else {
    lines.push(
      "- **Routes** (every matching route gets the event; the default channel gets it only when none matches):",
    );
    config.routes.forEach((route, index) => {
      lines.push(`  - routes[${index}] → ${code(route.channel)} ${routeConditions(route)}`);
    });
  }
  lines.push(`- **Ignored:** ${ignored(config)}`);
  lines.push(
    `- **Threads:** ${
      config.threads
        ? `one parent message per pull request, comments as replies${config.broadcast ? ", also sent to the channel" : ""}`
        : "off: every comment is a message of its own"
    }; deleted comments are ${config.deleted === "remove" ? "removed" : "replaced by a tombstone"}`,
  );
  const mentions = Object.keys(config.mentions).length;
  lines.push(
    `- **Mentions:** ${
      mentions === 0
        ? "none"
        : `${mentions === 1 ? "1 GitHub login" : `${mentions} GitHub logins`} mapped to Slack members`
    }`,
  );

  const routes =
    config.routes.length === 0
      ? "no routes"
      : config.routes.length === 1
        ? "1 route"
        : `${config.routes.length} routes`;
  return {
    conclusion: "success",
    output: {
      title: `valid: default channel ${config.channel ?? "SLACK_CHANNEL"}, ${routes}`,
      summary: capLines(lines),
      annotations: [],
    },
  };
}

function defaultChannel(config: ThreadlineConfig, context: SettingsContext): string {
  if (config.channel !== undefined) return `${code(config.channel)} (events no route matches)`;
  // Without `_extends`, a repository's own file replaces the organisation's rather than adding to it.
  const instead =
    context.isOrgDefaults || context.extendsFrom !== undefined
      ? ""
      : "; this file replaces the `.github` repository's, it does not add to it";
  return `not set: events no route matches go to the deployment's \`SLACK_CHANNEL\`, or nowhere if it is unset${instead}`;
}

function eventsCarried(config: ThreadlineConfig): string {
  if (config.events.length === 0) return "none: nothing is posted";
  return config.events.map((name) => EVENT_WORDS[name]).join(", ");
}

/** `when the file matches web/** and the author is alice`, in the order the router checks. */
function routeConditions(route: Route): string {
  const conditions: string[] = [];
  if (given(route.paths)) {
    conditions.push(`the file matches ${anyOf(route.paths)}`);
  }
  if (given(route.labels)) {
    conditions.push(
      route.labels.length === 1
        ? `the pull request has the label ${code(route.labels[0]!)}`
        : `the pull request has any of the labels ${anyOf(route.labels, ", ")}`,
    );
  }
  if (given(route.base)) {
    conditions.push(`the base branch matches ${anyOf(route.base)}`);
  }
  if (given(route.authors)) {
    conditions.push(
      route.authors.length === 1
        ? `the author is ${code(route.authors[0]!)}`
        : `the author is one of ${anyOf(route.authors, ", ")}`,
    );
  }
  if (conditions.length === 0) return "for every event";
  // Only review comments have a file; saying so here saves a "why did my comment not arrive?".
  const only = given(route.paths) ? " (review comments only)" : "";
  return `when ${conditions.join(" and ")}${only}`;
}

function ignored(config: ThreadlineConfig): string {
  const { bots, authors, labels, drafts } = config.ignore;
  const parts: string[] = [];
  if (bots) parts.push("comments by bots");
  if (authors.length > 0) parts.push(`comments by ${anyOf(authors, ", ")}`);
  if (labels.length > 0) parts.push(`pull requests labelled ${anyOf(labels)}`);
  if (drafts) parts.push("draft pull requests");
  return parts.length === 0 ? "nothing" : parts.join("; ");
}

function given(list: readonly string[] | undefined): list is string[] {
  return list !== undefined && list.length > 0;
}

function anyOf(values: readonly string[], separator = " or "): string {
  return values.map(code).join(separator);
}

/** The file named by `_extends`, read apart from the schema (which does not know the field). */
function extendsOf(text: string): string | undefined {
  const value: unknown = parseDocument(text).get("_extends");
  return typeof value === "string" ? value : undefined;
}

/** `value` as a markdown code span, whatever backticks it holds. */
function code(value: string): string {
  const longestRun = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = value.startsWith("`") || value.endsWith("`") ? " " : "";
  return `${fence}${pad}${value.replace(/\r?\n/g, " ")}${pad}${fence}`;
}

/**
 * Text from the file as markdown that renders as written: no emphasis, links, HTML or @-mentions
 * (a check run must not notify someone whose login is quoted in a problem).
 */
function plain(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/[\\`*_[\]<>|~@&#!]/g, "\\$&");
}

/** A problem message: its `field` spans stay code, the rest (which quotes the file) is escaped. */
function markdownMessage(message: string): string {
  return message
    .split(/(`[^`\n]+`)/)
    .map((part, index) => (index % 2 === 1 ? part : plain(part)))
    .join("");
}

/** Whole lines up to GitHub's limit, then how many were left out. */
function capLines(lines: readonly string[]): string {
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const omitted = `… and ${lines.length - index} more`;
    if (length + line.length + 1 + omitted.length > MAX_OUTPUT_CHARS) {
      kept.push(omitted);
      break;
    }
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join("\n");
}

/** The file a config problem was found in. */
export interface ConfigLocation {
  /** `owner/name` of the repository holding the file. */
  repository: string;
  /** Path inside that repository, normally `.github/threadline.yml`. */
  path: string;
}

/** One thing wrong with a config file, phrased so the reader knows what to change. */
export interface ConfigProblem {
  /** 1-based line in the file; undefined when the file's text was not available. */
  line: number | undefined;
  /** Field path such as `routes[0].channel`; empty when the problem is the file as a whole. */
  field: string;
  /** What is wrong, then the fix, e.g. `"general" is not a Slack channel; use …`. */
  message: string;
}

/**
 * An invalid `.github/threadline.yml`. It is returned rather than thrown (a bad config is the
 * repository owner's to fix, not a failure of the app), and its `message` is one log line that
 * names the repository, the file, the line, the field and the fix.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly repository: string;
  readonly path: string;
  /** Line of the first problem. */
  readonly line: number | undefined;
  /** Field of the first problem. */
  readonly field: string;
  readonly problems: readonly ConfigProblem[];

  constructor(
    source: ConfigLocation,
    problems: readonly [ConfigProblem, ...ConfigProblem[]],
    options?: { cause?: unknown },
  ) {
    super(formatConfigError(source, problems), options);
    const [first] = problems;
    this.repository = source.repository;
    this.path = source.path;
    this.line = first.line;
    this.field = first.field;
    this.problems = problems;
  }
}

function formatProblem(problem: ConfigProblem): string {
  const field = problem.field === "" ? "" : `${problem.field}: `;
  return `${field}${problem.message}`;
}

/** `owner/repo path line 3: field: message; line 7: field: message` — one line, first problem first. */
function formatConfigError(source: ConfigLocation, problems: readonly ConfigProblem[]): string {
  const parts = problems.map((problem, index) => {
    if (problem.line !== undefined) {
      return `${index === 0 ? " " : ""}line ${problem.line}: ${formatProblem(problem)}`;
    }
    return `${index === 0 ? ": " : ""}${formatProblem(problem)}`;
  });
  return `${source.repository} ${source.path}${parts.join("; ")}`;
}

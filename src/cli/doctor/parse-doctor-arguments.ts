import { parseArgs } from "node:util";

/** A repository named with `--repo owner/name`. */
export interface RequestedRepository {
  owner: string;
  repo: string;
}

/**
 * Without --repo, configs are read for this many repositories per installation at most: each is
 * one or two GitHub calls, and an organisation may have thousands.
 */
export const REPOSITORY_CAP = 20;

export const DOCTOR_USAGE = `Usage: threadline doctor [--repo owner/name]...

Checks an install through GitHub's and Slack's APIs, with the App's own settings (the environment
and ./.env, read as the App reads them), and says how to fix what is wrong:
  - the GitHub App: its key and APP_ID, its permissions and events against app.yml, its webhook
    URL and content type, and how the endpoint answered GitHub's last delivery;
  - each installation: suspended, permissions not yet accepted, the Single file path;
  - each installed repository's .github/threadline.yml: readable, valid, which channels;
  - Slack: the token and its scopes, and that the bot may post in every channel in use (it
    schedules a message a week ahead and deletes it at once: no one sees anything).

Options:
  --repo owner/name   Check only this repository's config; repeat for several. Without it, the
                      first ${REPOSITORY_CAP} repositories of each installation are checked.

Output: one line per check, ✓ ok, ! warning, ✗ problem (with its fix indented below), then a count.
No token, key or secret is ever printed.

Exit status: 0 when no problem was found (warnings allowed), 1 otherwise.`;

/** What `threadline doctor …` asks for. */
export type DoctorArguments =
  | { kind: "help" }
  | { kind: "usage-error"; message: string }
  | { kind: "command"; repositories: RequestedRepository[] };

const REPOSITORY = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/;

/** Reads the arguments after `doctor`, before any setting is read, so --help needs none. */
export function parseDoctorArguments(argv: readonly string[]): DoctorArguments {
  let values: { repo?: string[]; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        repo: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message.split(". ")[0]! : String(error);
    return usageError(`doctor: ${message.charAt(0).toLowerCase()}${message.slice(1)}`);
  }
  if (values.help || positionals[0] === "help") return { kind: "help" };
  if (positionals.length > 0) {
    return usageError(
      `doctor takes no arguments, got "${positionals.join(" ")}" (name repositories with --repo owner/name)`,
    );
  }
  const repositories: RequestedRepository[] = [];
  for (const name of values.repo ?? []) {
    const match = REPOSITORY.exec(name.trim());
    if (!match) return usageError(`doctor: --repo "${name}" is not owner/name`);
    const [, owner = "", repo = ""] = match;
    if (
      !repositories.some(
        (known) =>
          `${known.owner}/${known.repo}`.toLowerCase() === `${owner}/${repo}`.toLowerCase(),
      )
    ) {
      repositories.push({ owner, repo });
    }
  }
  return { kind: "command", repositories };
}

function usageError(message: string): DoctorArguments {
  return { kind: "usage-error", message: `${message}. Run "threadline doctor --help" for usage` };
}

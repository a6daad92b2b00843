import { existsSync } from "node:fs";
import { resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { parseDatabaseUrl } from "../store/open-store.js";
import { describeCliError } from "./describe-cli-error.js";

export interface BackupCommandDeps {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  write: (line: string) => void;
  warn: (line: string) => void;
  now?: () => number;
}

export const BACKUP_USAGE = `Usage: threadline backup <file>

Copies the App's SQLite store (DATABASE_URL, or ./data/threadline.db) to <file>, consistently,
while the App runs: SQLite's online backup, a few pages at a time. <file> must not exist yet.
For PostgreSQL, use pg_dump (see the README, "Running it for months").`;

/**
 * `threadline backup <file>`: a consistent copy of the SQLite store taken while the App keeps
 * writing to it (better-sqlite3's backup API, SQLite's online backup: pages changed meanwhile are
 * copied again, so the copy is the database as of one moment). Resolves to the exit code.
 */
export async function runBackupCommand(
  args: readonly string[],
  { env, cwd = process.cwd(), write, warn, now = Date.now }: BackupCommandDeps,
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    write(BACKUP_USAGE);
    return 0;
  }
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0 || file.startsWith("-")) {
    warn(`threadline backup: name one file to write the copy to\n${BACKUP_USAGE}`);
    return 1;
  }
  let location;
  try {
    location = parseDatabaseUrl(env.DATABASE_URL?.trim() || undefined, cwd);
  } catch (error) {
    warn(`threadline: ${describeCliError(error)}`);
    return 1;
  }
  if (location.kind !== "sqlite" || location.path === ":memory:") {
    warn(
      'threadline backup: the store is PostgreSQL (DATABASE_URL); back it up with pg_dump, as the README\'s "Running it for months" shows',
    );
    return 1;
  }
  const target = resolve(cwd, file);
  if (existsSync(target)) {
    warn(
      `threadline backup: ${target} exists already; name a new file (a backup never overwrites)`,
    );
    return 1;
  }
  if (!existsSync(location.path)) {
    warn(
      `threadline backup: there is no database at ${location.path}: run it in the App's directory, or set DATABASE_URL`,
    );
    return 1;
  }
  const startedAt = now();
  const source = new SqliteDatabase(location.path, { readonly: true, fileMustExist: true });
  source.pragma("busy_timeout = 5000");
  try {
    const { totalPages } = await source.backup(target);
    const pageSize = Number(source.pragma("page_size", { simple: true }));
    write(
      `backed up ${location.path} to ${target}: ${totalPages} pages (${((totalPages * pageSize) / 1e6).toFixed(1)} MB) in ${((now() - startedAt) / 1000).toFixed(1)} s`,
    );
    return 0;
  } catch (error) {
    warn(`threadline backup: ${describeCliError(error)}`);
    return 1;
  } finally {
    source.close();
  }
}

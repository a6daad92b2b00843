import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { createMigrationProvider } from "./migrations.js";
import { createOutboxStore, type OutboxStore } from "./outbox-store.js";
import type { Database } from "./schema.js";

/** Where the store lives, from DATABASE_URL. */
export type StoreLocation = { kind: "sqlite"; path: string };

export const DEFAULT_SQLITE_PATH = "data/threadline.db";

/**
 * DATABASE_URL unset: an SQLite file under ./data; `sqlite:///abs/file.db` or `sqlite:rel/file.db`:
 * that file; `sqlite::memory:`: a throwaway database (tests).
 */
export function parseDatabaseUrl(url: string | undefined, cwd = process.cwd()): StoreLocation {
  if (!url) return { kind: "sqlite", path: resolve(cwd, DEFAULT_SQLITE_PATH) };
  if (url === "sqlite::memory:") return { kind: "sqlite", path: ":memory:" };
  const match = /^sqlite:(?:\/\/)?(.+)$/.exec(url);
  if (match) return { kind: "sqlite", path: resolve(cwd, match[1]!) };
  throw new Error(
    `DATABASE_URL "${url.replace(/\/\/[^@/]*@/, "//…@")}" is not supported: use sqlite:///path/to/file.db, or leave it unset for ./${DEFAULT_SQLITE_PATH}`,
  );
}

function openSqlite(path: string): SqliteDatabase.Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  // WAL lets the worker read while a delivery commits; FULL syncs each commit to disk, so a 2xx
  // answered to GitHub survives a power cut, not only a crash of the process.
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = FULL");
  database.pragma("busy_timeout = 5000");
  return database;
}

/** Opens the store and brings its schema up to date; nothing above this knows which database runs. */
export async function openStore(location: StoreLocation, appId: number): Promise<OutboxStore> {
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: openSqlite(location.path) }),
  });
  const migrator = new Migrator({ db, provider: createMigrationProvider("sqlite") });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === "Error");
  if (error) {
    await db.destroy();
    throw new Error(
      `could not migrate the store at ${location.path}${failed ? ` (migration ${failed.migrationName})` : ""}`,
      { cause: error },
    );
  }
  return createOutboxStore(db, appId);
}

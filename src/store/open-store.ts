import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";
import {
  Kysely,
  Migrator,
  PostgresDialect,
  sql,
  SqliteDialect,
  type DatabaseIntrospector,
  type TableMetadata,
} from "kysely";
import pg from "pg";
import { createConversationMap, type ConversationMap } from "./conversation-map.js";
import type { IntakeStore } from "./intake-store.js";
import { createLinkedAccounts, type LinkedAccounts } from "./linked-accounts.js";
import { createMigrationProvider, type Dialect } from "./migrations.js";
import { createOutboxOperations, type OutboxOperations } from "./outbox-operations.js";
import type { Database } from "./schema.js";
import { createPostgresIntakeStore } from "./postgres-intake-store.js";
import { createReplyQueue, type ReplyQueue } from "./reply-queue.js";
import { createSendQueue, type SendQueue } from "./send-queue.js";
import { createSqliteIntakeStore } from "./sqlite-intake-store.js";
import { createStoreRetention, type StoreRetention } from "./store-retention.js";
import { createSharedState, type SharedState } from "./shared-state.js";
import { createTokenCipher } from "./token-cipher.js";

/**
 * The App's store, in rooms by who uses them: the intake that answers GitHub, the worker's send
 * queue, the map of what Slack shows, the replies written in Slack on their way to GitHub, the
 * people who linked their GitHub account, state shared between replicas, the operator's view, and
 * the pruning that keeps it small.
 * Each is one narrow interface over the same database; nothing above knows which database runs.
 */
export interface Store {
  intake: IntakeStore;
  queue: SendQueue;
  conversations: ConversationMap;
  replies: ReplyQueue;
  linkedAccounts: LinkedAccounts;
  shared: SharedState;
  operations: OutboxOperations;
  retention: StoreRetention;
  close(): Promise<void>;
}

/** Where the store lives, from DATABASE_URL. */
export type StoreLocation = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

export const DEFAULT_SQLITE_PATH = "data/threadline.db";

/** A URL fit for logs and errors: the user-info part (and so any password) is masked. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/)[^@/\s]*@/g, "$1…@");
}

/**
 * DATABASE_URL unset: an SQLite file under ./data; `sqlite:///abs/file.db` or `sqlite:rel/file.db`:
 * that file; `sqlite::memory:`: a throwaway database (tests); `postgres://user:pass@host/db`
 * (or `postgresql://`): a PostgreSQL database shared by any number of replicas.
 */
export function parseDatabaseUrl(url: string | undefined, cwd = process.cwd()): StoreLocation {
  if (!url) return { kind: "sqlite", path: resolve(cwd, DEFAULT_SQLITE_PATH) };
  if (/^postgres(?:ql)?:\/\//.test(url)) return { kind: "postgres", url };
  if (url === "sqlite::memory:") return { kind: "sqlite", path: ":memory:" };
  const match = /^sqlite:(?:\/\/)?(.+)$/.exec(url);
  if (match) return { kind: "sqlite", path: resolve(cwd, match[1]!) };
  throw new Error(
    `DATABASE_URL "${maskUrl(url)}" is not supported: use postgres://user:password@host:5432/database, sqlite:///path/to/file.db, or leave it unset for ./${DEFAULT_SQLITE_PATH}`,
  );
}

/** Where the store is, for log lines: no password. */
export function describeStoreLocation(location: StoreLocation): string {
  if (location.kind === "sqlite") return `SQLite at ${location.path}`;
  const url = new URL(location.url);
  return `PostgreSQL at ${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname}`;
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

const INT8_OID = 20;
/**
 * Epoch milliseconds and row ids are far below 2^53, so PostgreSQL's bigints are read as numbers
 * (the driver's default is strings) and both stores hand the same rows up.
 */
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface OpenStoreOptions {
  /** Connections in the PostgreSQL pool (the worker, the webhook path and /metrics share it). */
  poolSize?: number;
  /**
   * Given the SQLite connection once open. Tests use it to make the database refuse writes
   * (`PRAGMA query_only`), exactly as a read-only file or a full disk does.
   */
  onSqliteOpen?: (database: SqliteDatabase.Database) => void;
  /**
   * THREADLINE_TOKEN_KEY (32 bytes): linked accounts' tokens are encrypted with it. Without it
   * no token can be stored, and links kept from before read as unusable.
   */
  tokenKey?: Buffer;
}

function createDatabase(
  location: StoreLocation,
  options: OpenStoreOptions,
): {
  db: Kysely<Database>;
  dialect: Dialect;
  sqlite?: SqliteDatabase.Database;
  pool?: pg.Pool;
} {
  if (location.kind === "sqlite") {
    const sqlite = openSqlite(location.path);
    return {
      db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }),
      dialect: "sqlite",
      sqlite,
    };
  }
  const pool = new pg.Pool({
    connectionString: location.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    types: pgTypes,
  });
  // An idle connection the server dropped (restart, failover) must not crash the process; the
  // pool replaces it and the next query reports any lasting problem.
  pool.on("error", () => {});
  // Nor one dropped while in use between two statements of a transaction: pg emits that as an
  // 'error' no one listens to (the pool only listens while the client is idle), which would end
  // the process. The transaction's next statement fails and is handled; the pool discards the
  // client when it comes back.
  pool.on("connect", (client) => client.on("error", () => {}));
  return {
    db: new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }) }),
    dialect: "postgres",
    pool,
  };
}

/**
 * PostgreSQL as Kysely speaks it, except that looking for tables (what the migrator does to find
 * its own) reads only this connection's schema. Kysely's own look reads every table of the
 * database, by name, and fails with "schema … does not exist" when another deployment sharing the
 * database drops its schema at that moment.
 */
class SchemaScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    const whole = super.createIntrospector(db);
    const getTables = async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{ name: string; schema: string }>`
        select table_name as name, table_schema as schema from information_schema.tables
        where table_schema = current_schema()`.execute(db);
      return rows.map((row) => ({ ...row, isView: false, columns: [] }));
    };
    return {
      getSchemas: () => whole.getSchemas(),
      getTables,
      getMetadata: async () => ({ tables: await getTables() }),
    };
  }
}

/**
 * Opens the store and brings its schema up to date; nothing above this knows which database runs.
 * Several replicas may open one PostgreSQL database at once: Kysely's migrator takes a lock, so
 * exactly one of them applies a new migration.
 */
export async function openStore(
  location: StoreLocation,
  appId: number,
  options: OpenStoreOptions = {},
): Promise<Store> {
  const { db, dialect, sqlite, pool } = createDatabase(location, options);
  if (sqlite) options.onSqliteOpen?.(sqlite);
  const where = describeStoreLocation(location);
  // The schema the tables live in (the first of the search_path): Kysely's migration bookkeeping
  // must sit there too, not be mistaken for another schema's in the same database.
  let schema: string | undefined;
  if (dialect === "postgres") {
    try {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
      schema = rows[0]?.schema ?? undefined;
    } catch (error) {
      await db.destroy();
      throw new Error(
        `could not reach ${where}: ${(error as Error).message || (error as { code?: string }).code}. Check that the server runs and that DATABASE_URL names its host, port, database, user and password`,
        { cause: error },
      );
    }
  }
  const migrator = new Migrator({
    db,
    provider: createMigrationProvider(dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === "Error");
  if (error) {
    await db.destroy();
    throw new Error(
      `could not migrate the store (${where})${failed ? ` at migration ${failed.migrationName}` : ""}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return {
    // Answering GitHub waits on the intake: each database has a writer of its own for it.
    intake: sqlite
      ? createSqliteIntakeStore(db, sqlite, appId)
      : createPostgresIntakeStore(pool!, appId),
    // One process owns an SQLite file; a PostgreSQL database is shared by every replica.
    queue: createSendQueue(db, appId, { exclusive: dialect === "sqlite" }),
    conversations: createConversationMap(db, appId),
    replies: createReplyQueue(db, appId),
    linkedAccounts: createLinkedAccounts(
      db,
      appId,
      options.tokenKey ? createTokenCipher(options.tokenKey) : undefined,
    ),
    shared: createSharedState(db, appId),
    operations: createOutboxOperations(db, appId, dialect),
    retention: createStoreRetention(db, appId),
    close: () => db.destroy(),
  };
}

/**
 * The store the tests run on. Jest runs the store, CLI and end-to-end suites twice (see
 * jest.config.js): once on in-memory SQLite, once on a real PostgreSQL server, each test on a
 * schema of its own that is dropped afterwards. THREADLINE_TEST_STORE says which.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { openStore, parseDatabaseUrl } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/open-store.js";

export type StoreKind = "sqlite" | "postgres";

/**
 * The password in the default URL: trust auth ignores it, and the App must never log it, which
 * the replicas suite checks.
 */
export const TEST_POSTGRES_PASSWORD = "pg-test-password-7d1e";

/** The server the PostgreSQL runs use: this machine's (trust auth, database `test`) by default. */
export const TEST_POSTGRES_URL =
  process.env.THREADLINE_TEST_POSTGRES_URL ??
  `postgres://postgres:${TEST_POSTGRES_PASSWORD}@127.0.0.1:5432/test`;

export function testStoreKind(): StoreKind {
  return process.env.THREADLINE_TEST_STORE === "postgres" ? "postgres" : "sqlite";
}

const schemas = new Set<string>();

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A DATABASE_URL for a fresh, empty database of the current kind: a new PostgreSQL schema (named
 * in the URL's search_path), or `fallback` for SQLite. `dropTestDatabases` removes the schemas.
 */
export async function createTestDatabaseUrl(sqliteUrl = "sqlite::memory:"): Promise<string> {
  if (testStoreKind() === "sqlite") return sqliteUrl;
  const schema = `threadline_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await withClient((client) => client.query(`create schema ${schema}`));
  schemas.add(schema);
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

/** Drops every schema this test file created. */
export async function dropTestDatabases(): Promise<void> {
  if (schemas.size === 0) return;
  const dropped = [...schemas];
  schemas.clear();
  await withClient(async (client) => {
    for (const schema of dropped) await client.query(`drop schema if exists ${schema} cascade`);
  });
}

/** A fresh, empty store of the current kind; closing it also drops its PostgreSQL schema. */
export async function openTestStore(appId: number): Promise<Store> {
  const url = await createTestDatabaseUrl();
  const store = await openStore(parseDatabaseUrl(url), appId, { poolSize: 4 });
  if (testStoreKind() === "sqlite") return store;
  const schema = new URL(url).searchParams.get("options")!.split("=")[1]!;
  return {
    ...store,
    async close() {
      await store.close();
      schemas.delete(schema);
      await withClient((client) => client.query(`drop schema if exists ${schema} cascade`));
    },
  };
}

/**
 * Several deployments may share one PostgreSQL database, each in its own schema (the store follows
 * the search_path). One's schema being created and dropped must not stop another from starting:
 * Kysely's migrator looked at every table of the database, by name, and failed with "schema …
 * does not exist" when it met one being dropped.
 */
import { describe, expect, test } from "@jest/globals";
import pg from "pg";
import { openStore, parseDatabaseUrl } from "../../src/store/open-store.js";
import {
  createTestDatabaseUrl,
  dropTestDatabases,
  TEST_POSTGRES_URL,
  testStoreKind,
} from "../helpers/test-store.js";

const onPostgres = testStoreKind() === "postgres" ? describe : describe.skip;

onPostgres("a database shared by deployments in schemas of their own", () => {
  test("a store opens while other schemas are created and dropped beside it", async () => {
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    let churning = true;
    const churn = (async () => {
      for (let n = 0; churning; n += 1) {
        const other = `threadline_churn_${process.pid}_${n}`;
        await admin.query(
          `create schema ${other}; create table ${other}.t (id bigserial primary key)`,
        );
        await admin.query(`drop schema ${other} cascade`);
      }
    })();
    let opened = 0;
    try {
      for (let n = 0; n < 12; n += 1) {
        const store = await openStore(parseDatabaseUrl(await createTestDatabaseUrl()), 1, {
          poolSize: 2,
        });
        // Migrated: its tables answer.
        expect(await store.operations.counts()).toEqual({
          pending: 0,
          sending: 0,
          sent: 0,
          dead: 0,
        });
        await store.close();
        opened += 1;
      }
    } finally {
      churning = false;
      await churn;
      await admin.end();
      await dropTestDatabases();
    }
    expect(opened).toBe(12);
  }, 60_000);
});

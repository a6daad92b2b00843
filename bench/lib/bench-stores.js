/**
 * The databases the replicas bench gives threadline: an SQLite file in a temporary directory, or a
 * fresh schema in a PostgreSQL database, one per configuration and phase, so no run sees another's
 * rows. Every one is removed when the bench ends, however it ends: `removeAll()` on the way out,
 * `removeAllSync()` from a process `exit` hook should the bench be killed or give up.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCHEMA_PREFIX = "threadline_bench_";

/** The command that starts this machine's PostgreSQL cluster (Debian's pg_ctlcluster). */
export const START_POSTGRES_HINT =
  "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

/** `postgres://…` with a password masked, for messages. */
export function maskUrl(url) {
  return url.replace(/\/\/([^:@/\s]+):[^@/\s]*@/, "//$1:…@");
}

/**
 * Whether PostgreSQL at `url` answers and lets this user create a schema; resolves with
 * `{ ok: true, version }` or `{ ok: false, reason }`, never throws.
 */
export async function probePostgres(url, timeoutMs = 3000) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query("show server_version");
    const probe = `${SCHEMA_PREFIX}probe_${randomBytes(4).toString("hex")}`;
    await client.query(`create schema ${probe}`);
    await client.query(`drop schema ${probe}`);
    return { ok: true, version: rows[0]?.server_version };
  } catch (error) {
    const reason = error?.message || error?.code || String(error);
    return { ok: false, reason: error?.errors?.map((e) => e.message).join("; ") || reason };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Appends libpq's `options` so that every connection of the App works in `schema`. */
function withSearchPath(url, schema) {
  return `${url}${url.includes("?") ? "&" : "?"}options=-c%20search_path%3D${schema}`;
}

/**
 * Creates and tracks the bench's databases. `postgresUrl` is the database the schemas go in
 * (trust or password auth; the App connects with the same URL plus a search_path).
 */
export function createBenchStores({ postgresUrl }) {
  const tempDir = mkdtempSync(join(tmpdir(), "threadline-bench-replicas-"));
  /** Schemas created and not dropped yet. */
  const schemas = new Set();
  let admin;

  async function adminClient() {
    if (!admin) {
      admin = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
      admin.on("error", () => {});
      await admin.connect();
    }
    return admin;
  }

  return {
    tempDir,

    /** A new SQLite file (created by the App on start). */
    sqlite(name) {
      const path = join(tempDir, `${name}.db`);
      return { kind: "sqlite", path, databaseUrl: `sqlite://${path}` };
    },

    /** A new, empty schema (the App migrates it on start). */
    async postgres() {
      const schema = `${SCHEMA_PREFIX}${randomBytes(6).toString("hex")}`;
      const client = await adminClient();
      await client.query(`create schema ${schema}`);
      schemas.add(schema);
      return { kind: "postgres", schema, databaseUrl: withSearchPath(postgresUrl, schema) };
    },

    /**
     * The outbox by status and the recorded deliveries by outcome, read from the store itself
     * (whatever replica wrote them).
     */
    async count(store) {
      let postRows;
      let deliveryRows;
      if (store.kind === "sqlite") {
        const db = new Database(store.path, { readonly: true, fileMustExist: true });
        try {
          postRows = db.prepare("select status, count(*) as n from outbox group by status").all();
          deliveryRows = db
            .prepare("select outcome, count(*) as n from deliveries group by outcome")
            .all();
        } finally {
          db.close();
        }
      } else {
        const client = await adminClient();
        postRows = (
          await client.query(`select status, count(*) as n from ${store.schema}.outbox group by 1`)
        ).rows;
        deliveryRows = (
          await client.query(
            `select outcome, count(*) as n from ${store.schema}.deliveries group by 1`,
          )
        ).rows;
      }
      const posts = { pending: 0, sending: 0, sent: 0, dead: 0 };
      for (const { status, n } of postRows) posts[status] = Number(n);
      const deliveries = Object.fromEntries(deliveryRows.map(({ outcome, n }) => [outcome, Number(n)]));
      return {
        posts,
        totalPosts: Object.values(posts).reduce((sum, n) => sum + n, 0),
        deliveries,
      };
    },

    /**
     * PostgreSQL's counters so far, server-wide: transactions committed in this database (every
     * client's, reads included: each statement outside a transaction is one) and WAL flushes to disk
     * (what bounds the rate of durable commits; concurrent commits share one).
     */
    async postgresActivity() {
      const client = await adminClient();
      // Backends report their counters about once a second; the bench waits that long before reading.
      await client.query("select pg_stat_clear_snapshot()");
      const { rows } = await client.query(
        `select (select xact_commit from pg_stat_database where datname = current_database()) as transactions,
                (select wal_sync from pg_stat_wal) as wal_syncs`,
      );
      return { transactions: Number(rows[0]?.transactions ?? 0), walSyncs: Number(rows[0]?.wal_syncs ?? 0) };
    },

    /** Drops a PostgreSQL store's schema; the App's replicas must have stopped. SQLite files stay until `removeAll`. */
    async remove(store) {
      if (store.kind !== "postgres" || !schemas.has(store.schema)) return;
      const client = await adminClient();
      await client.query(`drop schema if exists ${store.schema} cascade`);
      schemas.delete(store.schema);
    },

    /** Drops every schema left and removes the SQLite directory. */
    async removeAll() {
      try {
        for (const schema of [...schemas]) {
          const client = await adminClient();
          await client.query(`drop schema if exists ${schema} cascade`);
          schemas.delete(schema);
        }
      } finally {
        await admin?.end().catch(() => {});
        admin = undefined;
        rmSync(tempDir, { recursive: true, force: true });
      }
    },

    /**
     * The same from a process `exit` hook, where nothing asynchronous runs: a child `node` drops
     * the schemas (bounded to 15 s). Returns the schemas it could not drop, if any.
     */
    removeAllSync() {
      rmSync(tempDir, { recursive: true, force: true });
      if (schemas.size === 0) return [];
      const script = `
        const pg = require("pg");
        const client = new pg.Client({ connectionString: process.env.BENCH_PG_URL, connectionTimeoutMillis: 5000 });
        (async () => {
          await client.connect();
          for (const schema of process.env.BENCH_SCHEMAS.split(",")) {
            await client.query("drop schema if exists " + schema + " cascade");
          }
          await client.end();
        })().catch((error) => { console.error(error.message); process.exit(1); });`;
      const result = spawnSync(process.execPath, ["-e", script], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          BENCH_PG_URL: postgresUrl,
          BENCH_SCHEMAS: [...schemas].join(","),
        },
        timeout: 15_000,
        stdio: ["ignore", "ignore", "inherit"],
      });
      const left = result.status === 0 ? [] : [...schemas];
      schemas.clear();
      return left;
    },
  };
}

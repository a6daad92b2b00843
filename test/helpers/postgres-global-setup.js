/**
 * Before the PostgreSQL runs start: make sure the server answers, and say plainly what to do when
 * it does not, rather than letting every suite fail (or worse, pass) on its own.
 */
import pg from "pg";

export default async function checkPostgres() {
  if (process.env.THREADLINE_TEST_STORES === "sqlite") {
    process.stderr.write(
      "\nTHREADLINE_TEST_STORES=sqlite: the PostgreSQL runs are SKIPPED; the store suites ran on SQLite only.\n",
    );
    return;
  }
  const url = process.env.THREADLINE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    const where = url.replace(/(\/\/)[^@/]*@/, "$1");
    throw new Error(
      `No PostgreSQL is reachable at ${where} (${error.code ?? error.message}), and the store suites run on PostgreSQL as well as SQLite.\n` +
        `  Start it:   pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
        `  or point THREADLINE_TEST_POSTGRES_URL at one,\n` +
        `  or run SQLite only (the PostgreSQL runs are then reported as skipped): THREADLINE_TEST_STORES=sqlite npm test`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

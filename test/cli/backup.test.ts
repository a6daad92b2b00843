/**
 * `threadline backup <file>`: a consistent copy of the SQLite store, taken while the App keeps
 * writing to it, that opens as a store with every delivery recorded before the copy.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { runBackupCommand } from "../../src/cli/run-backup-command.js";
import { openStore, parseDatabaseUrl, type Store } from "../../src/store/open-store.js";

let directory: string;
let store: Store | undefined;
let out: string[];
let err: string[];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "threadline-backup-"));
  out = [];
  err = [];
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(directory, { recursive: true, force: true });
});

const deps = (env: NodeJS.ProcessEnv) => ({
  env,
  cwd: directory,
  write: (line: string) => out.push(line),
  warn: (line: string) => err.push(line),
});

const delivery = (n: number) => ({
  deliveryId: `d-${n}`,
  event: "issue_comment.created",
  receivedAt: 1_700_000_000_000 + n,
});

describe("threadline backup", () => {
  test("copies the store while deliveries keep being recorded; the copy opens with all that was there", async () => {
    const path = join(directory, "threadline.db");
    store = await openStore(parseDatabaseUrl(`sqlite://${path}`), 1);
    for (let n = 0; n < 500; n += 1) {
      await store.intake.enqueue(
        delivery(n),
        [
          {
            channel: "C1",
            threadKey: "o/r#1",
            orderKey: String(n).padStart(4, "0"),
            content: { n },
          },
        ],
        0,
      );
    }
    // The App goes on writing during the copy.
    let writing = true;
    let written = 500;
    const writer = (async () => {
      while (writing) {
        await store!.intake.recordIgnored(delivery(written));
        written += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    const code = await runBackupCommand(["copy.db"], deps({ DATABASE_URL: `sqlite://${path}` }));
    writing = false;
    await writer;

    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toEqual([
      expect.stringMatching(
        /^backed up .*threadline\.db to .*copy\.db: \d+ pages \(\d+\.\d MB\) in \d+\.\d s$/,
      ),
    ]);
    const copy = new SqliteDatabase(join(directory, "copy.db"), { readonly: true });
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    const deliveries = Number(copy.prepare("select count(*) from deliveries").pluck().get());
    expect(deliveries).toBeGreaterThanOrEqual(500);
    expect(deliveries).toBeLessThanOrEqual(written);
    expect(Number(copy.prepare("select count(*) from outbox").pluck().get())).toBe(500);
    copy.close();
    const reopened = await openStore(parseDatabaseUrl(`sqlite://${join(directory, "copy.db")}`), 1);
    expect(await reopened.intake.hasDelivery("d-499")).toBe(true);
    await reopened.close();
  });

  test.each([
    [{ DATABASE_URL: "postgres://u@db:5432/threadline" }, ["copy.db"], /PostgreSQL .*pg_dump/],
    [{}, [], /name one file/],
    [{}, ["copy.db"], /there is no database at .*data\/threadline\.db/],
  ])(
    "refuses what it cannot do, and says what to do instead (%j %j)",
    async (env, args, expected) => {
      expect(await runBackupCommand(args, deps(env))).toBe(1);
      expect(err.join("\n")).toMatch(expected);
      expect(out).toEqual([]);
    },
  );

  test("never overwrites a file", async () => {
    const path = join(directory, "threadline.db");
    store = await openStore(parseDatabaseUrl(`sqlite://${path}`), 1);
    writeFileSync(join(directory, "copy.db"), "precious");
    expect(await runBackupCommand(["copy.db"], deps({ DATABASE_URL: `sqlite://${path}` }))).toBe(1);
    expect(err.join("")).toMatch(/exists already/);
    expect(existsSync(join(directory, "copy.db"))).toBe(true);
  });

  test("`threadline backup` from the built command line, while the store is open", async () => {
    const path = join(directory, "threadline.db");
    store = await openStore(parseDatabaseUrl(`sqlite://${path}`), 1);
    await store.intake.recordIgnored(delivery(1));
    const main = fileURLToPath(new URL("../../lib/cli/main.js", import.meta.url));
    const result = spawnSync(process.execPath, [main, "backup", "nightly.db"], {
      env: { PATH: process.env.PATH, DATABASE_URL: `sqlite://${path}` },
      cwd: directory,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^backed up .* to .*nightly\.db: /);
    expect(existsSync(join(directory, "nightly.db"))).toBe(true);
  });
});

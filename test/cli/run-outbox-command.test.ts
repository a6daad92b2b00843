import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatAge } from "../../src/cli/format-age.js";
import {
  createDatabaseUrlMasker,
  openCliStore,
  readCliStoreSettings,
} from "../../src/cli/open-cli-store.js";
import { parseOutboxArguments, USAGE } from "../../src/cli/parse-outbox-command.js";
import { runOutboxCommand } from "../../src/cli/run-outbox-command.js";
import { normalize } from "../../src/events/normalize.js";
import { openStore } from "../../src/store/open-store.js";
import type { NewPost } from "../../src/store/intake-store.js";
import type { Store as OutboxStore } from "../../src/store/open-store.js";
import { loadPullRequestCommentFixture } from "../fixtures/index.js";
import { openTestStore } from "../helpers/test-store.js";

const APP_ID = 1;
const T0 = 1_700_000_000_000;
const NOW = T0 + 3 * 60_000 + 12_000;
const DEAD_ERROR =
  "channel_not_found: the channel does not exist or the bot is not in it; invite @threadline to the channel, then retry";

/** A post of pull request `pr` for `channel`, carrying a real normalized comment. */
function post(channel: string, pr: number): NewPost {
  const { event } = normalize["issue_comment.created"](loadPullRequestCommentFixture());
  if (!event) throw new Error("the fixture should be a carried event");
  return {
    channel,
    threadKey: `Codertocat/Hello-World#${pr}`,
    orderKey: `${T0}|${pr}`,
    content: { event, mentions: {} },
  };
}

/** Three posts (ids 1–3, in that order); post 2 dead after one attempt. */
async function seed(store: OutboxStore): Promise<void> {
  const delivery = (id: string, at: number) => ({
    deliveryId: id,
    event: "issue_comment.created",
    receivedAt: at,
  });
  await store.intake.enqueue(delivery("d-1", T0), [post("C0001", 1)], T0);
  await store.intake.enqueue(delivery("d-2", T0 + 1000), [post("C0002", 2)], T0 + 1000);
  await store.intake.enqueue(delivery("d-3", T0 + 2000), [post("C0001", 3)], T0 + 2000);
  expect(await claimPost(store, 2, T0 + 1000)).toBe(true);
  await store.queue.markDead(2, DEAD_ERROR, T0 + 1500);
}

/** Takes post `id` for sending, as the worker would. */
async function claimPost(target: OutboxStore, id: number, at: number): Promise<boolean> {
  const row = (await target.operations.list({ limit: 100 })).find(
    (candidate) => candidate.id === id,
  )!;
  return target.queue.claim(row, at, {
    leaseMs: 60_000,
    pace: { ratePerSecond: 1, burst: 3 },
    holder: "host:3000",
  });
}

let store: OutboxStore;
let out: string[];
let err: string[];

async function run(...argv: string[]): Promise<number> {
  return runOutboxCommand(argv, {
    openStore: async () => store.operations,
    now: () => NOW,
    write: (line) => out.push(line),
    warn: (line) => err.push(line),
  });
}

beforeEach(async () => {
  store = await openTestStore(APP_ID);
  await seed(store);
  out = [];
  err = [];
});
afterEach(async () => {
  await store.close();
});

describe("outbox list", () => {
  test("shows every post as a table: id, status, channel, pull request, attempts, age, error", async () => {
    expect(await run("outbox", "list")).toBe(0);
    expect(out).toEqual([
      "ID  STATUS   CHANNEL  PULL REQUEST              ATTEMPTS  AGE     LAST ERROR",
      "1   pending  C0001    Codertocat/Hello-World#1  0         3m 12s",
      "2   dead     C0002    Codertocat/Hello-World#2  1         3m 11s  channel_not_found: the channel does not exist or the bot is…",
      "3   pending  C0001    Codertocat/Hello-World#3  0         3m 10s",
    ]);
    expect(err).toEqual([]);
  });

  test("--status dead shows only the dead post", async () => {
    expect(await run("outbox", "list", "--status", "dead")).toBe(0);
    expect(out.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(["2"]);
  });

  test("says so when nothing matches, rather than printing an empty table", async () => {
    expect(await run("outbox", "list", "--status=sent")).toBe(0);
    expect(out).toEqual(["no sent posts"]);
  });

  test("--limit cuts the list and says on stderr that there may be more", async () => {
    expect(await run("outbox", "list", "--limit", "2")).toBe(0);
    expect(out).toHaveLength(3);
    expect(err).toEqual(["showing the first 2 posts by id; there may be more: raise --limit"]);
  });

  test("--json prints one object per line with the delivery id and the whole error, no content", async () => {
    expect(await run("outbox", "list", "--json", "--status", "dead")).toBe(0);
    expect(out).toHaveLength(1);
    const row = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(row).toEqual({
      id: 2,
      status: "dead",
      deliveryId: "d-2",
      channel: "C0002",
      threadKey: "Codertocat/Hello-World#2",
      orderKey: `${T0}|2`,
      attempts: 1,
      lastError: DEAD_ERROR,
      createdAt: new Date(T0 + 1000).toISOString(),
      updatedAt: new Date(T0 + 1500).toISOString(),
      nextAttemptAt: new Date(T0 + 1000).toISOString(),
      leaseUntil: null,
      sentAt: null,
      slackChannel: null,
      slackTs: null,
      ageMs: NOW - (T0 + 1000),
    });
  });

  test("control characters in stored text cannot reach the terminal", async () => {
    await store.intake.enqueue(
      { deliveryId: "d-4", event: "issue_comment.created", receivedAt: T0 },
      [{ ...post("C0004", 4), channel: "C\u001b[31m4" }],
      T0,
    );
    await run("outbox", "list", "--status", "pending");
    expect(out.join("\n")).not.toContain("\u001b");
  });
});

describe("outbox stats", () => {
  test("counts by status, the oldest waiting post's age, and where to look for the dead", async () => {
    expect(await run("outbox", "stats")).toBe(0);
    expect(out).toEqual([
      "pending 2",
      "sending 0",
      "sent    0",
      "dead    1",
      "oldest waiting: 3m 12s",
      expect.stringMatching(/^database: \d+(\.\d)? (kB|MB), oldest delivery kept: 3m 12s$/),
      '1 dead: see "threadline outbox list --status dead", fix the cause, then "threadline outbox retry <id...>"',
    ]);
  });

  test("--json for monitoring", async () => {
    expect(await run("outbox", "stats", "--json")).toBe(0);
    expect(JSON.parse(out[0]!)).toEqual({
      pending: 2,
      sending: 0,
      sent: 0,
      dead: 1,
      oldestWaitingSince: new Date(T0).toISOString(),
      oldestWaitingAgeMs: NOW - T0,
      databaseBytes: expect.any(Number),
      oldestDeliveryAt: new Date(T0).toISOString(),
    });
  });
});

describe("outbox retry", () => {
  test("brings a dead post back to pending, due now, attempts reset", async () => {
    expect(await run("outbox", "retry", "2")).toBe(0);
    expect(out).toEqual(["retried 1 dead post: the running App sends them within a second"]);
    const [row] = await store.operations
      .list({ limit: 10 })
      .then((rows) => rows.filter((r) => r.id === 2));
    expect(row).toMatchObject({ status: "pending", attempts: 0, next_attempt_at: NOW });
    expect(await store.queue.findDue(NOW, 10)).toContainEqual(expect.objectContaining({ id: 2 }));
  });

  test("names the ids that were not dead and leaves them alone", async () => {
    expect(await run("outbox", "retry", "1", "2", "99")).toBe(0);
    expect(out).toEqual(["retried 1 dead post: the running App sends them within a second"]);
    expect(err).toEqual(["not retried, as not dead or not found: 1, 99"]);
  });

  test("--all-dead retries every dead post, and says when there is none", async () => {
    expect(await run("outbox", "retry", "--all-dead")).toBe(0);
    expect(out).toEqual(["retried 1 dead post: the running App sends them within a second"]);
    expect((await store.operations.counts()).dead).toBe(0);
    out = [];
    expect(await run("outbox", "retry", "--all-dead")).toBe(0);
    expect(out).toEqual(["no dead posts to retry"]);
  });
});

describe("outbox drop", () => {
  test("deletes the posts named", async () => {
    expect(await run("outbox", "drop", "2", "3")).toBe(0);
    expect(out).toEqual(["dropped 2 posts"]);
    expect((await store.operations.list({ limit: 10 })).map((row) => row.id)).toEqual([1]);
  });

  test("leaves a post being sent, and says so", async () => {
    expect(await claimPost(store, 1, NOW)).toBe(true);
    expect(await run("outbox", "drop", "1")).toBe(0);
    expect(out).toEqual(["dropped 0 posts"]);
    expect(err[0]).toMatch(/^not dropped, as being sent right now or not found: 1 /);
    expect((await store.operations.counts()).sending).toBe(1);
  });
});

describe("usage", () => {
  test.each([[["--help"]], [["help"]], [["outbox", "--help"]], [["outbox", "retry", "-h"]]])(
    "%j prints the usage and exits 0 without opening the store",
    async (...argv) => {
      const code = await runOutboxCommand(argv[0], {
        openStore: () => Promise.reject(new Error("should not open the store")),
        now: () => NOW,
        write: (line) => out.push(line),
        warn: (line) => err.push(line),
      });
      expect(code).toBe(0);
      expect(out).toEqual([USAGE]);
    },
  );

  test.each([
    [[], /missing a command, e\.g\. threadline outbox stats/],
    [["outbx"], /unknown command "outbx"; use "outbox" or "explain"/],
    [["explain"], /"explain" needs a delivery id/],
    [["explain", "a", "b"], /"explain" takes one delivery id/],
    [["outbox"], /"outbox" needs a command: list, stats, retry, drop/],
    [["outbox", "lst"], /unknown outbox command "lst" \(did you mean "list"\?\)/],
    [["outbox", "list", "--status", "ded"], /"ded" is not a status \(did you mean "dead"\?\)/],
    [["outbox", "list", "--limit", "0"], /--limit must be a whole number above 0, got "0"/],
    [["outbox", "list", "--limit"], /outbox list: option '--limit <value>' argument missing/],
    [["outbox", "list", "--all"], /outbox list: unknown option '--all'/],
    [["outbox", "stats", "extra"], /outbox stats: unexpected argument 'extra'/],
    [["outbox", "retry"], /give the ids of dead posts .* or --all-dead/],
    [["outbox", "retry", "2", "--all-dead"], /give ids or --all-dead, not both/],
    [["outbox", "retry", "#2"], /"#2" is not a post id/],
    [["outbox", "drop"], /give the ids of the posts to delete .*there is no "drop all"/],
    [["outbox", "drop", "--all-dead"], /outbox drop: unknown option '--all-dead'/],
  ])("%j exits 1 with one line that says what to do", async (argv, expected) => {
    expect(await run(...argv)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(expected);
    expect(err[0]).toMatch(/^threadline: .*Run "threadline outbox --help" for usage$/);
  });

  test("ids are read once each, in the order given", () => {
    expect(parseOutboxArguments(["outbox", "drop", "3", "1", "3"])).toEqual({
      kind: "command",
      command: { name: "drop", ids: [3, 1] },
    });
  });

  test("an error opening the store is one line on stderr and exit 1", async () => {
    const code = await runOutboxCommand(["outbox", "stats"], {
      openStore: () => Promise.reject(new Error("APP_ID is not set: set it")),
      now: () => NOW,
      write: (line) => out.push(line),
      warn: (line) => err.push(line),
    });
    expect(code).toBe(1);
    expect(err).toEqual(["threadline: APP_ID is not set: set it"]);
  });
});

describe("formatAge", () => {
  test.each([
    [-5000, "0s"],
    [999, "0s"],
    [45_000, "45s"],
    [192_000, "3m 12s"],
    [3_600_000, "1h"],
    [7_500_000, "2h 5m"],
    [3 * 86_400_000 + 4 * 3_600_000 + 59_000, "3d 4h"],
  ])("%i ms is %s", (ms, expected) => {
    expect(formatAge(ms)).toBe(expected);
  });
});

describe("the CLI's environment", () => {
  test("APP_ID is required and must be a number; DATABASE_URL unset is the App's default file", () => {
    expect(() => readCliStoreSettings({})).toThrow(/APP_ID is not set/);
    expect(() => readCliStoreSettings({ APP_ID: "my-app" })).toThrow(
      /APP_ID must be the GitHub App's numeric id, got "my-app"/,
    );
    expect(readCliStoreSettings({ APP_ID: " 7 " }, "/srv/threadline")).toEqual({
      location: { kind: "sqlite", path: "/srv/threadline/data/threadline.db" },
      appId: 7,
      fromDatabaseUrl: false,
    });
  });

  test("a database file that does not exist is refused, not created", async () => {
    const settings = readCliStoreSettings({ APP_ID: "1" }, "/nowhere");
    await expect(openCliStore(settings, () => false)).rejects.toThrow(
      /no database at \/nowhere\/data\/threadline\.db .*run threadline in the App's directory, or set DATABASE_URL/,
    );
  });

  test("a password in DATABASE_URL is masked in errors", () => {
    const url = "mysql://threadline:pa55word@db.internal/threadline";
    const mask = createDatabaseUrlMasker(url);
    let message = "";
    try {
      readCliStoreSettings({ APP_ID: "1", DATABASE_URL: url });
    } catch (error) {
      message = mask((error as Error).message);
    }
    expect(message).toMatch(/is not supported: use postgres:\/\/.*sqlite:/);
    expect(mask(`${message} (password pa55word)`)).not.toContain("pa55word");
  });

  test("an unreachable PostgreSQL is named, without its password, with what to check", async () => {
    const url = "postgres://threadline:pa55word@127.0.0.1:1/threadline";
    const settings = readCliStoreSettings({ APP_ID: "1", DATABASE_URL: url });
    const error = await openCliStore(settings).then(
      () => new Error("opened"),
      (failure: Error) => failure,
    );
    expect(error.message).toMatch(
      /^could not reach PostgreSQL at 127\.0\.0\.1:1\/threadline: .*ECONNREFUSED.*Check that the server runs and that DATABASE_URL names/,
    );
    expect(error.message).not.toContain("pa55word");
  });
});

describe("the built command", () => {
  const main = fileURLToPath(new URL("../../lib/cli/main.js", import.meta.url));
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "threadline-cli-"));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  /** Runs `node lib/cli/main.js` away from any developer .env, with only the variables given. */
  function spawnCli(args: string[], env: Record<string, string>) {
    expect(existsSync(main)).toBe(true); // else: npm run build
    return spawnSync(process.execPath, [main, ...args], {
      env: { PATH: process.env.PATH, ...env },
      cwd: directory,
      encoding: "utf8",
      timeout: 15_000,
    });
  }

  test("`outbox stats` reads the App's database and exits 0", async () => {
    const file = join(directory, "outbox.db");
    const fileStore = await openStore({ kind: "sqlite", path: file }, APP_ID);
    await seed(fileStore);
    await fileStore.close();

    const result = spawnCli(["outbox", "stats"], {
      DATABASE_URL: `sqlite://${file}`,
      APP_ID: String(APP_ID),
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^pending 2\nsending 0\nsent    0\ndead    1\noldest waiting: /);
  });

  test("without APP_ID it exits 1 with one line naming the variable", () => {
    const result = spawnCli(["outbox", "stats"], {});
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^threadline: APP_ID is not set: [^\n]+\n$/);
  });
});

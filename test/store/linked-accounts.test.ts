/**
 * People's linked GitHub accounts: saved encrypted, read back, renewed by one replica at a time,
 * forgotten by Slack member or by GitHub user; unreadable under another key. Runs on SQLite and
 * on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import SqliteDatabase from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openStore, parseDatabaseUrl, type Store } from "../../src/store/open-store.js";
import { createTestDatabaseUrl, dropTestDatabases, testStoreKind } from "../helpers/test-store.js";

const APP_ID = 12345;
const T0 = 1_700_000_000_000;
const KEY = randomBytes(32);
const CODERTOCAT = { slackTeam: "T0THREADL1", slackUser: "U0CODERTO1" };
const MONA = { slackTeam: "T0THREADL1", slackUser: "U0MONALIS1" };
const ACCESS = "ghu_16C7e42F292c6912E7710c838347Ae178B4a";
const REFRESH = "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498";

let url: string;
let directory: string | undefined;
const opened: Store[] = [];

/** A store on the test's database, with `key` as THREADLINE_TOKEN_KEY (null: none set). */
async function open(key: Buffer | null = KEY): Promise<Store> {
  const store = await openStore(parseDatabaseUrl(url), APP_ID, key ? { tokenKey: key } : {});
  opened.push(store);
  return store;
}

beforeEach(async () => {
  // A file, not :memory:: a second store (another key) must see the same rows.
  directory = mkdtempSync(join(tmpdir(), "threadline-links-"));
  url = await createTestDatabaseUrl(`sqlite://${join(directory, "threadline.db")}`);
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  await dropTestDatabases();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

const link = {
  ...CODERTOCAT,
  githubLogin: "Codertocat",
  githubUserId: 21031067,
  accessToken: ACCESS,
  accessExpiresAt: T0 + 8 * 3_600_000,
  refreshToken: REFRESH,
  refreshExpiresAt: T0 + 180 * 86_400_000,
};

describe("a linked account", () => {
  test("is saved and read back, its tokens encrypted at rest", async () => {
    const store = await open();
    expect(await store.linkedAccounts.get(CODERTOCAT.slackTeam, CODERTOCAT.slackUser)).toBe(
      undefined,
    );
    await store.linkedAccounts.save(link, T0);
    expect(await store.linkedAccounts.get(CODERTOCAT.slackTeam, CODERTOCAT.slackUser)).toEqual({
      usable: true,
      account: { ...link, linkedAt: T0, updatedAt: T0 },
    });
    expect(await store.linkedAccounts.count()).toBe(1);

    const stored = JSON.stringify(await rawRows("linked_accounts"));
    expect(stored).not.toContain(ACCESS);
    expect(stored).not.toContain(REFRESH);
    expect(stored).toContain("v1.");
  });

  test("linked again (another account, say), it replaces the first link", async () => {
    const store = await open();
    await store.linkedAccounts.save(link, T0);
    await store.linkedAccounts.save(
      { ...CODERTOCAT, githubLogin: "octocat", githubUserId: 583231, accessToken: "ghu_other" },
      T0 + 1,
    );
    const read = await store.linkedAccounts.get(CODERTOCAT.slackTeam, CODERTOCAT.slackUser);
    expect(read).toEqual({
      usable: true,
      account: {
        ...CODERTOCAT,
        githubLogin: "octocat",
        githubUserId: 583231,
        accessToken: "ghu_other",
        linkedAt: T0 + 1,
        updatedAt: T0 + 1,
      },
    });
    expect(await store.linkedAccounts.count()).toBe(1);
  });

  test("renewed tokens are kept only while the member is linked to the same GitHub user", async () => {
    const store = await open();
    await store.linkedAccounts.save(link, T0);
    const renewed = {
      accessToken: "ghu_renewed",
      accessExpiresAt: T0 + 9e6,
      refreshToken: "ghr_2",
    };
    expect(await store.linkedAccounts.saveTokens(CODERTOCAT, 999, renewed, T0 + 5)).toBe(false);
    expect(await store.linkedAccounts.saveTokens(CODERTOCAT, 21031067, renewed, T0 + 5)).toBe(true);
    const read = await store.linkedAccounts.get(CODERTOCAT.slackTeam, CODERTOCAT.slackUser);
    expect(read).toMatchObject({
      usable: true,
      account: {
        accessToken: "ghu_renewed",
        refreshToken: "ghr_2",
        linkedAt: T0,
        updatedAt: T0 + 5,
      },
    });
    expect(read?.usable && read.account.refreshExpiresAt).toBe(undefined);
  });

  test("one replica at a time may renew a member's tokens, until its claim ends", async () => {
    const store = await open();
    await store.linkedAccounts.save(link, T0);
    const accounts = store.linkedAccounts;
    expect(await accounts.claimRefresh(CODERTOCAT, "replica-a", T0, 30_000)).toBe(true);
    expect(await accounts.claimRefresh(CODERTOCAT, "replica-b", T0 + 1, 30_000)).toBe(false);
    // The holder may renew its own claim; another may take it once it ended.
    expect(await accounts.claimRefresh(CODERTOCAT, "replica-a", T0 + 2, 30_000)).toBe(true);
    expect(await accounts.claimRefresh(CODERTOCAT, "replica-b", T0 + 30_003, 30_000)).toBe(true);
    // Released (or ended by saving renewed tokens), anyone may claim at once.
    await accounts.releaseRefresh(CODERTOCAT, "replica-a");
    expect(await accounts.claimRefresh(CODERTOCAT, "replica-a", T0 + 30_004, 30_000)).toBe(false);
    await accounts.releaseRefresh(CODERTOCAT, "replica-b");
    expect(await accounts.claimRefresh(CODERTOCAT, "replica-a", T0 + 30_005, 30_000)).toBe(true);
    await accounts.saveTokens(CODERTOCAT, 21031067, { accessToken: "ghu_x" }, T0 + 30_006);
    expect(await accounts.claimRefresh(CODERTOCAT, "replica-b", T0 + 30_007, 30_000)).toBe(true);
    // Nobody linked: nothing to claim.
    expect(await accounts.claimRefresh(MONA, "replica-a", T0, 30_000)).toBe(false);
  });

  test("is forgotten by Slack member (unlink), or only if it still names a GitHub user", async () => {
    const store = await open();
    await store.linkedAccounts.save(link, T0);
    expect(await store.linkedAccounts.remove(CODERTOCAT, 999)).toBe(undefined);
    expect(await store.linkedAccounts.remove(CODERTOCAT, 21031067)).toEqual({
      githubLogin: "Codertocat",
      githubUserId: 21031067,
    });
    expect(await store.linkedAccounts.remove(CODERTOCAT)).toBe(undefined);
    expect(await store.linkedAccounts.get(CODERTOCAT.slackTeam, CODERTOCAT.slackUser)).toBe(
      undefined,
    );
  });

  test("every link to a GitHub user goes when they revoke the App's authorization", async () => {
    const store = await open();
    await store.linkedAccounts.save(link, T0);
    await store.linkedAccounts.save({ ...link, ...MONA }, T0);
    await store.linkedAccounts.save(
      { ...link, slackUser: "U0OTHER001", githubLogin: "octocat", githubUserId: 583231 },
      T0,
    );
    const forgotten = await store.linkedAccounts.removeGitHubUser(21031067);
    expect(forgotten.map((person) => person.slackUser).sort()).toEqual([
      "U0CODERTO1",
      "U0MONALIS1",
    ]);
    expect(await store.linkedAccounts.removeGitHubUser(21031067)).toEqual([]);
    expect(await store.linkedAccounts.count()).toBe(1);
  });

  test("under another key it reads as unusable, saying why, and can still be forgotten", async () => {
    const first = await open();
    await first.linkedAccounts.save(link, T0);
    const rotated = await open(randomBytes(32));
    expect(await rotated.linkedAccounts.get(CODERTOCAT.slackTeam, CODERTOCAT.slackUser)).toEqual({
      usable: false,
      githubLogin: "Codertocat",
      githubUserId: 21031067,
      reason:
        "the stored token does not decrypt with THREADLINE_TOKEN_KEY (the key changed since it was stored, or the value was altered)",
    });
    const keyless = await open(null);
    expect(await keyless.linkedAccounts.get(CODERTOCAT.slackTeam, CODERTOCAT.slackUser)).toEqual({
      usable: false,
      githubLogin: "Codertocat",
      githubUserId: 21031067,
      reason: "THREADLINE_TOKEN_KEY is not set",
    });
    await expect(keyless.linkedAccounts.save(link, T0)).rejects.toThrow(
      /linking is off: THREADLINE_TOKEN_KEY is not set/,
    );
    expect(await keyless.linkedAccounts.remove(CODERTOCAT)).toMatchObject({
      githubLogin: "Codertocat",
    });
  });

  test("a notice is told once per member and reason, whatever the thread", async () => {
    const store = await open();
    expect(await store.linkedAccounts.tellOnce(CODERTOCAT, "link_hint", T0)).toBe(true);
    expect(await store.linkedAccounts.tellOnce(CODERTOCAT, "link_hint", T0 + 1)).toBe(false);
    expect(await store.linkedAccounts.tellOnce(MONA, "link_hint", T0)).toBe(true);
    expect(await store.linkedAccounts.tellOnce(CODERTOCAT, "link_not_mapped:a/b", T0)).toBe(true);
  });

  test("pruning leaves links alone, however old", async () => {
    const store = await open();
    await store.linkedAccounts.save(link, T0);
    await store.linkedAccounts.tellOnce(CODERTOCAT, "link_hint", T0);
    const far = T0 + 10_000 * 86_400_000;
    await store.retention.pruneBatch({ deliveriesBefore: far, conversationsBefore: far }, 1_000);
    expect(await store.linkedAccounts.count()).toBe(1);
    expect(await store.linkedAccounts.tellOnce(CODERTOCAT, "link_hint", far)).toBe(false);
  });
});

describe("which comment a person wrote", () => {
  test("reply_comments keeps the GitHub user whose token wrote a comment; none for the App", async () => {
    const store = await open();
    await store.replies.saveComment(
      "C1",
      "1700000100.000200",
      { commentId: 7, threadKey: "a/b#1", deleted: false, authorUserId: 21031067 },
      T0,
    );
    await store.replies.saveComment(
      "C1",
      "1700000100.000300",
      { commentId: 8, threadKey: "a/b#1", deleted: false },
      T0,
    );
    expect(await store.replies.getComment("C1", "1700000100.000200")).toEqual({
      commentId: 7,
      threadKey: "a/b#1",
      deleted: false,
      authorUserId: 21031067,
    });
    expect(await store.replies.getComment("C1", "1700000100.000300")).toEqual({
      commentId: 8,
      threadKey: "a/b#1",
      deleted: false,
    });
    expect(await store.replies.wroteComment(7)).toBe(true);
  });
});

/** Every row of `table` as the database holds it, read over a connection of its own. */
async function rawRows(table: string): Promise<unknown[]> {
  if (testStoreKind() === "sqlite") {
    const database = new SqliteDatabase(parseSqlitePath(url), { readonly: true });
    try {
      return database.prepare(`select * from ${table}`).all();
    } finally {
      database.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(`select * from ${table}`)).rows;
  } finally {
    await client.end();
  }
}

function parseSqlitePath(databaseUrl: string): string {
  const location = parseDatabaseUrl(databaseUrl);
  if (location.kind !== "sqlite") throw new Error("not an SQLite URL");
  return location.path;
}

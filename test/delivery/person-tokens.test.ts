/**
 * People's tokens for the reply worker: used while they last, renewed five minutes before they
 * expire by one replica at a time, dropped when GitHub will not renew them or they cannot be read,
 * kept when the fault is the App's own OAuth setup.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { pino } from "pino";
import {
  createPersonTokens,
  TokenRenewalPending,
  type PersonTokens,
} from "../../src/delivery/person-tokens.js";
import { GitHubOAuthError, type IssuedTokens } from "../../src/github/github-oauth.js";
import type { Metrics } from "../../src/metrics/create-metrics.js";
import { openStore, parseDatabaseUrl, type Store } from "../../src/store/open-store.js";

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
const KEY = randomBytes(32);
const CODERTOCAT = { slackTeam: "T0THREADL1", slackUser: "U0CODERTO1" };
const IDENTITY = { githubLogin: "Codertocat", githubUserId: 21031067 };

let store: Store;
let now: number;
let refreshes: string[];
/** What the next refresh answers: tokens, or an error to throw. */
let nextRefresh: IssuedTokens | GitHubOAuthError;
let changes: string[];
let tokens: PersonTokens;

function personTokens(holder = "replica-a", accounts = store.linkedAccounts): PersonTokens {
  return createPersonTokens({
    accounts,
    oauth: {
      async refresh(refreshToken) {
        refreshes.push(refreshToken);
        if (nextRefresh instanceof Error) throw nextRefresh;
        return nextRefresh;
      },
    },
    holder,
    log: pino({ level: "silent" }),
    metrics: {
      linksChanged: { inc: ({ change }: { change: string }) => changes.push(change) },
    } as unknown as Pick<Metrics, "linksChanged">,
    now: () => now,
  });
}

/** Links Codertocat with an access token expiring `inMs` from now. */
async function link(inMs: number, refreshInMs = 180 * 24 * 60 * MINUTE) {
  await store.linkedAccounts.save(
    {
      ...CODERTOCAT,
      ...IDENTITY,
      accessToken: "ghu_first",
      accessExpiresAt: now + inMs,
      refreshToken: "ghr_first",
      refreshExpiresAt: now + refreshInMs,
    },
    now,
  );
}

beforeEach(async () => {
  store = await openStore(parseDatabaseUrl("sqlite::memory:"), 12345, { tokenKey: KEY });
  now = T0;
  refreshes = [];
  changes = [];
  nextRefresh = {
    accessToken: "ghu_second",
    accessExpiresAt: T0 + 8 * 60 * MINUTE,
    refreshToken: "ghr_second",
    refreshExpiresAt: T0 + 180 * 24 * 60 * MINUTE,
  };
  tokens = personTokens();
});
afterEach(async () => {
  await store.close();
});

describe("tokenFor", () => {
  test("nobody linked: none", async () => {
    expect(await tokens.tokenFor(CODERTOCAT)).toEqual({ kind: "none" });
  });

  test("a token good for more than five minutes is used as it is", async () => {
    await link(5 * MINUTE + 1);
    expect(await tokens.tokenFor(CODERTOCAT)).toEqual({
      kind: "token",
      token: "ghu_first",
      identity: IDENTITY,
    });
    expect(refreshes).toEqual([]);
  });

  test("one expiring within five minutes is renewed first, and the new pair kept", async () => {
    await link(5 * MINUTE);
    expect(await tokens.tokenFor(CODERTOCAT)).toEqual({
      kind: "token",
      token: "ghu_second",
      identity: IDENTITY,
    });
    expect(refreshes).toEqual(["ghr_first"]);
    expect(changes).toEqual(["refreshed"]);
    const stored = await store.linkedAccounts.get(CODERTOCAT.slackTeam, CODERTOCAT.slackUser);
    expect(stored).toMatchObject({
      usable: true,
      account: { accessToken: "ghu_second", refreshToken: "ghr_second", updatedAt: T0 },
    });
    // Renewed: no more refreshes until it nears its own expiry.
    expect(await tokens.tokenFor(CODERTOCAT)).toMatchObject({ token: "ghu_second" });
    expect(refreshes).toHaveLength(1);
  });

  test("while another replica renews the tokens: busy; once it is done, the new token", async () => {
    await link(MINUTE);
    expect(await store.linkedAccounts.claimRefresh(CODERTOCAT, "replica-b", now, 30_000)).toBe(
      true,
    );
    expect(await tokens.tokenFor(CODERTOCAT)).toEqual({ kind: "busy" });
    expect(refreshes).toEqual([]);
    await store.linkedAccounts.saveTokens(
      CODERTOCAT,
      IDENTITY.githubUserId,
      nextRefresh as IssuedTokens,
      now,
    );
    expect(await tokens.tokenFor(CODERTOCAT)).toMatchObject({ kind: "token", token: "ghu_second" });
  });

  test("GitHub refuses to renew (bad_refresh_token): the link is dropped", async () => {
    await link(MINUTE);
    nextRefresh = new GitHubOAuthError("refused", "bad_refresh_token", false);
    expect(await tokens.tokenFor(CODERTOCAT)).toEqual({
      kind: "dropped",
      identity: IDENTITY,
      reason: "GitHub refused to renew its token (bad_refresh_token)",
    });
    expect(await store.linkedAccounts.get(CODERTOCAT.slackTeam, CODERTOCAT.slackUser)).toBe(
      undefined,
    );
    expect(changes).toEqual(["dropped"]);
  });

  test("GitHub cannot renew for now: the old token while it lasts, then wait (transient)", async () => {
    await link(MINUTE);
    nextRefresh = new GitHubOAuthError("unreachable", "network", true);
    expect(await tokens.tokenFor(CODERTOCAT)).toMatchObject({ kind: "token", token: "ghu_first" });
    now += 2 * MINUTE;
    await expect(tokens.tokenFor(CODERTOCAT)).rejects.toBeInstanceOf(TokenRenewalPending);
    // The claim was given back: the next attempt renews.
    nextRefresh = { accessToken: "ghu_third", accessExpiresAt: now + 8 * 60 * MINUTE };
    expect(await tokens.tokenFor(CODERTOCAT)).toMatchObject({ kind: "token", token: "ghu_third" });
  });

  test("the App's own client credentials refused: the person's link is kept, not used now", async () => {
    await link(-MINUTE);
    nextRefresh = new GitHubOAuthError("refused", "incorrect_client_credentials", false);
    expect(await tokens.tokenFor(CODERTOCAT)).toEqual({
      kind: "unavailable",
      reason: "refused",
    });
    expect(await store.linkedAccounts.count()).toBe(1);
  });

  test("an expired refresh token: the link is dropped", async () => {
    await link(-MINUTE, -1);
    expect(await tokens.tokenFor(CODERTOCAT)).toMatchObject({
      kind: "dropped",
      reason: "its token expired and cannot be renewed (the refresh token expired)",
    });
    expect(refreshes).toEqual([]);
  });

  test("tokens that cannot be read (THREADLINE_TOKEN_KEY changed): dropped, saying why", async () => {
    await link(8 * 60 * MINUTE);
    // As the store reads a row sealed under another key (test/store/linked-accounts.test.ts).
    const keyless = personTokens("replica-a", {
      ...store.linkedAccounts,
      async get(team, user) {
        const read = await store.linkedAccounts.get(team, user);
        return read?.usable
          ? { usable: false, ...IDENTITY, reason: "the stored token does not decrypt" }
          : read;
      },
    });
    expect(await keyless.tokenFor(CODERTOCAT)).toEqual({
      kind: "dropped",
      identity: IDENTITY,
      reason: "its token could not be read: the stored token does not decrypt",
    });
    expect(await store.linkedAccounts.count()).toBe(0);
  });
});

describe("drop", () => {
  test("forgets the link only while it names the account GitHub refused", async () => {
    await link(8 * 60 * MINUTE);
    await tokens.drop(CODERTOCAT, { githubLogin: "octocat", githubUserId: 583231 }, "401");
    expect(await store.linkedAccounts.count()).toBe(1);
    await tokens.drop(CODERTOCAT, IDENTITY, "401");
    expect(await store.linkedAccounts.count()).toBe(0);
    expect(changes).toEqual(["dropped"]);
  });
});

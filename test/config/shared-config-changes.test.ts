/**
 * A push that changes a repository's config reaches one replica; every replica must stop using
 * its cached copy within a poll, not after the cache's minute. Two replicas here are two caches,
 * each with its own store connection to one database (SQLite file or PostgreSQL schema).
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createConfigCache } from "../../src/config/config-cache.js";
import type { ConfigOctokit, LoadedConfig, RepositoryRef } from "../../src/config/load-config.js";
import {
  createSharedConfigSource,
  type SharedConfigSource,
} from "../../src/config/shared-config-changes.js";
import { openStore, parseDatabaseUrl } from "../../src/store/open-store.js";
import type { Store as OutboxStore } from "../../src/store/open-store.js";
import { createTestDatabaseUrl, dropTestDatabases } from "../helpers/test-store.js";

const octokit = {} as ConfigOctokit;
const helloWorld = { owner: "Codertocat", repo: "Hello-World" };
const spoon = { owner: "Codertocat", repo: "Spoon-Knife" };
const elsewhere = { owner: "octo-org", repo: "octo-repo" };

let directory: string;
const stores: OutboxStore[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "threadline-config-"));
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  await dropTestDatabases();
  rmSync(directory, { recursive: true, force: true });
});

/** Replicas on one database, each with its cache and a count of loads per repository. */
async function replicas(count: number) {
  const url = await createTestDatabaseUrl(`sqlite://${join(directory, "threadline.db")}`);
  const made: { configs: SharedConfigSource; store: OutboxStore; loads: Map<string, number> }[] =
    [];
  for (let index = 0; index < count; index += 1) {
    const store = await openStore(parseDatabaseUrl(url), 12345, { poolSize: 2 });
    stores.push(store);
    const loads = new Map<string, number>();
    const load = async (_octokit: ConfigOctokit, repository: RepositoryRef) => {
      const key = `${repository.owner}/${repository.repo}`;
      loads.set(key, (loads.get(key) ?? 0) + 1);
      return { status: "missing" } as LoadedConfig;
    };
    const configs = createSharedConfigSource(
      createConfigCache({ ttlMs: 60_000, load }),
      store.shared,
      pino({ level: "silent" }),
    );
    await configs.poll();
    made.push({ configs, store, loads });
  }
  return made;
}

async function getAll(configs: SharedConfigSource) {
  for (const repository of [helloWorld, spoon, elsewhere]) await configs.get(octokit, repository);
}

/** Waits until the shared change log holds `seq` changes (recording runs in the background). */
async function recorded(store: OutboxStore, seq: number) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const raw = await store.shared.getState("config_changes");
    if (raw && (JSON.parse(raw) as { seq: number }).seq >= seq) return;
    if (Date.now() > deadline) throw new Error(`config change ${seq} was never recorded`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("config changes shared between replicas", () => {
  test("a repository's change reaches the other replica at its next poll, and only that repository", async () => {
    const [a, b] = await replicas(2);
    await getAll(a!.configs);
    await getAll(b!.configs);

    a!.configs.invalidate("Codertocat", "Hello-World");
    await recorded(a!.store, 1);
    // Not yet polled: B still uses its copy.
    await getAll(b!.configs);
    expect(b!.loads.get("Codertocat/Hello-World")).toBe(1);

    await b!.configs.poll();
    await getAll(b!.configs);
    expect(Object.fromEntries(b!.loads)).toEqual({
      "Codertocat/Hello-World": 2,
      "Codertocat/Spoon-Knife": 1,
      "octo-org/octo-repo": 1,
    });
    // The replica that saw the push reloaded at once, and its own poll changes nothing more.
    await a!.configs.poll();
    await getAll(a!.configs);
    expect(a!.loads.get("Codertocat/Hello-World")).toBe(2);
  });

  test("an organisation's change clears every repository of that owner on every replica", async () => {
    const [a, b, c] = await replicas(3);
    for (const replica of [a!, b!, c!]) await getAll(replica.configs);
    b!.configs.invalidateOwner("Codertocat");
    await recorded(b!.store, 1);
    for (const replica of [a!, c!]) {
      await replica.configs.poll();
      await getAll(replica.configs);
      expect(Object.fromEntries(replica.loads)).toEqual({
        "Codertocat/Hello-World": 2,
        "Codertocat/Spoon-Knife": 2,
        "octo-org/octo-repo": 1,
      });
    }
  });

  test("changes pushed to two replicas at once are both kept", async () => {
    const [a, b, c] = await replicas(3);
    await getAll(c!.configs);
    a!.configs.invalidate("Codertocat", "Hello-World");
    b!.configs.invalidate("octo-org", "octo-repo");
    await recorded(c!.store, 2);
    await c!.configs.poll();
    await getAll(c!.configs);
    expect(Object.fromEntries(c!.loads)).toEqual({
      "Codertocat/Hello-World": 2,
      "Codertocat/Spoon-Knife": 1,
      "octo-org/octo-repo": 2,
    });
  });

  test("a replica that fell further behind than the log keeps forgets every config", async () => {
    const [a, b] = await replicas(2);
    await getAll(b!.configs);
    for (let index = 0; index < 205; index += 1) a!.configs.invalidate("someone", `repo-${index}`);
    await recorded(a!.store, 205);
    await b!.configs.poll();
    await getAll(b!.configs);
    expect(Object.fromEntries(b!.loads)).toEqual({
      "Codertocat/Hello-World": 2,
      "Codertocat/Spoon-Knife": 2,
      "octo-org/octo-repo": 2,
    });
  });
});

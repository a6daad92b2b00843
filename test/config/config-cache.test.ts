import { describe, expect, jest, test } from "@jest/globals";
import { createConfigCache } from "../../src/config/config-cache.js";
import { ConfigError } from "../../src/config/config-error.js";
import { parseConfig } from "../../src/config/parse-config.js";
import type { ConfigOctokit, LoadedConfig, RepositoryRef } from "../../src/config/load-config.js";

/** The cache never touches the Octokit itself; it only hands it to the loader. */
const octokit = {} as ConfigOctokit;

const helloWorld = { owner: "Codertocat", repo: "Hello-World" };

function found(channel: string): LoadedConfig {
  const { config } = parseConfig(`channel: "${channel}"\n`, {
    repository: "Codertocat/Hello-World",
    path: ".github/threadline.yml",
  });
  if (!config) throw new Error(`test config for ${channel} did not parse`);
  return {
    status: "found",
    config,
    source: {
      repository: "Codertocat/Hello-World",
      path: ".github/threadline.yml",
    },
  };
}

/** A clock the test moves, and a loader that counts its calls and answers from a queue. */
function setup(results: LoadedConfig[] = [found("#one"), found("#two"), found("#three")]) {
  let time = 1_000;
  const load = jest.fn(async (_octokit: ConfigOctokit, _repository: RepositoryRef) => {
    const next = results.shift();
    if (!next) throw new Error("loaded more often than the test expected");
    return next;
  });
  const cache = createConfigCache({ ttlMs: 60_000, load, now: () => time });
  return {
    cache,
    load,
    advance(ms: number) {
      time += ms;
    },
  };
}

const channelOf = (loaded: LoadedConfig): string | undefined =>
  loaded.status === "found" ? loaded.config.channel : loaded.status;

describe("createConfigCache", () => {
  test("loads a repository once per TTL", async () => {
    const { cache, load, advance } = setup();

    expect(channelOf(await cache.get(octokit, helloWorld))).toBe("#one");
    advance(59_999);
    expect(channelOf(await cache.get(octokit, helloWorld))).toBe("#one");

    expect(load).toHaveBeenCalledTimes(1);
    expect(load).toHaveBeenCalledWith(octokit, helloWorld);
  });

  test("loads again once the TTL has passed", async () => {
    const { cache, load, advance } = setup();

    await cache.get(octokit, helloWorld);
    advance(60_001);

    expect(channelOf(await cache.get(octokit, helloWorld))).toBe("#two");
    expect(load).toHaveBeenCalledTimes(2);
  });

  test("repositories are cached apart; owner and name are compared without case", async () => {
    const { cache, load } = setup();

    await cache.get(octokit, helloWorld);
    await cache.get(octokit, { owner: "codertocat", repo: "hello-world" });
    expect(channelOf(await cache.get(octokit, { owner: "Codertocat", repo: "Spoon-Knife" }))).toBe(
      "#two",
    );

    expect(load).toHaveBeenCalledTimes(2);
  });

  test("invalidate forgets one repository", async () => {
    const { cache, load } = setup();
    const spoonKnife = { owner: "Codertocat", repo: "Spoon-Knife" };

    await cache.get(octokit, helloWorld);
    await cache.get(octokit, spoonKnife);
    cache.invalidate("Codertocat", "Hello-World");

    expect(channelOf(await cache.get(octokit, helloWorld))).toBe("#three");
    expect(channelOf(await cache.get(octokit, spoonKnife))).toBe("#two");
    expect(load).toHaveBeenCalledTimes(3);
  });

  test("invalidateOwner forgets every repository of that owner, and only those", async () => {
    const { cache, load } = setup([
      found("#a"),
      found("#b"),
      found("#c"),
      found("#a2"),
      found("#b2"),
    ]);
    const spoonKnife = { owner: "Codertocat", repo: "Spoon-Knife" };
    const other = { owner: "Codertocat-Labs", repo: "Hello-World" };

    await cache.get(octokit, helloWorld);
    await cache.get(octokit, spoonKnife);
    await cache.get(octokit, other);
    cache.invalidateOwner("codertocat");

    expect(channelOf(await cache.get(octokit, helloWorld))).toBe("#a2");
    expect(channelOf(await cache.get(octokit, spoonKnife))).toBe("#b2");
    expect(channelOf(await cache.get(octokit, other))).toBe("#c");
    expect(load).toHaveBeenCalledTimes(5);
  });

  test("concurrent requests for a repository share one load", async () => {
    const { cache, load } = setup();

    const results = await Promise.all([
      cache.get(octokit, helloWorld),
      cache.get(octokit, helloWorld),
      cache.get(octokit, helloWorld),
    ]);

    expect(results.map(channelOf)).toEqual(["#one", "#one", "#one"]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  test("a load that was under way when the repository was invalidated is not kept", async () => {
    const { cache, load } = setup();

    const stale = cache.get(octokit, helloWorld);
    cache.invalidate("Codertocat", "Hello-World");
    const fresh = cache.get(octokit, helloWorld);

    expect(channelOf(await stale)).toBe("#one");
    expect(channelOf(await fresh)).toBe("#two");
    expect(channelOf(await cache.get(octokit, helloWorld))).toBe("#two");
    expect(load).toHaveBeenCalledTimes(2);
  });

  test("missing and invalid configs are cached like found ones", async () => {
    const invalid: LoadedConfig = {
      status: "invalid",
      error: new ConfigError(
        {
          repository: "Codertocat/Spoon-Knife",
          path: ".github/threadline.yml",
        },
        [{ line: 1, field: "channel", message: "is empty" }],
      ),
    };
    const { cache, load } = setup([{ status: "missing" }, invalid]);
    const spoonKnife = { owner: "Codertocat", repo: "Spoon-Knife" };

    for (let i = 0; i < 3; i++) {
      expect(await cache.get(octokit, helloWorld)).toEqual({
        status: "missing",
      });
      expect(await cache.get(octokit, spoonKnife)).toBe(invalid);
    }
    expect(load).toHaveBeenCalledTimes(2);
  });

  test("a failed load is shared by everyone waiting on it, then forgotten", async () => {
    let attempts = 0;
    const load = jest.fn(async (): Promise<LoadedConfig> => {
      attempts += 1;
      if (attempts === 1) throw new Error("GitHub is down");
      return { status: "missing" };
    });
    const cache = createConfigCache({ load });

    const waiting = [cache.get(octokit, helloWorld), cache.get(octokit, helloWorld)];
    await Promise.all(waiting.map((result) => expect(result).rejects.toThrow("GitHub is down")));

    expect(await cache.get(octokit, helloWorld)).toEqual({ status: "missing" });
    expect(load).toHaveBeenCalledTimes(2);
  });
});

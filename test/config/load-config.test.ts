import { afterEach, describe, expect, test } from "@jest/globals";
import nock from "nock";
import { useStrictNock } from "../helpers/strict-nock.js";
import { ProbotOctokit } from "probot";
import { ConfigAccessError } from "../../src/config/config-access-error.js";
import { ConfigError } from "../../src/config/config-error.js";
import { loadConfig } from "../../src/config/load-config.js";

const yaml = (...lines: string[]): string => `${lines.join("\n")}\n`;

function octokit() {
  return new ProbotOctokit({
    auth: { token: "test" },
    retry: { enabled: false },
    throttle: { enabled: false },
  });
}

const repository = { owner: "Codertocat", repo: "Hello-World" };

/** GitHub's contents API, asked for the file's bytes as Probot's config plugin asks for them. */
function contents(owner: string, repo: string, path = ".github/threadline.yml") {
  return nock("https://api.github.com")
    .matchHeader("accept", "application/vnd.github.v3.raw")
    .get(`/repos/${owner}/${repo}/contents/${encodeURIComponent(path)}`);
}

const RAW = { "content-type": "text/plain; charset=utf-8" };
const NOT_FOUND = { message: "Not Found" };
/** GitHub's body when the installation may not read the file (403). */
const NOT_ACCESSIBLE = {
  message: "Resource not accessible by integration",
  documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content",
  status: "403",
};

useStrictNock({ allowLocal: false });

afterEach(() => {
  // Every mocked request was made, and nothing else was.
  const done = nock.isDone();
  nock.cleanAll();
  expect(done).toBe(true);
});

describe("loadConfig", () => {
  test("the repository's own file, with defaults filled in", async () => {
    contents("Codertocat", "Hello-World").reply(
      200,
      yaml("channel: C0123456789", "ignore:", "  drafts: true"),
      RAW,
    );

    const loaded = await loadConfig(octokit(), repository);

    expect(loaded).toEqual({
      status: "found",
      config: {
        channel: "C0123456789",
        events: ["comments", "review_comments", "reviews"],
        routes: [],
        ignore: { bots: true, authors: [], labels: [], drafts: true },
        threads: true,
        broadcast: false,
        deleted: "tombstone",
        details: "collapse",
        mentions: {},
        replies: "off",
        announce: [],
      },
      source: {
        repository: "Codertocat/Hello-World",
        path: ".github/threadline.yml",
      },
    });
  });

  test("falls back to the owner's .github repository", async () => {
    contents("Codertocat", "Hello-World").reply(404, NOT_FOUND);
    contents("Codertocat", ".github").reply(200, yaml('channel: "#reviews"'), RAW);

    const loaded = await loadConfig(octokit(), repository);

    expect(loaded).toMatchObject({
      status: "found",
      config: { channel: "#reviews" },
      source: {
        repository: "Codertocat/.github",
        path: ".github/threadline.yml",
      },
    });
  });

  test("_extends merges the extended file under the repository's fields", async () => {
    contents("Codertocat", "Hello-World").reply(
      200,
      yaml("_extends: shared:threadline/base.yml", 'channel: "#hello-world"'),
      RAW,
    );
    contents("Codertocat", "shared", "threadline/base.yml").reply(
      200,
      yaml('channel: "#everything"', "ignore:", "  authors: [renovate]"),
      RAW,
    );

    const loaded = await loadConfig(octokit(), repository);

    expect(loaded).toMatchObject({
      status: "found",
      config: {
        channel: "#hello-world",
        ignore: { authors: ["renovate"], bots: true },
      },
      source: { repository: "Codertocat/Hello-World" },
    });
  });

  test("no file in the repository nor in the owner's .github repository", async () => {
    contents("Codertocat", "Hello-World").reply(404, NOT_FOUND);
    contents("Codertocat", ".github").reply(404, NOT_FOUND);

    expect(await loadConfig(octokit(), repository)).toEqual({
      status: "missing",
    });
  });

  test("an empty file is a config with every default", async () => {
    contents("Codertocat", "Hello-World").reply(200, "", RAW);

    expect(await loadConfig(octokit(), repository)).toMatchObject({
      status: "found",
      config: { events: ["comments", "review_comments", "reviews"] },
    });
  });

  test("invalid YAML is reported with its file and line", async () => {
    contents("Codertocat", "Hello-World").reply(404, NOT_FOUND);
    contents("Codertocat", ".github").reply(
      200,
      yaml("channel: C0123456789", "ignore:", "\tbots: false"),
      RAW,
    );

    const loaded = await loadConfig(octokit(), repository);

    expect(loaded.status).toBe("invalid");
    const error = loaded.status === "invalid" ? loaded.error : undefined;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toBe(
      "Codertocat/.github .github/threadline.yml line 3: invalid YAML: tabs are not allowed as indentation; indent with spaces",
    );
    expect(error).toMatchObject({
      repository: "Codertocat/.github",
      line: 3,
      field: "",
    });
  });

  test("a schema error is located by reading the file that holds the field", async () => {
    contents("Codertocat", "Hello-World").reply(
      200,
      yaml("_extends: .github", 'channel: "#hello-world"'),
      RAW,
    );
    const orgFile = yaml(
      "# shared by every repository",
      "routes:",
      '  - channel: "#web"',
      "    paths: [web/**]",
      "  - channel: security",
    );
    // Once through the config plugin, once more as text to find the line.
    contents("Codertocat", ".github").times(2).reply(200, orgFile, RAW);

    const loaded = await loadConfig(octokit(), repository);

    expect(loaded).toMatchObject({ status: "invalid" });
    const error = loaded.status === "invalid" ? loaded.error : undefined;
    expect(error?.message).toBe(
      'Codertocat/.github .github/threadline.yml line 5: routes[1].channel: "security" is not a Slack channel; use a channel ID like C0123456789 or a name like #security',
    );
    expect(error).toMatchObject({
      repository: "Codertocat/.github",
      path: ".github/threadline.yml",
      line: 5,
      field: "routes[1].channel",
    });
  });

  test("an unknown top-level field is traced to the file that has it", async () => {
    const file = yaml("channel: C0123456789", "", "rotes: []");
    contents("Codertocat", "Hello-World").times(2).reply(200, file, RAW);

    const loaded = await loadConfig(octokit(), repository);

    expect(loaded.status === "invalid" && loaded.error.message).toBe(
      "Codertocat/Hello-World .github/threadline.yml line 3: rotes: unknown field `rotes`; did you mean `routes`?",
    );
  });

  test("a file that is a list, which the plugin would merge as fields 0, 1, …", async () => {
    const file = yaml("# oops", '- channel: "#web"');
    contents("Codertocat", "Hello-World").times(2).reply(200, file, RAW);

    const loaded = await loadConfig(octokit(), repository);

    expect(loaded.status === "invalid" && loaded.error.message).toBe(
      'Codertocat/Hello-World .github/threadline.yml line 2: the file must be a mapping of settings such as channel: "#pull-requests", found a list',
    );
  });

  test("when the file cannot be read again, the problem is still reported, without a line", async () => {
    contents("Codertocat", "Hello-World").reply(200, yaml("ignore:", "  bots: maybe"), RAW);
    contents("Codertocat", "Hello-World").reply(404, NOT_FOUND);

    const loaded = await loadConfig(octokit(), repository);

    expect(loaded.status === "invalid" && loaded.error.message).toBe(
      'Codertocat/Hello-World .github/threadline.yml: ignore.bots: expected true or false, found "maybe"',
    );
  });

  test("a bad _extends is the repository's to fix", async () => {
    contents("Codertocat", "Hello-World").reply(200, yaml("_extends: [a, b]"), RAW);

    const loaded = await loadConfig(octokit(), repository);

    expect(loaded.status === "invalid" && loaded.error.message).toBe(
      "Codertocat/Hello-World .github/threadline.yml: _extends: must name the file to extend, like .github or owner/repo:path/to/file.yml",
    );
  });

  test("other GitHub failures are thrown with their cause", async () => {
    contents("Codertocat", "Hello-World").reply(500, {
      message: "Server Error",
    });

    const failure = loadConfig(octokit(), repository);

    await expect(failure).rejects.toThrow(
      "could not load .github/threadline.yml for Codertocat/Hello-World: Server Error",
    );
    await expect(failure).rejects.toMatchObject({ cause: { status: 500 } });
  });

  describe("when GitHub refuses the App the file (403)", () => {
    test("the repository's own file: the error names the Single file permission, the path and where to set it", async () => {
      contents("Codertocat", "Hello-World").reply(403, NOT_ACCESSIBLE);

      const failure = loadConfig(octokit(), repository);

      await expect(failure).rejects.toBeInstanceOf(ConfigAccessError);
      await expect(failure).rejects.toMatchObject({
        repository: "Codertocat/Hello-World",
        sharedBy: undefined,
        cause: { status: 403 },
      });
      const { message } = (await failure.catch((error: unknown) => error)) as Error;
      expect(message).toMatch(
        /^GitHub refused the App access to \.github\/threadline\.yml in Codertocat\/Hello-World \(403\)/,
      );
      expect(message).toContain(
        'Permissions & events → Repository permissions → Single file, choose "Read-only", enter .github/threadline.yml',
      );
      expect(message).toContain("the redelivery sweep asks GitHub for it again");
    });

    test("the owner's .github repository: the error says to install the App there", async () => {
      contents("Codertocat", "Hello-World").reply(404, NOT_FOUND);
      contents("Codertocat", ".github").reply(403, NOT_ACCESSIBLE);

      const failure = loadConfig(octokit(), repository);

      await expect(failure).rejects.toMatchObject({
        name: "ConfigAccessError",
        repository: "Codertocat/.github",
        sharedBy: "Codertocat/Hello-World",
      });
      const { message } = (await failure.catch((error: unknown) => error)) as Error;
      expect(message).toContain(
        "in Codertocat/.github, which Codertocat/Hello-World takes its config from (403): install the App on Codertocat/.github too",
      );
    });

    test("a rate limit answered with 403 is not a permission problem", async () => {
      contents("Codertocat", "Hello-World").reply(
        403,
        { message: "API rate limit exceeded for installation ID 1." },
        { "x-ratelimit-remaining": "0" },
      );

      const failure = loadConfig(octokit(), repository);

      await expect(failure).rejects.not.toBeInstanceOf(ConfigAccessError);
      await expect(failure).rejects.toThrow(/could not load .* API rate limit exceeded/);
    });
  });
});

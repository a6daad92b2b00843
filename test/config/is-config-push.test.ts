import { describe, expect, test } from "@jest/globals";
import { isConfigPush } from "../../src/config/is-config-push.js";
import { loadPushFixture, type Payload } from "../fixtures/index.js";

type Change = "added" | "modified" | "removed";

/** The recorded push to Codertocat/Hello-World's default branch, changing `files` as `change`. */
function push(
  files: string[],
  change: Change = "modified",
  edit: (payload: Payload<"push">) => void = () => {},
): Payload<"push"> {
  const payload = loadPushFixture();
  const [commit] = payload.commits;
  if (!commit) throw new Error("the push fixture has no commit");
  commit.added = [];
  commit.modified = [];
  commit.removed = [];
  commit[change] = files;
  payload.head_commit = commit;
  edit(payload);
  return payload;
}

describe("isConfigPush", () => {
  test.each<[name: string, payload: Payload<"push">, touchesConfig: boolean]>([
    ["the recorded push, which adds a README", loadPushFixture(), false],
    ["the config modified", push([".github/threadline.yml"]), true],
    ["the config added", push([".github/threadline.yml"], "added"), true],
    ["the config removed", push([".github/threadline.yml"], "removed"), true],
    ["a different file under .github", push([".github/workflows/ci.yml"]), false],
    [
      "the config changed on another branch",
      push([".github/threadline.yml"], "modified", (payload) => {
        payload.ref = "refs/heads/feature";
      }),
      false,
    ],
    [
      "a tag with the default branch's name",
      push([".github/threadline.yml"], "modified", (payload) => {
        payload.ref = "refs/tags/master";
      }),
      false,
    ],
    [
      "the config changed in a commit beyond the 20 listed, seen through head_commit",
      push([".github/threadline.yml"], "modified", (payload) => {
        payload.commits = [];
      }),
      true,
    ],
  ])("%s", (_name, payload, touchesConfig) => {
    expect(isConfigPush(payload)).toEqual({
      touchesConfig,
      isOrgDefaults: false,
    });
  });

  test("a push to the owner's .github repository changes every repository's fallback", () => {
    const payload = push([".github/threadline.yml"], "modified", (payload) => {
      payload.repository.name = ".github";
      payload.repository.full_name = "Codertocat/.github";
    });
    expect(isConfigPush(payload)).toEqual({
      touchesConfig: true,
      isOrgDefaults: true,
    });
  });
});

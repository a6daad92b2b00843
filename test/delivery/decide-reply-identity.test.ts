/**
 * Who writes a reply on GitHub: the person, with their own token, only where the repository maps
 * their Slack member to the account they linked; a comment is changed by whoever wrote it.
 */
import { describe, expect, test } from "@jest/globals";
import {
  decideReplyIdentity,
  type IdentityFacts,
  type ReplyIdentity,
} from "../../src/delivery/decide-reply-identity.js";

const CODERTOCAT = { githubLogin: "Codertocat", githubUserId: 21031067 };
const create: IdentityFacts = {
  write: "create",
  authorUserId: undefined,
  mappedLogin: "Codertocat",
  linked: CODERTOCAT,
  linkingOn: true,
};

describe("decideReplyIdentity", () => {
  test.each<[string, Partial<IdentityFacts>, ReplyIdentity]>([
    ["linked and mapped to that account: as themselves", {}, { as: "person" }],
    ["the mapping's letter case does not matter", { mappedLogin: "codertocat" }, { as: "person" }],
    [
      "linked, but mapped to another account: the App, and they are told",
      { mappedLogin: "octocat" },
      { as: "app", asThemselves: false, notice: "link_not_mapped" },
    ],
    [
      "linked, but not mapped at all (replies: anyone): the App, and they are told",
      { mappedLogin: undefined },
      { as: "app", asThemselves: false, notice: "link_not_mapped" },
    ],
    [
      "mapped, not linked, linking on: the App, and they hear how to link",
      { linked: undefined },
      { as: "app", asThemselves: false, notice: "link_hint" },
    ],
    [
      "mapped, not linked, linking off: the App, nothing said",
      { linked: undefined, linkingOn: false },
      { as: "app", asThemselves: false },
    ],
    [
      "neither mapped nor linked: the App",
      { linked: undefined, mappedLogin: undefined },
      { as: "app", asThemselves: false },
    ],
  ])("a new reply, %s", (_name, facts, expected) => {
    expect(decideReplyIdentity({ ...create, ...facts })).toEqual(expected);
  });

  test.each<[string, Partial<IdentityFacts>, ReplyIdentity]>([
    [
      "written by the App: the App, naming them",
      { authorUserId: undefined },
      { as: "app", asThemselves: false },
    ],
    [
      "written by the App, though they linked since: still the App",
      { authorUserId: undefined, linked: CODERTOCAT },
      { as: "app", asThemselves: false },
    ],
    ["written by them, still linked: themselves", { authorUserId: 21031067 }, { as: "person" }],
    [
      "written by them, unlinked since: the App, their comment still without a by-line",
      { authorUserId: 21031067, linked: undefined },
      { as: "app", asThemselves: true },
    ],
    [
      "written by them, another account linked since: the App",
      { authorUserId: 21031067, linked: { githubLogin: "octocat", githubUserId: 583231 } },
      { as: "app", asThemselves: true },
    ],
  ])("an edit or deletion of a comment %s", (_name, facts, expected) => {
    for (const write of ["update", "delete"] as const) {
      expect(decideReplyIdentity({ ...create, write, ...facts })).toEqual(expected);
    }
  });
});

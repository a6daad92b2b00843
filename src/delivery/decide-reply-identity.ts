/** A GitHub account a Slack member linked, as the identity decision needs it. */
export interface LinkedIdentity {
  githubLogin: string;
  githubUserId: number;
}

/** Why a person is told something once about posting as themselves. */
export type IdentityNotice =
  /** Mapped, linking is on, and they have not linked: `/threadline link` posts as themselves. */
  | "link_hint"
  /** Linked, but the repository's `mentions:` maps them to another login, or not at all. */
  | "link_not_mapped";

/** Whose GitHub identity a write uses, and how the comment's body names its author. */
export type ReplyIdentity =
  /** The person's own token: the comment is theirs on GitHub, no "written by" line. */
  | { as: "person" }
  /**
   * The App's installation. `asThemselves`: the comment being edited was written by the person,
   * so its body still has no "written by" line; otherwise it names them.
   */
  | { as: "app"; asThemselves: boolean; notice?: IdentityNotice };

export interface IdentityFacts {
  write: "create" | "update" | "delete";
  /** The GitHub user id whose token wrote the comment being edited or deleted; undefined: the App. */
  authorUserId: number | undefined;
  /** The login the repository's `mentions:` maps the author to, if any. */
  mappedLogin: string | undefined;
  /** The author's linked account, when it has a usable token now. */
  linked: LinkedIdentity | undefined;
  /** Linking is set up for this App (people can be told how). */
  linkingOn: boolean;
}

/**
 * Who writes a reply on GitHub, and how its body names the author. Pure: the worker does it.
 *
 * A new comment is written with the person's own token only where the repository's `mentions:`
 * maps their Slack member to the very GitHub account they linked: the repository's maintainers,
 * not a link anyone could have completed, say who a Slack member is on GitHub. Otherwise the App
 * writes it, naming them. A comment is edited and deleted by whoever wrote it: the person, while
 * that same account is linked, else the App (which may change comments where it may write).
 */
export function decideReplyIdentity(facts: IdentityFacts): ReplyIdentity {
  const { write, authorUserId, mappedLogin, linked, linkingOn } = facts;
  if (write !== "create") {
    if (authorUserId === undefined) return { as: "app", asThemselves: false };
    return linked?.githubUserId === authorUserId
      ? { as: "person" }
      : { as: "app", asThemselves: true };
  }
  if (linked) {
    const mapped =
      mappedLogin !== undefined && mappedLogin.toLowerCase() === linked.githubLogin.toLowerCase();
    return mapped
      ? { as: "person" }
      : { as: "app", asThemselves: false, notice: "link_not_mapped" };
  }
  return linkingOn && mappedLogin !== undefined
    ? { as: "app", asThemselves: false, notice: "link_hint" }
    : { as: "app", asThemselves: false };
}

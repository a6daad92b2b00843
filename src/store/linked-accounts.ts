import type { Kysely } from "kysely";
import type { Database, LinkedAccountsTable } from "./schema.js";
import { TokenDecryptionError, type TokenCipher } from "./token-cipher.js";

/** A person's GitHub user access token, and the refresh token that renews it. */
export interface UserTokens {
  accessToken: string;
  /** Epoch ms it expires; absent when the App's user tokens do not expire. */
  accessExpiresAt?: number;
  refreshToken?: string;
  refreshExpiresAt?: number;
}

/** Who a Slack member is on GitHub, as they linked it. */
export interface GitHubIdentity {
  githubLogin: string;
  githubUserId: number;
}

/** A Slack member (of workspace `slackTeam`) and the GitHub account they linked, tokens readable. */
export interface LinkedAccount extends GitHubIdentity, UserTokens {
  slackTeam: string;
  slackUser: string;
  linkedAt: number;
  updatedAt: number;
}

/** A link as the store finds it: usable, or kept but unreadable (another key; a changed value). */
export type StoredLink =
  { usable: true; account: LinkedAccount } | ({ usable: false; reason: string } & GitHubIdentity);

/** A Slack member, as links and notices name them. */
export interface SlackPerson {
  slackTeam: string;
  slackUser: string;
}

/**
 * People who linked their GitHub account to post their Slack replies as themselves (the OAuth
 * callback saves them; the reply worker reads, refreshes and drops them; `/threadline unlink` and
 * GitHub's revocation remove them). Tokens are encrypted at rest: the plaintext exists only in
 * what these methods take and give.
 */
export interface LinkedAccounts {
  get(slackTeam: string, slackUser: string): Promise<StoredLink | undefined>;
  /** Links (or links again, replacing whatever was there) a Slack member to a GitHub account. */
  save(link: SlackPerson & GitHubIdentity & UserTokens, now: number): Promise<void>;
  /**
   * Keeps renewed tokens, if the member is still linked to `githubUserId` (they may have unlinked
   * meanwhile); ends the refresh claim. False when there was nothing to update.
   */
  saveTokens(
    person: SlackPerson,
    githubUserId: number,
    tokens: UserTokens,
    now: number,
  ): Promise<boolean>;
  /**
   * Takes the right to refresh the member's tokens for `leaseMs` (a refresh token works once, so
   * two replicas must not both use it); false while another holder has it.
   */
  claimRefresh(person: SlackPerson, holder: string, now: number, leaseMs: number): Promise<boolean>;
  releaseRefresh(person: SlackPerson, holder: string): Promise<void>;
  /**
   * Forgets the member's link (only if it still names GitHub user `githubUserId`, when given);
   * resolves to the account it named, if there was one.
   */
  remove(person: SlackPerson, githubUserId?: number): Promise<GitHubIdentity | undefined>;
  /** Forgets every link to GitHub user `githubUserId` (they revoked the App's authorization). */
  removeGitHubUser(githubUserId: number): Promise<Array<SlackPerson & GitHubIdentity>>;
  /** Records that the member was told `reason`; true only the first time, whatever the thread. */
  tellOnce(person: SlackPerson, reason: string, now: number): Promise<boolean>;
  /** How many members are linked. */
  count(): Promise<number>;
}

type Row = Pick<
  LinkedAccountsTable,
  | "slack_team"
  | "slack_user"
  | "github_login"
  | "github_user_id"
  | "access_token"
  | "access_expires_at"
  | "refresh_token"
  | "refresh_expires_at"
  | "linked_at"
  | "updated_at"
>;

const COLUMNS = [
  "slack_team",
  "slack_user",
  "github_login",
  "github_user_id",
  "access_token",
  "access_expires_at",
  "refresh_token",
  "refresh_expires_at",
  "linked_at",
  "updated_at",
] as const;

const optionalNumber = (value: number | null) => (value === null ? undefined : Number(value));

/**
 * The linked accounts over Kysely, for SQLite and PostgreSQL alike. `cipher` is undefined when
 * THREADLINE_TOKEN_KEY is not set: nothing can be saved then, and a link left from before reads
 * as unusable.
 */
export function createLinkedAccounts(
  db: Kysely<Database>,
  appId: number,
  cipher: TokenCipher | undefined,
): LinkedAccounts {
  /** What each sealed value belongs to: a token moved to another row or column does not open. */
  const contextOf = (person: SlackPerson, column: "access" | "refresh") =>
    `${appId}/${person.slackTeam}/${person.slackUser}/${column}`;

  const requireCipher = (): TokenCipher => {
    if (!cipher) {
      throw new Error("linking is off: THREADLINE_TOKEN_KEY is not set, so no token can be stored");
    }
    return cipher;
  };

  function sealed(person: SlackPerson, tokens: UserTokens) {
    const seal = requireCipher();
    return {
      access_token: seal.encrypt(tokens.accessToken, contextOf(person, "access")),
      access_expires_at: tokens.accessExpiresAt ?? null,
      refresh_token:
        tokens.refreshToken === undefined
          ? null
          : seal.encrypt(tokens.refreshToken, contextOf(person, "refresh")),
      refresh_expires_at: tokens.refreshExpiresAt ?? null,
    };
  }

  function opened(row: Row): StoredLink {
    const person = { slackTeam: row.slack_team, slackUser: row.slack_user };
    const identity = { githubLogin: row.github_login, githubUserId: Number(row.github_user_id) };
    if (!cipher) {
      return { usable: false, reason: "THREADLINE_TOKEN_KEY is not set", ...identity };
    }
    try {
      const accessToken = cipher.decrypt(row.access_token, contextOf(person, "access"));
      const refreshToken =
        row.refresh_token === null
          ? undefined
          : cipher.decrypt(row.refresh_token, contextOf(person, "refresh"));
      const accessExpiresAt = optionalNumber(row.access_expires_at);
      const refreshExpiresAt = optionalNumber(row.refresh_expires_at);
      return {
        usable: true,
        account: {
          ...person,
          ...identity,
          accessToken,
          ...(accessExpiresAt === undefined ? {} : { accessExpiresAt }),
          ...(refreshToken === undefined ? {} : { refreshToken }),
          ...(refreshExpiresAt === undefined ? {} : { refreshExpiresAt }),
          linkedAt: Number(row.linked_at),
          updatedAt: Number(row.updated_at),
        },
      };
    } catch (error) {
      if (error instanceof TokenDecryptionError) {
        return { usable: false, reason: error.message, ...identity };
      }
      throw error;
    }
  }

  const ofPerson = (person: SlackPerson) =>
    db
      .selectFrom("linked_accounts")
      .where("app_id", "=", appId)
      .where("slack_team", "=", person.slackTeam)
      .where("slack_user", "=", person.slackUser);

  return {
    async get(slackTeam, slackUser) {
      const row = await ofPerson({ slackTeam, slackUser }).select(COLUMNS).executeTakeFirst();
      return row ? opened(row) : undefined;
    },

    async save(link, now) {
      const values = {
        github_login: link.githubLogin,
        github_user_id: link.githubUserId,
        ...sealed(link, link),
        refresh_claimed_by: null,
        refresh_claimed_until: null,
        linked_at: now,
        updated_at: now,
      };
      await db
        .insertInto("linked_accounts")
        .values({
          app_id: appId,
          slack_team: link.slackTeam,
          slack_user: link.slackUser,
          ...values,
        })
        .onConflict((conflict) =>
          conflict.columns(["app_id", "slack_team", "slack_user"]).doUpdateSet(values),
        )
        .execute();
    },

    async saveTokens(person, githubUserId, tokens, now) {
      const result = await db
        .updateTable("linked_accounts")
        .set({
          ...sealed(person, tokens),
          refresh_claimed_by: null,
          refresh_claimed_until: null,
          updated_at: now,
        })
        .where("app_id", "=", appId)
        .where("slack_team", "=", person.slackTeam)
        .where("slack_user", "=", person.slackUser)
        .where("github_user_id", "=", githubUserId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async claimRefresh(person, holder, now, leaseMs) {
      const result = await db
        .updateTable("linked_accounts")
        .set({ refresh_claimed_by: holder, refresh_claimed_until: now + leaseMs })
        .where("app_id", "=", appId)
        .where("slack_team", "=", person.slackTeam)
        .where("slack_user", "=", person.slackUser)
        .where((eb) =>
          eb.or([
            eb("refresh_claimed_until", "is", null),
            eb("refresh_claimed_until", "<", now),
            eb("refresh_claimed_by", "=", holder),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async releaseRefresh(person, holder) {
      await db
        .updateTable("linked_accounts")
        .set({ refresh_claimed_by: null, refresh_claimed_until: null })
        .where("app_id", "=", appId)
        .where("slack_team", "=", person.slackTeam)
        .where("slack_user", "=", person.slackUser)
        .where("refresh_claimed_by", "=", holder)
        .execute();
    },

    async remove(person, githubUserId) {
      let query = db
        .deleteFrom("linked_accounts")
        .where("app_id", "=", appId)
        .where("slack_team", "=", person.slackTeam)
        .where("slack_user", "=", person.slackUser);
      if (githubUserId !== undefined) query = query.where("github_user_id", "=", githubUserId);
      const row = await query.returning(["github_login", "github_user_id"]).executeTakeFirst();
      return row
        ? { githubLogin: row.github_login, githubUserId: Number(row.github_user_id) }
        : undefined;
    },

    async removeGitHubUser(githubUserId) {
      const rows = await db
        .deleteFrom("linked_accounts")
        .where("app_id", "=", appId)
        .where("github_user_id", "=", githubUserId)
        .returning(["slack_team", "slack_user", "github_login", "github_user_id"])
        .execute();
      return rows.map((row) => ({
        slackTeam: row.slack_team,
        slackUser: row.slack_user,
        githubLogin: row.github_login,
        githubUserId: Number(row.github_user_id),
      }));
    },

    async tellOnce(person, reason, now) {
      const [result] = await db
        .insertInto("person_notices")
        .values({
          app_id: appId,
          slack_team: person.slackTeam,
          slack_user: person.slackUser,
          reason,
          told_at: now,
        })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
      return Number(result?.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async count() {
      const row = await db
        .selectFrom("linked_accounts")
        .select(db.fn.countAll<number>().as("count"))
        .where("app_id", "=", appId)
        .executeTakeFirst();
      return Number(row?.count ?? 0);
    },
  };
}

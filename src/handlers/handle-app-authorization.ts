import type { Decision, GitHubEvent } from "./github-event.js";

/** Forgets every Slack member's link to GitHub user `githubUserId`; resolves to how many. */
export type ForgetGitHubUser = (githubUserId: number, login: string) => Promise<number>;

/**
 * `github_app_authorization.revoked`: someone revoked their authorization of the App on GitHub
 * (GitHub sends it to every App; no App can unsubscribe). Their tokens no longer work, so every
 * link to their account is forgotten at once, rather than found out at their next reply. Deleting
 * is idempotent: a redelivery forgets nothing more. Nothing is posted to Slack.
 */
export function createAppAuthorizationHandler(forget: ForgetGitHubUser | undefined) {
  return async (event: GitHubEvent<"github_app_authorization.revoked">): Promise<Decision> => {
    const { login, id } = event.payload.sender;
    if (!forget) {
      event.log.debug({ githubLogin: login }, "authorization revoked; linking is off here");
      return { skipped: "an authorization revoked on GitHub (linking is off)" };
    }
    const forgotten = await forget(id, login);
    event.log.info(
      { githubLogin: login, links: forgotten },
      forgotten > 0
        ? "a person revoked the App's authorization on GitHub; their link is forgotten"
        : "a person revoked the App's authorization on GitHub; they had no link",
    );
    return {
      skipped: `an authorization revoked on GitHub: ${forgotten} linked account${forgotten === 1 ? "" : "s"} forgotten`,
    };
  };
}

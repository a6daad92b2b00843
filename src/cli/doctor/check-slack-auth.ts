import { describeSlackError } from "../../slack/describe-slack-error.js";
import { ok, problem, warn, type DoctorCheck } from "./doctor-check.js";

/** What `auth.test` answered, as @slack/web-api hands it over. */
export interface SlackAuthAnswer {
  team?: string | undefined;
  user?: string | undefined;
  /** From the `x-oauth-scopes` header: the scopes the token was granted. */
  response_metadata?: { scopes?: string[] | undefined } | undefined;
}

/** The auth finding, and what the channel checks need from it. */
export interface SlackAuthCheck {
  checks: DoctorCheck[];
  /** The bot's user name, for `/invite @name`; undefined when the token did not work. */
  botUser: string | undefined;
  /** False when posting cannot work at all, so trying each channel would only repeat it. */
  canPost: boolean;
}

const SCOPES_PAGE = "the Slack app's OAuth & Permissions page → Bot Token Scopes";

/**
 * Whether SLACK_BOT_TOKEN works, as whom, and with which scopes: `chat:write` is needed to post;
 * `chat:write.public` works but lets anyone who can commit a config post anywhere public.
 */
export function checkSlackAuth(
  answer: { result: SlackAuthAnswer } | { error: unknown },
  /** Answering from Slack is on (SLACK_SIGNING_SECRET or SLACK_APP_TOKEN set). */
  answering = false,
): SlackAuthCheck {
  if ("error" in answer) {
    const failure = describeSlackError(answer.error, "");
    return {
      checks: [
        problem(
          failure.kind === "auth"
            ? "Slack refused SLACK_BOT_TOKEN"
            : `could not check SLACK_BOT_TOKEN: auth.test failed (${failure.code})`,
          failure.hint,
        ),
      ],
      botUser: undefined,
      canPost: false,
    };
  }
  const { team, user, response_metadata } = answer.result;
  const checks = [ok(`Slack token works: bot @${user ?? "?"} in ${team ?? "?"}`)];
  const scopes = response_metadata?.scopes;
  if (scopes === undefined) {
    checks.push(
      warn(
        "Slack did not say which scopes the token has (no x-oauth-scopes header)",
        "check that SLACK_API_URL points at Slack's Web API; the channel checks below still test posting",
      ),
    );
    return { checks, botUser: user, canPost: true };
  }
  if (!scopes.includes("chat:write")) {
    checks.push(
      problem(
        `the token lacks the chat:write scope (it has ${scopes.join(", ") || "none"}): it cannot post`,
        `add chat:write in ${SCOPES_PAGE}, reinstall the Slack app to the workspace,\nand copy its Bot User OAuth Token into SLACK_BOT_TOKEN`,
      ),
    );
  }
  if (scopes.includes("chat:write.public")) {
    checks.push(
      warn(
        "the token has chat:write.public",
        `chat:write.public lets anyone who can commit .github/threadline.yml post into any public channel; remove it unless you want that\n(${SCOPES_PAGE}, then reinstall the Slack app)`,
      ),
    );
  }
  checks.push(...checkReadingScopes(scopes, answering));
  return { checks, botUser: user, canPost: scopes.includes("chat:write") };
}

/** The scopes only answering from Slack uses: it receives channel messages and names people. */
const READING_SCOPES = ["channels:history", "groups:history", "users:read"];

/**
 * Answering from Slack on: the scopes it needs (without `groups:history`, private channels'
 * replies never arrive; without the others, none do or no author is known). Off: reading
 * scopes the App does not use, which least privilege says to remove.
 */
function checkReadingScopes(scopes: readonly string[], answering: boolean): DoctorCheck[] {
  if (!answering) {
    const unused = READING_SCOPES.filter((scope) => scopes.includes(scope));
    return unused.length === 0
      ? []
      : [
          warn(
            `the token has ${unused.join(", ")}, which only answering from Slack uses, and answering is off (no SLACK_SIGNING_SECRET or SLACK_APP_TOKEN)`,
            `remove them and the message event subscriptions in ${SCOPES_PAGE} and reinstall the Slack app, unless you mean to turn answering on`,
          ),
        ];
  }
  const missing = READING_SCOPES.filter((scope) => !scopes.includes(scope));
  if (missing.length === 0)
    return [ok("the token may receive thread replies and name their authors")];
  const fix = `add ${missing.join(", ")} in ${SCOPES_PAGE} (and the message.channels, message.groups event subscriptions), reinstall the Slack app,\nand copy its Bot User OAuth Token into SLACK_BOT_TOKEN`;
  return missing.length === 1 && missing[0] === "groups:history"
    ? [warn("the token lacks groups:history: replies in private channels are not received", fix)]
    : [
        problem(
          `answering from Slack is on, but the token lacks ${missing.join(", ")}: replies are not received or their authors not known`,
          fix,
        ),
      ];
}

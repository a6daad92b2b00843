import type { Logger } from "pino";
import type { Metrics } from "../metrics/create-metrics.js";
import { slackLink } from "../render/slack-link.js";
import type { LinkedAccounts } from "../store/linked-accounts.js";
import type { LinkStateSigner } from "./link-state.js";

/** A slash command as Slack sends it (form fields over HTTP, an object over Socket Mode). */
export interface SlackCommand {
  /** `/threadline` */
  command: string;
  /** What follows the command: `link`, `unlink`, `help`. */
  text: string;
  teamId: string;
  userId: string;
}

/** What the person who typed the command is shown; only they see it (`response_type: ephemeral`). */
export interface SlackCommandAnswer {
  text: string;
}

export type AnswerSlackCommand = (command: SlackCommand) => Promise<SlackCommandAnswer>;

/** What `/threadline link` needs: signed states and GitHub's authorize URL. */
export interface CommandLinking {
  signer: LinkStateSigner;
  authorizeUrl: (state: string) => string;
  /** Where people revoke the App's access on GitHub themselves. */
  githubWebUrl: string;
}

export interface SlackCommandOptions {
  /** Undefined when linking is off (THREADLINE_TOKEN_KEY, PUBLIC_URL unset). */
  linking: CommandLinking | undefined;
  accounts: Pick<LinkedAccounts, "get" | "remove">;
  log: Logger;
  metrics: Pick<Metrics, "linksChanged">;
  now?: () => number;
}

/** Slack team and user ids: letters and digits (T…, U…, W… on Enterprise Grid). */
const SLACK_ID = /^[A-Z0-9]{2,32}$/;

const HELP = [
  "*threadline* carries pull-request conversations between GitHub and Slack. A reply in a pull request's thread here becomes a comment on GitHub.",
  "• `/threadline link`: post your replies on GitHub as yourself, with your own GitHub account (you authorize threadline on GitHub once).",
  "• `/threadline unlink`: forget your GitHub account; your replies are written by threadline with your name again.",
  "• `/threadline help`: this.",
].join("\n");

/**
 * `/threadline link`, `/threadline unlink` and `/threadline help`, answered at once (Slack waits
 * three seconds) to the person alone. `link` answers with GitHub's authorize URL carrying a signed
 * state; the callback completes the link. Nothing here writes except `unlink`.
 */
export function createSlackCommandAnswerer(options: SlackCommandOptions): AnswerSlackCommand {
  const { linking, accounts, log, metrics, now = Date.now } = options;

  /** "Linked as @login" or "not linked", for help and link. */
  async function status(person: { slackTeam: string; slackUser: string }): Promise<string> {
    const stored = await accounts.get(person.slackTeam, person.slackUser);
    if (!stored) return "You have not linked a GitHub account.";
    return stored.usable
      ? `Your GitHub account @${stored.account.githubLogin} is linked: your replies appear on GitHub as written by you.`
      : `Your link to @${stored.githubLogin} no longer works; run \`/threadline link\` again.`;
  }

  return async function answerSlackCommand(command) {
    const verb = command.text.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
    if (!SLACK_ID.test(command.teamId) || !SLACK_ID.test(command.userId)) {
      log.warn("a slash command without a Slack team and user id; not answered with a link");
      return { text: "Slack did not say who you are, so threadline cannot do that." };
    }
    const person = { slackTeam: command.teamId, slackUser: command.userId };
    if (verb === "" || verb === "help") {
      return {
        text: linking
          ? `${HELP}\n\n${await status(person)}`
          : `${HELP}\n\nLinking GitHub accounts is not set up for this threadline: its operator can turn it on (THREADLINE_TOKEN_KEY and PUBLIC_URL).`,
      };
    }
    if (verb !== "link" && verb !== "unlink") {
      // Only letters and digits are repeated back: nothing the person typed becomes markup.
      const shown = verb.replace(/[^a-z0-9_-]/g, "").slice(0, 20);
      return { text: `threadline does not know \`${shown}\`.\n\n${HELP}` };
    }
    if (!linking) {
      return {
        text: "Linking GitHub accounts is not set up for this threadline: its operator can turn it on (THREADLINE_TOKEN_KEY and PUBLIC_URL). Your replies are written by threadline with your name.",
      };
    }

    if (verb === "unlink") {
      const removed = await accounts.remove(person);
      if (!removed) return { text: "You had no GitHub account linked; nothing to forget." };
      metrics.linksChanged.inc({ change: "unlinked" });
      log.info({ slackUser: person.slackUser }, "a person unlinked their GitHub account");
      const settings = `${linking.githubWebUrl}/settings/apps/authorizations`;
      return {
        text:
          `threadline forgot your GitHub account @${removed.githubLogin}: your replies are written by threadline with your name again. ` +
          `To also withdraw threadline's access on GitHub, revoke it under ${slackLink(settings, "Authorized GitHub Apps")}.`,
      };
    }

    const state = linking.signer.sign(person, now());
    const url = linking.authorizeUrl(state);
    log.info(
      { slackUser: person.slackUser },
      "sent a person the link that authorizes the App on GitHub as them",
    );
    return {
      text:
        `${slackLink(url, "Authorize threadline on GitHub")} to post your replies as yourself. ` +
        "The link is yours alone and works for 10 minutes; GitHub then brings you back to threadline. " +
        "Your replies appear as yours in repositories whose .github/threadline.yml maps you (`mentions:`) to that GitHub account.\n" +
        (await status(person)),
    };
  };
}

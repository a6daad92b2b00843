import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { AnswerSlackCommand } from "../intake/answer-slack-command.js";
import { capLoggedValue } from "./cap-logged-value.js";
import { answer, header, isFormContentType } from "./http-helpers.js";
import { readGuardedBody, type BodyRefusal } from "./read-guarded-body.js";
import { verifySlackSignature } from "./verify-slack-signature.js";

export interface SlackCommandsHandlerOptions {
  /** Current signing secret first, then the previous one during a rotation. */
  signingSecrets: readonly string[];
  maxBodyBytes: number;
  log: Logger;
  /** Called only for verified commands; its text is shown to the person alone. */
  answer: AnswerSlackCommand;
  /** Told of every refusal, for metrics. */
  onRefused?: (reason: SlackCommandRefusalReason) => void;
  /** The clock (epoch ms) the five-minute replay window is measured on. */
  now?: () => number;
}

export type SlackCommandRefusalReason = BodyRefusal | "bad_signature" | "malformed_form";

/** A slash command's body is a few hundred bytes; this is far above any Slack sends. */
export const MAX_COMMAND_BYTES = 16 * 1024;

/**
 * `POST /api/slack/commands` (`/threadline link`, `unlink`, `help`): the same front door as
 * Slack's events. Anything Slack did not sign (or signed more than five minutes from now) is
 * refused before it is parsed, each refusal one short log line without the body; only
 * `application/x-www-form-urlencoded`, as Slack sends commands. A verified command is answered
 * 200 with `{"response_type":"ephemeral","text":…}` within Slack's three seconds: only the person
 * who typed it sees the answer (a link to authorize the App on GitHub is theirs alone).
 */
export function createSlackCommandsHandler(options: SlackCommandsHandlerOptions) {
  const { signingSecrets, maxBodyBytes, log, onRefused, now = Date.now } = options;

  return async function handleSlackCommand(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const timestamp = header(request, "x-slack-request-timestamp");
    const logged = {
      requestTimestamp: capLoggedValue(timestamp),
      userAgent: capLoggedValue(header(request, "user-agent")),
    };
    const remoteAddress = request.socket.remoteAddress;
    const logRefusal = (reason: SlackCommandRefusalReason, detail: string) => {
      log.warn({ ...logged, reason: detail, remoteAddress }, "Slack command refused");
      onRefused?.(reason);
    };
    const refuse = (
      status: number,
      reason: SlackCommandRefusalReason,
      detail: string,
      close = false,
    ) => {
      logRefusal(reason, detail);
      answer(response, status, detail, close);
    };

    const body = await readGuardedBody(request, response, {
      maxBodyBytes,
      contentType: {
        accepts: isFormContentType,
        refusal:
          "content type must be application/x-www-form-urlencoded (as Slack sends slash commands)",
      },
      refuse,
      logRefusal,
      onSenderLeft: () =>
        log.debug({ ...logged }, "the sender closed the connection before the body arrived"),
    });
    if (!body) return;
    const signature = verifySlackSignature(
      body,
      timestamp,
      header(request, "x-slack-signature"),
      signingSecrets,
      now(),
    );
    if (!signature.valid) return refuse(401, "bad_signature", signature.reason);

    const form = new URLSearchParams(body.toString("utf8"));
    const command = form.get("command");
    const teamId = form.get("team_id");
    const userId = form.get("user_id");
    if (!command || !teamId || !userId) {
      return refuse(400, "malformed_form", "a slash command needs command, team_id and user_id");
    }

    let text: string;
    try {
      ({ text } = await options.answer({ command, text: form.get("text") ?? "", teamId, userId }));
    } catch (error) {
      // The message only: the person sees that it failed, the operator why.
      log.error(
        {
          ...logged,
          command: capLoggedValue(command),
          error: error instanceof Error ? error.message : String(error),
        },
        "Slack command failed",
      );
      text = "threadline could not do that just now (its log says why); try again in a minute.";
    }
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    response.end(JSON.stringify({ response_type: "ephemeral", text }));
  };
}

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { capLoggedValue } from "./cap-logged-value.js";
import { answer, header, isJsonContentType } from "./http-helpers.js";
import { readGuardedBody, type BodyRefusal } from "./read-guarded-body.js";
import { verifySlackSignature } from "./verify-slack-signature.js";
import type {
  ReceiveSlackEvent,
  SlackEventOutcome,
  SlackRetry,
} from "../events/slack-thread-message.js";

export interface SlackEventsHandlerOptions {
  /** Current signing secret first, then the previous one during a rotation. */
  signingSecrets: readonly string[];
  maxBodyBytes: number;
  log: Logger;
  /**
   * Called only for verified, parsed `event_callback` payloads; Slack is answered 200 when it
   * settles, 500 when it throws (so Slack retries). Slack waits 3 seconds: record, don't work.
   */
  receive: ReceiveSlackEvent;
  /** Told of every refusal, for metrics. */
  onRefused?: (reason: SlackRefusalReason) => void;
  /** The clock (epoch ms) the five-minute replay window is measured on. */
  now?: () => number;
}

export type SlackRefusalReason = BodyRefusal | "bad_signature" | "malformed_json";

/** A retry count as Slack sends it (1 to 3); anything else is read as a first delivery. */
const RETRY_NUM = /^\d{1,3}$/;

/**
 * `POST /api/slack/events`: refuses anything Slack did not sign (or signed more than five minutes
 * away from now), before parsing it, and logs each refusal as one short line without the body,
 * its values from the request capped. Slack's URL check (`url_verification`, signed like every
 * request) is answered with its challenge; an `event_callback` goes to `receive`; any other type
 * (`app_rate_limited`) is answered 200 and logged.
 */
export function createSlackEventsHandler(options: SlackEventsHandlerOptions) {
  const { signingSecrets, maxBodyBytes, log, receive, onRefused, now = Date.now } = options;

  return async function handleSlackEvent(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const timestamp = header(request, "x-slack-request-timestamp");
    const retryNum = header(request, "x-slack-retry-num");
    const retryReason = capLoggedValue(header(request, "x-slack-retry-reason"));
    // What a log line may say about the request: the sender chose these.
    const logged = {
      requestTimestamp: capLoggedValue(timestamp),
      retryNum: capLoggedValue(retryNum),
      retryReason,
      userAgent: capLoggedValue(header(request, "user-agent")),
    };
    // Read now: a connection cut mid-body no longer has it.
    const remoteAddress = request.socket.remoteAddress;
    const logRefusal = (reason: SlackRefusalReason, detail: string) => {
      log.warn({ ...logged, reason: detail, remoteAddress }, "Slack request refused");
      onRefused?.(reason);
    };
    const refuse = (status: number, reason: SlackRefusalReason, detail: string, close = false) => {
      logRefusal(reason, detail);
      answer(response, status, detail, close);
    };

    const body = await readGuardedBody(request, response, {
      maxBodyBytes,
      contentType: {
        accepts: isJsonContentType,
        refusal: "content type must be application/json (as Slack sends Events API requests)",
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
    if (!signature.valid) {
      return refuse(401, "bad_signature", signature.reason);
    }

    let payload: unknown;
    try {
      payload = JSON.parse(body.toString("utf8"));
    } catch {
      return refuse(400, "malformed_json", "body is not valid JSON");
    }
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
      return refuse(400, "malformed_json", "body is not a JSON object");
    }
    const { type, challenge, event_id: eventId } = payload as Record<string, unknown>;

    if (type === "url_verification") {
      if (typeof challenge !== "string" || challenge === "") {
        return refuse(400, "malformed_json", "url_verification without a challenge");
      }
      log.info("answered Slack's URL verification");
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ challenge }));
      return;
    }
    if (type !== "event_callback") {
      const shown = { ...logged, type: capLoggedValue(String(type)) };
      if (type === "app_rate_limited") {
        // Slack drops this workspace's events for the rest of the minute: they never arrive.
        log.warn(shown, "Slack says the App is rate limited: some events were not sent");
      } else {
        log.debug(shown, "not an event_callback; answered 200");
      }
      return answer(response, 200, "ignored");
    }

    const retry: SlackRetry = {
      num: retryNum !== undefined && RETRY_NUM.test(retryNum) ? Number(retryNum) : 0,
      ...(retryReason === undefined ? {} : { reason: retryReason }),
    };
    let outcome: SlackEventOutcome;
    try {
      outcome = await receive(payload, retry);
    } catch (error) {
      // The message only: whatever the error carries may hold the payload.
      log.error(
        {
          ...logged,
          eventId: capLoggedValue(typeof eventId === "string" ? eventId : undefined),
          error: error instanceof Error ? error.message : String(error),
        },
        "Slack event failed; Slack will retry it",
      );
      return answer(response, 500, "event failed; see the App's log");
    }
    answer(response, 200, outcome === "duplicate" ? "duplicate; already recorded" : "ok");
  };
}

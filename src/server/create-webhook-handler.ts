import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { GitHubDelivery, IntakeOutcome } from "../intake/receive-github-delivery.js";
import { capLoggedValue } from "./cap-logged-value.js";
import { answer, header, isJsonContentType } from "./http-helpers.js";
import { readGuardedBody, type BodyRefusal } from "./read-guarded-body.js";
import { verifySignature } from "./verify-signature.js";

export interface WebhookHandlerOptions {
  /** Current secret first, then the previous one during a rotation. */
  secrets: readonly string[];
  maxBodyBytes: number;
  log: Logger;
  /** Called only for deliveries whose signature checked out; GitHub is answered when it settles. */
  receive: (delivery: GitHubDelivery) => Promise<IntakeOutcome>;
  /** Told of every refusal, for metrics. */
  onRefused?: (reason: RefusalReason) => void;
}

export type RefusalReason = "missing_headers" | BodyRefusal | "bad_signature" | "malformed_json";

/** The messages of a handler failure (an AggregateError from the webhooks emitter, usually). */
function describeFailure(error: unknown): string {
  const errors = error instanceof AggregateError ? error.errors : [error];
  return errors
    .map((inner: unknown) => (inner instanceof Error ? inner.message : String(inner)))
    .join("; ");
}

/**
 * `POST /api/github/webhooks`: refuses anything GitHub did not sign, before parsing it, and logs
 * each refusal as one short line without the body, its values from the request capped (a forged
 * flood must stay cheap, whatever its headers hold).
 */
export function createWebhookHandler(options: WebhookHandlerOptions) {
  const { secrets, maxBodyBytes, log, receive, onRefused } = options;

  return async function handleWebhook(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const deliveryId = header(request, "x-github-delivery");
    const eventName = header(request, "x-github-event");
    // What a log line may say about the sender's delivery: the sender chose these.
    const logged = { deliveryId: capLoggedValue(deliveryId), event: capLoggedValue(eventName) };
    // Read now: a connection cut mid-body no longer has it.
    const remoteAddress = request.socket.remoteAddress;
    // Log objects are written out, never `{ ...logged, reason }`: on Node 20 a spread followed by
    // more properties gets a new hidden class on every call, made in the old generation, so a
    // forged flood ran a full GC every second and each refusal cost 6–9 µs more CPU
    // (bench/run.js's forged phase).
    const logRefusal = (reason: RefusalReason, detail: string) => {
      log.warn(
        { deliveryId: logged.deliveryId, event: logged.event, reason: detail, remoteAddress },
        "delivery refused",
      );
      onRefused?.(reason);
    };
    const refuse = (status: number, reason: RefusalReason, detail: string, close = false) => {
      logRefusal(reason, detail);
      answer(response, status, detail, close);
    };

    if (!deliveryId || !eventName) {
      request.resume();
      return refuse(400, "missing_headers", "X-GitHub-Event and X-GitHub-Delivery are required");
    }
    const body = await readGuardedBody(request, response, {
      maxBodyBytes,
      contentType: {
        accepts: isJsonContentType,
        refusal:
          "content type must be application/json (set the App's webhook content type to JSON)",
      },
      refuse,
      logRefusal,
      onSenderLeft: () =>
        log.debug({ ...logged }, "the sender closed the connection before the body arrived"),
    });
    if (!body) return;

    const signature = verifySignature(
      body,
      header(request, "x-hub-signature-256"),
      secrets,
      header(request, "x-hub-signature"),
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
    if (typeof payload !== "object" || payload === null) {
      return refuse(400, "malformed_json", "body is not a JSON object");
    }

    let outcome;
    try {
      outcome = await receive({ id: deliveryId, name: eventName, payload });
    } catch (error) {
      // Not the error object itself: @octokit/webhooks attaches the whole event (payload) to it.
      log.error(
        { deliveryId: logged.deliveryId, event: logged.event, error: describeFailure(error) },
        "delivery failed",
      );
      return answer(response, 500, "delivery failed; see the App's log");
    }
    answer(response, 200, outcome === "duplicate" ? "duplicate; already recorded" : "ok");
  };
}

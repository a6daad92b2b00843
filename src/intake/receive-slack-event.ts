import type { Logger } from "pino";
import { readSlackEvent } from "../events/read-slack-event.js";
import type { ReceiveSlackEvent } from "../events/slack-thread-message.js";
import type { Metrics } from "../metrics/create-metrics.js";
import type { ConversationMap } from "../store/conversation-map.js";
import type { ReplyQueue } from "../store/reply-queue.js";

export interface SlackIntakeOptions {
  replies: ReplyQueue;
  conversations: Pick<ConversationMap, "findThreadKey">;
  log: Logger;
  metrics: Pick<Metrics, "slackEventsReceived">;
  /** Told when a message was recorded, so the reply worker looks now. */
  onRecorded: () => void;
  now?: () => number;
}

/**
 * When Slack is answered, in one place (the HTTP endpoint and Socket Mode both call this with a
 * verified Events API payload): a message that is not a person writing in a pull request's
 * thread is ignored; one is recorded durably, once (Slack retries carry the same event id), and
 * only then does this resolve, so Slack's 200 (or ack) always means recorded. Everything slow
 * (the repository's config, who may write, GitHub) happens in the reply worker, well after
 * Slack's three seconds.
 */
export function createSlackIntake(options: SlackIntakeOptions): ReceiveSlackEvent {
  const { replies, conversations, log, metrics, onRecorded, now = Date.now } = options;

  return async function receiveSlackEvent(payload, retry) {
    const reading = readSlackEvent(payload);
    if (reading.kind !== "message") {
      const reason = reading.kind === "skip" ? reading.reason : "url verification";
      log.debug(
        { reason, eventId: reading.kind === "skip" ? reading.eventId : undefined },
        "not carried",
      );
      metrics.slackEventsReceived.inc({ outcome: "ignored" });
      return "ignored";
    }
    const { message } = reading;
    const threadKey = await conversations.findThreadKey(message.channel, message.threadTs);
    if (!threadKey) {
      log.debug(
        { eventId: message.eventId, channel: message.channel },
        "a thread that is not a pull request's; not carried",
      );
      metrics.slackEventsReceived.inc({ outcome: "ignored" });
      return "ignored";
    }
    const outcome = await replies.record(message, threadKey, now());
    metrics.slackEventsReceived.inc({ outcome });
    if (outcome === "recorded") onRecorded();
    else {
      log.info(
        { eventId: message.eventId, retry: retry.num || undefined },
        "Slack event seen before; nothing added",
      );
    }
    return outcome;
  };
}

import { describeSlackError } from "../../slack/describe-slack-error.js";
import { ok, problem, warn, type DoctorCheck } from "./doctor-check.js";

/** How far ahead the test message is scheduled: far enough that it is deleted long before. */
export const PROBE_DELAY_DAYS = 7;

/** The test post in one channel: the schedule call's answer and, when it was made, the delete's. */
export interface ChannelProbe {
  channel: string;
  scheduled: { id: string; channel: string } | { error: unknown };
  /** Undefined when nothing was scheduled, so nothing was deleted. */
  deleted?: { done: true } | { error: unknown };
}

/**
 * Whether the bot may post in a channel, read from the call a post makes (the scopes cannot say:
 * membership, archiving and a private channel are the channel's). `not_in_channel` is the usual
 * miss after a new route: the fix names the bot as Slack knows it.
 */
export function checkSlackChannel(probe: ChannelProbe, botUser: string): DoctorCheck[] {
  const { channel } = probe;
  if ("error" in probe.scheduled) {
    const failure = describeSlackError(probe.scheduled.error, channel);
    if (failure.code === "not_in_channel") {
      return [
        problem(
          `cannot post in ${channel}: the bot is not a member`,
          `invite the bot: /invite @${botUser} in ${channel}`,
        ),
      ];
    }
    return [problem(`cannot post in ${channel} (${failure.code})`, failure.hint)];
  }
  const checks = [ok(`can post in ${channel}`)];
  if (probe.deleted && "error" in probe.deleted) {
    const { code } = describeSlackError(probe.deleted.error, channel);
    checks.push(
      warn(
        `the test message scheduled in ${channel} (${probe.scheduled.id}) could not be deleted (${code}): it will be posted in ${PROBE_DELAY_DAYS} days`,
        `delete it with chat.deleteScheduledMessage (channel ${probe.scheduled.channel}, scheduled_message_id ${probe.scheduled.id});\nchat.scheduledMessages.list shows it`,
      ),
    );
  }
  return checks;
}

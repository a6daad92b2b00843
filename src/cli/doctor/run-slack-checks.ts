import { checkSlackAuth } from "./check-slack-auth.js";
import { checkSlackChannel, PROBE_DELAY_DAYS, type ChannelProbe } from "./check-slack-channel.js";
import type { DoctorSlackClient } from "./create-doctor-slack-client.js";
import { note, type DoctorCheck } from "./doctor-check.js";

/** What the test message says, should anyone ever see it (only if its deletion failed). */
export const PROBE_TEXT =
  "threadline doctor: checking that it may post here; this scheduled message is deleted at once";

/**
 * Steps 6 and 7: the token, then each channel in use. A channel is tested with the call a post
 * makes, scheduled a week ahead and deleted at once, so no one sees anything: only Slack knows
 * whether the bot is a member, the channel exists, or it is archived.
 */
export async function runSlackChecks(
  slack: DoctorSlackClient,
  channels: readonly string[],
  now: () => number,
  report: (...checks: DoctorCheck[]) => void,
  /** Answering from Slack is on: its scopes are checked too. */
  answering = false,
): Promise<void> {
  let auth;
  try {
    auth = checkSlackAuth({ result: await slack.auth.test() }, answering);
  } catch (error) {
    auth = checkSlackAuth({ error }, answering);
  }
  report(...auth.checks);
  const botUser = auth.botUser;
  if (!auth.canPost || botUser === undefined) {
    report(note("channel checks skipped: they need a Slack token that may post"));
    return;
  }
  if (channels.length === 0) {
    report(note("no channel to check: SLACK_CHANNEL is not set and no config read names one"));
    return;
  }
  for (const channel of channels) {
    report(...checkSlackChannel(await probeChannel(slack, channel, now()), botUser));
  }
}

async function probeChannel(
  slack: DoctorSlackClient,
  channel: string,
  nowMs: number,
): Promise<ChannelProbe> {
  let scheduled: { id: string; channel: string };
  try {
    const answer = await slack.chat.scheduleMessage({
      channel,
      text: PROBE_TEXT,
      post_at: Math.floor(nowMs / 1000) + PROBE_DELAY_DAYS * 24 * 60 * 60,
    });
    // Deleting needs the channel's ID, which Slack gives back even when a #name was asked for.
    scheduled = { id: answer.scheduled_message_id ?? "", channel: answer.channel ?? channel };
  } catch (error) {
    return { channel, scheduled: { error } };
  }
  try {
    await slack.chat.deleteScheduledMessage({
      channel: scheduled.channel,
      scheduled_message_id: scheduled.id,
    });
    return { channel, scheduled, deleted: { done: true } };
  } catch (error) {
    return { channel, scheduled, deleted: { error } };
  }
}

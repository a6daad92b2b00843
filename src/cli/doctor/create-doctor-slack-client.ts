import { LogLevel, WebClient, type Logger } from "@slack/web-api";
import type { Settings } from "../../env.js";

/** The three Slack methods the doctor calls; @slack/web-api's WebClient has them. */
export interface DoctorSlackClient {
  auth: Pick<WebClient["auth"], "test">;
  chat: Pick<WebClient["chat"], "scheduleMessage" | "deleteScheduledMessage">;
}

/** The SDK's console logger would print outside the redactor; the doctor says what failed. */
const SILENT: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/**
 * A WebClient built as the App builds its own (src/slack/create-slack-client.ts): same API URL and
 * timeout, no retries, and no axios error attached, since that would carry the token.
 */
export function createDoctorSlackClient(
  settings: Pick<Settings, "slackBotToken" | "slackApiUrl" | "slackTimeoutMs">,
): DoctorSlackClient {
  return new WebClient(settings.slackBotToken, {
    slackApiUrl: settings.slackApiUrl,
    timeout: settings.slackTimeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: SILENT,
    attachOriginalToWebAPIRequestError: false,
  });
}

import { describe, expect, test } from "@jest/globals";
import { ErrorCode } from "@slack/web-api";
import { describeSlackError } from "../../src/slack/describe-slack-error.js";

const platform = (error: string) => ({ code: ErrorCode.PlatformError, data: { ok: false, error } });

describe("describeSlackError", () => {
  test.each([
    [
      platform("not_in_channel"),
      "permanent",
      /invite it with \/invite @threadline in that channel/,
    ],
    [platform("channel_not_found"), "permanent", /check the channel ID/],
    [platform("is_archived"), "permanent", /archived/],
    [platform("invalid_blocks"), "permanent", /threadline bug/],
    [platform("invalid_auth"), "auth", /replace it/],
    [platform("token_revoked"), "auth", /replace SLACK_BOT_TOKEN/],
    [platform("account_inactive"), "auth", /SLACK_BOT_TOKEN/],
    [platform("internal_error"), "transient", /tried again/],
    [{ code: ErrorCode.RateLimitedError, retryAfter: 30 }, "rate_limited", /wait 30s/],
    [{ code: ErrorCode.HTTPError, statusCode: 503 }, "transient", /HTTP 503/],
    [{ code: ErrorCode.HTTPError, statusCode: 401 }, "auth", /SLACK_BOT_TOKEN/],
    [
      {
        code: ErrorCode.RequestError,
        message: "A request error occurred: timeout of 10000ms exceeded",
      },
      "transient",
      /did not answer in time/,
    ],
    [
      { code: ErrorCode.RequestError, message: "A request error occurred: socket hang up" },
      "transient",
      /could not reach Slack/,
    ],
  ])("%j is %s with a fix", (error, kind, hint) => {
    const failure = describeSlackError(error, "C0123456789");
    expect(failure.kind).toBe(kind);
    expect(failure.hint).toMatch(hint);
  });

  test("the channel is named in channel-specific hints", () => {
    expect(describeSlackError(platform("not_in_channel"), "C0SPECIAL1").hint).toContain(
      "C0SPECIAL1",
    );
  });

  test("a rate limit carries how long Slack asked to wait", () => {
    expect(
      describeSlackError({ code: ErrorCode.RateLimitedError, retryAfter: 7 }, "C1")
        .retryAfterSeconds,
    ).toBe(7);
  });
});

import { describe, expect, test } from "@jest/globals";
import { readSlackEvent } from "../../src/events/read-slack-event.js";
import type { SlackEventReading } from "../../src/events/slack-thread-message.js";

/*
 * Payloads shaped as Slack's Events API docs show them: the `event_callback` envelope around each
 * `message` event (and its subtypes' reference pages), trimmed of blocks where they do not
 * matter. The thread is threadline's: its parent (ts 1673464730.703009) is the App's post of a
 * pull request, and people reply under it.
 */

const TEAM = "T123ABC456";
const CHANNEL = "C123ABC456";
const PARENT_TS = "1673464730.703009";
const BOT_USER = "U0THREADLN";

/** The envelope Slack wraps every event in (the "event wrapper" of the Events API docs). */
function envelope(event: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    token: "XXYYZZ",
    team_id: TEAM,
    api_app_id: "A123ABC456",
    event,
    type: "event_callback",
    authorizations: [
      {
        enterprise_id: null,
        team_id: TEAM,
        user_id: BOT_USER,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    event_id: "Ev04EEHX2PSS",
    event_time: 1673464745,
    event_context: "4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJUMTIzQUJDNDU2In0",
    is_ext_shared_channel: false,
    ...extra,
  };
}

/** A person's reply in the thread, as `message.channels` delivers it. */
function reply(overrides: Record<string, unknown> = {}) {
  return {
    client_msg_id: "51e3533b-6fd8-4705-ae34-045ee74db354",
    type: "message",
    text: "Good catch, <@U0G9QF9C6>: I'll rename it to `readBody`.",
    user: "U123ABC456",
    ts: "1673464745.620769",
    blocks: [
      {
        type: "rich_text",
        block_id: "Bl6l6",
        elements: [{ type: "rich_text_section", elements: [{ type: "text", text: "Good catch" }] }],
      },
    ],
    team: TEAM,
    thread_ts: PARENT_TS,
    parent_user_id: BOT_USER,
    channel: CHANNEL,
    event_ts: "1673464745.620769",
    channel_type: "channel",
    ...overrides,
  };
}

/** threadline's own post of the pull request: the thread's parent, a bot's message. */
function parentMessage() {
  return {
    type: "message",
    subtype: undefined,
    text: "Codertocat/Hello-World#1: Spelling error in the README file",
    user: BOT_USER,
    bot_id: "B0THREADLN",
    app_id: "A123ABC456",
    ts: PARENT_TS,
    team: TEAM,
  };
}

function read(payload: unknown): SlackEventReading {
  return readSlackEvent(payload);
}

describe("url_verification", () => {
  test("is read as the challenge to echo (Slack's example, not wrapped in an envelope)", () => {
    expect(
      read({
        token: "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        type: "url_verification",
      }),
    ).toEqual({
      kind: "url_verification",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    });
  });

  test("without a challenge is a skip", () => {
    expect(read({ token: "x", type: "url_verification" })).toEqual({
      kind: "skip",
      reason: "url_verification without a challenge",
    });
  });
});

describe("messages that are carried", () => {
  test("a person's reply in the thread", () => {
    expect(read(envelope(reply()))).toEqual({
      kind: "message",
      message: {
        action: "created",
        eventId: "Ev04EEHX2PSS",
        eventTime: 1673464745,
        teamId: TEAM,
        userTeamId: TEAM,
        channel: CHANNEL,
        ts: "1673464745.620769",
        threadTs: PARENT_TS,
        user: "U123ABC456",
        text: "Good catch, <@U0G9QF9C6>: I'll rename it to `readBody`.",
        files: [],
      },
    });
  });

  test("mrkdwn stays as Slack sent it: & < > escaped as entities", () => {
    const reading = read(envelope(reply({ text: "a &lt; b &amp;&amp; c &gt; d" })));
    expect(reading.kind === "message" && reading.message.text).toBe("a &lt; b &amp;&amp; c &gt; d");
  });

  test("Slack Connect: someone from another organisation, their workspace in user_team", () => {
    const external = reply({
      user: "U0EXTERNAL",
      team: "T0PARTNER1",
      user_team: "T0PARTNER1",
      source_team: "T0PARTNER1",
      user_profile: { real_name: "Pat Partner", team: "T0PARTNER1" },
      text: "We see the same on our side.",
    });
    const reading = read(envelope(external, { is_ext_shared_channel: true }));
    expect(reading).toMatchObject({
      kind: "message",
      message: { teamId: TEAM, userTeamId: "T0PARTNER1", user: "U0EXTERNAL" },
    });
  });

  test("Slack Connect: user_team is preferred to team when they differ", () => {
    const reading = read(envelope(reply({ team: "T0SOURCE01", user_team: "T0PARTNER1" })));
    expect(reading.kind === "message" && reading.message.userTeamId).toBe("T0PARTNER1");
  });

  test("a reply without team or user_team has no userTeamId", () => {
    const reading = read(envelope(reply({ team: undefined })));
    expect(reading.kind === "message" && reading.message).not.toHaveProperty("userTeamId");
  });

  test("thread_broadcast: a reply also sent to the channel (Slack's example)", () => {
    const broadcast = {
      type: "message",
      subtype: "thread_broadcast",
      text: "broadcasting this reply",
      user: "U123ABC456",
      ts: "1673464745.620769",
      thread_ts: PARENT_TS,
      root: {
        ...parentMessage(),
        thread_ts: PARENT_TS,
        reply_count: 1,
        reply_users_count: 1,
        latest_reply: "1673464745.620769",
        reply_users: ["U123ABC456"],
        is_locked: false,
      },
      client_msg_id: "123abc456-0000-0000-0000-000000000000",
      channel: CHANNEL,
      event_ts: "1673464745.620769",
      channel_type: "channel",
    };
    expect(read(envelope(broadcast))).toMatchObject({
      kind: "message",
      message: {
        action: "created",
        ts: "1673464745.620769",
        threadTs: PARENT_TS,
        user: "U123ABC456",
        text: "broadcasting this reply",
      },
    });
  });

  test("file_share: a reply with files carries their names", () => {
    const withFiles = reply({
      subtype: "file_share",
      text: "The trace from CI:",
      upload: false,
      display_as_bot: false,
      files: [
        {
          id: "F04EEHX1EES",
          created: 1673464745,
          timestamp: 1673464745,
          name: "ci-trace.log",
          title: "ci-trace.log",
          mimetype: "text/plain",
          filetype: "text",
          user: "U123ABC456",
          user_team: TEAM,
          size: 2048,
          mode: "snippet",
          url_private: "https://files.slack.com/files-pri/T123ABC456-F04EEHX1EES/ci-trace.log",
        },
        { id: "F04EEHX1EET", title: "Screenshot 2023-01-11", mode: "hosted" },
        // Shared from another organisation's workspace: Slack shows it by id only.
        { id: "F12345678", mode: "file_access", file_access: "check_file_info" },
      ],
    });
    expect(read(envelope(withFiles))).toMatchObject({
      kind: "message",
      message: {
        action: "created",
        text: "The trace from CI:",
        files: ["ci-trace.log", "Screenshot 2023-01-11"],
      },
    });
  });

  test("file_share without text is carried with empty text", () => {
    const reading = read(
      envelope(reply({ subtype: "file_share", text: "", files: [{ id: "F1", name: "a.png" }] })),
    );
    expect(reading).toMatchObject({ kind: "message", message: { text: "", files: ["a.png"] } });
  });

  test("message_changed: an edited reply, versioned by edited.ts", () => {
    const edit = {
      type: "message",
      subtype: "message_changed",
      hidden: true,
      message: {
        ...reply({ text: "Good catch: I'll rename it to `readRequestBody`." }),
        edited: { user: "U123ABC456", ts: "1673464801.000000" },
        source_team: TEAM,
        user_team: TEAM,
        channel: undefined,
        event_ts: undefined,
        channel_type: undefined,
      },
      previous_message: reply(),
      channel: CHANNEL,
      ts: "1673464801.000200",
      event_ts: "1673464801.000200",
      channel_type: "channel",
    };
    expect(read(envelope(edit, { event_id: "Ev04EEHX9ZZZ", event_time: 1673464801 }))).toEqual({
      kind: "message",
      message: {
        action: "edited",
        eventId: "Ev04EEHX9ZZZ",
        eventTime: 1673464801,
        teamId: TEAM,
        userTeamId: TEAM,
        channel: CHANNEL,
        ts: "1673464745.620769",
        threadTs: PARENT_TS,
        user: "U123ABC456",
        text: "Good catch: I'll rename it to `readRequestBody`.",
        version: "1673464801.000000",
        files: [],
      },
    });
  });

  test("message_changed of a Slack Connect reply keeps the author's workspace", () => {
    const external = reply({ user: "U0EXTERNAL", team: "T0PARTNER1", user_team: "T0PARTNER1" });
    const edit = {
      type: "message",
      subtype: "message_changed",
      hidden: true,
      message: { ...external, text: "Edited.", edited: { user: "U0EXTERNAL", ts: "1.2" } },
      previous_message: external,
      channel: CHANNEL,
      ts: "1673464801.000200",
    };
    expect(read(envelope(edit))).toMatchObject({
      kind: "message",
      message: { action: "edited", teamId: TEAM, userTeamId: "T0PARTNER1", version: "1.2" },
    });
  });

  test("message_changed without previous_message counts as a change of text", () => {
    const edit = {
      type: "message",
      subtype: "message_changed",
      hidden: true,
      message: { ...reply({ text: "New text" }), edited: { user: "U123ABC456", ts: "1.5" } },
      channel: CHANNEL,
      ts: "1673464801.000200",
    };
    expect(read(envelope(edit))).toMatchObject({ kind: "message", message: { action: "edited" } });
  });

  test("message_changed without edited.ts takes the event's ts (Slack's example has them equal)", () => {
    const edit = {
      type: "message",
      subtype: "message_changed",
      hidden: true,
      message: reply({ text: "New text" }),
      previous_message: reply(),
      channel: CHANNEL,
      ts: "1673464801.000200",
    };
    const reading = read(envelope(edit));
    expect(reading.kind === "message" && reading.message.version).toBe("1673464801.000200");
  });

  test("message_deleted: a deleted reply, its thread and author from previous_message", () => {
    const deletion = {
      type: "message",
      subtype: "message_deleted",
      previous_message: {
        ...reply(),
        edited: { user: "U123ABC456", ts: "1673464801.000000" },
        channel: undefined,
      },
      channel: CHANNEL,
      hidden: true,
      deleted_ts: "1673464745.620769",
      event_ts: "1673464900.000100",
      ts: "1673464900.000100",
      channel_type: "channel",
    };
    expect(read(envelope(deletion, { event_id: "Ev04EEHXDEL1", event_time: 1673464900 }))).toEqual({
      kind: "message",
      message: {
        action: "deleted",
        eventId: "Ev04EEHXDEL1",
        eventTime: 1673464900,
        teamId: TEAM,
        userTeamId: TEAM,
        channel: CHANNEL,
        ts: "1673464745.620769",
        threadTs: PARENT_TS,
        user: "U123ABC456",
        text: "",
        files: [],
      },
    });
  });
});

describe("what is skipped, with the reason", () => {
  const cases: [string, unknown, RegExp][] = [
    [
      "a top-level message (no thread_ts)",
      envelope(reply({ thread_ts: undefined, parent_user_id: undefined })),
      /top-level message/,
    ],
    [
      "a thread's parent (thread_ts equal to its ts)",
      envelope(reply({ thread_ts: "1673464745.620769" })),
      /top-level message/,
    ],
    [
      "threadline's own reply in the thread (bot_id)",
      envelope({
        ...reply(),
        user: BOT_USER,
        bot_id: "B0THREADLN",
        app_id: "A123ABC456",
        bot_profile: { id: "B0THREADLN", name: "threadline", team_id: TEAM },
      }),
      /written by a bot/,
    ],
    [
      "a bot_message (Slack's example, in a thread)",
      envelope({
        type: "message",
        subtype: "bot_message",
        ts: "1358877455.000010",
        thread_ts: PARENT_TS,
        text: "Pushing is the answer",
        bot_id: "BB12033",
        username: "github",
        icons: {},
        channel: CHANNEL,
      }),
      /written by a bot/,
    ],
    [
      "a thread_broadcast by a bot",
      envelope(reply({ subtype: "thread_broadcast", bot_id: "B0OTHER01" })),
      /written by a bot/,
    ],
    [
      "message_changed of a top-level message (Slack's example)",
      envelope({
        type: "message",
        subtype: "message_changed",
        hidden: true,
        channel: CHANNEL,
        ts: "1358878755.000001",
        message: {
          type: "message",
          user: "U123ABC456",
          text: "Hello, world!",
          ts: "1355517523.000005",
          edited: { user: "U123ABC456", ts: "1358878755.000001" },
        },
      }),
      /edit of a top-level message/,
    ],
    [
      "message_changed that only added an unfurl (same text)",
      envelope({
        type: "message",
        subtype: "message_changed",
        hidden: true,
        channel: CHANNEL,
        ts: "1673464746.000300",
        message: {
          ...reply({ text: "See https://github.com/Codertocat/Hello-World/pull/1" }),
          attachments: [
            {
              from_url: "https://github.com/Codertocat/Hello-World/pull/1",
              title: "Update the README with new information",
              service_name: "GitHub",
            },
          ],
        },
        previous_message: reply({ text: "See https://github.com/Codertocat/Hello-World/pull/1" }),
      }),
      /text did not change/,
    ],
    [
      "message_changed of a bot's reply (event.message.bot_id)",
      envelope({
        type: "message",
        subtype: "message_changed",
        hidden: true,
        channel: CHANNEL,
        ts: "1673464801.000200",
        message: { ...reply({ text: "updated" }), user: BOT_USER, bot_id: "B0THREADLN" },
        previous_message: { ...reply(), user: BOT_USER, bot_id: "B0THREADLN" },
      }),
      /edit of a bot's message/,
    ],
    [
      "message_changed when a parent with replies is deleted (a tombstone)",
      envelope({
        type: "message",
        subtype: "message_changed",
        hidden: true,
        channel: CHANNEL,
        ts: "1738195030.000300",
        message: {
          subtype: "tombstone",
          text: "This message was deleted.",
          user: "USLACKBOT",
          hidden: true,
          type: "message",
          thread_ts: PARENT_TS,
          reply_count: 2,
          ts: PARENT_TS,
        },
        previous_message: { ...reply(), ts: PARENT_TS },
      }),
      /edit of a tombstone message/,
    ],
    [
      "message_deleted without previous_message (Slack's example)",
      envelope({
        type: "message",
        subtype: "message_deleted",
        hidden: true,
        channel: CHANNEL,
        ts: "1358878755.000001",
        deleted_ts: "1358878749.000002",
      }),
      /no previous_message\.thread_ts/,
    ],
    [
      "message_deleted of a top-level message",
      envelope({
        type: "message",
        subtype: "message_deleted",
        hidden: true,
        channel: CHANNEL,
        ts: "1738209537.000400",
        deleted_ts: "1738209531.687019",
        previous_message: reply({ ts: "1738209531.687019", thread_ts: undefined }),
      }),
      /no previous_message\.thread_ts/,
    ],
    [
      "message_deleted of a bot's reply",
      envelope({
        type: "message",
        subtype: "message_deleted",
        hidden: true,
        channel: CHANNEL,
        ts: "1738209537.000400",
        deleted_ts: "1673464745.620769",
        previous_message: { ...reply(), bot_id: "B0THREADLN" },
      }),
      /deletion of a bot's message/,
    ],
    [
      "message_replied (Slack's example)",
      envelope({
        type: "message",
        message: {
          type: "message",
          user: "U123ABC456",
          text: "Was there was there was there what was there was there what was there.",
          thread_ts: "1482960137.003543",
          reply_count: 1,
          replies: [{ user: "U2222222", ts: "1483037603.017503" }],
          ts: "1482960137.003543",
        },
        subtype: "message_replied",
        hidden: true,
        channel: CHANNEL,
        event_ts: "1483037604.017506",
        ts: "1483037604.017506",
      }),
      /subtype message_replied is not a person writing/,
    ],
    [
      "message_replied as the Events API sends it, without its subtype (Slack's bug alert)",
      envelope({
        type: "message",
        message: {
          type: "message",
          user: "U123ABC456",
          text: "Parent",
          thread_ts: "1482960137.003543",
          ts: "1482960137.003543",
        },
        channel: CHANNEL,
        ts: "1483037604.017506",
        thread_ts: "1482960137.003543",
      }),
      /message_replied/,
    ],
    ["a hidden message event", envelope(reply({ hidden: true })), /hidden/],
    [
      "channel_join",
      envelope({
        type: "message",
        subtype: "channel_join",
        ts: "1358877458.000011",
        user: "U2147483828",
        text: "<@U2147483828|cal> has joined the channel",
        channel: CHANNEL,
      }),
      /subtype channel_join is not a person writing/,
    ],
    [
      "a reply from someone Slack names no user for",
      envelope(reply({ user: undefined })),
      /without a user/,
    ],
    [
      "a reaction (not a message event)",
      envelope({
        type: "reaction_added",
        user: "U123ABC456",
        reaction: "thumbsup",
        item_user: BOT_USER,
        item: { type: "message", channel: CHANNEL, ts: PARENT_TS },
        event_ts: "1360782804.083113",
      }),
      /not a message event \(type reaction_added\)/,
    ],
    [
      "app_rate_limited (not an event_callback)",
      {
        token: "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        type: "app_rate_limited",
        team_id: TEAM,
        minute_rate_limited: 1518467820,
        api_app_id: "A123ABC456",
      },
      /not an event_callback \(type app_rate_limited\)/,
    ],
  ];

  test.each(cases)("%s", (_name, payload, reason) => {
    expect(read(payload)).toMatchObject({ kind: "skip", reason: expect.stringMatching(reason) });
  });

  test("a skip inside an event_callback names the event, so a log line can", () => {
    const reading = read(envelope(reply({ thread_ts: undefined })));
    expect(reading).toEqual({
      kind: "skip",
      reason: "a top-level message, not a thread reply",
      eventId: "Ev04EEHX2PSS",
    });
  });
});

describe("odd input is a skip, never a throw", () => {
  const odd: [string, unknown][] = [
    ["null", null],
    ["undefined", undefined],
    ["a string", "event_callback"],
    ["an array", [envelope(reply())]],
    ["an empty object", {}],
    ["no event_id", { ...envelope(reply()), event_id: undefined }],
    ["a numeric event_id", { ...envelope(reply()), event_id: 42 }],
    ["no event", { ...envelope(reply()), event: undefined }],
    ["an event that is a string", { ...envelope(reply()), event: "message" }],
    ["no team_id", { ...envelope(reply()), team_id: undefined }],
    ["an event_time that is a string", { ...envelope(reply()), event_time: "1673464745" }],
    ["an event_time that is NaN", { ...envelope(reply()), event_time: Number.NaN }],
    ["no channel", envelope(reply({ channel: undefined }))],
    ["a ts that is a number", envelope(reply({ ts: 1673464745.620769 }))],
    ["a subtype that is an object", envelope(reply({ subtype: { a: 1 } }))],
    ["a very long subtype", envelope(reply({ subtype: "x".repeat(10_000) }))],
    ["files that is not an array", envelope(reply({ subtype: "file_share", files: "a.png" }))],
    [
      "message_changed whose message is a string",
      envelope({ type: "message", subtype: "message_changed", channel: CHANNEL, message: "x" }),
    ],
    [
      "message_changed whose edited is a string",
      envelope({
        type: "message",
        subtype: "message_changed",
        channel: CHANNEL,
        message: { ...reply({ text: "new" }), edited: "yes" },
      }),
    ],
    [
      "message_deleted without deleted_ts",
      envelope({ type: "message", subtype: "message_deleted", channel: CHANNEL }),
    ],
    [
      "message_deleted whose previous_message is an array",
      envelope({
        type: "message",
        subtype: "message_deleted",
        channel: CHANNEL,
        deleted_ts: "1.1",
        previous_message: [],
      }),
    ],
  ];

  test.each(odd)("%s", (_name, payload) => {
    let reading: SlackEventReading | undefined;
    expect(() => (reading = read(payload))).not.toThrow();
    expect(reading!.kind === "skip" || reading!.kind === "message").toBe(true);
    if (reading!.kind === "skip") expect(reading!.reason.length).toBeLessThan(120);
  });

  test("files that are not an array, or edited that is not an object, still carry the message", () => {
    expect(read(envelope(reply({ subtype: "file_share", files: "a.png" })))).toMatchObject({
      kind: "message",
      message: { files: [] },
    });
    const edit = envelope({
      type: "message",
      subtype: "message_changed",
      channel: CHANNEL,
      ts: "1673464801.000200",
      message: { ...reply({ text: "new" }), edited: "yes" },
    });
    expect(read(edit)).toMatchObject({
      kind: "message",
      message: { action: "edited", version: "1673464801.000200" },
    });
  });
});

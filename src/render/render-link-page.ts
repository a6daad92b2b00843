/**
 * The small page a person lands on after authorizing threadline on GitHub (or failing to): what
 * happened and what to do next, in plain HTML with no script, no external resource, and nothing
 * from the request echoed but what threadline itself checked (a GitHub login).
 */

/** What the page says. */
export interface LinkPage {
  /** The page's title and heading. */
  title: string;
  /** Paragraphs, plain text (escaped here). */
  paragraphs: string[];
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text as HTML that shows it literally, in an element or an attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** The whole document, UTF-8, readable on a phone. */
export function renderLinkPage(page: LinkPage): string {
  const title = escapeHtml(page.title);
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${title} · threadline</title>`,
    "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;color:#24292f}h1{font-size:1.4em}</style>",
    "</head>",
    "<body>",
    `<h1>${title}</h1>`,
    ...page.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** Only what GitHub's login rule allows is shown; anything else is left out. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** The page for each way a link can end, with what to do next. */
export function linkOutcomePage(
  outcome:
    | { kind: "linked"; githubLogin: string; slackUser: string }
    | { kind: "expired" }
    | { kind: "invalid"; reason: string }
    | { kind: "declined" }
    | { kind: "failed"; reason: string; retryable: boolean },
): LinkPage {
  switch (outcome.kind) {
    case "linked": {
      const login = GITHUB_LOGIN.test(outcome.githubLogin) ? `@${outcome.githubLogin}` : "GitHub";
      return {
        title: `Linked as ${login}`,
        paragraphs: [
          `Your Slack replies in pull-request threads now appear on GitHub as written by ${login}, in repositories whose .github/threadline.yml maps you to that account. You can close this tab.`,
          `This link belongs to Slack member ${outcome.slackUser}. If that is not you, revoke threadline under Settings → Applications → Authorized GitHub Apps on GitHub. In Slack, /threadline unlink forgets the link.`,
        ],
      };
    }
    case "expired":
      return {
        title: "This link has expired",
        paragraphs: [
          "A link from /threadline link works for 10 minutes. Run /threadline link in Slack again and follow the new link.",
        ],
      };
    case "invalid":
      return {
        title: "This is not a link threadline gave out",
        paragraphs: [
          `threadline cannot use it (${outcome.reason}). Run /threadline link in Slack and follow the link it answers with.`,
        ],
      };
    case "declined":
      return {
        title: "Nothing was linked",
        paragraphs: [
          "You declined to authorize threadline on GitHub, so your replies are still written by threadline with your name. Run /threadline link in Slack to try again.",
        ],
      };
    case "failed":
      return {
        title: "Linking did not work",
        paragraphs: [
          `${outcome.reason}.`,
          outcome.retryable
            ? "This may pass: run /threadline link in Slack again in a minute."
            : "Run /threadline link in Slack again; if it keeps failing, tell the person who runs threadline (its log says why).",
        ],
      };
  }
}

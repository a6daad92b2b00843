/** The page after GitHub sends a person back: plain, escaped, saying what to do next. */
import { describe, expect, test } from "@jest/globals";
import { escapeHtml, linkOutcomePage, renderLinkPage } from "../../src/render/render-link-page.js";

describe("renderLinkPage", () => {
  test("escapes everything it shows, and loads nothing", () => {
    const html = renderLinkPage({
      title: "<b>&",
      paragraphs: [`"quoted" <script>alert(1)</script>`],
    });
    expect(html).toContain("<h1>&lt;b&gt;&amp;</h1>");
    expect(html).toContain("<p>&quot;quoted&quot; &lt;script&gt;alert(1)&lt;/script&gt;</p>");
    expect(html).not.toMatch(/<script|<img|<link|src=|href=/);
    expect(escapeHtml("it's")).toBe("it&#39;s");
  });

  test("a login GitHub would not issue is not shown", () => {
    expect(
      linkOutcomePage({ kind: "linked", githubLogin: "<evil>", slackUser: "U0CODERTO1" }).title,
    ).toBe("Linked as GitHub");
    expect(
      linkOutcomePage({ kind: "linked", githubLogin: "Codertocat", slackUser: "U0CODERTO1" }),
    ).toEqual({
      title: "Linked as @Codertocat",
      paragraphs: [
        "Your Slack replies in pull-request threads now appear on GitHub as written by @Codertocat, in repositories whose .github/threadline.yml maps you to that account. You can close this tab.",
        "This link belongs to Slack member U0CODERTO1. If that is not you, revoke threadline under Settings → Applications → Authorized GitHub Apps on GitHub. In Slack, /threadline unlink forgets the link.",
      ],
    });
  });

  test.each([
    [{ kind: "expired" } as const, /Run \/threadline link in Slack again/],
    [{ kind: "declined" } as const, /You declined/],
    [{ kind: "invalid", reason: "it has no state" } as const, /\(it has no state\)/],
    [{ kind: "failed", reason: "GitHub said no", retryable: false } as const, /its log says why/],
  ])("%j says what to do next", (outcome, expected) => {
    expect(linkOutcomePage(outcome).paragraphs.join(" ")).toMatch(expected);
  });
});

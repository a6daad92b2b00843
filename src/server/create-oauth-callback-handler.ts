import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { CompleteGitHubLink, LinkOutcome } from "../intake/complete-github-link.js";
import { linkOutcomePage, renderLinkPage } from "../render/render-link-page.js";

export interface OAuthCallbackHandlerOptions {
  complete: CompleteGitHubLink;
  log: Logger;
}

/** The status an outcome is answered with: 502 when GitHub failed and a retry may pass. */
function statusOf(outcome: LinkOutcome): number {
  switch (outcome.kind) {
    case "linked":
    case "declined":
      return 200;
    case "expired":
    case "invalid":
      return 400;
    case "failed":
      return outcome.retryable ? 502 : 400;
  }
}

/**
 * The page is private to the person: not cached, not framed, not leaking the URL (which held the
 * code) to anything it links to, and unable to load or run anything.
 */
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

/**
 * `GET /api/github/oauth/callback?code&state`: where GitHub sends a person back after they
 * authorized the App (the App's Callback URL). Answers a small page saying what happened and what
 * to do next; the page, the log and any error never carry the code, the state or a token.
 */
export function createOAuthCallbackHandler(options: OAuthCallbackHandlerOptions) {
  const { complete, log } = options;

  return async function handleOAuthCallback(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    request.resume();
    const query = new URL(request.url ?? "/", "http://threadline.invalid").searchParams;
    const value = (name: string) => query.get(name) ?? undefined;
    let outcome: LinkOutcome;
    try {
      outcome = await complete({
        code: value("code"),
        state: value("state"),
        error: value("error"),
      });
    } catch (error) {
      log.error(
        { error: error instanceof Error ? error.message : String(error) },
        "linking a GitHub account failed",
      );
      outcome = {
        kind: "failed",
        reason: "threadline could not store the link",
        retryable: true,
      };
    }
    response.writeHead(statusOf(outcome), PAGE_HEADERS);
    response.end(renderLinkPage(linkOutcomePage(outcome)));
  };
}

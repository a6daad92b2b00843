/**
 * What the shipped deployment files expose and ask for, read as an attacker and as a reviewer of
 * an install would read them: no scope or route beyond what the README lists.
 */
import { describe, expect, test } from "@jest/globals";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("the Slack app manifest", () => {
  const manifest = parse(read("slack-app-manifest.yml")) as {
    oauth_config: { scopes: { bot: string[] } };
    settings: { event_subscriptions: { request_url: string; bot_events: string[] } };
  };

  test("posts with chat:write; chat:write.public is an opt-in left commented out", () => {
    expect(manifest.oauth_config.scopes.bot).toContain("chat:write");
    expect(read("slack-app-manifest.yml")).toMatch(/^\s*# - chat:write\.public$/m);
  });

  test("reads only what answering from Slack needs (channel messages, who wrote them) and its command", () => {
    expect(manifest.oauth_config.scopes.bot).toEqual([
      "chat:write",
      "channels:history",
      "groups:history",
      "users:read",
      "commands",
    ]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([
      "message.channels",
      "message.groups",
    ]);
    expect(manifest.settings.event_subscriptions.request_url).toMatch(
      /^https:\/\/[^/]+\/api\/slack\/events$/,
    );
  });
});

describe("docker compose", () => {
  const compose = parse(read("docker-compose.yml")) as {
    services: Record<string, { ports?: string[]; environment?: Record<string, string> }>;
  };

  test("publishes the proxy alone, on loopback unless the admin says otherwise", () => {
    const published = Object.entries(compose.services).filter(([, service]) => service.ports);
    expect(published.map(([name]) => name)).toEqual(["proxy"]);
    expect(compose.services.proxy!.ports).toEqual(["${THREADLINE_PUBLISH:-127.0.0.1:8080}:8080"]);
  });

  test("hands the database password over as PGPASSWORD, never inside the URL", () => {
    const app = compose.services.app!.environment!;
    expect(app.DATABASE_URL).toBe("postgres://threadline@postgres:5432/threadline");
    expect(app.PGPASSWORD).toBe("${POSTGRES_PASSWORD}");
  });

  test("the proxy passes the webhook, Slack's events and command, GitHub's OAuth callback, and nothing else", () => {
    const nginx = read("deploy/nginx.conf");
    // Each location block runs to the next one; only the webhook's passes anything on.
    const blocks = nginx.split(/^\s*location /m).slice(1);
    const proxied = blocks
      .filter((block) => block.includes("proxy_pass"))
      .map((block) => block.slice(0, block.indexOf("{")).trim());
    expect(proxied).toEqual([
      "= /api/github/webhooks",
      "= /api/slack/events",
      "= /api/slack/commands",
      "= /api/github/oauth/callback",
    ]);
    expect(nginx.match(/proxy_pass/g)).toHaveLength(4);
    expect(nginx).toMatch(/location \/ \{\s*return 404;\s*\}/);
  });
});

describe("the Dockerfile", () => {
  test("checks health on the operator port, which it does not publish", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toMatch(/process\.env\.METRICS_PORT\|\|9464\)\+'\/healthz'/);
    expect(dockerfile).toMatch(/^EXPOSE 3000$/m);
    expect(dockerfile).not.toMatch(/^EXPOSE .*9464/m);
  });
});

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { EmitterWebhookEvent } from "@octokit/webhooks";
import type { Logger } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { createConfigCache } from "./config/config-cache.js";
import { createImmediateDelivery } from "./delivery/create-immediate-delivery.js";
import type { DeliverPosts } from "./delivery/outgoing-post.js";
import type { Settings } from "./env.js";
import { threadline } from "./index.js";
import { createHttpServer } from "./server/create-http-server.js";
import { createWebhookHandler } from "./server/create-webhook-handler.js";
import { startWebhookProxy } from "./server/start-webhook-proxy.js";
import { createSlackClient, type SlackPoster } from "./slack/create-slack-client.js";

export interface AppOverrides {
  /** Tests turn Octokit's retries and throttling off. */
  Octokit?: typeof ProbotOctokit;
  slack?: SlackPoster;
  deliver?: DeliverPosts;
  /** Config cache lifetime; a minute by default. */
  configTtlMs?: number;
}

export interface RunningApp {
  server: Server;
  /** `http://host:port`, with the port actually bound (PORT=0 picks a free one). */
  url: string;
  close(): Promise<void>;
}

/**
 * Wires the App together and starts serving: Probot (GitHub auth, event dispatch), threadline's
 * handlers, and an HTTP server that verifies every delivery before Probot sees it.
 */
export async function startApp(
  settings: Settings,
  log: Logger,
  overrides: AppOverrides = {},
): Promise<RunningApp> {
  const probot = new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    secret: settings.webhookSecret,
    baseUrl: settings.githubApiUrl,
    log: log.child({ name: "probot" }),
    Octokit: overrides.Octokit ?? ProbotOctokit,
  });
  const slack =
    overrides.slack ??
    createSlackClient({ token: settings.slackBotToken, apiUrl: settings.slackApiUrl, log });
  const configs = createConfigCache({ ttlMs: overrides.configTtlMs ?? 60_000 });
  await probot.load(
    threadline({
      configs,
      defaultChannel: settings.defaultChannel,
      deliver: overrides.deliver ?? createImmediateDelivery(slack),
    }),
  );

  const secrets = [settings.webhookSecret, settings.previousWebhookSecret].filter(
    (secret): secret is string => Boolean(secret),
  );
  const server = createHttpServer({
    log,
    routes: {
      "POST /api/github/webhooks": createWebhookHandler({
        secrets,
        maxBodyBytes: settings.maxWebhookBytes,
        log: log.child({ name: "webhooks" }),
        // Straight to the webhooks emitter: Probot's own `receive` logs the whole payload at debug.
        receive: (delivery) => probot.webhooks.receive(delivery as EmitterWebhookEvent),
      }),
      "GET /healthz": (_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ status: "ok" }));
      },
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${settings.port} is already in use: set PORT to a free port`, {
              cause: error,
            })
          : error,
      );
    });
    server.listen(settings.port, settings.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  const url = `http://${host}:${port}`;

  const proxy = settings.webhookProxyUrl
    ? await startWebhookProxy({
        source: settings.webhookProxyUrl,
        target: `${url}/api/github/webhooks`,
        log,
      })
    : undefined;

  return {
    server,
    url,
    async close() {
      proxy?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { hostname } from "node:os";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { createConfigCache } from "./config/config-cache.js";
import { createMissingConfigNotice } from "./config/create-missing-config-notice.js";
import { createSharedConfigSource } from "./config/shared-config-changes.js";
import {
  createRedeliverySweep,
  type HookDeliveriesApi,
  type HookDelivery,
} from "./delivery/create-redelivery-sweep.js";
import { createPruner } from "./delivery/create-pruner.js";
import { createReplyWorker, type ReplyLinking } from "./delivery/create-reply-worker.js";
import { createPersonTokens } from "./delivery/person-tokens.js";
import { createWorker } from "./delivery/create-worker.js";
import { rememberPullRequestCard } from "./delivery/pull-request-state.js";
import type { RetryPolicy } from "./delivery/retry-policy.js";
import { OAUTH_CALLBACK_PATH, type Settings } from "./env.js";
import { createGitHubOAuth } from "./github/github-oauth.js";
import { threadline } from "./index.js";
import { createMetrics } from "./metrics/create-metrics.js";
import { createGitHubIntake } from "./intake/receive-github-delivery.js";
import { createSlackIntake } from "./intake/receive-slack-event.js";
import { createSlackCommandAnswerer } from "./intake/answer-slack-command.js";
import { createLinkCompleter } from "./intake/complete-github-link.js";
import { createLinkStateSigner } from "./intake/link-state.js";
import { pullRequestComments } from "./github/pull-request-comments.js";
import { repositoryInstallations } from "./github/repository-installations.js";
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from "./server/connection-limits.js";
import { createHttpServer } from "./server/create-http-server.js";
import { createOAuthCallbackHandler } from "./server/create-oauth-callback-handler.js";
import { createOperatorRoutes } from "./server/create-operator-routes.js";
import {
  createSlackCommandsHandler,
  MAX_COMMAND_BYTES,
} from "./server/create-slack-commands-handler.js";
import { createSlackEventsHandler } from "./server/create-slack-events-handler.js";
import { createWebhookHandler } from "./server/create-webhook-handler.js";
import { startWebhookProxy } from "./server/start-webhook-proxy.js";
import { createSlackClient, type SlackPoster } from "./slack/create-slack-client.js";
import type { SocketModeConnection } from "./slack/start-socket-mode.js";
import { watchStoreHealth } from "./store/store-health.js";
import {
  describeStoreLocation,
  openStore,
  parseDatabaseUrl,
  type Store,
} from "./store/open-store.js";

export interface AppOverrides {
  /** Tests turn Octokit's retries and throttling off. */
  Octokit?: typeof ProbotOctokit;
  slack?: SlackPoster;
  store?: Store;
  /** Config cache lifetime; a minute by default. */
  configTtlMs?: number;
  /** How often to apply config changes other replicas saw; two seconds by default. */
  configChangesPollMs?: number;
  retryPolicy?: RetryPolicy;
  /** How long a pull request's card edit waits for more news (5 s by default); tests shorten it. */
  cardWaitMs?: number;
  /** Worker poll interval; tests shorten it. */
  pollIntervalMs?: number;
  pauseProbeMs?: number;
  now?: () => number;
  /** The public port's timeouts and connection bound; tests shorten them. */
  connectionLimits?: Partial<ConnectionLimits>;
}

export interface RunningApp {
  server: Server;
  /** `http://host:port`, with the port actually bound (PORT=0 picks a free one). */
  url: string;
  /** Where `/healthz`, `/readyz` and `/metrics` answer (METRICS_HOST:METRICS_PORT). */
  operatorUrl: string;
  /** Stops taking deliveries, lets posts in flight finish (or gives them back), closes the store. */
  close(graceMs?: number): Promise<void>;
}

/** Where Slack's Events API is received (the Slack app's Event Subscriptions request URL). */
export const SLACK_EVENTS_PATH = "/api/slack/events";

/** Where Slack sends `/threadline` slash commands (the command's request URL). */
export const SLACK_COMMANDS_PATH = "/api/slack/commands";

/** Shutdown must end within 10 s; posts in flight get most of it, closing the rest. */
const DEFAULT_GRACE_MS = 7_000;

/**
 * Wires the App together and starts serving: the store, Probot (GitHub auth, event dispatch),
 * threadline's handlers, the outbox worker, the missed-delivery sweep, and an HTTP server that
 * verifies every delivery before Probot sees it.
 */
export async function startApp(
  settings: Settings,
  log: Logger,
  overrides: AppOverrides = {},
): Promise<RunningApp> {
  const now = overrides.now ?? Date.now;
  const location = parseDatabaseUrl(settings.databaseUrl);
  const opened =
    overrides.store ??
    (await openStore(
      location,
      settings.appId,
      settings.linking ? { tokenKey: settings.linking.tokenKey } : {},
    ));
  if (!overrides.store) log.info({ store: describeStoreLocation(location) }, "store open");
  // Every call watched, so /readyz says when the store stops answering and when it is back.
  const { store, health: storeHealth } = watchStoreHealth(opened);
  const metrics = createMetrics(store.operations, now);
  // Names this process in its claims and leases. Only one live process can hold a host's port,
  // so a replica restarted on the same host and port knows the claims it finds were its own.
  const replicaId = `${hostname()}:${settings.port || randomUUID()}`;

  const probot = new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    secret: settings.webhookSecret,
    baseUrl: settings.githubApiUrl,
    log: log.child({ name: "probot" }),
    Octokit: overrides.Octokit ?? ProbotOctokit,
  });
  const slackClient = createSlackClient({
    token: settings.slackBotToken,
    apiUrl: settings.slackApiUrl,
    timeoutMs: settings.slackTimeoutMs,
    log,
  });
  const slack = overrides.slack ?? slackClient;
  const wroteFromSlack = (commentId: number) => store.replies.wroteComment(commentId);
  const worker = createWorker({
    queue: store.queue,
    conversations: store.conversations,
    slack,
    pace: { ratePerSecond: settings.slackChannelRate, burst: settings.slackChannelBurst },
    leaseMs: settings.claimLeaseMs,
    holder: replicaId,
    log: log.child({ name: "outbox" }),
    metrics,
    ...(overrides.retryPolicy ? { policy: overrides.retryPolicy } : {}),
    ...(overrides.pollIntervalMs ? { pollIntervalMs: overrides.pollIntervalMs } : {}),
    ...(overrides.pauseProbeMs ? { pauseProbeMs: overrides.pauseProbeMs } : {}),
    wroteFromSlack,
    now,
  });
  const configs = createSharedConfigSource(
    createConfigCache({ ttlMs: overrides.configTtlMs ?? 60_000 }),
    store.shared,
    log.child({ name: "config" }),
  );
  const handlers = threadline({
    configs,
    noticeMissingConfig: createMissingConfigNotice(log.child({ name: "config" })),
    defaultChannel: settings.defaultChannel,
    threadChannels: (threadKey) => store.conversations.threadChannels(threadKey),
    rememberPullRequest: (threadKey, fact) =>
      rememberPullRequestCard(store.conversations, threadKey, fact),
    pullRequestsWithHead: (repository, sha) =>
      store.conversations.pullRequestsWithHead(repository, sha),
    ...(overrides.cardWaitMs === undefined ? {} : { cardWaitMs: overrides.cardWaitMs }),
    wroteFromSlack,
    // Whether or not linking is on now: links kept from before go too.
    forgetGitHubUser: async (githubUserId) => {
      const forgotten = await store.linkedAccounts.removeGitHubUser(githubUserId);
      if (forgotten.length > 0) metrics.linksChanged.inc({ change: "revoked" }, forgotten.length);
      return forgotten.length;
    },
  });
  const receive = createGitHubIntake({
    handlers,
    intake: store.intake,
    // Probot authenticates the App and its installations; an installation's Octokit is made only
    // when a handler needs GitHub (a config not yet cached, a base branch, the config check).
    octokitFor: (installationId) => probot.auth(installationId),
    log: log.child({ name: "intake" }),
    metrics,
    onQueued: (dueAt) => worker.wake(dueAt),
    orderWindowMs: settings.orderWindowMs,
    reviewWaitMs: settings.reviewWaitMs,
    now,
  });

  let closing = false;
  const secrets = [settings.webhookSecret, settings.previousWebhookSecret].filter(
    (secret): secret is string => Boolean(secret),
  );
  const webhookHandler = createWebhookHandler({
    secrets,
    maxBodyBytes: settings.maxWebhookBytes,
    log: log.child({ name: "webhooks" }),
    onRefused: (reason) => metrics.deliveriesRefused.inc({ reason }),
    receive,
  });

  // Answering from Slack: Slack's events (over HTTP, or Socket Mode) become GitHub comments.
  const answering = settings.slackSigningSecrets.length > 0 || settings.slackAppToken !== undefined;
  // Posting as themselves: people link their GitHub account (GitHub's web application flow), and
  // the reply worker writes their replies with their own token.
  const linking = settings.linking;
  const oauth = linking
    ? createGitHubOAuth({
        clientId: linking.clientId,
        clientSecret: linking.clientSecret,
        webUrl: settings.githubWebUrl,
        apiUrl: settings.githubApiUrl,
        callbackUrl: linking.callbackUrl,
        now,
      })
    : undefined;
  const linkStates = linking ? createLinkStateSigner(linking.tokenKey) : undefined;
  const Octokit = overrides.Octokit ?? ProbotOctokit;
  const replyLinking: ReplyLinking | undefined =
    oauth && answering
      ? {
          tokens: createPersonTokens({
            accounts: store.linkedAccounts,
            oauth,
            holder: replicaId,
            log: log.child({ name: "linked-accounts" }),
            metrics,
            now,
          }),
          comments: (repository, token) =>
            pullRequestComments(
              new Octokit({
                auth: { token },
                baseUrl: settings.githubApiUrl,
                log: log.child({ name: "github-as-person" }),
              }),
              repository,
            ),
          notices: store.linkedAccounts,
        }
      : undefined;
  const installationOf = repositoryInstallations(probot);
  const replyWorker = answering
    ? createReplyWorker({
        replies: store.replies,
        comments: async (repository) =>
          pullRequestComments(await probot.auth(await installationOf(repository)), repository),
        ...(replyLinking ? { linking: replyLinking } : {}),
        configs: async (repository) => {
          const octokit = await probot.auth(await installationOf(repository));
          const loaded = await configs.get(octokit, repository);
          return loaded.status === "found" ? loaded.config : undefined;
        },
        slack: slackClient,
        holder: replicaId,
        leaseMs: settings.claimLeaseMs,
        log: log.child({ name: "replies" }),
        metrics,
        ...(overrides.pollIntervalMs ? { pollIntervalMs: overrides.pollIntervalMs } : {}),
        now,
      })
    : undefined;
  const receiveSlackEvent = answering
    ? createSlackIntake({
        replies: store.replies,
        conversations: store.conversations,
        log: log.child({ name: "slack-events" }),
        metrics,
        onRecorded: () => replyWorker?.wake(),
        now,
      })
    : undefined;
  // `/threadline link|unlink|help`, over HTTP or Socket Mode, wherever answering from Slack is on.
  const answerCommand = answering
    ? createSlackCommandAnswerer({
        linking:
          linkStates && oauth
            ? {
                signer: linkStates,
                authorizeUrl: (state) => oauth.authorizeUrl(state),
                githubWebUrl: settings.githubWebUrl,
              }
            : undefined,
        accounts: store.linkedAccounts,
        log: log.child({ name: "slack-commands" }),
        metrics,
        now,
      })
    : undefined;
  const slackCommandsHandler =
    answerCommand && settings.slackSigningSecrets.length > 0
      ? createSlackCommandsHandler({
          signingSecrets: settings.slackSigningSecrets,
          maxBodyBytes: Math.min(settings.maxWebhookBytes, MAX_COMMAND_BYTES),
          log: log.child({ name: "slack-commands" }),
          onRefused: (reason) => metrics.slackCommandsRefused.inc({ reason }),
          answer: answerCommand,
          now,
        })
      : undefined;
  const oauthCallbackHandler =
    linkStates && oauth
      ? createOAuthCallbackHandler({
          complete: createLinkCompleter({
            signer: linkStates,
            oauth,
            accounts: store.linkedAccounts,
            log: log.child({ name: "linked-accounts" }),
            metrics,
            now,
          }),
          log: log.child({ name: "linked-accounts" }),
        })
      : undefined;
  const slackEventsHandler =
    receiveSlackEvent && settings.slackSigningSecrets.length > 0
      ? createSlackEventsHandler({
          signingSecrets: settings.slackSigningSecrets,
          maxBodyBytes: settings.maxWebhookBytes,
          log: log.child({ name: "slack-events" }),
          onRefused: (reason) => metrics.slackEventsRefused.inc({ reason }),
          receive: receiveSlackEvent,
          now,
        })
      : undefined;

  const server = createHttpServer({
    log,
    limits: {
      ...DEFAULT_CONNECTION_LIMITS,
      maxConnections: settings.webhookMaxConnections,
      ...overrides.connectionLimits,
    },
    routes: {
      [`POST ${settings.webhookPath}`]: async (request, response) => {
        if (closing) {
          // GitHub records the failure; the sweep asks for it again after the restart.
          request.resume();
          response.writeHead(503, { connection: "close" }).end("shutting down\n");
          return;
        }
        const stopTimer = metrics.ackLatency.startTimer();
        await webhookHandler(request, response);
        // A request cut for arriving too slowly (408) says nothing of how fast GitHub is answered.
        if (response.statusCode !== 408) stopTimer();
      },
      ...(slackEventsHandler
        ? {
            [`POST ${SLACK_EVENTS_PATH}`]: async (request, response) => {
              if (closing) {
                // Slack retries; another replica, or this one after the restart, records it.
                request.resume();
                response.writeHead(503, { connection: "close" }).end("shutting down\n");
                return;
              }
              await slackEventsHandler(request, response);
            },
          }
        : {}),
      ...(slackCommandsHandler
        ? {
            [`POST ${SLACK_COMMANDS_PATH}`]: async (request, response) => {
              if (closing) {
                request.resume();
                response.writeHead(503, { connection: "close" }).end("shutting down\n");
                return;
              }
              await slackCommandsHandler(request, response);
            },
          }
        : {}),
      ...(oauthCallbackHandler
        ? {
            [`GET ${OAUTH_CALLBACK_PATH}`]: async (request, response) => {
              if (closing) {
                // The code is good for ten minutes: the person reloads the page on another replica.
                request.resume();
                response
                  .writeHead(503, { connection: "close", "retry-after": "2" })
                  .end("shutting down; reload this page in a moment\n");
                return;
              }
              await oauthCallbackHandler(request, response);
            },
          }
        : {}),
    },
  });
  const operatorServer = createHttpServer({
    log,
    routes: createOperatorRoutes({
      metrics,
      async readinessProblems() {
        const problems: string[] = [];
        try {
          // A primary-key read: proves the store answers without counting the outbox.
          await store.shared.getState("readiness");
        } catch {
          // Said below, with the reason.
        }
        const storeProblem = storeHealth.problem();
        if (storeProblem) problems.push(storeProblem);
        const pause = worker.paused();
        if (pause) problems.push(`sending to Slack is paused: ${pause.reason}`);
        if (closing) problems.push("shutting down");
        return problems;
      },
    }),
  });

  const url = await listen(server, settings.port, settings.host, "PORT");
  const operatorUrl = await listen(
    operatorServer,
    settings.operatorPort,
    settings.operatorHost,
    "METRICS_PORT",
  ).catch(async (error: unknown) => {
    server.close();
    throw error;
  });

  // After binding the port: a second process started by mistake on it fails before touching claims.
  const uncertain = await store.queue.recoverAfterRestart(now(), replicaId);
  if (uncertain > 0) {
    metrics.postsUncertain.inc(uncertain);
    log.warn(
      { posts: uncertain },
      "posts were being sent when the App last stopped; they are sent again, and Slack shows any it had already accepted twice",
    );
  }
  worker.start();
  if (replyWorker) {
    const replies = await store.replies.recoverAfterRestart(now(), replicaId);
    if (replies > 0) log.info({ replies }, "replies from Slack taken back after a restart");
    replyWorker.start();
  }
  const socketMode: SocketModeConnection | undefined =
    receiveSlackEvent && settings.slackAppToken
      ? // Loaded only when used: the Socket Mode client and its WebSocket library are a few MB
        // of memory that an App receiving Slack's events over HTTP (or none) would carry idle.
        await (
          await import("./slack/start-socket-mode.js")
        )
          .startSocketMode({
            appToken: settings.slackAppToken,
            apiUrl: settings.slackApiUrl,
            log: log.child({ name: "slack-socket-mode" }),
            receive: receiveSlackEvent,
            ...(answerCommand ? { answerCommand } : {}),
          })
          .catch(async (error: unknown) => {
            await worker.stop(0);
            await replyWorker?.stop(0);
            server.close();
            operatorServer.close();
            throw error;
          })
      : undefined;
  configs.start(overrides.configChangesPollMs ?? 2_000);
  const sweep =
    settings.redeliverySweepHours > 0
      ? createRedeliverySweep({
          api: () => hookDeliveriesApi(probot),
          shared: store.shared,
          log: log.child({ name: "sweep" }),
          intervalMs: settings.redeliverySweepHours * 3_600_000,
          holder: replicaId,
          now,
        })
      : undefined;
  sweep?.start();
  const pruner = createPruner({
    retention: store.retention,
    shared: store.shared,
    log: log.child({ name: "prune" }),
    metrics,
    retentionDays: settings.retentionDays,
    conversationRetentionDays: settings.conversationRetentionDays,
    holder: replicaId,
    now,
  });
  pruner.start();

  if (linking) {
    log.info(
      { callbackUrl: linking.callbackUrl },
      "people may link their GitHub account with /threadline link (post as themselves); the GitHub App's Callback URL must be this one",
    );
  }

  const proxy = settings.webhookProxyUrl
    ? await startWebhookProxy({
        source: settings.webhookProxyUrl,
        target: `${url}${settings.webhookPath}`,
        log,
      })
    : undefined;

  return {
    server,
    url,
    operatorUrl,
    async close(graceMs = DEFAULT_GRACE_MS) {
      closing = true;
      proxy?.close();
      await socketMode?.close();
      sweep?.stop();
      pruner.stop();
      configs.stop();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all([worker.stop(graceMs), replyWorker?.stop(graceMs)]);
      // Keep-alive connections still mid-request get a moment; then they are cut.
      await Promise.race([
        serverClosed,
        new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
      ]);
      server.closeAllConnections();
      operatorServer.closeAllConnections();
      await new Promise<void>((resolve) => operatorServer.close(() => resolve()));
      if (!overrides.store) await store.close();
    },
  };
}

/** Binds `server`; resolves with its `http://host:port` (the port actually bound, for port 0). */
async function listen(server: Server, port: number, host: string, variable: string) {
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${port} is already in use: set ${variable} to a free port`, {
              cause: error,
            })
          : error,
      );
    });
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
}

/** GitHub's App webhook delivery log, through Probot's App-authenticated (JWT) Octokit. */
async function hookDeliveriesApi(probot: Probot): Promise<HookDeliveriesApi> {
  const octokit = await probot.auth();
  return {
    async *listDeliveries() {
      for await (const response of octokit.paginate.iterator("GET /app/hook/deliveries", {
        per_page: 100,
      })) {
        yield response.data as HookDelivery[];
      }
    },
    async redeliver(deliveryId) {
      await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
        delivery_id: deliveryId,
      });
    },
  };
}

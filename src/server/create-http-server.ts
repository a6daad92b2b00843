import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { ConnectionLimits } from "./connection-limits.js";
import { createConnectionRefusalReport } from "./create-connection-refusal-report.js";
import { describeClientError } from "./describe-client-error.js";

export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<void> | void;

export interface HttpServerOptions {
  log: Logger;
  /** `"POST /api/github/webhooks"` -> handler. */
  routes: Record<string, RouteHandler>;
  /** Timeouts and the connection bound for a port anyone can reach; Node's defaults without. */
  limits?: ConnectionLimits;
}

/** A plain node:http server with an exact-match route table; the App needs nothing more. */
export function createHttpServer({ log, routes, limits }: HttpServerOptions): Server {
  // The response of the request each connection is on, for the clientError listener below.
  const responses = new WeakMap<Duplex, ServerResponse>();
  const server = createServer(
    limits
      ? {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          connectionsCheckingInterval: limits.checkIntervalMs,
        }
      : {},
    (request, response) => {
      if (limits) responses.set(request.socket, response);
      const path = (request.url ?? "/").split("?")[0];
      const handler = routes[`${request.method} ${path}`];
      if (!handler) {
        const allowed = Object.keys(routes).some((route) => route.endsWith(` ${path}`));
        request.resume();
        response.writeHead(allowed ? 405 : 404, { "content-type": "text/plain; charset=utf-8" });
        response.end(allowed ? "method not allowed\n" : "not found\n");
        return;
      }
      Promise.resolve(handler(request, response)).catch((error: unknown) => {
        log.error({ err: error, path }, "request failed");
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    },
  );
  if (!limits) return server;

  server.maxConnections = limits.maxConnections;
  server.maxHeadersCount = limits.maxHeadersCount;
  const report = createConnectionRefusalReport({
    log,
    periodMs: limits.refusalReportMs,
    maxConnections: limits.maxConnections,
  });
  // Node closes a connection past maxConnections as soon as it is accepted, and says so here.
  server.on("drop", () => report.count("over_connection_limit"));
  // Taking clientError over means answering and closing as Node would; it is taken over only to
  // count what is refused before a route saw a request.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const described = describeClientError(error.code);
    const response = responses.get(socket);
    // A route is still reading this request (a body that did not arrive in time): the route
    // logs it with its delivery id, once; counting it here too would say it twice.
    const routeReading = response !== undefined && !response.writableFinished;
    if (described && !routeReading) report.count(described.refusal);
    if (described && socket.writable && !(routeReading && response.headersSent)) {
      socket.write(described.answer);
    }
    // With the error, so the route reading the request can tell a timeout from a sender that left.
    socket.destroy(error);
  });
  server.once("close", () => report.flush());
  return server;
}

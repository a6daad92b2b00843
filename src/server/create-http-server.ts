import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";

export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<void> | void;

export interface HttpServerOptions {
  log: Logger;
  /** `"POST /api/github/webhooks"` -> handler. */
  routes: Record<string, RouteHandler>;
}

/** A plain node:http server with an exact-match route table; the App needs nothing more. */
export function createHttpServer({ log, routes }: HttpServerOptions): Server {
  return createServer((request, response) => {
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
  });
}

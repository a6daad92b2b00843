import type { Metrics } from "../metrics/create-metrics.js";
import type { RouteHandler } from "./create-http-server.js";

export interface OperatorRoutesOptions {
  metrics: Metrics;
  /**
   * Why the App is not ready, in words safe to show any caller (no channel ids, no secrets);
   * empty when it is ready.
   */
  readinessProblems: () => Promise<string[]>;
}

/**
 * `/healthz`, `/readyz` and `/metrics`, for the operator port only: kept off the public webhook
 * port, so that the internet cannot read the App's counters or make it query its store.
 */
export function createOperatorRoutes(options: OperatorRoutesOptions): Record<string, RouteHandler> {
  const { metrics, readinessProblems } = options;
  return {
    "GET /healthz": (_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ status: "ok" }));
    },
    "GET /readyz": async (_request, response) => {
      const problems = await readinessProblems();
      response.writeHead(problems.length === 0 ? 200 : 503, {
        "content-type": "application/json",
      });
      response.end(
        JSON.stringify({ status: problems.length === 0 ? "ready" : "not ready", problems }),
      );
    },
    "GET /metrics": async (_request, response) => {
      response.writeHead(200, { "content-type": metrics.registry.contentType });
      response.end(await metrics.registry.metrics());
    },
  };
}

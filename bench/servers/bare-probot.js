/**
 * Baseline: Probot 14 as an app gets it by default, with a handler that does nothing. Probot's own
 * pino logger (level and format from LOG_LEVEL / LOG_FORMAT, as `probot run` reads them) writes to
 * stdout, since what Probot logs is part of what a delivery costs.
 */
import { createServer } from "node:http";
import { createNodeMiddleware, Probot } from "probot";

const probot = new Probot({
  appId: process.env.APP_ID,
  privateKey: process.env.PRIVATE_KEY,
  secret: process.env.WEBHOOK_SECRET,
  logLevel: process.env.LOG_LEVEL ?? "info",
  logFormat: process.env.LOG_FORMAT ?? "pretty",
});
const middleware = await createNodeMiddleware(
  (app) => {
    app.on("issue_comment.created", async () => {});
  },
  { probot },
);

createServer((request, response) => {
  void middleware(request, response, () => {
    response.writeHead(404).end();
  });
}).listen(Number(process.env.PORT), "127.0.0.1");

process.on("SIGTERM", () => process.exit(0));

/**
 * Baseline: the least a webhook endpoint can do. Reads the body, checks X-Hub-Signature-256 in
 * constant time, answers 200 or 401, and logs nothing.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const secret = process.env.WEBHOOK_SECRET;
const port = Number(process.env.PORT);

function isSigned(body, header) {
  if (typeof header !== "string" || !header.startsWith("sha256=")) return false;
  const received = Buffer.from(header.slice("sha256=".length), "hex");
  const expected = createHmac("sha256", secret).update(body).digest();
  return received.length === expected.length && timingSafeEqual(received, expected);
}

createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const ok = isSigned(Buffer.concat(chunks), request.headers["x-hub-signature-256"]);
    response.writeHead(ok ? 200 : 401, { "content-type": "text/plain" });
    response.end(ok ? "ok\n" : "bad signature\n");
  });
}).listen(port, "127.0.0.1");

process.on("SIGTERM", () => process.exit(0));

import type { IncomingMessage } from "node:http";

export type BodyResult =
  | { body: Buffer; tooLarge?: undefined; aborted?: undefined }
  | { body?: undefined; tooLarge: true; aborted?: undefined }
  | { body?: undefined; tooLarge?: undefined; aborted: true };

/**
 * Reads a request body, giving up as soon as it passes `maxBytes` so an oversized (or endless)
 * delivery is never held in memory whole. `aborted` when the connection closed before the body
 * ended: the sender left, or the server cut a body that did not arrive in time. Not an error: a
 * sender who hangs up is not the App failing.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.resolve({ tooLarge: true });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        cleanup();
        chunks.length = 0;
        resolve({ tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      // A delivery usually arrives in one chunk: no need to copy it.
      resolve({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received) });
    };
    const onAborted = () => {
      cleanup();
      chunks.length = 0;
      resolve({ aborted: true });
    };
    const cleanup = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onAborted);
      request.off("close", onAborted);
    };
    request.on("data", onData);
    request.on("end", onEnd);
    // A request errs only when its connection closed mid-body (Node's "aborted").
    request.on("error", onAborted);
    request.on("close", onAborted);
  });
}

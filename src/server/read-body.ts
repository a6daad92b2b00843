import type { IncomingMessage } from "node:http";

export type BodyResult =
  { body: Buffer; tooLarge?: undefined } | { body?: undefined; tooLarge: true };

/**
 * Reads a request body, giving up as soon as it passes `maxBytes` so an oversized (or endless)
 * delivery is never held in memory whole.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.resolve({ tooLarge: true });
  }
  return new Promise((resolve, reject) => {
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
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
  });
}

import type { Logger } from "pino";

export interface WebhookProxy {
  close(): void;
}

/**
 * Relays deliveries from a smee.io channel (WEBHOOK_PROXY_URL) to the local endpoint, for local
 * development. smee-client is a development dependency, so production images do without it.
 */
export async function startWebhookProxy(options: {
  source: string;
  target: string;
  log: Logger;
}): Promise<WebhookProxy | undefined> {
  let SmeeClient: typeof import("smee-client").SmeeClient;
  try {
    ({ SmeeClient } = await import("smee-client"));
  } catch {
    options.log.warn(
      "WEBHOOK_PROXY_URL is set but smee-client is not installed: run `npm install` with dev dependencies",
    );
    return undefined;
  }
  const client = new SmeeClient({
    source: options.source,
    target: options.target,
    logger: {
      info: (...parts: unknown[]) => options.log.debug(parts.map(String).join(" ")),
      error: (...parts: unknown[]) => options.log.error(parts.map(String).join(" ")),
    },
  });
  await client.start();
  options.log.info({ target: options.target }, "forwarding deliveries from WEBHOOK_PROXY_URL");
  return { close: () => void client.stop() };
}

import { ok, problem, warn, type DoctorCheck } from "./doctor-check.js";

/** `GET /app/hook/config`, as GitHub answers it (the secret comes back masked, and is not used). */
export interface WebhookConfig {
  url?: string | undefined;
  content_type?: string | undefined;
  insecure_ssl?: string | number | undefined;
}

export interface WebhookExpectations {
  /** Where the App receives deliveries: settings.webhookPath. */
  webhookPath: string;
  /** WEBHOOK_PROXY_URL, which the App relays deliveries from. */
  webhookProxyUrl: string | undefined;
  /** NODE_ENV is production: a server, where a smee channel has no place. */
  production: boolean;
  settingsUrl: string;
}

/** Documentation domains (RFC 2606) that GitHub's own examples use: never a real endpoint. */
const PLACEHOLDER_DOMAINS = ["example.com", "example.org", "example.net"];

/**
 * Whether GitHub sends deliveries where the App listens, in a form it reads. Every problem here
 * loses every delivery without a line in the App's log, since nothing reaches it.
 */
export function checkWebhookConfig(
  config: WebhookConfig,
  expected: WebhookExpectations,
): DoctorCheck[] {
  const where = `In the App's settings (${expected.settingsUrl}) → General → Webhook`;
  const target = `https://<your host>${expected.webhookPath}`;
  const url = config.url?.trim() ?? "";
  if (!url || !URL.canParse(url)) {
    return [
      problem(
        url ? `the App's webhook URL "${url}" is not a URL` : "the App has no webhook URL",
        `${where}: tick Active and set the URL to ${target}`,
      ),
    ];
  }
  const parsed = new URL(url);
  const host = parsed.hostname.toLowerCase();
  const checks: DoctorCheck[] = [];
  const isSmee = host === "smee.io";
  if (PLACEHOLDER_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`))) {
    checks.push(
      problem(
        `the App's webhook URL ${url} is a placeholder: GitHub's deliveries go nowhere`,
        `${where} URL: ${target}`,
      ),
    );
  } else if (isSmee) {
    checks.push(...checkSmeeChannel(url, expected, where, target));
  } else if (!parsed.pathname.endsWith(expected.webhookPath)) {
    checks.push(
      problem(
        `the App's webhook URL ${url} does not end with ${expected.webhookPath}, where the App listens (WEBHOOK_PATH)`,
        `${where} URL: ${target}, or set WEBHOOK_PATH to the path GitHub posts to`,
      ),
    );
  } else {
    checks.push(ok(`webhook URL ${url}`));
  }

  if (config.content_type !== "json") {
    checks.push(
      problem(
        `the App's webhook content type is ${config.content_type ?? "unset"}: the App reads JSON deliveries only`,
        `${where}: choose application/json as the content type\n(or PATCH /app/hook/config with {"content_type":"json"}, authenticated as the App)`,
      ),
    );
  }
  if (String(config.insecure_ssl ?? "0") !== "0") {
    checks.push(
      warn(
        "SSL verification is off for the App's webhook: a forged endpoint could read every delivery",
        `${where}: choose "Enable SSL verification"`,
      ),
    );
  }
  return checks;
}

/**
 * A smee.io channel relays deliveries only to an App that reads it (WEBHOOK_PROXY_URL), and anyone
 * who knows its URL reads the same deliveries: fine on a laptop, not on a server.
 */
function checkSmeeChannel(
  url: string,
  expected: WebhookExpectations,
  where: string,
  target: string,
): DoctorCheck[] {
  if (expected.webhookProxyUrl !== url) {
    return [
      problem(
        `the App's webhook URL is a smee.io channel, but WEBHOOK_PROXY_URL ${expected.webhookProxyUrl ? "names another" : "is not set"}: no delivery reaches the App`,
        `on a server: ${where} URL: ${target}\nfor development: set WEBHOOK_PROXY_URL=${url} in .env`,
      ),
    ];
  }
  if (expected.production) {
    return [
      warn(
        "the App's webhook URL is a smee.io channel while NODE_ENV is production",
        `a smee channel is readable by anyone holding its URL: set the webhook URL to ${target}\nand remove WEBHOOK_PROXY_URL`,
      ),
    ];
  }
  return [ok("webhook URL is the smee.io channel in WEBHOOK_PROXY_URL (development)")];
}

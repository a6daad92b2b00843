import { ok, problem, warn, type DoctorCheck } from "./doctor-check.js";

/** One item of `GET /app/hook/deliveries`: GitHub's record of a delivery and how it was answered. */
export interface DeliveryRecord {
  guid: string;
  delivered_at: string;
  /** "OK", "Invalid HTTP Response: 401", or why no answer came ("failed to connect to host"…). */
  status: string;
  /** The endpoint's HTTP status; 0 when there was no HTTP answer at all. */
  status_code: number;
  event: string;
  action?: string | null;
}

/**
 * How the App's endpoint answered GitHub's newest delivery. It is the one proof, from GitHub's
 * side, that the URL, the network and WEBHOOK_SECRET all line up: the App answers 401 to a
 * delivery whose signature does not match its secret.
 */
export function checkWebhookDeliveries(
  deliveries: readonly DeliveryRecord[],
  settingsUrl: string,
): DoctorCheck[] {
  const newest = [...deliveries].sort(
    (a, b) => Date.parse(b.delivered_at) - Date.parse(a.delivered_at),
  )[0];
  if (!newest) {
    return [
      warn(
        "GitHub has not sent any delivery yet",
        "comment on a pull request in a repository where the App is installed, then run the doctor again",
      ),
    ];
  }
  const which = `the last delivery (${newest.event}${newest.action ? `.${newest.action}` : ""}, ${newest.delivered_at}, ${newest.guid})`;
  const recent = `see the App's settings (${settingsUrl}) → Advanced → Recent Deliveries`;
  const code = newest.status_code;
  if (code >= 200 && code < 300) return [ok(`${which} was answered ${code}`)];
  if (code === 401) {
    return [
      problem(
        `${which} was refused with 401: its signature does not match`,
        `WEBHOOK_SECRET differs from the App's webhook secret: set the same value in both\n(the App's settings → General → Webhook secret), restart the App, then redeliver from Recent Deliveries`,
      ),
    ];
  }
  if (code < 100) {
    return [
      problem(
        `GitHub could not reach the webhook URL for ${which}: ${newest.status}`,
        `GitHub could not reach the webhook URL: check that the App runs, that its host is reachable from the internet over HTTPS, and the URL; ${recent}`,
      ),
    ];
  }
  return [
    problem(
      `${which} was answered ${code} (${newest.status})`,
      `${code === 404 ? "the URL's path is not where the App listens (WEBHOOK_PATH); " : ""}${recent}, and the App's log for that delivery id`,
    ),
  ];
}

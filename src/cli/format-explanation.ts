import type { Explanation } from "../delivery/outgoing-post.js";
import type { RecordedDelivery } from "../store/outbox-operations.js";
import { formatAge } from "./format-age.js";

/** `threadline explain`: a delivery's decision and what became of each of its posts. */
export function formatExplanation(delivery: RecordedDelivery, now: number): string[] {
  const explanation = (delivery.explanation ?? {}) as Explanation;
  const lines = [
    `delivery ${delivery.deliveryId}: ${delivery.event}, received ${formatAge(now - delivery.receivedAt)} ago`,
  ];
  if (explanation.pullRequest) lines.push(`pull request: ${explanation.pullRequest}`);
  if (explanation.config) lines.push(`config: ${explanation.config}`);
  if (delivery.outcome !== "queued") {
    lines.push(`not carried: ${explanation.skipped ?? "no reason was recorded"}`);
    return lines;
  }
  for (const { channel, because } of explanation.channels ?? []) {
    lines.push(`carried to ${channel} because of ${because}`);
  }
  for (const post of delivery.posts) {
    const outcome =
      post.status === "sent"
        ? `sent${post.slack_ts ? ` (Slack ts ${post.slack_ts})` : ""}`
        : post.status === "dead"
          ? `set aside: ${post.last_error ?? "no reason recorded"} (retry: threadline outbox retry ${post.id})`
          : `${post.status}, ${post.attempts} attempts so far${post.last_error ? `, last error: ${post.last_error}` : ""}`;
    lines.push(`post ${post.id} to ${post.channel}: ${outcome}`);
  }
  return lines;
}

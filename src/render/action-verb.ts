import type { ConversationEvent } from "../events/conversation-event.js";

/** What the author did to the pull request, as the words between their name and its title. */
export function actionVerb(event: Pick<ConversationEvent, "kind" | "reviewState">): string {
  if (event.kind === "comment") {
    return "commented on";
  }
  if (event.kind === "review_comment") {
    return "commented on a line in";
  }
  switch (event.reviewState) {
    case "approved":
      return "approved";
    case "changes_requested":
      return "requested changes on";
    default:
      return "reviewed";
  }
}

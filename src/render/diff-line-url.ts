import { createHash } from "node:crypto";
import type { ReviewCommentLocation } from "../events/conversation-event.js";

/**
 * The "Files changed" tab scrolled to the commented line. GitHub names a file's anchor
 * `diff-<sha256 of its path>`, a line in it `R<n>` (new side) or `L<n>` (old side) and a range
 * `R<start>-R<end>`; outdated comments, which have no line, link to the file.
 */
export function diffLineUrl(
  pullRequestUrl: string,
  location: Pick<ReviewCommentLocation, "path" | "line" | "startLine" | "side">,
): string {
  const file = createHash("sha256").update(location.path).digest("hex");
  const side = location.side === "LEFT" ? "L" : "R";
  const { line, startLine } = location;
  const anchor =
    line === null
      ? ""
      : startLine !== null && startLine < line
        ? `${side}${startLine}-${side}${line}`
        : `${side}${line}`;
  return `${pullRequestUrl}/files#diff-${file}${anchor}`;
}

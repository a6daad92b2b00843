import { CONFIG_PATH } from "./config-path.js";

const RETRIED =
  "This delivery failed; the redelivery sweep asks GitHub for it again (at start and every REDELIVERY_SWEEP_HOURS).";

/**
 * GitHub refused to let the App read a config file (403), so the repository's settings are
 * unknown. Unlike an invalid file this is the App's setup to fix, not the repository's; the
 * message says exactly what to change where. `repository` is the one whose file was refused: the
 * repository itself, or the one it takes its config from (its owner's `.github` repository, or
 * what `_extends` names), given as `sharedBy`.
 */
export class ConfigAccessError extends Error {
  override readonly name = "ConfigAccessError";
  /** What was refused and what to change where, without what became of the delivery. */
  readonly fix: string;

  constructor(
    /** The repository whose `.github/threadline.yml` GitHub refused. */
    readonly repository: string,
    /** The repository whose delivery needed it, when that is another one. */
    readonly sharedBy: string | undefined,
    options?: { cause?: unknown },
  ) {
    const fix = sharedBy
      ? `GitHub refused the App access to ${CONFIG_PATH} in ${repository}, which ${sharedBy} takes its config from (403): ` +
        `install the App on ${repository} too (Settings → GitHub Apps → threadline → Configure → Repository access; it reads only that file there), ` +
        `and check that the App's "Single file" permission names ${CONFIG_PATH}.`
      : `GitHub refused the App access to ${CONFIG_PATH} in ${repository} (403): the App's "Single file" permission must name that path, which the setup page cannot set. ` +
        `In the GitHub App's settings → Permissions & events → Repository permissions → Single file, choose "Read-only", enter ${CONFIG_PATH}, and save; ` +
        `each installation's owner then accepts the change where GitHub asks them to.`;
    super(`${fix} ${RETRIED}`, options);
    this.fix = fix;
  }
}

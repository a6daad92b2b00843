import { ConfigAccessError } from "../../config/config-access-error.js";
import { CONFIG_PATH } from "../../config/config-path.js";
import type { LoadedConfig } from "../../config/load-config.js";
import type { ThreadlineConfig } from "../../config/schema.js";
import { ok, problem, warn, type DoctorCheck } from "./doctor-check.js";

/** What loading a repository's config came to: `loadConfig`'s result, or what it threw. */
export type ConfigOutcome = { loaded: LoadedConfig } | { thrown: unknown };

/** A repository's finding and the Slack channels its events would go to. */
export interface RepositoryConfigCheck {
  check: DoctorCheck;
  channels: string[];
}

/** Every channel a config can post to: its own (else SLACK_CHANNEL) and each route's. */
export function configChannels(
  config: ThreadlineConfig,
  defaultChannel: string | undefined,
): string[] {
  const main = config.channel ?? defaultChannel;
  return [...new Set([...(main ? [main] : []), ...config.routes.map((route) => route.channel)])];
}

/**
 * One repository's config as the App would load it for a delivery: found (and where from, and
 * which channels), missing (SLACK_CHANNEL or nothing), invalid (the file's own line and fix), or
 * refused by GitHub. `singleFileMissing` says the installation's Single file path is already
 * reported, so a refusal points there instead of repeating the whole fix for every repository.
 */
export function checkRepositoryConfig(
  repository: string,
  outcome: ConfigOutcome,
  defaultChannel: string | undefined,
  singleFileMissing = false,
): RepositoryConfigCheck {
  if ("thrown" in outcome) {
    const error = outcome.thrown;
    if (error instanceof ConfigAccessError) {
      if (singleFileMissing && error.sharedBy === undefined) {
        return {
          check: problem(
            `${repository}: GitHub refused the App ${CONFIG_PATH} (403)`,
            "set the Single file path, as said above for its installation",
          ),
          channels: [],
        };
      }
      return {
        check: problem(`${repository}: ${CONFIG_PATH} cannot be read`, error.fix),
        channels: [],
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      check: problem(
        `${repository}: ${message}`,
        "run the doctor again; if it persists, see GitHub's message above",
      ),
      channels: [],
    };
  }
  const { loaded } = outcome;
  switch (loaded.status) {
    case "found": {
      const channels = configChannels(loaded.config, defaultChannel);
      const source = `${loaded.source.path} from ${loaded.source.repository}`;
      return channels.length === 0
        ? {
            check: warn(
              `${repository}: ${source} names no channel and SLACK_CHANNEL is not set: nothing is posted for it`,
              `set channel: in ${loaded.source.repository}'s ${loaded.source.path}, or SLACK_CHANNEL`,
            ),
            channels,
          }
        : { check: ok(`${repository}: ${source} → channels ${channels.join(", ")}`), channels };
    }
    case "missing":
      return defaultChannel
        ? {
            check: ok(`${repository}: no config: uses SLACK_CHANNEL ${defaultChannel}`),
            channels: [defaultChannel],
          }
        : {
            check: warn(
              `${repository}: no config and no SLACK_CHANNEL: nothing is posted for it`,
              `add ${CONFIG_PATH} with channel: to it (or to its owner's .github repository), or set SLACK_CHANNEL`,
            ),
            channels: [],
          };
    case "invalid":
      return {
        check: problem(`${repository}: ${CONFIG_PATH} is invalid`, loaded.error.message),
        channels: [],
      };
  }
}

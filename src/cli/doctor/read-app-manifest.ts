import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** What app.yml asks GitHub for: the App's permissions (name → access) and its events. */
export interface AppRequirements {
  permissions: Record<string, string>;
  events: string[];
}

/**
 * app.yml at the repository root: three levels above this file both as `src/cli/doctor/*.ts`
 * (tests) and as `lib/cli/doctor/*.js` (the built CLI; the Docker image keeps it at /app/app.yml).
 */
export const APP_MANIFEST_URL = new URL("../../../app.yml", import.meta.url);

/**
 * Reads what the App should have been registered with, at run time, so the doctor checks against
 * the manifest that ships with this version rather than a copy that could drift from it.
 */
export function readAppManifest(url: URL = APP_MANIFEST_URL): AppRequirements {
  let text: string;
  try {
    text = readFileSync(url, "utf8");
  } catch (error) {
    throw new Error(
      `cannot read ${fileURLToPath(url)}, which says what the App needs: reinstall threadline, or run it from its directory`,
      { cause: error },
    );
  }
  const manifest = (parse(text) ?? {}) as {
    default_permissions?: Record<string, unknown>;
    default_events?: unknown[];
  };
  const permissions: Record<string, string> = {};
  for (const [name, access] of Object.entries(manifest.default_permissions ?? {})) {
    if (typeof access === "string") permissions[name] = access;
  }
  const events = (manifest.default_events ?? []).filter(
    (event): event is string => typeof event === "string",
  );
  return { permissions, events };
}

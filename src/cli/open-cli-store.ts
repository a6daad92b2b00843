import { existsSync } from "node:fs";
import { createSecretRedactor, databasePasswordsOf } from "../log/redact-secrets.js";
import {
  DEFAULT_SQLITE_PATH,
  maskUrl,
  openStore,
  parseDatabaseUrl,
  type Store,
  type StoreLocation,
} from "../store/open-store.js";

/** The two variables the command line reads; nothing else from the App's environment. */
export interface CliStoreSettings {
  /** The App's own store, found from DATABASE_URL exactly as the App finds it. */
  location: StoreLocation;
  /** Posts are kept per GitHub App: another id sees an empty outbox. */
  appId: number;
  /** Whether DATABASE_URL was set, to word the error when the file is missing. */
  fromDatabaseUrl: boolean;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Reads APP_ID and DATABASE_URL; throws with a message that says what to set. */
export function readCliStoreSettings(
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): CliStoreSettings {
  const rawAppId = nonEmpty(env.APP_ID);
  if (!rawAppId) {
    throw new Error(
      "APP_ID is not set: set it to the GitHub App's id, as in the App's .env (the outbox keeps posts per App)",
    );
  }
  const appId = Number(rawAppId);
  if (!/^\d+$/.test(rawAppId) || !Number.isSafeInteger(appId) || appId === 0) {
    throw new Error(`APP_ID must be the GitHub App's numeric id, got "${rawAppId}"`);
  }
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  return {
    location: parseDatabaseUrl(databaseUrl, cwd),
    appId,
    fromDatabaseUrl: databaseUrl !== undefined,
  };
}

/**
 * Opens the App's store. A missing file is refused rather than created: an empty outbox from the
 * wrong directory would look like "nothing is stuck".
 */
export async function openCliStore(
  settings: CliStoreSettings,
  exists: (path: string) => boolean = existsSync,
): Promise<Store> {
  const { location } = settings;
  const path = location.kind === "sqlite" ? location.path : undefined;
  if (path !== undefined && path !== ":memory:" && !exists(path)) {
    throw new Error(
      settings.fromDatabaseUrl
        ? `there is no database at ${path} (from DATABASE_URL): point DATABASE_URL at the App's database`
        : `there is no database at ${path} (./${DEFAULT_SQLITE_PATH}, as DATABASE_URL is unset): run threadline in the App's directory, or set DATABASE_URL to the App's database`,
    );
  }
  return openStore(settings.location, settings.appId);
}

/**
 * Masks DATABASE_URL's credentials in text for stderr: the user-info part of any URL, and the
 * password wherever it appears alone (a driver may quote it).
 */
export function createDatabaseUrlMasker(databaseUrl: string | undefined): (text: string) => string {
  const redact = createSecretRedactor(databasePasswordsOf(nonEmpty(databaseUrl)));
  return (text) => redact(maskUrl(text));
}

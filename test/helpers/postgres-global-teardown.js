/**
 * After every run, passed or failed: stop the PostgreSQL that postgres-global-setup.js started
 * for the run, if it started one, and remove its data directory, so nothing is left running or
 * on disk. (Jest skips this when globalSetup itself failed; that path cleans up after itself.)
 */
export { stopEmbeddedPostgres as default } from "./postgres-global-setup.js";

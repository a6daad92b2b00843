/**
 * How the benches start threadline: exactly as `npm start` does (package.json's start script,
 * with its node flags), so what is measured is what runs in production.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const { scripts } = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8"));
const [command, ...words] = scripts.start.split(/\s+/);
if (command !== "node") throw new Error(`npm start runs ${command}, not node: update the bench`);

/** `node`'s arguments for the App: the start script's flags, then lib/main.js by absolute path. */
export const THREADLINE_ARGS = words.map((word) =>
  word.startsWith("-") ? word : `${ROOT}${word}`,
);

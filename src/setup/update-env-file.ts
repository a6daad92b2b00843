import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { parse } from "dotenv";

/** The shape of Probot's `updateEnv`, which its setup flow calls with the credentials it got. */
export type UpdateEnv = (values: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;

/** Probot's own encoding of a value: newlines escaped, so a PEM fits on one line. */
function encode(value: string): string {
  return value.replace(/\n/g, "\\n");
}

/**
 * Writes values into a .env file the way Probot's setup does, but keeps what the person wrote
 * there: comments, blank lines and the order of the other variables (Probot's own `updateEnv`
 * rewrites the whole file from its parsed values and drops them). A variable already in the file
 * is replaced in place; new ones are appended under a comment that says where they came from.
 * The file is made readable by its owner only: it now holds the App's private key.
 */
export function createEnvFileUpdater(
  path: string,
  processEnv: NodeJS.ProcessEnv = process.env,
  now: () => Date = () => new Date(),
): UpdateEnv {
  return (values) => {
    const text = existsSync(path) ? readFileSync(path, "utf8") : "";
    const lines = text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/);
    const pending = new Map(
      Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const updated = lines.map((line) => {
      const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
      if (name === undefined || !pending.has(name)) return line;
      const value = pending.get(name)!;
      pending.delete(name);
      return `${name}=${encode(value)}`;
    });
    if (pending.size > 0) {
      if (updated.length > 0 && updated.at(-1) !== "") updated.push("");
      updated.push(
        `# Written by the GitHub App setup on ${now().toISOString().slice(0, 10)} (see the README's setup checklist).`,
      );
      for (const [name, value] of pending) updated.push(`${name}=${encode(value)}`);
    }
    writeFileSync(path, `${updated.join("\n")}\n`, { mode: 0o600 });
    // An existing file keeps its mode on write; it holds the private key from now on.
    chmodSync(path, 0o600);
    const merged = parse(readFileSync(path, "utf8"));
    Object.assign(processEnv, values);
    return merged;
  };
}

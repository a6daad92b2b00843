// The rules of the house as checks (STYLE.md item 16): which room of src/ may import which, as
// drawn in DESIGN.md ("Arrows point down only"). Run with `npm run lint:deps`; any error fails it.
// Paths are relative to the repository root, with forward slashes (`src/store/outbox-store.ts`);
// npm packages appear as their resolved path (`node_modules/pg/esm/index.mjs`), built-ins by name.

/** `^src/(a|b)/`: a module inside one of the given rooms. */
const rooms = (...names) => `^src/(${names.join("|")})/`;

/** An npm package by name, resolved or not, with its `@types/` twin. */
const packages = (...names) => `(^|node_modules/)(@types/)?(${names.join("|")})(/|$)`;

/** The modules that talk to the outside world: Slack, GitHub, the databases, the network. */
const IO_PACKAGES = packages(
  "@slack/web-api",
  "@slack/socket-mode",
  "@slack/bolt",
  "probot",
  "pg",
  "better-sqlite3",
  "kysely",
);
const NETWORK_BUILT_INS = "^(node:)?(http|https|http2|net|tls|dgram)$";
const OCTOKIT = "(^|node_modules/)@octokit/";

/** The rooms with side effects: API edges, store, workers, HTTP front, commands, setup. */
const EDGE_ROOMS = rooms(
  "slack",
  "github",
  "store",
  "delivery",
  "server",
  "intake",
  "handlers",
  "cli",
  "setup",
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "Import cycles make load order matter and blur which room is above which; arrows point down only. " +
        "Type-only imports count too: a cycle of types is still a cycle between rooms.",
      from: { path: "^src/" },
      to: { circular: true },
    },

    // 2. The pure core (render, routing, events) imports no edge.
    {
      name: "core-not-to-edge-rooms",
      severity: "error",
      comment:
        "render/, routing/ and events/ are pure: (input) -> output, tested without fakes. They never import " +
        "an API edge, the store, the workers, the HTTP front, the handlers, the CLI or setup.",
      from: { path: rooms("render", "routing", "events") },
      to: { path: EDGE_ROOMS },
    },
    {
      name: "core-not-to-io-packages",
      severity: "error",
      comment:
        "render/, routing/ and events/ are pure: no Slack or GitHub client, no Probot, no database driver, " +
        "no query builder, no network module (even type-only: their types belong at the edges).",
      from: { path: rooms("render", "routing", "events") },
      to: { path: [IO_PACKAGES, NETWORK_BUILT_INS] },
    },
    {
      name: "render-routing-not-to-octokit",
      severity: "error",
      comment:
        "render/ and routing/ work on conversation events, never on GitHub's payloads or clients: " +
        "no @octokit/* import, not even type-only.",
      from: { path: rooms("render", "routing") },
      to: { path: OCTOKIT },
    },
    {
      name: "events-octokit-types-only",
      severity: "error",
      comment:
        "events/ reads GitHub's webhook payloads, so it may name their types (`import type` from " +
        "@octokit/webhooks), but it never loads Octokit code: it never calls an API.",
      from: { path: rooms("events") },
      to: { path: OCTOKIT, dependencyTypesNot: ["type-only"] },
    },

    // 3. events depends on nothing of ours but itself.
    {
      name: "events-imports-only-events",
      severity: "error",
      comment:
        "events/ turns a payload into a conversation event and nothing else: it depends on no other room " +
        "of ours (every other room may depend on it).",
      from: { path: rooms("events") },
      to: { path: "^src/", pathNot: rooms("events") },
    },

    // 4. The store imports nothing above it.
    {
      name: "store-imports-only-store",
      severity: "error",
      comment:
        "store/ is the floor: it imports only store/ (and npm/node modules). Types and helpers it needs " +
        "from above (pacing, post content) move into store/ or are passed in.",
      from: { path: rooms("store") },
      to: { path: "^src/", pathNot: rooms("store") },
    },

    // 5. config is below the store and the edges.
    {
      name: "config-below-store-and-edges",
      severity: "error",
      comment:
        "config/ (schema, loading, caching, the config check) sits below the store, the workers and the " +
        "front: whoever needs both (a handler) joins them; config never reaches up to them.",
      from: { path: rooms("config") },
      to: {
        path: rooms("store", "delivery", "slack", "server", "intake", "handlers", "cli", "setup"),
      },
    },

    // 6. delivery never imports the HTTP front or the handlers.
    {
      name: "delivery-not-to-front",
      severity: "error",
      comment:
        "delivery/ (the workers) sends from the store at the other side's pace; it never depends on the " +
        "HTTP front, the intake, the handlers, the CLI or setup, which sit above it.",
      from: { path: rooms("delivery") },
      to: { path: rooms("server", "intake", "handlers", "cli", "setup") },
    },

    // 7. The API edges import nothing of ours but render/, events/ types and their own room.
    {
      name: "api-edges-import-only-render-and-events",
      severity: "error",
      comment:
        "slack/ and github/ are the only callers of each API and know nothing of the app around them: of " +
        "ours they import only their own room, render/ (Block Kit types) and events/ types.",
      from: { path: rooms("slack", "github") },
      to: { path: "^src/", pathNot: ["^src/$1/", rooms("render", "events")] },
    },
    {
      name: "api-edges-events-types-only",
      severity: "error",
      comment:
        "slack/ and github/ may name conversation-event types, never run events/ code (`import type`).",
      from: { path: rooms("slack", "github") },
      to: { path: rooms("events"), dependencyTypesNot: ["type-only"] },
    },

    // 8. Wiring is imported only by the entry points.
    {
      name: "only-entry-points-import-start-app",
      severity: "error",
      comment:
        "src/start-app.ts wires the whole process; only src/main.ts and the CLI (src/cli/) may import it.",
      from: { path: "^src/", pathNot: "^src/(main\\.ts$|cli/)" },
      to: { path: "^src/start-app\\.ts$" },
    },
    {
      name: "nothing-imports-main-or-cli",
      severity: "error",
      comment:
        "src/main.ts (process start) and src/cli/ (operator commands) are the top: nothing outside " +
        "src/cli/ imports them.",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/(main\\.ts$|cli/)" },
    },

    // 9. Modules nothing imports. dependency-cruiser's own `orphan: true` means "no dependencies in
    // or out", which misses a module that imports others but that nothing imports; counting the
    // dependents catches both.
    {
      name: "no-orphans",
      severity: "warn",
      comment:
        "Nothing in src/ imports this module: use it or remove it. The entry points src/main.ts, " +
        "src/cli/main.ts and src/index.ts are expected to stand alone.",
      from: {},
      module: {
        path: "^src/",
        pathNot: ["^src/(main|index|cli/main)\\.ts$", "\\.d\\.ts$"],
        numberOfDependentsLessThan: 1,
      },
    },

    // 10. What ships never needs a devDependency.
    {
      name: "not-to-dev-dep",
      severity: "error",
      comment:
        "src/ ships (the Docker image installs with --omit=dev): it never imports a devDependency at run " +
        "time. `import type` and @types/* are fine, TypeScript erases them.",
      from: { path: "^src/" },
      to: {
        dependencyTypes: ["npm-dev"],
        dependencyTypesNot: ["type-only"],
        // smee-client: see the next rule.
        pathNot: ["node_modules/@types/", "node_modules/smee-client/"],
      },
    },
    {
      name: "smee-client-only-lazily",
      severity: "error",
      comment:
        "smee-client (a devDependency) relays webhooks in local development only: src/ loads it by " +
        "`await import()` inside a try, so the production image runs without it. Never a static import.",
      from: { path: "^src/" },
      to: {
        path: "node_modules/smee-client/",
        dependencyTypesNot: ["type-only", "type-import", "dynamic-import"],
      },
    },

    // Not one of the house rules, but what keeps them honest: an import that cannot be resolved
    // (a moved file, a typo) is one that no rule above can check.
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment:
        "This import resolves to no file or package, so no rule can check it: fix the path, or install " +
        "the package.",
      from: { path: "^src/" },
      to: { couldNotResolve: true },
    },
  ],

  options: {
    doNotFollow: { path: ["node_modules"] },
    // See type-only imports (`import type`): without this they are invisible to the rules.
    tsPreCompilationDeps: true,
    // NodeNext resolution: `./x.js` resolves to `./x.ts`.
    tsConfig: { fileName: "tsconfig.json" },
    // process.getBuiltinModule("node:http") counts as an import of node:http.
    detectProcessBuiltinModuleCalls: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".d.ts", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};

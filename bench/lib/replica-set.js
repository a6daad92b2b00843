/**
 * Several processes of one server, each on its own port, sharing one environment (and so one
 * database): the replicas of a configuration. Their stdout goes to one byte counter, so their
 * logging is drained by a process of its own, as in run.js, without one counter per replica.
 */
import {
  freePort,
  startByteCounter,
  startServer,
  stop,
  waitForPort,
} from "./processes.js";

/** `count` distinct ports that were free a moment ago. */
async function freePorts(count) {
  const ports = new Set();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * Starts `count` replicas of `node args…` with `env` plus each one's PORT, all at once (as a
 * deployment would: with PostgreSQL they race to migrate the schema, and the migrator's lock picks
 * one). Resolves once every one accepts connections; stops them all should any fail to.
 */
export async function startReplicas({ name, count, args, env, cwd }) {
  const counter = startByteCounter();
  // Each replica's webhook port and its operator port (/metrics), all distinct.
  const allPorts = await freePorts(2 * count);
  const [ports, operatorPorts] = [allPorts.slice(0, count), allPorts.slice(count)];
  const children = ports.map((port, i) =>
    startServer({
      name: count > 1 ? `${name} #${i + 1}` : name,
      args,
      env: { ...env, PORT: String(port), METRICS_PORT: String(operatorPorts[i]) },
      cwd,
      stdout: counter.stream,
    }),
  );
  const set = {
    ports,
    children,
    urls: ports.map((port) => `http://127.0.0.1:${port}/api/github/webhooks`),
    logBytes: () => counter.bytes(),
    /** Throws, with the dead replica's stderr, unless every replica is still running. */
    assertAlive(phase) {
      children.forEach((child, i) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${name} #${i + 1} died during ${phase}:\n${child.stderrTail()}`);
        }
      });
    },
    /** Last lines of each replica's stderr, for the results file; undefined when all are empty. */
    stderrTails() {
      const tails = children.map((child) => child.stderrTail().slice(-2000) || null);
      return tails.some(Boolean) ? tails : undefined;
    },
    async stop() {
      for (const child of children) child.expectedExit = true;
      await Promise.all(children.map((child) => stop(child)));
      await stop(counter.child);
    },
  };
  try {
    await Promise.all(ports.map((port, i) => waitForPort(port, children[i])));
  } catch (error) {
    await set.stop();
    throw error;
  }
  return set;
}

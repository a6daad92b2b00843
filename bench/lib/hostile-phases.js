/**
 * The two hostile phases run against threadline after its forged flood: forged deliveries whose
 * headers would fill the log, and a slowloris with valid deliveries arriving through it.
 */
import { load } from "./load.js";
import { cpuMs, openFds, sleep } from "./processes.js";
import { startSlowSenders } from "./slow-senders.js";

const mb = (bytes) => (bytes === undefined ? null : Math.round((bytes / 1024 / 1024) * 10) / 10);

/**
 * Forged deliveries (a wrong signature) with X-GitHub-Delivery and X-GitHub-Event of `headerBytes`
 * each, from `connections` keep-alive connections for `seconds`: what each refusal costs in log
 * and memory when the sender chooses the values logged.
 */
export async function runBigHeaderFlood({
  url,
  delivery,
  connections,
  seconds,
  headerBytes,
  pid,
  rss,
  counter,
  afterMs,
  waitForQuietLog,
}) {
  const bytesBefore = await counter.bytes();
  const rssBefore = rss.now();
  const mark = performance.now();
  const cpuBefore = cpuMs(pid);
  const flood = await load({
    url,
    delivery,
    signature: delivery.forgedSignature,
    connections,
    seconds,
    headerBytes,
  });
  const cpu = cpuMs(pid) - cpuBefore;
  const rssPeak = Math.max(rssBefore ?? 0, rss.peakSince(mark), rss.now() ?? 0);
  await sleep(afterMs);
  const rssAfter = rss.now();
  const { bytes, stillGrowing } = await waitForQuietLog(counter);
  const logBytes = bytes - bytesBefore;
  const refused = flood.non2xx;
  return {
    headerBytes,
    seconds,
    rps: flood.rps,
    latencyMs: flood.latencyMs,
    refused,
    errors: flood.errors,
    /** 401 means the refusal went through the webhook handler (and its log line). */
    statusCodes: flood.statusCodes,
    cpuUsPerRefusal: refused > 0 ? Math.round((cpu * 1000) / refused) : null,
    log: {
      bytes: logBytes,
      bytesPerRefusal: refused > 0 ? Math.round((logBytes / refused) * 10) / 10 : null,
      stillGrowing,
    },
    rssMB: {
      before: mb(rssBefore),
      peak: mb(rssPeak),
      after: mb(rssAfter),
      growth: mb(rssPeak - (rssBefore ?? 0)),
    },
  };
}

/**
 * Valid deliveries from `connections` keep-alive connections for `loadSeconds`, first alone (the
 * same moment's figures without the attack: the outbox grows all run long, so the valid phase's
 * are not comparable), then while `slowConnections` connections trickle a delivery's body one
 * byte a second (`loadSeconds` is shorter than the server's request timeout, so every slow sender
 * is held throughout). Then, `observeSeconds` after the slow senders connected, how many the
 * server still holds.
 */
export async function runSlowloris({
  port,
  path,
  url,
  delivery,
  slowConnections,
  connections,
  loadSeconds,
  observeSeconds,
  pid,
  rss,
  counter,
  logBytesPerValidDelivery,
}) {
  const validAlone = await load({
    url,
    delivery,
    signature: delivery.validSignature,
    connections,
    seconds: loadSeconds,
  });
  const bytesBefore = await counter.bytes();
  const fdsBefore = openFds(pid);
  let fdsPeak = fdsBefore ?? 0;
  const fdSampler = setInterval(() => {
    fdsPeak = Math.max(fdsPeak, openFds(pid) ?? 0);
  }, 250);
  const mark = performance.now();
  const slow = await startSlowSenders({ port, path, delivery, connections: slowConnections });
  try {
    const heldAtStart = slow.open();
    const valid = await load({
      url,
      delivery,
      signature: delivery.validSignature,
      connections,
      seconds: loadSeconds,
    });
    const heldAtLoadEnd = slow.open();
    const rssPeak = Math.max(rss.peakSince(mark), rss.now() ?? 0);
    await sleep(Math.max(0, observeSeconds * 1000 - (performance.now() - mark)));
    const slowSummary = slow.summary();
    clearInterval(fdSampler);
    const logBytes = (await counter.bytes()) - bytesBefore;
    // What the valid deliveries logged, at the valid phase's rate, is not the slow senders'.
    const validLogBytes = (logBytesPerValidDelivery ?? 0) * valid.ok;
    return {
      slowConnections,
      trickleBytesPerSecond: 1,
      held: { atStart: heldAtStart, atLoadEnd: heldAtLoadEnd, afterObserveSeconds: slowSummary.stillOpen },
      observeSeconds,
      slow: slowSummary,
      validAlone,
      valid,
      fds: { before: fdsBefore ?? null, peak: fdsPeak },
      rssPeakMB: mb(rssPeak),
      log: {
        bytes: logBytes,
        bytesPerSlowConnection:
          slowConnections > 0
            ? Math.round((Math.max(0, logBytes - validLogBytes) / slowConnections) * 10) / 10
            : null,
      },
    };
  } finally {
    clearInterval(fdSampler);
    slow.stop();
  }
}

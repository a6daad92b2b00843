/**
 * How long the public endpoint waits for a sender and how many senders it holds at once. GitHub
 * writes a whole delivery in milliseconds and gives up on an answer after 10 seconds; a sender
 * that takes longer is not GitHub, or is a delivery GitHub has already counted as failed (the
 * redelivery sweep asks for it again). Without these, Node waits 5 minutes for a request and
 * holds any number of connections: a few hundred senders trickling a byte a second would pin a
 * file descriptor each until the App could accept no one.
 */
export interface ConnectionLimits {
  /**
   * The request line and headers must have arrived this long after the request began (a
   * connection that sends nothing counts from when it opened). GitHub's fit in one packet.
   */
  headersTimeoutMs: number;
  /**
   * The whole request, body included, must have arrived this long after it began. A total, not
   * "no progress for N s": a sender trickling one byte a second always makes progress. GitHub's
   * own deadline: a delivery still arriving after 10 s can no longer be answered in time, and a
   * 25 MB delivery that arrives within it (2.5 MB/s) is never cut.
   */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (Node's default). */
  keepAliveTimeoutMs: number;
  /**
   * How often the two timeouts above are enforced (Node's `connectionsCheckingInterval`, 30 s by
   * default, which would let a slow sender stay up to 30 s past its deadline).
   */
  checkIntervalMs: number;
  /**
   * Connections held at once; past it Node closes new ones as they arrive. WEBHOOK_MAX_CONNECTIONS.
   */
  maxConnections: number;
  /**
   * Headers kept per request (Node keeps 2,000). GitHub sends about 15, a proxy adds a few; a
   * forged request's others are dropped rather than added to `request.headers`.
   */
  maxHeadersCount: number;
  /**
   * Connections refused before a request reached a route (timed out, headers too large,
   * malformed, over the bound) are counted and logged as one line per this period, however many.
   */
  refusalReportMs: number;
}

/** The public endpoint's limits but the bound, which is a setting (WEBHOOK_MAX_CONNECTIONS). */
export const DEFAULT_CONNECTION_LIMITS: Omit<ConnectionLimits, "maxConnections"> = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  maxHeadersCount: 100,
  refusalReportMs: 10_000,
};

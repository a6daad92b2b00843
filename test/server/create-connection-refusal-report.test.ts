import { afterEach, beforeEach, describe, expect, jest, test } from "@jest/globals";
import pino from "pino";
import { createConnectionRefusalReport } from "../../src/server/create-connection-refusal-report.js";

let lines: Record<string, unknown>[];
const log = pino(
  { level: "info" },
  { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
);

beforeEach(() => {
  lines = [];
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe("createConnectionRefusalReport", () => {
  test("a flood of refusals is one line per period, with the counts", () => {
    const report = createConnectionRefusalReport({ log, periodMs: 10_000, maxConnections: 1000 });
    for (let index = 0; index < 5_000; index += 1) report.count("timeout");
    report.count("over_connection_limit");
    expect(lines).toEqual([]);

    jest.advanceTimersByTime(10_000);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: "connections refused before a request was read",
        refused: { timeout: 5_000, over_connection_limit: 1 },
        periodMs: 10_000,
        maxConnections: 1000,
      }),
    ]);

    jest.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(1);
  });

  test("the bound is named only when it dropped someone; what is left is logged on close", () => {
    const report = createConnectionRefusalReport({ log, periodMs: 10_000, maxConnections: 1000 });
    report.count("headers_too_large");
    report.flush();
    expect(lines).toEqual([expect.objectContaining({ refused: { headers_too_large: 1 } })]);
    expect(lines[0]).not.toHaveProperty("maxConnections");
    report.flush();
    expect(lines).toHaveLength(1);
  });
});

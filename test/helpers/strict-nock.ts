import { afterAll, beforeAll } from "@jest/globals";
import nock from "nock";

/**
 * No real network in this file's tests: only nock's fakes and, when `allowLocal`, servers on
 * 127.0.0.1 (the App under test, the fake Slack). Jest gives each file its own nock, but their
 * interceptors patch the same process, so the file's nock is put away afterwards; otherwise its
 * disabled net connect would refuse the next file's local servers.
 */
export function useStrictNock({ allowLocal }: { allowLocal: boolean }): void {
  beforeAll(() => {
    nock.disableNetConnect();
    if (allowLocal) nock.enableNetConnect("127.0.0.1");
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

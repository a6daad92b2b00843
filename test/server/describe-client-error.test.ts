import { describe, expect, test } from "@jest/globals";
import { describeClientError } from "../../src/server/describe-client-error.js";

describe("describeClientError", () => {
  test.each([
    ["ERR_HTTP_REQUEST_TIMEOUT", "timeout", "HTTP/1.1 408 Request Timeout"],
    ["HPE_HEADER_OVERFLOW", "headers_too_large", "HTTP/1.1 431 Request Header Fields Too Large"],
    ["HPE_CHUNK_EXTENSIONS_OVERFLOW", "malformed", "HTTP/1.1 413 Payload Too Large"],
    ["HPE_INVALID_METHOD", "malformed", "HTTP/1.1 400 Bad Request"],
    ["HPE_INVALID_HEADER_TOKEN", "malformed", "HTTP/1.1 400 Bad Request"],
  ])("%s is refused as %s with Node's own answer", (code, refusal, statusLine) => {
    expect(describeClientError(code)).toEqual({
      refusal,
      answer: `${statusLine}\r\nConnection: close\r\n\r\n`,
    });
  });

  test.each(["ECONNRESET", "EPIPE", undefined])(
    "%s is a sender that left: nothing to answer or count",
    (code) => {
      expect(describeClientError(code)).toBeUndefined();
    },
  );
});

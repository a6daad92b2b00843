/** Why a connection was closed before a request reached a route, as the report counts it. */
export type ConnectionRefusal =
  "timeout" | "headers_too_large" | "malformed" | "over_connection_limit";

export interface ClientErrorAnswer {
  refusal: ConnectionRefusal;
  /** The raw answer Node itself writes for this error when no listener takes it over. */
  answer: string;
}

const closing = (status: string) => `HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`;

/**
 * What a `clientError` from Node's HTTP parser or its request timer means, and what to answer:
 * the same bytes Node's default answers, so a listener that counts refusals changes nothing the
 * sender sees. Undefined when the sender went away (a reset, a broken pipe): nothing to answer,
 * nothing refused.
 */
export function describeClientError(code: string | undefined): ClientErrorAnswer | undefined {
  switch (code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { refusal: "timeout", answer: closing("408 Request Timeout") };
    case "HPE_HEADER_OVERFLOW":
      return {
        refusal: "headers_too_large",
        answer: closing("431 Request Header Fields Too Large"),
      };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return { refusal: "malformed", answer: closing("413 Payload Too Large") };
    default:
      return code?.startsWith("HPE_")
        ? { refusal: "malformed", answer: closing("400 Bad Request") }
        : undefined;
  }
}

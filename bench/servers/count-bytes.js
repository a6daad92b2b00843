/** Counts the bytes written to stdin and answers `{ bytes }` to any IPC message. */
let bytes = 0;
process.stdin.on("data", (chunk) => {
  bytes += chunk.length;
});
process.on("message", () => process.send({ bytes }));
process.on("disconnect", () => process.exit(0));

/**
 * `npm run bench:render`: rendering time for comments built to defeat a renderer (unclosed tags,
 * runs of emphasis markers, brackets, quotes, list markers, backticks, large HTML tables, nested
 * and deeply nested `<details>`) at GitHub's maximum size,
 * against plain prose of the same size rendered in the same run. Each is also rendered at a quarter
 * of that size: linear work grows about 4× from there, a renderer that backtracks or rescans grows
 * 16× or more. In-process, no network. See bench/README.md.
 */
import { normalize } from "../lib/events/normalize.js";
import { renderMessage } from "../lib/render/render-message.js";
import { boundedInt } from "./lib/knobs.js";
import { pullRequestComment } from "./lib/payload.js";

/** GitHub's limit on a comment body, in characters. */
const MAX = 65_536;
const SETTINGS = {
  runs: boundedInt("BENCH_RENDER_RUNS", 9, 3, 200),
  /**
   * Growth from a quarter of the size to the whole, at most: linear is 4, quadratic 16. The parser
   * itself grows a little faster than linear on long paragraphs (about 5× for plain prose).
   */
  targetGrowth: 8,
};

const repeatTo = (unit, size) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
/** Each comment as a function of its size in characters. */
const COMMENTS = {
  "plain prose (baseline)": (size) =>
    repeatTo("Looks good to me, but the retry loop needs a bound. ", size),
  "unclosed tag": (size) => "<a" + " ".repeat(size - 2),
  "emphasis around spaces": (size) =>
    "**" + " ".repeat(size / 2) + "x" + " ".repeat(size / 2 - 6) + "**",
  "one long mention": (size) => "@" + "a".repeat(size - 1),
  "unclosed HTML comment": (size) => "<!--" + repeatTo("<p>", size - 4),
  "open brackets": (size) => "[".repeat(size),
  "nested quotes": (size) => "> ".repeat(size / 2),
  "list markers": (size) => "- ".repeat(size / 2),
  backticks: (size) => "`".repeat(size),
  "large HTML table": (size) =>
    "<table>\n<tr><th>File</th><th>Lines</th><th>Covered</th></tr>\n" +
    repeatTo("<tr><td>src/a.ts</td><td>10</td><td>30 out of 30</td></tr>\n", size - 70) +
    "</table>",
  // Twenty levels, as deep as any bot nests, again and again: the real HTML path throughout.
  "nested <details>": (size) =>
    repeatTo(
      "<details><summary>level</summary>\n\ntext :tada: #12\n\n".repeat(20) +
        "</details>\n".repeat(20),
      size,
    ),
  // Thousands of levels: past the cap, shown as the escaped source.
  "deeply nested <details>": (size) =>
    repeatTo("<details><summary>level</summary>\n\ntext\n\n", size),
};

function commentEvent(body) {
  const payload = pullRequestComment(1);
  payload.comment.body = body;
  const { event, skipped } = normalize["issue_comment.created"](payload);
  if (!event) throw new Error(`the example payload was skipped: ${skipped}`);
  return event;
}

/**
 * Fastest of several renders of `body`, in ms, after one unmeasured warm-up: rendering is pure CPU,
 * so the fastest run is the one least disturbed by the rest of the machine.
 */
function fastestRenderMs(body) {
  const event = commentEvent(body);
  const options = { mentions: { octocat: "U0OCTOCAT" } };
  renderMessage(event, options);
  const times = [];
  for (let run = 0; run < SETTINGS.runs; run += 1) {
    const started = performance.now();
    renderMessage(event, options);
    times.push(performance.now() - started);
  }
  return Math.min(...times);
}

const round = (value, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

const rows = Object.entries(COMMENTS).map(([name, build]) => {
  const quarterMs = fastestRenderMs(build(MAX / 4));
  const fullMs = fastestRenderMs(build(MAX));
  return { name, fullMs, growth: fullMs / quarterMs };
});
const plainMs = rows[0].fullMs;
const worst = rows.reduce((a, b) => (b.growth > a.growth ? b : a));

const cells = (...values) =>
  values.map((value, index) => String(value)[index ? "padStart" : "padEnd"](index ? 12 : 24));
console.log(`render bench: comments of ${MAX} characters, fastest of ${SETTINGS.runs} renders\n`);
console.log(cells("comment", "ms", "× plain", "growth ×4").join(" "));
for (const row of rows) {
  console.log(
    cells(row.name, round(row.fullMs), round(row.fullMs / plainMs), round(row.growth)).join(" "),
  );
}
const met = worst.growth <= SETTINGS.targetGrowth;
console.log(
  `\nlargest growth from ${MAX / 4} to ${MAX} characters: ${worst.name}, ${round(worst.growth)}× (linear is 4; target <= ${SETTINGS.targetGrowth}: ${met ? "met" : "MISSED"})`,
);

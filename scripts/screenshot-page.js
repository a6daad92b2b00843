// @ts-check
/**
 * A page of docs/ as a PNG, with headless Chromium (Debian: `apt-get install chromium
 * fonts-lato fonts-noto-color-emoji`). The page writes its own height into `<body data-height>`;
 * Chromium is run twice, once to read that height at the picture's width and once to shoot
 * exactly that, so the picture ends where the page does. By hand, the second run is
 *
 *   chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
 *     --disable-background-networking --disable-component-update --disable-sync \
 *     --user-data-dir="$(mktemp -d)" --hide-scrollbars --window-size=WIDTH,HEIGHT \
 *     --screenshot="$PWD/docs/NAME.png" "file://$PWD/docs/NAME.html"
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
];

/**
 * Shoots `htmlPath` at `width` CSS pixels into `pngPath`; returns the picture's height.
 * @param {string} htmlPath
 * @param {string} pngPath
 * @param {number} width
 * @returns {number}
 */
export function screenshotPage(htmlPath, pngPath, width) {
  /** @param {string[]} extra */
  const chromium = (...extra) =>
    execFileSync(
      "chromium",
      [
        ...CHROMIUM_FLAGS,
        `--user-data-dir=${mkdtempSync(join(tmpdir(), "threadline-chromium-"))}`,
        ...extra,
        `file://${htmlPath}`,
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
  const height = Number(
    /data-height="(\d+)"/.exec(chromium(`--window-size=${width},800`, "--dump-dom"))?.[1],
  );
  if (!height) throw new Error("chromium did not report the page's height");
  chromium(`--window-size=${width},${height}`, `--screenshot=${pngPath}`);
  return height;
}

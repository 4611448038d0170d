// Fails the build when the first load of the app (the scripts index.html loads or preloads) is over the
// budget of 200 KB of gzip-compressed JavaScript. Screens other than the inbox are split off and load on
// first visit, so they do not count.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET = 200 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "app");
const html = readFileSync(join(dist, "index.html"), "utf8");
const files = [...html.matchAll(/(?:src|href)="\/([^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const f of files) total += gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1) + " KB";
if (files.length === 0) {
  console.error("check-budget: index.html loads no script");
  process.exit(1);
}
if (total > BUDGET) {
  console.error(`check-budget: the first load is ${kb(total)} of gzipped JavaScript, over the budget of ${kb(BUDGET)} (${files.join(", ")})`);
  process.exit(1);
}
console.log(`check-budget: first load ${kb(total)} of gzipped JavaScript (budget ${kb(BUDGET)})`);

// Generates the app's API types from the engine's own OpenAPI document, so that a change to the API that
// the app does not follow breaks `npm run build` (tsc). The document comes from `go run ./cmd/aezen openapi`
// (the development node's document, dev-only routes included); set GO to use another go binary.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const repo = join(web, "..");
const go = process.env.GO || "go";
const doc = execFileSync(go, ["run", "./cmd/aezen", "openapi"], { cwd: repo, maxBuffer: 64 << 20 });
const gen = join(web, "src", "api", "generated");
mkdirSync(gen, { recursive: true });
writeFileSync(join(gen, "openapi.json"), doc);
execFileSync(
  process.execPath,
  [join(web, "node_modules", "openapi-typescript", "bin", "cli.js"), join(gen, "openapi.json"), "-o", join(gen, "schema.d.ts")],
  { cwd: web, stdio: "inherit" },
);

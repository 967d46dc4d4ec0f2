// `npm run bench -- <name> [options]` runs bench/<name>.ts; with no name it lists the benches.
// Each bench prints its own figures and a ratio against a baseline measured in the same run
// (see bench/README.md); none of them fails on a slow machine.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const benches = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "measure.ts"].includes(f))
  .map((f) => f.slice(0, -3))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !benches.includes(name)) {
  if (name) process.stderr.write(`unknown bench "${name}"\n`);
  process.stdout.write(`usage: npm run bench -- <name> [options]\n\nbenches: ${benches.join(", ")} (options in bench/README.md)\n`);
  process.exit(name ? 2 : 0);
}
const result = spawnSync(process.execPath, ["--import", "tsx", `${here}${name}.ts`, ...args], { stdio: "inherit" });
process.exit(result.status ?? 1);

/**
 * `deno task bench`: runs every benchmark, each in its own process, one
 * after the other (they would disturb each other's timings side by side).
 * Name some to run only those: `deno task bench sign_throughput memory`.
 *
 * A new benchmark is one script in bench/ and one line in `BENCHMARKS`.
 *
 * @module
 */

/** The root config: bench/package.json would otherwise hide its import map (hono). */
const ROOT_CONFIG = `--config=${new URL("../deno.json", import.meta.url).pathname}`;

/** Each benchmark script and the Deno flags it needs. */
const BENCHMARKS: Record<string, string[]> = {
  bundle_size: ["--allow-read", "--allow-write", "--allow-run"],
  cold_start: ["--allow-net=127.0.0.1", "--allow-read", "--allow-run"],
  sign_throughput: ["--allow-read", "--allow-env", "--allow-run"],
  invest_throughput: [
    "--allow-net=127.0.0.1",
    "--allow-read",
    "--allow-env",
    "--allow-run",
  ],
  rate_budget: ["--allow-net=127.0.0.1", "--allow-read", "--allow-run"],
  memory: [
    "--allow-net=127.0.0.1",
    "--allow-read",
    "--allow-env",
    "--allow-run",
    "--v8-flags=--expose-gc",
  ],
  "memory ccxt": [
    "--allow-net=127.0.0.1",
    "--allow-read",
    "--allow-env",
    "--allow-run",
    "--v8-flags=--expose-gc",
  ],
  server_latency: [ROOT_CONFIG],
  // Reading /proc/<pid>/status for the server's RSS needs --allow-all in Deno 2.9.
  server_load: [ROOT_CONFIG, "--allow-all"],
};

const chosen = Deno.args.length
  ? Deno.args
  : Object.keys(BENCHMARKS).map((name) => name.split(" ")[0]);
const unknown = chosen.filter((name) =>
  !Object.keys(BENCHMARKS).some((key) => key.startsWith(name))
);
if (unknown.length) {
  throw new RangeError(
    `Cannot run benchmarks: unknown ${JSON.stringify(unknown)}: known are ${
      Object.keys(BENCHMARKS).join(", ")
    }`,
  );
}
let failed = 0;
for (const [key, flags] of Object.entries(BENCHMARKS)) {
  const [name, ...args] = key.split(" ");
  if (!chosen.includes(name)) continue;
  console.log(`\n=== ${key} ===`);
  const script = new URL(`./${name}.ts`, import.meta.url).pathname;
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, script, ...args],
  }).spawn().status;
  if (code !== 0) failed++;
}
if (failed) Deno.exit(1);

/**
 * `server.ts` under load: a real `deno serve server.ts` process on 127.0.0.1,
 * configured from the environment like Deno Deploy, in front of the sandbox
 * (in this process, WhiteBIT's own limit of 1000 requests per 10 s), driven
 * by wrk (Debian) at 64 connections. Two runs:
 *
 * - `POST /v1/investments`: every request a real invest, so throughput is
 *   WhiteBIT's budget (100 per second) and the rest waits in the client's
 *   limiter; the point is 0 errors, 0 rate-limit answers from the sandbox, a
 *   ledger that matches, and a flat RSS;
 * - `GET /openapi.json` (authenticated): the server's own capacity.
 *
 * Prints requests, errors, p50/p99 and the server's RSS (sampled every second
 * after a warm-up). Needs `wrk` (apt-get install wrk).
 *
 *   deno task bench server_load   (or: deno run -A --config=deno.json bench/server_load.ts [seconds] [connections])
 *
 * @module
 */

import { WhiteBitSandbox } from "../testing.ts";

/** Whether `wrk` can be started: without it this benchmark is skipped, not crashed. */
async function hasWrk(): Promise<boolean> {
  try {
    await new Deno.Command("wrk", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

if (!await hasWrk()) {
  console.log(
    "server_load: skipped: `wrk` is not installed (Debian: apt-get install wrk); " +
      "the other benchmarks are unaffected",
  );
  Deno.exit(0);
}

const SECONDS = Number(Deno.args[0] ?? 60);
const CONNECTIONS = Number(Deno.args[1] ?? 64);
const TOKEN = "load-test-token";
const SERVER = new URL("../server.ts", import.meta.url).pathname;

const sandbox = new WhiteBitSandbox({
  accounts: [{
    apiKey: "load-key",
    apiSecret: "load-secret",
    balances: { USDT: "1000000000" },
    multipleInvestments: true,
  }],
  plans: [{
    id: "load-plan",
    ticker: "USDT",
    minInvestment: "1",
    maxInvestment: "1000",
    maxPossibleInvestment: "1000000000",
  }],
});
await using wire = sandbox.listen();

const serve = new Deno.Command(Deno.execPath(), {
  args: [
    "serve",
    "--host=127.0.0.1",
    "--port=0",
    "--allow-net=127.0.0.1",
    "--allow-env",
    SERVER,
  ],
  cwd: new URL("..", import.meta.url).pathname, // the root deno.json (bench/package.json hides it)
  env: {
    WHITEBIT_API_KEY: "load-key",
    WHITEBIT_API_SECRET: "load-secret",
    WHITEBIT_BASE_URL: wire.url,
    LENDING_API_TOKENS: TOKEN,
    NO_COLOR: "1",
  },
  stdout: "null", // the access log: one line per request
  stderr: "piped",
}).spawn();
const stderr = serve.stderr.pipeThrough(new TextDecoderStream()).getReader();
let announced = "";
while (!/Listening on/.test(announced)) {
  const { value, done } = await stderr.read();
  if (done) throw new Error(`deno serve exited: ${announced}`);
  announced += value;
}
const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(announced)![1];
const draining = (async () => {
  while (!(await stderr.read()).done) { /* keep the pipe flowing */ }
})();

function rssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function wrk(
  path: string,
  script: string,
): Promise<{ output: string; rss: number[] }> {
  const file = await Deno.makeTempFile({ suffix: ".lua" });
  await Deno.writeTextFile(file, script);
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(rssMiB(serve.pid)), 1000);
  const { stdout, stderr } = await new Deno.Command("wrk", {
    args: [
      `-t2`,
      `-c${CONNECTIONS}`,
      `-d${SECONDS}s`,
      "--timeout",
      "10s",
      "--latency",
      "-s",
      file,
      url + path,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  clearInterval(sampler);
  await Deno.remove(file);
  return {
    output: new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr),
    rss,
  };
}

function summary(
  name: string,
  { output, rss }: { output: string; rss: number[] },
): void {
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? NaN);
  const non2xx = Number(
    /Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0,
  );
  const socket = /Socket errors: (.*)/.exec(output)?.[1] ?? "none";
  const p50 = /\s50%\s+(\S+)/.exec(output)?.[1];
  const p99 = /\s99%\s+(\S+)/.exec(output)?.[1];
  const rate = /Requests\/sec:\s+(\S+)/.exec(output)?.[1];
  const settled = rss.slice(Math.min(10, Math.floor(rss.length / 4)));
  const first = settled[0];
  const last = settled.at(-1)!;
  console.log(
    `${name}: ${requests} requests (${rate}/s), non-2xx ${non2xx}, socket errors ${socket}`,
  );
  console.log(`  latency p50 ${p50}, p99 ${p99}`);
  console.log(
    `  server RSS after warm-up ${first.toFixed(1)} MiB → end ${last.toFixed(1)} MiB ` +
      `(max ${Math.max(...settled).toFixed(1)}, growth ${(last - first).toFixed(1)} MiB)`,
  );
}

try {
  console.log(
    `deno serve server.ts at ${url}; ${CONNECTIONS} connections for ${SECONDS} s each run`,
  );
  const body = JSON.stringify({ planId: "load-plan", amount: "1" });
  const invests = await wrk(
    "/v1/investments",
    `wrk.method = "POST"
wrk.body = '${body}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${TOKEN}"
`,
  );
  summary("POST /v1/investments", invests);
  await sandbox.settled();
  const rateLimited = sandbox.requests.filter((r) => r.status === 429).length;
  const created = sandbox.requests.filter((r) => r.status === 201).length;
  console.log(
    `  sandbox: ${created} investments created, ${sandbox.investments.length} in the ledger, ` +
      `${rateLimited} rate-limit answers`,
  );
  const reads = await wrk(
    "/openapi.json",
    `wrk.headers["Authorization"] = "Bearer ${TOKEN}"\n`,
  );
  summary("GET /openapi.json", reads);
} finally {
  serve.kill("SIGTERM");
  await serve.status;
  await draining;
}

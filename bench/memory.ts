/**
 * Memory: the client process's resident set growth over 10 000 invests
 * against a sandbox process on 127.0.0.1, after 1000 invests of warm-up,
 * each reading taken after a full garbage collection (run with
 * `--v8-flags=--expose-gc`); then over 10 000 more, to tell a leak (grows
 * again) from a high-water mark (stays). 64 invests in flight, limited to
 * 800 per second: above 1000 per second, millisecond nonces would run more
 * than WhiteBIT's 5 s window ahead of the clock (WhiteBIT's own limit, 100
 * per second, never comes near).
 *
 * `deno run … bench/memory.ts ccxt` measures ccxt 4.5.84 the same way.
 *
 * Target: growth < 5 MB.
 *
 * @module
 */

import { RateLimiter, WhiteBitClient } from "../mod.ts";
import { ccxtWhitebit } from "./_ccxt.ts";
import { startSandboxProcess } from "./_sandbox.ts";
import { fmt, throughput, verdict } from "./_stats.ts";

const WARMUP = 1_000;
const COUNT = 10_000;
const which = Deno.args[0] === "ccxt" ? "ccxt" : "ours";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  throw new Error("Cannot measure memory: run with --v8-flags=--expose-gc");
}

await using sandbox = await startSandboxProcess({ rateLimit: "off" });
const { url, planId, accounts } = sandbox.info;
const params = { planId, amount: "1" };
const limiter = new RateLimiter({ limit: 800, windowMs: 1000 });
let invest: () => Promise<unknown>;
if (which === "ours") {
  const client = new WhiteBitClient({
    ...accounts[0],
    baseUrl: url,
    rateLimiter: limiter,
  });
  invest = () => client.invest(params);
} else {
  const exchange = await ccxtWhitebit({ url, ...accounts[0] });
  invest = async () => {
    const release = await limiter.acquire();
    try {
      return await exchange.v4PrivatePostMainAccountSmartInvestment(params);
    } finally {
      release();
    }
  };
}

const reading = () => {
  gc();
  return Deno.memoryUsage();
};
await throughput(invest, { count: WARMUP, inFlight: 64 });
const start = reading();
const rate = await throughput(invest, { count: COUNT, inFlight: 64 });
const first = reading();
await throughput(invest, { count: COUNT, inFlight: 64 });
const second = reading();
const report = await sandbox.stop();

const mb = (bytes: number) => fmt(bytes / 1e6);
console.log(
  `\nMemory of ${which}: after ${WARMUP} invests of warm-up → after ${COUNT} more → after ${COUNT} more (${
    fmt(rate)
  } invests/s)`,
);
for (const field of ["rss", "heapTotal", "heapUsed", "external"] as const) {
  console.log(
    `  ${field.padEnd(9)} ${mb(start[field])} → ${mb(first[field])} → ${mb(second[field])} MB`,
  );
}
console.log(`  sandbox answers: ${JSON.stringify(report.statuses)}`);
console.log("\nRatios:");
console.log(
  "  " +
    verdict(
      `${which}: RSS growth over the first ${COUNT}`,
      (first.rss - start.rss) / 1e6,
      {
        op: "<",
        bound: 5,
        unit: " MB",
      },
    ),
);
console.log(
  `  ${which}: RSS growth over the next ${COUNT}: ${mb(second.rss - first.rss)} MB`,
);
console.log(
  `  ${which}: heapUsed growth over the first ${COUNT}: ${mb(first.heapUsed - start.heapUsed)} MB`,
);

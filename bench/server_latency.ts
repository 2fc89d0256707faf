/**
 * What `server.ts` adds to an invest: the same client and in-process sandbox,
 * called directly and through `POST /v1/investments`, interleaved so both
 * see the same machine. Prints p50/p99 of each and the difference.
 * Target: ≤ 0.3 ms added at p50, ≤ 1 ms at p99.
 *
 *   deno run --allow-net=127.0.0.1 bench/server_latency.ts [rounds]
 *
 * @module
 */

import { RateLimiter, WhiteBitClient } from "../mod.ts";
import { createApp } from "../server.ts";
import { WhiteBitSandbox } from "../testing.ts";

const ROUNDS = Number(Deno.args[0] ?? 5000);
const WARMUP = 500;
const TOKEN = "bench-token";

const sandbox = new WhiteBitSandbox({
  accounts: [{
    apiKey: "bench-key",
    apiSecret: "bench-secret",
    balances: { USDT: "1000000000" },
    multipleInvestments: true,
  }],
  plans: [{
    id: "plan",
    ticker: "USDT",
    minInvestment: "1",
    maxInvestment: "1000",
    maxPossibleInvestment: "1000000000",
  }],
  rateLimit: Number.MAX_SAFE_INTEGER,
});
// One client for both paths: two clients on one key would collide on equal
// millisecond nonces and wait out 429 retries. No rate limit: this measures
// overhead, not WhiteBIT's budget (the limiter still runs). Strict nonces,
// because over 1000 calls a second push window nonces past WhiteBIT's ±5 s.
const client = new WhiteBitClient({
  ...sandbox.credentials,
  nonceWindow: false,
  fetch: sandbox.fetch,
  rateLimiter: new RateLimiter({ limit: Infinity }),
});
const app = createApp({ client, tokens: [TOKEN], log: false });
const body = JSON.stringify({ planId: "plan", amount: "1" });

async function direct(): Promise<void> {
  await client.invest({ planId: "plan", amount: "1" });
}

async function viaServer(): Promise<void> {
  const response = await app.fetch(
    new Request("http://localhost/v1/investments", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body,
    }),
  );
  if (response.status !== 201) {
    throw new Error(`status ${response.status}: ${await response.text()}`);
  }
  await response.arrayBuffer();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

const times = { direct: [] as number[], server: [] as number[] };
for (let i = 0; i < WARMUP + ROUNDS; i++) {
  // Alternate which goes first, so neither always runs on a warmer cache.
  const order = i % 2 === 0 ? (["direct", "server"] as const) : (["server", "direct"] as const);
  for (const which of order) {
    const started = performance.now();
    await (which === "direct" ? direct() : viaServer());
    if (i >= WARMUP) times[which].push(performance.now() - started);
  }
}
const d = times.direct.sort((a, b) => a - b);
const s = times.server.sort((a, b) => a - b);
const row = (name: string, p: number) => {
  const added = percentile(s, p) - percentile(d, p);
  return `${name}: direct ${percentile(d, p).toFixed(3)} ms, via server ${
    percentile(s, p).toFixed(3)
  } ms, added ${added.toFixed(3)} ms`;
};
console.log(
  `server.ts added latency over a direct client call (${ROUNDS} interleaved rounds, in process)`,
);
console.log(row("p50", 0.5) + ` (target ≤ 0.3 ms)`);
console.log(row("p99", 0.99) + ` (target ≤ 1 ms)`);

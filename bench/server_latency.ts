/**
 * What `server.ts` adds to an invest: the same client called directly and
 * through `POST /v1/investments`, interleaved so both see the same machine.
 * WhiteBIT is a stub that answers 201 at once, so the difference is the
 * server's own work (auth, limits, parsing, validation, headers, problem
 * handling), not the sandbox's. Prints p50/p99 of each and the difference.
 * Target: ≤ 0.3 ms added at p50, ≤ 1 ms at p99.
 *
 *   deno task bench server_latency   (or: deno run --config=deno.json bench/server_latency.ts [rounds])
 *
 * @module
 */

import { RateLimiter, WhiteBitClient } from "../mod.ts";
import { createApp } from "../server.ts";

const ROUNDS = Number(Deno.args[0] ?? 20_000);
const WARMUP = 2_000;
const TOKEN = "bench-token";

const client = new WhiteBitClient({
  apiKey: "bench-key",
  apiSecret: "bench-secret",
  // No rate limit here: this measures overhead, not WhiteBIT's budget (the limiter still runs).
  rateLimiter: new RateLimiter({ limit: Infinity }),
  fetch: () =>
    Promise.resolve(
      new Response('{"id":"0d7b66ff-1909-4938-ab7a-d16d9a64dcd5"}', {
        status: 201,
        headers: { "content-type": "application/json" },
      }),
    ),
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
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "application/json",
      },
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
const row = (name: string, p: number, target: number) => {
  const added = percentile(s, p) - percentile(d, p);
  return `${name}: direct ${percentile(d, p).toFixed(3)} ms, via server ${
    percentile(s, p).toFixed(3)
  } ms, added ${added.toFixed(3)} ms (target ≤ ${target} ms: ${
    added <= target ? "met" : "MISSED"
  })`;
};
console.log(
  `server.ts added latency over a direct client call (${ROUNDS} interleaved rounds, in process)`,
);
console.log(row("p50", 0.5, 0.3));
console.log(row("p99", 0.99, 1));

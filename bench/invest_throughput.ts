/**
 * Full invest throughput: `client.invest()` against ccxt 4.5.84's
 * `v4PrivatePostMainAccountSmartInvestment`, both in this Deno process, both
 * pointed at the same sandbox process on 127.0.0.1 (its rate limit off; each
 * measured run on a fresh sandbox account so no run inherits another's
 * nonces), 1 and 64 invests in flight, cases alternating round by round.
 * Reported: requests per second, and the client process's CPU time per
 * invest (user + system, `process.cpuUsage()`), the client's own cost.
 *
 * A second table takes the network and the sandbox away: both clients get a
 * `fetch` that answers 201 at once, so only the client's own work is timed.
 *
 * Target: ours ≥ 2× ccxt in requests per second.
 *
 * @module
 */

import process from "node:process";
import { RateLimiter, WhiteBitClient } from "../mod.ts";
import { ccxtWhitebit } from "./_ccxt.ts";
import { startSandboxProcess } from "./_sandbox.ts";
import {
  fmt,
  interleave,
  median,
  printTable,
  throughput,
  verdict,
} from "./_stats.ts";

const COUNT = 2_000;
const ROUNDS = 7;
const IN_FLIGHT = [1, 64];
const CANNED_COUNT = 10_000;

await using sandbox = await startSandboxProcess({
  rateLimit: "off",
  accounts: (ROUNDS + 1) * IN_FLIGHT.length * 2,
});
const { url, planId, accounts } = sandbox.info;
const params = { planId, amount: "1" };
let nextAccount = 0;

/** An invest function of a fresh client on a fresh account. */
async function freshInvest(
  kind: "ours" | "ccxt",
  fetch?: (url: string, init: RequestInit) => Promise<Response>,
): Promise<() => Promise<unknown>> {
  const account = accounts[nextAccount++ % accounts.length];
  if (kind === "ours") {
    const client = new WhiteBitClient({
      ...account,
      baseUrl: url,
      // The benchmark sets the load: a limiter that never waits.
      rateLimiter: new RateLimiter({ limit: 1e9 }),
      ...(fetch ? { fetch } : {}),
    });
    return () => client.invest(params);
  }
  const exchange = await ccxtWhitebit({ url, ...account });
  if (fetch) Object.assign(exchange, { fetchImplementation: fetch });
  return () => exchange.v4PrivatePostMainAccountSmartInvestment(params);
}

const cpuPerInvest: Record<string, number[]> = {};
const cases: Record<string, () => Promise<number>> = {};
for (const kind of ["ours", "ccxt"] as const) {
  for (const inFlight of IN_FLIGHT) {
    const name = `${kind} @${inFlight}`;
    cpuPerInvest[name] = [];
    cases[name] = async () => {
      const invest = await freshInvest(kind);
      await invest(); // connection and key warm
      const before = process.cpuUsage();
      const rate = await throughput(invest, { count: COUNT, inFlight });
      const used = process.cpuUsage(before);
      cpuPerInvest[name].push((used.user + used.system) / COUNT);
      return rate;
    };
  }
}
const samples = await interleave({ rounds: ROUNDS, warmup: 0 }, cases);
const report = await sandbox.stop();
printTable(
  `Invests against the sandbox process on 127.0.0.1 (${COUNT} per sample)`,
  samples,
  "invests/s",
);
printTable("Client process CPU per invest (same runs)", cpuPerInvest, "µs");
console.log(`  sandbox saw: ${JSON.stringify(report.statuses)}`);

const canned = () =>
  Promise.resolve(
    new Response('{"id":"0b7c6d5e-4f3a-4b2c-9d1e-0f9a8b7c6d5e"}', {
      status: 201,
      headers: { "content-type": "application/json" },
    }),
  );
const cannedCases: Record<string, () => Promise<number>> = {};
for (const kind of ["ours", "ccxt"] as const) {
  const invest = await freshInvest(kind, canned);
  for (const inFlight of IN_FLIGHT) {
    cannedCases[`${kind} @${inFlight}`] = () =>
      throughput(invest, { count: CANNED_COUNT, inFlight });
  }
}
const cannedSamples = await interleave({ rounds: ROUNDS }, cannedCases);
printTable(
  `Client alone: a fetch that answers 201 at once (${CANNED_COUNT} per sample)`,
  cannedSamples,
  "invests/s",
);

const ratio = (table: Record<string, number[]>, inFlight: number) =>
  median(table[`ours @${inFlight}`]) / median(table[`ccxt @${inFlight}`]);
console.log("\nRatios of medians (ours / ccxt, higher is better for ours):");
for (const inFlight of IN_FLIGHT) {
  console.log(
    "  " +
      verdict(`sandbox, invests/s @${inFlight}`, ratio(samples, inFlight), {
        op: "≥",
        bound: 2,
        unit: "×",
      }),
  );
}
for (const inFlight of IN_FLIGHT) {
  console.log(
    `  sandbox, client CPU per invest @${inFlight}: ccxt / ours ${
      fmt(
        median(cpuPerInvest[`ccxt @${inFlight}`]) /
          median(cpuPerInvest[`ours @${inFlight}`]),
      )
    }×`,
  );
}
for (const inFlight of IN_FLIGHT) {
  console.log(
    "  " +
      verdict(
        `client alone, invests/s @${inFlight}`,
        ratio(cannedSamples, inFlight),
        {
          op: "≥",
          bound: 2,
          unit: "×",
        },
      ),
  );
}

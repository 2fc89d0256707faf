/**
 * A WhiteBIT sandbox in its own process, for benchmarks that must not share a
 * process (or its CPU time and memory) with the client they measure. It
 * prints one JSON line (`SandboxInfo`) once it listens on 127.0.0.1, and
 * exits when its standard input closes.
 *
 * `--accounts=N` gives it N accounts (default 1); `--rate-limit=off` switches
 * its rate limit off (throughput benchmarks); the default is WhiteBIT's 1000
 * requests per 10 s per key.
 *
 * @example
 * ```sh
 * deno run --allow-net=127.0.0.1 bench/sandbox_server.ts --rate-limit=off
 * ```
 *
 * @module
 */

import { WhiteBitSandbox } from "../testing.ts";
import { BENCH_PLAN, benchAccounts, type SandboxInfo } from "./_sandbox.ts";

const rateLimitOff = Deno.args.includes("--rate-limit=off");
const count = Number(
  Deno.args.find((arg) => arg.startsWith("--accounts="))?.slice(11) ?? 1,
);
const accounts = benchAccounts(count);
const sandbox = new WhiteBitSandbox({
  accounts,
  plans: [BENCH_PLAN],
  // "Off": no realistic load reaches a billion requests in one millisecond.
  ...(rateLimitOff ? { rateLimit: 1e9, rateLimitWindowMs: 1 } : {}),
});
const server = sandbox.listen();
const info: SandboxInfo = {
  url: server.url,
  accounts: accounts.map(({ apiKey, apiSecret }) => ({ apiKey, apiSecret })),
  planId: BENCH_PLAN.id,
};
console.log(JSON.stringify(info));

// Runs until the parent closes our stdin, then reports what the sandbox saw.
for await (const _ of Deno.stdin.readable) {
  // Nothing is expected on stdin; it only signals the parent's presence.
}
await sandbox.settled();
await server.close();
const statuses: Record<string, number> = {};
for (const { status } of sandbox.requests) {
  statuses[status] = (statuses[status] ?? 0) + 1;
}
console.log(
  JSON.stringify({ investments: sandbox.investments.length, statuses }),
);

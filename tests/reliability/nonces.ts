// Reliability: nonces under concurrency, through one client, in both of
// WhiteBIT's nonce modes. Run with `deno task test:reliability`.

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { WhiteBitClient } from "../../mod.ts";
import { WhiteBitSandbox } from "../../testing.ts";

const INVEST = "/api/v4/main-account/smart/investment";

function setup(nonceWindow: boolean) {
  const sandbox = new WhiteBitSandbox({
    accounts: [{
      apiKey: "reliability-nonce-key-41c7",
      apiSecret: "reliability-nonce-secret-9e2d60b8",
      balances: { USDT: "1000000" },
      multipleInvestments: true,
    }],
    plans: [{
      id: "plan-nonces",
      ticker: "USDT",
      minInvestment: "1",
      maxInvestment: "1000",
      maxPossibleInvestment: "100000000",
    }],
  });
  // Everything at its defaults, WhiteBIT's rate limit included.
  const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, nonceWindow });
  return { sandbox, client };
}

/** Fires `count` invests at once; returns the names of the errors, by count. */
async function investAtOnce(client: WhiteBitClient, count: number) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => client.invest({ planId: "plan-nonces", amount: "1" })),
  );
  const errors: Record<string, number> = {};
  for (const result of results) {
    if (result.status === "rejected") {
      const name = (result.reason as Error).name;
      errors[name] = (errors[name] ?? 0) + 1;
    }
  }
  return errors;
}

/**
 * Fires `count` invests at once and checks that each succeeded with one
 * request of its own nonce; returns the nonces in arrival order.
 */
async function investAllOnce(sandbox: WhiteBitSandbox, client: WhiteBitClient, count: number) {
  deepStrictEqual(await investAtOnce(client, count), {}, "errors by name");
  const nonces = sandbox.requests.filter((r) => r.path === INVEST).map((r) => r.nonce!);
  strictEqual(nonces.length, count, "one request per invest: nothing retried");
  strictEqual(new Set(nonces).size, count, "no nonce sent twice");
  deepStrictEqual(new Set(sandbox.requests.map((r) => r.status)), new Set([201]));
  strictEqual(sandbox.investments.length, count);
  return nonces;
}

Deno.test("2000 concurrent invests in window mode: 0 nonce errors, 0 duplicate nonces", async () => {
  const { sandbox, client } = setup(true);
  // 1000 leave at once, the other 1000 when WhiteBIT's 10 s window lets them.
  await investAllOnce(sandbox, client, 2000);
  strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "998000");
});

Deno.test("500 concurrent invests in strict mode: 0 nonce errors, nonces rise in arrival order", async () => {
  const { sandbox, client } = setup(false);
  const nonces = await investAllOnce(sandbox, client, 500);
  for (let i = 1; i < nonces.length; i++) {
    if (nonces[i] <= nonces[i - 1]) {
      throw new Error(`nonce ${i} (${nonces[i]}) is not above the one before (${nonces[i - 1]})`);
    }
  }
});

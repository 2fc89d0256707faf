// Reliability: the client's limiter keeps a burst within WhiteBIT's rate
// limit. Scaled in time: 100 per 1 s on both sides instead of 1000 per 10 s,
// the same limiter code path; the full-size run (3000 invests, about 20 s)
// is `deno task bench rate_budget`.

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { RateLimiter, WhiteBitClient } from "../../mod.ts";
import { WhiteBitSandbox } from "../../testing.ts";

Deno.test("300 invests offered at once against a 100-per-second limit: 0 rate-limit answers", async () => {
  const sandbox = new WhiteBitSandbox({
    accounts: [{
      apiKey: "reliability-rate-key-7d02",
      apiSecret: "reliability-rate-secret-5b1e93aa",
      balances: { USDT: "100000" },
      multipleInvestments: true,
    }],
    plans: [{ id: "plan-rate", ticker: "USDT", minInvestment: "1", maxInvestment: "1000" }],
    rateLimit: 100,
    rateLimitWindowMs: 1000,
  });
  const client = new WhiteBitClient({
    ...sandbox.credentials,
    fetch: sandbox.fetch,
    rateLimiter: new RateLimiter({ limit: 100, windowMs: 1000 }),
    maxRetries: 0, // a rate-limit answer would fail the invest, not hide behind a retry
  });
  const results = await Promise.allSettled(
    Array.from({ length: 300 }, () => client.invest({ planId: "plan-rate", amount: "1" })),
  );
  deepStrictEqual(results.filter((r) => r.status === "rejected"), []);
  const statuses = sandbox.requests.map((r) => r.status);
  strictEqual(statuses.length, 300);
  deepStrictEqual(new Set(statuses), new Set([201]), "no 429 from the sandbox");
});

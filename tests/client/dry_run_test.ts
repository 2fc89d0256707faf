import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { DryRunError, RateLimiter, WhiteBitClient } from "../../mod.ts";
import { importApiSecret, signBody } from "../../sign.ts";

const API_KEY = "DRYRUN-KEY-3a9f1c";
const API_SECRET = "DRYRUN-SECRET-7e2b4d";

Deno.test("a dry-run client signs each call, sends nothing and shows it redacted", async () => {
  let sent = 0;
  const rateLimiter = new RateLimiter({ limit: 1, windowMs: 60_000 });
  const client = new WhiteBitClient({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    baseUrl: "https://whitebit.eu",
    dryRun: true,
    rateLimiter,
    now: () => 1_700_000_000_000,
    fetch: () => {
      sent++;
      return Promise.resolve(Response.json({}));
    },
  });
  const calls: [string, () => Promise<unknown>, Record<string, unknown>][] = [
    ["/api/v4/main-account/smart/plans", () => client.plans({ ticker: "USDT" }), {
      ticker: "USDT",
    }],
    [
      "/api/v4/main-account/smart/investment",
      () => client.invest({ planId: "p-1", amount: "100.5" }),
      { planId: "p-1", amount: "100.5" },
    ],
    [
      "/api/v4/main-account/smart/investments",
      () => client.investments({ status: 1, limit: 5 }),
      { status: 1, limit: 5 },
    ],
    ["/api/v4/main-account/smart/investment/close", () => client.closeInvestment("inv-9"), {
      id: "inv-9",
    }],
    [
      "/api/v4/main-account/smart/interest-payment-history",
      () => client.interestPayments({ planId: "p-1" }),
      { planId: "p-1" },
    ],
  ];
  for (const [path, call, params] of calls) {
    const error = await call().catch((e) => e);
    ok(error instanceof DryRunError, String(error));
    strictEqual(error.outcome, "not_executed");
    strictEqual(error.request.method, "POST");
    strictEqual(error.request.url, `https://whitebit.eu${path}`);
    const body = JSON.parse(error.request.body);
    deepStrictEqual(body, { request: path, nonce: body.nonce, nonceWindow: true, ...params });
    strictEqual(error.request.headers["x-txc-signature"], "[redacted]");
    strictEqual(error.request.headers["x-txc-apikey"], "DRYR…");
    strictEqual(error.request.headers["x-txc-payload"], btoa(error.request.body));
    const { signature } = await signBody(await importApiSecret(API_SECRET), error.request.body);
    const shown = Deno.inspect(error, { depth: 10, showHidden: true }) + JSON.stringify(error) +
      error.stack;
    for (const secret of [signature, API_SECRET, API_KEY]) {
      ok(!shown.includes(secret), `${path}: a secret is visible`);
    }
  }
  strictEqual(sent, 0);
  // No rate-limit slot was taken: the one slot is still free.
  const release = await rateLimiter.acquire(AbortSignal.timeout(1_000));
  release();
});

Deno.test("a dry run checks parameters like a real call", async () => {
  const client = new WhiteBitClient({ apiKey: "k", apiSecret: "s", dryRun: true });
  const error = await client.investments({ limit: 1000 }).catch((e) => e);
  ok(error instanceof RangeError);
});

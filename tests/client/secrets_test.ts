import { ok } from "node:assert/strict";
import { WhiteBitClient, WhiteBitError } from "../../mod.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import { assertNoSecrets, views } from "../_leak_scan.ts";

const API_KEY = "LEAKCHECK-KEY-5d1b7c9e3a";
const API_SECRET = "LEAKCHECK-SECRET-8f2e4a6c0b";

function assertClean(text: string, where: string) {
  assertNoSecrets(text, { "the secret": API_SECRET, "the API key": API_KEY }, where);
}

Deno.test("no view of the client shows the secret or the API key", () => {
  const client = new WhiteBitClient({ apiKey: API_KEY, apiSecret: API_SECRET });
  for (const view of views(client)) assertClean(view, "the client");
  assertClean(Deno.inspect({ nested: { client } }, { depth: 10 }), "a nested client");
});

Deno.test("no error of any kind shows the secret or the API key", async () => {
  const sandbox = new WhiteBitSandbox({
    accounts: [{ apiKey: API_KEY, apiSecret: API_SECRET, balances: { USDT: "5" } }],
  });
  const planId = sandbox.plans[0].id;
  await using server = sandbox.listen();
  const errors: unknown[] = [];
  const collect = (promise: Promise<unknown>) => promise.catch((error) => errors.push(error));
  const client = new WhiteBitClient({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    baseUrl: server.url,
    timeoutMs: 30,
    maxRetries: 0,
  });
  await collect(client.invest({ planId, amount: "100" })); // 422
  await collect(client.invest({ planId: "nope", amount: "100" })); // 400
  await collect(client.invest({ planId, amount: "1e3" })); // RangeError, not sent
  await collect(
    new WhiteBitClient({ apiKey: API_KEY, apiSecret: "wrong", baseUrl: server.url }).invest({
      planId,
      amount: "100",
    }),
  ); // 401
  for (
    const fault of [
      { kind: "drop", afterProcessing: false },
      { kind: "respond", status: 500, body: '{"error":["Internal server error."]}' },
      { kind: "respond", status: 429, body: "<html/>" },
      { kind: "latency", ms: 100 },
    ] as const
  ) {
    sandbox.injectFault(fault);
    await collect(client.invest({ planId, amount: "10" }));
  }
  await collect(client.invest({ planId, amount: "10" }, { signal: AbortSignal.abort() }));
  await collect(client.closeInvestment("no-such-investment")); // 400
  await collect(client.plans({ ticker: "DOGE" })); // 400
  await collect(client.investments({ limit: 500 })); // RangeError, not sent
  await collect(client.invest({ planId, amount: "1" }, { preflight: true })); // PreflightError
  await collect(
    new WhiteBitClient({ apiKey: API_KEY, apiSecret: API_SECRET, dryRun: true }).invest({
      planId,
      amount: "10",
    }),
  ); // DryRunError
  await collect(
    new WhiteBitClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: "http://127.0.0.1:9" })
      .invest({ planId, amount: "10" }),
  ); // connection refused
  await sandbox.settled();
  ok(errors.length >= 14, `collected ${errors.length}`);
  ok(errors.some((error) => error instanceof WhiteBitError && error.status === undefined));
  for (const error of errors) {
    for (const view of views(error)) assertClean(view, `${(error as Error).name}`);
  }
});

// Reliability: each state-changing flex call (invest, withdraw, close) under
// each fault — the line dropped after WhiteBIT carried it out, a 5xx from a
// gateway behind which it ran, no answer before the client's timeout — over
// HTTP on 127.0.0.1. Checked: the outcome is "unknown", the request reached
// the sandbox exactly once (never retried), the ledger moved exactly once,
// and findTransaction finds that one movement. The same faults before
// processing: nothing moved, and findTransaction proves it (null).

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  NetworkError,
  ServerError,
  TimeoutError,
  WhiteBitClient,
  WhiteBitError,
} from "../../mod.ts";
import { type SandboxFault, WhiteBitSandbox } from "../../testing.ts";

const PATHS = {
  invest: "/api/v4/main-account/smart-flex/investments/invest",
  withdraw: "/api/v4/main-account/smart-flex/investments/withdraw",
  close: "/api/v4/main-account/smart-flex/investments/close",
} as const;
type Move = keyof typeof PATHS;

const FAULTS: [string, (processed: boolean) => SandboxFault, typeof WhiteBitError][] = [
  ["a dropped connection", (afterProcessing) => ({ kind: "drop", afterProcessing }), NetworkError],
  [
    "a 502 from the gateway",
    (afterProcessing) => ({
      kind: "respond",
      status: 502,
      body: "<html><h1>502 Bad Gateway</h1></html>",
      contentType: "text/html",
      afterProcessing,
    }),
    ServerError,
  ],
  // A slow answer always runs: only the "after" row applies. The answer comes
  // 3 s after the client's 100 ms timeout: no race between the two.
  ["no answer in time", () => ({ kind: "latency", ms: 3_000 }), TimeoutError],
];

async function attempt(name: Move, fault: SandboxFault) {
  const sandbox = new WhiteBitSandbox();
  await using server = sandbox.listen();
  const { apiKey } = sandbox.credentials;
  const client = new WhiteBitClient({
    ...sandbox.credentials,
    baseUrl: server.url,
    timeoutMs: 100,
    maxRetries: 3,
  });
  const plan = sandbox.flexPlans[0].id;
  if (name !== "invest") await client.flex.invest({ plan, amount: "500" });
  const rowsBefore = sandbox.flexHistory.length;
  const balanceBefore = sandbox.balance(apiKey, "USDT");
  sandbox.injectFault(fault, { path: PATHS[name] });
  const params =
    { invest: { plan, amount: "250" }, withdraw: { plan, amount: "120.5" }, close: { plan } }[name];
  const call = client.flex[name] as (params: unknown) => Promise<unknown>;
  const error = await call(params).then(() => null, (e) => e);
  await sandbox.settled();
  const movements = sandbox.flexHistory.length - rowsBefore;
  const sent = sandbox.requests.filter((r) => r.path === PATHS[name]).length;
  const found = error instanceof WhiteBitError
    ? await client.flex.findTransaction(error)
    : undefined;
  return { error, movements, sent, found, sandbox, apiKey, balanceBefore };
}

for (const name of Object.keys(PATHS) as Move[]) {
  for (const [label, fault, ErrorClass] of FAULTS) {
    Deno.test(`flex ${name} under ${label} after processing: unknown, once, reconciled`, async () => {
      const { error, movements, sent, found, sandbox, apiKey, balanceBefore } = await attempt(
        name,
        fault(true),
      );
      ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error}`);
      strictEqual(error.outcome, "unknown");
      strictEqual(sent, 1, "never sent again");
      strictEqual(movements, 1, "exactly one ledger movement");
      const [row] = sandbox.flexHistory;
      deepStrictEqual(found, (({ apiKey: _, ...rest }) => rest)(row));
      const moved = { invest: "-250", withdraw: "120.5", close: "500" }[name];
      strictEqual(
        Number(sandbox.balance(apiKey, "USDT")) - Number(balanceBefore),
        Number(moved),
      );
    });
    if (label === "no answer in time") continue;
    Deno.test(`flex ${name} under ${label} before processing: unknown, nothing moved, proven`, async () => {
      const { error, movements, sent, found } = await attempt(name, fault(false));
      ok(error instanceof ErrorClass);
      strictEqual(error.outcome, "unknown");
      strictEqual(sent, 1);
      strictEqual(movements, 0);
      strictEqual(found, null);
    });
  }
}

Deno.test("24 concurrent flex top-ups, a third dropped after and a third before processing: each reconciled to its own row", async () => {
  const sandbox = new WhiteBitSandbox();
  await using server = sandbox.listen();
  const { apiKey } = sandbox.credentials;
  const client = new WhiteBitClient({ ...sandbox.credentials, baseUrl: server.url, maxRetries: 3 });
  const plan = sandbox.flexPlans[0].id;
  await client.flex.invest({ plan, amount: "10" });
  // Faults for the next 16 top-ups, whichever they are: 8 carried out then
  // dropped, then 8 dropped before WhiteBIT saw them.
  sandbox.injectFault({ kind: "drop", afterProcessing: true }, { path: PATHS.invest, times: 8 });
  sandbox.injectFault({ kind: "drop", afterProcessing: false }, { path: PATHS.invest, times: 8 });
  // Distinct amounts: each call's movement can be told apart.
  const amounts = Array.from({ length: 24 }, (_, i) => `1.${String(i + 1).padStart(2, "0")}`);
  const results = await Promise.all(
    amounts.map((amount) =>
      client.flex.invest({ plan, amount }).then(() => null, (error: WhiteBitError) => error)
    ),
  );
  await sandbox.settled();
  const failures = results.filter((error) => error !== null);
  strictEqual(failures.length, 16);
  let ran = 0;
  for (const error of failures) {
    ok(error instanceof NetworkError);
    strictEqual(error.outcome, "unknown");
    const found = await client.flex.findTransaction(error);
    if (found) {
      ran++;
      strictEqual(found.amount, error.params.amount, "its own movement, not another's");
    }
  }
  strictEqual(ran, 8, "exactly the 8 carried out are found");
  // Every request reached the sandbox once: 25 invests, 17 of them moved money.
  strictEqual(sandbox.requests.filter((r) => r.path === PATHS.invest).length, 25);
  const moved = sandbox.flexHistory.filter((row) => row.actionType === 1 || row.actionType === 6);
  strictEqual(moved.length, 17);
  const invested = moved.reduce((sum, row) => sum + Math.round(Number(row.amount) * 100), 0);
  strictEqual(sandbox.balance(apiKey, "USDT"), String((1_000_000 - invested) / 100));
});

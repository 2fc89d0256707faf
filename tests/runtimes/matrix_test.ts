// The runtime matrix (rows.ts): on each runtime the client signs WhiteBIT's
// published test vector, invests once in a fixed plan and once in a flex plan
// against the sandbox on 127.0.0.1; the sandbox's ledger is checked afterwards. Run: `deno task test:runtimes`.

import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { WhiteBitSandbox } from "../../testing.ts";
import { TRADE_BALANCE_BODY, TRADE_BALANCE_SIGNATURE, VECTOR_SECRET } from "../vectors.ts";
import { fixtureDir } from "./harness.ts";
import { RUNTIMES } from "./rows.ts";

/** Per row, building the bundle and starting the runtime included. */
const DEADLINE_MS = 90_000;
const INVEST_PATH = "/api/v4/main-account/smart/investment";
const FLEX_INVEST_PATH = "/api/v4/main-account/smart-flex/investments/invest";

for (const row of RUNTIMES) {
  Deno.test(`runtime matrix: ${row.name}`, async () => {
    const dir = await fixtureDir();
    const sandbox = new WhiteBitSandbox();
    await using server = sandbox.listen();
    const { apiKey } = sandbox.credentials;
    const plan = sandbox.plans[0];
    const flexPlan = sandbox.flexPlans[0]; // USDT too
    const before = sandbox.balance(apiKey, plan.ticker);
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(`${row.name} took over ${DEADLINE_MS} ms`),
      DEADLINE_MS,
    );
    try {
      const report = await row.run({
        dir,
        input: {
          vector: { secret: VECTOR_SECRET, body: TRADE_BALANCE_BODY },
          baseUrl: server.url,
          ...sandbox.credentials,
          planId: plan.id,
          amount: "100",
          flexPlan: flexPlan.id,
          flexAmount: "50",
        },
        signal: deadline.signal,
      });
      console.log(`${row.name}: ${report.runtime}`);
      strictEqual(report.error, undefined);
      match(report.runtime, row.identity);
      strictEqual(report.signature, TRADE_BALANCE_SIGNATURE);
      await sandbox.settled();
      const investments = sandbox.investments;
      strictEqual(investments.length, 1);
      strictEqual(investments[0].id, report.investmentId);
      strictEqual(investments[0].planId, plan.id);
      strictEqual(investments[0].amount, "100");
      const [flexRow, ...more] = sandbox.flexHistory;
      deepStrictEqual(more, []);
      strictEqual(flexRow.transaction_id, report.flexTransactionId);
      strictEqual(flexRow.planId, flexPlan.id);
      strictEqual(flexRow.amount, "50");
      strictEqual(flexPlan.ticker, plan.ticker);
      strictEqual(sandbox.balance(apiKey, plan.ticker), "9850");
      strictEqual(before, "10000");
      deepStrictEqual(
        sandbox.requests.filter((r) => r.path === INVEST_PATH).map((
          r,
        ) => [r.method, r.status]),
        [["POST", 201]],
      );
      deepStrictEqual(
        sandbox.requests.filter((r) => r.path === FLEX_INVEST_PATH).map((
          r,
        ) => [r.method, r.status]),
        [["POST", 201]],
      );
    } finally {
      clearTimeout(timer);
    }
  });
}

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  PermissionError,
  PreflightError,
  type PreflightRejectionReason,
  ServerError,
} from "../../mod.ts";
import type { SandboxAccount, SandboxPlan, WhiteBitSandbox } from "../../testing.ts";
import { setup as sharedSetup } from "../_fixtures.ts";

const INVEST = "/api/v4/main-account/smart/investment";
const PLANS = "/api/v4/main-account/smart/plans";
const ACCOUNT: SandboxAccount = {
  apiKey: "preflight-key",
  apiSecret: "preflight-secret",
  balances: { USDT: "1000000" },
};
const PLAN: SandboxPlan = {
  id: "plan-p",
  ticker: "USDT",
  minInvestment: "10",
  maxInvestment: "1000",
  maxPossibleInvestment: "500",
};

/** The shared setup with one plan changed as `plan` says, and no retries. */
function setup(plan: Partial<SandboxPlan> = {}, account: Partial<SandboxAccount> = {}) {
  return sharedSetup({
    account: { ...ACCOUNT, ...account },
    plans: [{ ...PLAN, ...plan }],
    precision: { USDT: 30 },
    client: { maxRetries: 0 },
  });
}

const sentTo = (sandbox: WhiteBitSandbox, path: string) =>
  sandbox.requests.filter((r) => r.path === path).length;

const REFUSALS: [string, Partial<SandboxPlan>, string, PreflightRejectionReason][] = [
  ["an unknown plan", { id: "elsewhere" }, "100", "plan_not_offered"],
  ["a special offer (not listed for the API)", { specialOffer: true }, "100", "plan_not_offered"],
  ["an inactive plan (not listed)", { status: 3 }, "100", "plan_not_offered"],
  ["a paused plan", { status: 4 }, "100", "plan_not_active"],
  ["a plan with no coins left", { status: 2 }, "100", "plan_not_active"],
  ["below the minimum", {}, "9.99", "amount_below_minimum"],
  ["a hair below the minimum", {}, "9.999999999999999999", "amount_below_minimum"],
  [
    "above the maximum",
    { maxPossibleInvestment: "5000" },
    "1000.000000000000000001",
    "amount_above_maximum",
  ],
  ["above what is left", {}, "500.01", "amount_above_available"],
];

for (const [name, plan, amount, reason] of REFUSALS) {
  Deno.test(`invest({ preflight }) refuses ${name} without sending the investment`, async () => {
    const { sandbox, client } = setup(plan);
    const error = await client.invest({ planId: PLAN.id, amount }, { preflight: true })
      .catch((e) => e);
    ok(error instanceof PreflightError, String(error));
    strictEqual(error.reason, reason);
    strictEqual(error.outcome, "not_executed");
    strictEqual(error.requestPath, INVEST);
    deepStrictEqual(error.params, { planId: PLAN.id, amount });
    strictEqual(error.attemptedAt, undefined, "never signed");
    strictEqual(error.plan?.id, reason === "plan_not_offered" ? undefined : PLAN.id);
    ok(error.message.includes("Nothing was sent"), error.message);
    strictEqual(sentTo(sandbox, PLANS), 1);
    strictEqual(sentTo(sandbox, INVEST), 0);
    strictEqual(sandbox.balance(ACCOUNT.apiKey, "USDT"), "1000000");
    strictEqual(await client.findInvestment(error), null, "nothing to reconcile");
  });
}

Deno.test("invest({ preflight }) sends the investment when the plan takes it, at its exact limits", async () => {
  for (const amount of ["10", "10.000", "500", "499.999999999999999999"]) {
    const { sandbox, client } = setup();
    const { id } = await client.invest({ planId: PLAN.id, amount }, { preflight: true });
    strictEqual(sandbox.investments[0].id, id);
    deepStrictEqual(sandbox.requests.map((r) => r.path), [PLANS, INVEST]);
  }
});

Deno.test("without preflight the same refusal costs the investment request", async () => {
  const { sandbox, client } = setup();
  const error = await client.invest({ planId: PLAN.id, amount: "9.99" }).catch((e) => e);
  strictEqual(error.name, "InvestmentRejectedError");
  deepStrictEqual(sandbox.requests.map((r) => r.path), [INVEST]);
});

Deno.test("a plan lookup without a clear answer: PreflightError plan_lookup_failed, not executed", async () => {
  const { sandbox, client } = setup();
  sandbox.injectFault({ kind: "respond", status: 503, body: "<html/>" }, { path: PLANS });
  const error = await client.invest({ planId: PLAN.id, amount: "100" }, { preflight: true })
    .catch((e) => e);
  ok(error instanceof PreflightError, String(error));
  strictEqual(error.reason, "plan_lookup_failed");
  strictEqual(error.outcome, "not_executed");
  ok(error.cause instanceof ServerError);
  strictEqual(error.cause.outcome, "not_executed"); // a read moves no funds, whatever its answer
  strictEqual(sentTo(sandbox, INVEST), 0);
});

Deno.test("a refused plan lookup passes its own error through", async () => {
  const { sandbox, client } = setup({}, { lendingAccess: false });
  const error = await client.invest({ planId: PLAN.id, amount: "100" }, { preflight: true })
    .catch((e) => e);
  ok(error instanceof PermissionError, String(error));
  strictEqual(error.requestPath, PLANS);
  strictEqual(error.outcome, "not_executed");
  strictEqual(sentTo(sandbox, INVEST), 0);
});

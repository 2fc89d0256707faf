// The sandbox's flex books alone, without HTTP: exact money, one position
// per account and plan, every refusal in its order, daily earnings on a
// clock that jumps, and a history row with a transaction id for every
// movement.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { FlexLedger, type SandboxFlexPlan } from "../../sandbox/_flex_ledger.ts";
import { T0 } from "../_fixtures.ts";

const DAY = 86_400_000;
const PLAN: SandboxFlexPlan = {
  id: "flex-usdt",
  ticker: "USDT",
  minInvestment: "10",
  maxInvestment: "1000",
  maxRate: "0.365", // 0.1 % a day
};

function books(plans: SandboxFlexPlan[] = [PLAN], balances: Record<string, string> = {}) {
  const wallet = new Map<string, string>(
    Object.entries({ "a USDT": "1000", "b USDT": "1000", ...balances }),
  );
  const clock = { now: T0 };
  let id = 0;
  const ledger = new FlexLedger({
    plans,
    wallet: {
      balance: (apiKey, ticker) => wallet.get(`${apiKey} ${ticker}`) ?? "0",
      set: (apiKey, ticker, amount) => void wallet.set(`${apiKey} ${ticker}`, amount),
      precision: () => 6,
    },
    now: () => clock.now,
    newId: () => `id-${++id}`,
  });
  return { ledger, wallet, clock };
}

Deno.test("flex ledger: open, top up, withdraw a part, close — balances move exactly", () => {
  const { ledger, wallet } = books();
  const opened = ledger.invest({ apiKey: "a", plan: PLAN.id, amount: "100.1" });
  ok("transaction" in opened);
  strictEqual(opened.transaction.actionType, 6);
  const topUp = ledger.invest({ apiKey: "a", plan: PLAN.id, amount: "0.000001" });
  ok("transaction" in topUp);
  strictEqual(topUp.transaction.actionType, 1);
  strictEqual(wallet.get("a USDT"), "899.899999");
  const [position] = ledger.investments("a");
  strictEqual(position.invested, "100.100001");
  strictEqual(ledger.investments("a").length, 1, "one position per account and plan");
  ok("transaction" in ledger.withdraw({ apiKey: "a", plan: PLAN.id, amount: "0.100001" }));
  strictEqual(ledger.investments("a")[0].invested, "100");
  const closed = ledger.close({ apiKey: "a", plan: PLAN.id });
  ok("transaction" in closed);
  strictEqual(closed.transaction.amount, "100");
  strictEqual(wallet.get("a USDT"), "1000");
  strictEqual(ledger.investments("a")[0].status, 0);
  // Reopening uses the same position.
  ledger.invest({ apiKey: "a", plan: PLAN.id, amount: "10" });
  strictEqual(ledger.investments("a")[0].id, position.id);
  strictEqual(ledger.investments("a")[0].invested, "10");
  const types = ledger.history("a").map((row) => row.actionType);
  deepStrictEqual(types, [6, 5, 3, 1, 6]);
  strictEqual(new Set(ledger.history("a").map((row) => row.transaction_id)).size, 5);
});

Deno.test("flex ledger: invest refusals, each leaving everything as it was", () => {
  const plans: SandboxFlexPlan[] = [
    PLAN,
    { ...PLAN, id: "gone", state: "unavailable" },
    { ...PLAN, id: "paused", state: "paused" },
    { ...PLAN, id: "mine", privateTo: ["b"] },
    { ...PLAN, id: "capped", investmentLimit: "150" },
  ];
  const { ledger, wallet } = books(plans, { "a USDT": "500" });
  ledger.invest({ apiKey: "b", plan: "capped", amount: "100" });
  const cases: [string, string, string][] = [
    ["nope", "10", "plan_unavailable"],
    ["gone", "10", "plan_unavailable"],
    ["mine", "10", "private_plan"],
    ["paused", "10", "plan_paused"],
    [PLAN.id, "0", "amount_too_small"],
    [PLAN.id, "9.99", "amount_below_minimum"],
    [PLAN.id, "1000.01", "amount_above_maximum"],
    ["capped", "50.000001", "limit_exceeded"],
    [PLAN.id, "500.5", "insufficient_balance"],
  ];
  const before = JSON.stringify([ledger.investments(), ledger.history(), [...wallet]]);
  for (const [plan, amount, reason] of cases) {
    deepStrictEqual(
      Object.entries(ledger.invest({ apiKey: "a", plan, amount }))[0],
      ["refused", reason],
      `${plan} ${amount}`,
    );
  }
  strictEqual(JSON.stringify([ledger.investments(), ledger.history(), [...wallet]]), before);
  const refused = ledger.invest({ apiKey: "a", plan: PLAN.id, amount: "500.5" });
  deepStrictEqual(refused, { refused: "insufficient_balance", available: "500" });
  // The maximum is the position's: a top-up past it is refused.
  ledger.invest({ apiKey: "a", plan: PLAN.id, amount: "400" });
  ok("refused" in ledger.invest({ apiKey: "a", plan: PLAN.id, amount: "100" }) === false);
  deepStrictEqual(ledger.plans("a").map((plan) => plan.id), [PLAN.id, "capped"]);
  deepStrictEqual(ledger.plans("b").map((plan) => plan.id), [PLAN.id, "mine", "capped"]);
});

Deno.test("flex ledger: withdraw and close refusals", () => {
  const { ledger } = books([{ ...PLAN, minWithdrawal: "5" }]);
  const refusal = (outcome: unknown) => Object.entries(outcome as object)[0];
  deepStrictEqual(refusal(ledger.withdraw({ apiKey: "a", plan: PLAN.id, amount: "1" })), [
    "refused",
    "investment_not_found",
  ]);
  deepStrictEqual(refusal(ledger.close({ apiKey: "a", plan: PLAN.id })), [
    "refused",
    "investment_not_found",
  ]);
  deepStrictEqual(refusal(ledger.autoInvest({ apiKey: "a", plan: PLAN.id, enabled: true })), [
    "refused",
    "no_investment",
  ]);
  ledger.invest({ apiKey: "a", plan: PLAN.id, amount: "100" });
  const cases: [string, string][] = [
    ["0", "withdraw_too_small"],
    ["100.000001", "withdraw_exceeds_invested"],
    ["4.99", "withdraw_below_minimum"],
    ["90.01", "amount_left_below_minimum"],
    ["100", "amount_left_below_minimum"],
  ];
  for (const [amount, reason] of cases) {
    deepStrictEqual(refusal(ledger.withdraw({ apiKey: "a", plan: PLAN.id, amount })), [
      "refused",
      reason,
    ]);
  }
  ok("transaction" in ledger.withdraw({ apiKey: "a", plan: PLAN.id, amount: "90" }));
  ledger.close({ apiKey: "a", plan: PLAN.id });
  for (
    const outcome of [
      ledger.close({ apiKey: "a", plan: PLAN.id }),
      ledger.withdraw({ apiKey: "a", plan: PLAN.id, amount: "1" }),
    ]
  ) {
    deepStrictEqual(refusal(outcome), ["refused", "investment_closed"]);
  }
  deepStrictEqual(refusal(ledger.autoInvest({ apiKey: "a", plan: PLAN.id, enabled: true })), [
    "refused",
    "no_investment",
  ]);
  // Another account's position is not this one's.
  ledger.invest({ apiKey: "b", plan: PLAN.id, amount: "50" });
  deepStrictEqual(refusal(ledger.withdraw({ apiKey: "a", plan: PLAN.id, amount: "1" })), [
    "refused",
    "investment_closed",
  ]);
});

Deno.test("flex ledger: daily earnings on a clock that jumps, paid out or reinvested", () => {
  const { ledger, wallet, clock } = books();
  ledger.invest({ apiKey: "a", plan: PLAN.id, amount: "100" });
  ledger.invest({ apiKey: "b", plan: PLAN.id, amount: "100", withReinvest: true });
  clock.now += DAY - 1;
  ledger.settle();
  strictEqual(ledger.history(undefined, { actionTypes: [4] }).length, 0, "not a full day yet");
  clock.now += 2 * DAY + 1; // three days at once
  ledger.settle();
  ledger.settle(); // settling twice pays once
  // a: 0.1 a day to the balance.
  strictEqual(wallet.get("a USDT"), "900.3");
  strictEqual(ledger.investments("a")[0].invested, "100");
  // b: compounded into the position, 0.1, 0.1001, 0.1002001 → cut to 6 places.
  strictEqual(ledger.investments("b")[0].invested, "100.3003");
  strictEqual(wallet.get("b USDT"), "900");
  const b = ledger.history("b");
  deepStrictEqual(b.map((row) => row.actionType), [2, 4, 2, 4, 2, 4, 6]); // the reinvest after its earning
  deepStrictEqual(b.filter((row) => row.actionType === 4).map((row) => row.createdAt), [
    T0 / 1000 + 3 * 86_400,
    T0 / 1000 + 2 * 86_400,
    T0 / 1000 + 86_400,
  ]);
  // Newest first across positions.
  const all = ledger.history().map((row) => row.createdAt);
  deepStrictEqual(all, all.toSorted((x, y) => y - x));
  // A closed position earns nothing.
  ledger.close({ apiKey: "a", plan: PLAN.id });
  clock.now += 10 * DAY;
  ledger.settle();
  strictEqual(ledger.history("a", { actionTypes: [4] }).length, 3);
});

Deno.test("flex ledger: history filters", () => {
  const { ledger, clock } = books();
  const first = ledger.invest({ apiKey: "a", plan: PLAN.id, amount: "100" });
  clock.now += 5_000;
  ledger.withdraw({ apiKey: "a", plan: PLAN.id, amount: "10" });
  ok("transaction" in first);
  const { transaction_id } = first.transaction;
  deepStrictEqual(ledger.history("a", { transaction: transaction_id }).map((r) => r.amount), [
    "100",
  ]);
  deepStrictEqual(ledger.history("a", { dateFrom: T0 / 1000 + 1 }).map((r) => r.actionType), [3]);
  deepStrictEqual(ledger.history("a", { dateTo: T0 / 1000 }).map((r) => r.actionType), [6]);
  deepStrictEqual(ledger.history("a", { actionTypes: [1, 6] }).length, 1);
  deepStrictEqual(ledger.history("b"), []);
});

// client.flex against the sandbox, end to end: every call, the walkers, the
// refusals with their reasons, daily earnings on a moved clock, and
// reconciliation of real movements.

import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { PermissionError, WhiteBitError } from "../../mod.ts";
import {
  FLEX_ACTION_TYPE,
  FLEX_INVESTMENT_STATUS,
  FlexRejectedError,
} from "../../client/flex/mod.ts";
import { FLEX_PATHS, setup, T0 } from "../_fixtures.ts";

const DAY = 86_400_000;

function flexSetup(clock = { now: T0 }) {
  const { sandbox, client, sent } = setup({ now: () => clock.now });
  const [usdt, btc] = sandbox.flexPlans;
  return { sandbox, client, sent, usdt, btc, clock, apiKey: sandbox.credentials.apiKey };
}

Deno.test("flex end to end: open, top up, withdraw, reinvest, close, with exact balances", async () => {
  const { sandbox, client, usdt, btc, clock, apiKey } = flexSetup();
  strictEqual(usdt.ticker, "USDT");
  strictEqual(btc.ticker, "BTC");
  deepStrictEqual((await client.flex.plans({ ticker: "BTC" })).map((plan) => plan.id), [btc.id]);
  const opened = await client.flex.invest({ plan: usdt.id, amount: "1000", withReinvest: false });
  const topUp = await client.flex.invest({ plan: usdt.id, amount: "500.25" });
  strictEqual(sandbox.balance(apiKey, "USDT"), "998499.75");
  const { data: [position] } = await client.flex.investments({ plan: usdt.id });
  strictEqual(position.invested, "1500.25");
  strictEqual(position.status, FLEX_INVESTMENT_STATUS.Active);
  strictEqual(position.withAutoReinvest, false);
  const withdrawn = await client.flex.withdraw({ plan: usdt.id, amount: "0.25" });
  await client.flex.autoInvest({ plan: usdt.id, enabled: true });
  clock.now += DAY; // a day's earning, reinvested
  const { data: [earned] } = await client.flex.payments({ plan: usdt.id });
  strictEqual(earned.actionType, FLEX_ACTION_TYPE.DailyEarning);
  const { data: [grown] } = await client.flex.investments({ plan: usdt.id });
  strictEqual(grown.invested, `${1500 + Number(earned.amount)}`);
  const closed = await client.flex.close({ plan: usdt.id });
  const { data: [gone] } = await client.flex.investments({
    plan: usdt.id,
    investmentStatus: FLEX_INVESTMENT_STATUS.Closed,
  });
  strictEqual(gone.status, 0);
  strictEqual(gone.invested, "0");
  strictEqual(sandbox.balance(apiKey, "USDT"), `${1_000_000 + Number(earned.amount)}`);
  // Every movement is in the history with the transaction id its call returned.
  const rows = [];
  for await (const row of client.flex.allHistory({ plan: usdt.id, limit: 2 })) rows.push(row);
  const byId = new Map(rows.map((row) => [row.transaction_id, row.actionType]));
  strictEqual(byId.get(opened.transactionId), FLEX_ACTION_TYPE.OpenInvestment);
  strictEqual(byId.get(topUp.transactionId), FLEX_ACTION_TYPE.Invest);
  strictEqual(byId.get(withdrawn.transactionId), FLEX_ACTION_TYPE.WithdrawFromInvestment);
  strictEqual(byId.get(closed.transactionId), FLEX_ACTION_TYPE.CloseInvestment);
  deepStrictEqual(
    [...new Set(rows.map((row) => row.actionType))].sort(),
    [1, 2, 3, 4, 5, 6],
    "all six action types",
  );
  const types = [FLEX_ACTION_TYPE.WithdrawFromInvestment];
  const { data } = await client.flex.history({ plan: usdt.id, actionTypes: types });
  deepStrictEqual(data.map((row) => row.amount), ["0.25"]);
  let positions = 0;
  for await (const _ of client.flex.allInvestments()) positions++;
  strictEqual(positions, 1);
  let payments = 0;
  for await (const _ of client.flex.allPayments({ plan: usdt.id })) payments++;
  strictEqual(payments, 1);
});

Deno.test("flex end to end: refusals carry their reason and move nothing", async () => {
  const { sandbox, client, usdt, apiKey } = flexSetup();
  const reason = async (call: Promise<unknown>) => {
    const error = await call.then(() => null, (e) => e);
    ok(error instanceof FlexRejectedError, String(error));
    strictEqual(error.outcome, "not_executed");
    return error.reason;
  };
  strictEqual(await reason(client.flex.close({ plan: usdt.id })), "investment_not_found");
  strictEqual(
    await reason(client.flex.autoInvest({ plan: usdt.id, enabled: true })),
    "no_investment",
  );
  strictEqual(
    await reason(client.flex.invest({ plan: usdt.id, amount: "0.000001" })),
    "amount_below_minimum",
  );
  strictEqual(
    await reason(client.flex.invest({ plan: usdt.id, amount: "100000000" })),
    "amount_above_maximum",
  );
  await client.flex.invest({ plan: usdt.id, amount: "100" });
  strictEqual(
    await reason(client.flex.withdraw({ plan: usdt.id, amount: "100.01" })),
    "withdraw_exceeds_invested",
  );
  strictEqual(
    await reason(client.flex.withdraw({ plan: usdt.id, amount: "95" })),
    "amount_left_below_minimum",
  );
  await client.flex.close({ plan: usdt.id });
  strictEqual(await reason(client.flex.close({ plan: usdt.id })), "investment_closed");
  strictEqual(
    await reason(client.flex.withdraw({ plan: usdt.id, amount: "1" })),
    "investment_closed",
  );
  strictEqual(sandbox.balance(apiKey, "USDT"), "1000000");
  // An unknown plan is WhiteBIT's validator's 400, not a 422.
  const invalid = await client.flex.invest({ plan: "no-such-plan", amount: "100" })
    .then(() => null, (e) => e);
  ok(invalid instanceof WhiteBitError);
  strictEqual(invalid.name, "ValidationError");
  deepStrictEqual(invalid.fieldErrors, { plan: ["The selected plan is invalid."] });
});

Deno.test("flex end to end: the B2B gate answers 403 on every flex call", async () => {
  const { client, sandbox } = setup({ account: { lendingAccess: false } });
  const plan = sandbox.flexPlans[0].id;
  for (
    const call of [
      () => client.flex.plans(),
      () => client.flex.investments(),
      () => client.flex.history(),
      () => client.flex.payments(),
      () => client.flex.invest({ plan, amount: "100" }),
      () => client.flex.withdraw({ plan, amount: "1" }),
      () => client.flex.close({ plan }),
      () => client.flex.autoInvest({ plan, enabled: true }),
    ]
  ) {
    await rejects(call(), (error: WhiteBitError) => {
      ok(error instanceof PermissionError);
      strictEqual(error.outcome, "not_executed");
      return true;
    });
  }
});

Deno.test("flex end to end: findTransaction finds a real movement, and proves an absent one", async () => {
  const { sandbox, client, usdt } = flexSetup();
  await client.flex.invest({ plan: usdt.id, amount: "300" });
  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  const dropped = await client.flex.withdraw({ plan: usdt.id, amount: "12.5" })
    .then(() => null, (e: WhiteBitError) => e);
  strictEqual(dropped?.outcome, "unknown");
  const found = await client.flex.findTransaction(dropped!);
  strictEqual(found?.amount, "12.5");
  strictEqual(found?.actionType, FLEX_ACTION_TYPE.WithdrawFromInvestment);
  deepStrictEqual(
    sandbox.flexHistory.filter((row) => row.actionType === 3).map((row) => row.transaction_id),
    [found?.transaction_id],
  );
  sandbox.injectFault({ kind: "drop", afterProcessing: false });
  const lost = await client.flex.withdraw({ plan: usdt.id, amount: "13" })
    .then(() => null, (e: WhiteBitError) => e);
  strictEqual(lost?.outcome, "unknown");
  strictEqual(await client.flex.findTransaction(lost!), null);
  strictEqual(sandbox.requests.filter((r) => r.path === FLEX_PATHS.withdraw).length, 2);
});

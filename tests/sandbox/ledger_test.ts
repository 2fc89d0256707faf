// The ledger alone: accounts, balances, plans, investments, interest,
// maturity and close on the clock, in exact decimals. No request is built.

import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import type { Ledger } from "../../sandbox/_ledger.ts";
import { ACCOUNT, clock, KEY, ledgerAt, PLAN, SECRET, T } from "./_fixtures.ts";

const DAY_30 = 43_200 * 60; // PLAN's term, in seconds

/** Everything the ledger holds, to show that a refusal moved nothing. */
function snapshot(ledger: Ledger, ...keys: string[]): string {
  return JSON.stringify({
    plans: ledger.plans(),
    investments: ledger.investments(),
    payments: ledger.payments(),
    balances: keys.map((key) => ["USDT", "BTC"].map((ticker) => ledger.balance(key, ticker))),
  });
}

Deno.test("ledger: an investment takes its amount from the balance and the plan, and its interest from the plan's capacity", () => {
  const ledger = ledgerAt(() => T, { plans: [{ ...PLAN, interestCapacity: "1" }] });
  const result = ledger.invest({ apiKey: KEY, planId: "p1", amount: "10.5", nonce: 7 });
  deepStrictEqual(result, {
    investment: {
      id: "i1",
      apiKey: KEY,
      planId: "p1",
      ticker: "USDT",
      amount: "10.5",
      status: 1,
      created: T / 1000,
      updated: T / 1000,
      paymentTime: T / 1000 + DAY_30,
      interestPaid: "0",
      nonce: 7,
    },
  });
  strictEqual(ledger.balance(KEY, "USDT"), "989.5");
  const [plan] = ledger.plans();
  deepStrictEqual([plan.maxPossibleInvestment, plan.interestCapacity, plan.status], [
    "489.5",
    "0.895",
    1,
  ]);
});

Deno.test("ledger: refusals come in WhiteBIT's order (422 codes 1 to 5) and move nothing", () => {
  const single = { apiKey: "single", apiSecret: SECRET, balances: { USDT: "50" } };
  const ledger = ledgerAt(() => T, {
    accounts: [single],
    plans: [
      {
        id: "q",
        ticker: "USDT",
        minInvestment: "5",
        maxInvestment: "100",
        interestCapacity: "0.05",
      },
      {
        id: "r",
        ticker: "USDT",
        minInvestment: "1",
        maxInvestment: "100",
        interestCapacity: "0.01",
      },
    ],
  });
  const tries: [string, string, string][] = [
    ["q", "1", "below_minimum"],
    ["q", "101", "above_maximum"], // more than the balance too: the maximum comes first
    ["q", "60", "insufficient_balance"],
    ["r", "60", "insufficient_balance"], // more interest than the plan can pay too
    ["r", "2", "interest_capacity"],
  ];
  for (const [planId, amount, refused] of tries) {
    const before = snapshot(ledger, "single");
    deepStrictEqual(ledger.invest({ apiKey: "single", planId, amount, nonce: 1 }), {
      refused,
      available: "50",
    }, `${planId} ${amount}`);
    strictEqual(snapshot(ledger, "single"), before, `${planId} ${amount} moved nothing`);
  }
  strictEqual(
    "investment" in ledger.invest({ apiKey: "single", planId: "q", amount: "5", nonce: 2 }),
    true,
  );
  for (const amount of ["1", "6", "1000"]) { // one active investment per plan comes before every other rule
    const before = snapshot(ledger, "single");
    deepStrictEqual(ledger.invest({ apiKey: "single", planId: "q", amount, nonce: 3 }), {
      refused: "exists",
      available: "45",
    });
    strictEqual(snapshot(ledger, "single"), before);
  }
});

Deno.test("ledger: amounts move exactly, to the last of 18 decimals", () => {
  const ledger = ledgerAt(() => T, {
    accounts: [{ ...ACCOUNT, balances: { USDT: "1.3" } }],
    plans: [{
      id: "p1",
      ticker: "USDT",
      minInvestment: "0.000000000000000001",
      maxInvestment: "2",
    }],
  });
  for (const amount of ["0.1", "0.2", "0.999999999999999999"]) {
    strictEqual(
      "investment" in ledger.invest({ apiKey: KEY, planId: "p1", amount, nonce: 1 }),
      true,
    );
  }
  strictEqual(ledger.balance(KEY, "USDT"), "0.000000000000000001");
  strictEqual(ledger.plans()[0].maxPossibleInvestment, "0.700000000000000001");
  for (const id of ["i1", "i2", "i3"]) strictEqual(ledger.close(KEY, id), "closed");
  strictEqual(ledger.balance(KEY, "USDT"), "1.3");
  strictEqual(ledger.plans()[0].maxPossibleInvestment, "2");
});

Deno.test("ledger: interest is amount × percent / 100 / interestRatio, cut (not rounded) to the interest ticker's decimals", () => {
  const time = clock();
  const ledger = ledgerAt(time.now, {
    plans: [{
      id: "x",
      ticker: "USDT",
      interestTicker: "BTC",
      interestRatio: "40000",
      percent: "1",
      duration: 60,
      minInvestment: "1",
      maxInvestment: "1000",
    }],
    precision: { BTC: 8 },
  });
  ledger.invest({ apiKey: KEY, planId: "x", amount: "66.67", nonce: 1 }); // 0.0000166675 BTC
  time.set(T + 60 * 60_000);
  ledger.settle();
  strictEqual(ledger.balance(KEY, "BTC"), "0.00001666");
  strictEqual(ledger.balance(KEY, "USDT"), "1000");
  deepStrictEqual(ledger.payments(), [{
    apiKey: KEY,
    planId: "x",
    investmentId: "i1",
    amount: "0.00001666",
    ticker: "BTC",
    timestamp: T / 1000 + 3600,
  }]);
  strictEqual(ledger.investments()[0].interestPaid, "0.00001666");
});

Deno.test("ledger: maturity on the clock — nothing before the term, all of it as of the term, once, whatever the clock does next", () => {
  const time = clock();
  const ledger = ledgerAt(time.now);
  ledger.invest({ apiKey: KEY, planId: "p1", amount: "10", nonce: 1 });
  const due = T / 1000 + DAY_30;
  time.set(due * 1000 - 1);
  ledger.settle();
  deepStrictEqual([ledger.investments()[0].status, ledger.balance(KEY, "USDT")], [1, "990"]);
  time.set(due * 1000 + 86_400_000); // first looked at a day after its term
  ledger.settle();
  const [investment] = ledger.investments();
  deepStrictEqual(
    [investment.status, investment.updated, investment.interestPaid],
    [2, due, "0.1"],
  );
  strictEqual(ledger.balance(KEY, "USDT"), "1000.1");
  strictEqual(ledger.plans()[0].maxPossibleInvestment, "500");
  for (const jump of [T + 10 * 365 * 86_400_000, T, due * 1000]) { // years ahead, then back
    time.set(jump);
    ledger.settle();
    ledger.settle();
  }
  strictEqual(ledger.payments().length, 1);
  strictEqual(ledger.balance(KEY, "USDT"), "1000.1");
  strictEqual(ledger.payments()[0].timestamp, due, "paid at its term, not when settled");
});

Deno.test("ledger: a plan that runs out has status 2 until money comes back, by close or at maturity", () => {
  const time = clock();
  const ledger = ledgerAt(time.now, {
    plans: [{ id: "s", ticker: "USDT", duration: 1, minInvestment: "1", maxInvestment: "100" }],
  });
  ledger.invest({ apiKey: KEY, planId: "s", amount: "100", nonce: 1 });
  deepStrictEqual([ledger.plans()[0].status, ledger.plans()[0].maxPossibleInvestment], [2, "0"]);
  ledger.close(KEY, "i1");
  deepStrictEqual([ledger.plans()[0].status, ledger.plans()[0].maxPossibleInvestment], [1, "100"]);
  ledger.invest({ apiKey: KEY, planId: "s", amount: "100", nonce: 2 });
  strictEqual(ledger.plans()[0].status, 2);
  time.set(T + 60_000);
  ledger.settle();
  deepStrictEqual([ledger.plans()[0].status, ledger.plans()[0].maxPossibleInvestment], [1, "100"]);
});

Deno.test("ledger: close is the account's own, once: the amount and the plan's interest capacity come back, no interest", () => {
  const time = clock();
  const other = { apiKey: "other", apiSecret: SECRET, balances: { USDT: "5" } };
  const ledger = ledgerAt(time.now, {
    accounts: [ACCOUNT, other],
    plans: [{ ...PLAN, interestCapacity: "1" }],
  });
  ledger.invest({ apiKey: KEY, planId: "p1", amount: "10", nonce: 1 });
  const before = snapshot(ledger, KEY, "other");
  strictEqual(ledger.close("other", "i1"), "not_found");
  strictEqual(ledger.close(KEY, "nope"), "not_found");
  strictEqual(snapshot(ledger, KEY, "other"), before);
  time.set(T + 1_500);
  strictEqual(ledger.close(KEY, "i1"), "closed");
  deepStrictEqual(
    [ledger.investments()[0].status, ledger.investments()[0].updated],
    [2, T / 1000 + 1],
  );
  strictEqual(ledger.balance(KEY, "USDT"), "1000");
  strictEqual(ledger.plans()[0].interestCapacity, "1");
  const closed = snapshot(ledger, KEY, "other");
  strictEqual(ledger.close(KEY, "i1"), "already_closed");
  time.set(T + 2 * DAY_30 * 1000); // past the term: a closed investment earns nothing
  ledger.settle();
  strictEqual(snapshot(ledger, KEY, "other"), closed);
});

Deno.test("ledger: histories are the account's, newest first, the later of one second first, and filter by id, ticker, status and plan", () => {
  const time = clock();
  const other = { apiKey: "other", apiSecret: SECRET, balances: { USDT: "100" } };
  const ledger = ledgerAt(time.now, {
    accounts: [{ ...ACCOUNT, balances: { USDT: "1000", BTC: "1" } }, other],
    plans: [
      { id: "p1", ticker: "USDT", duration: 1, minInvestment: "1", maxInvestment: "500" },
      { id: "p2", ticker: "USDT", duration: 1, minInvestment: "1", maxInvestment: "500" },
      { id: "b", ticker: "BTC", duration: 60, minInvestment: "0.1", maxInvestment: "1" },
    ],
  });
  ledger.invest({ apiKey: KEY, planId: "p1", amount: "10", nonce: 1 }); // i1
  time.set(T + 500);
  ledger.invest({ apiKey: KEY, planId: "p2", amount: "10", nonce: 2 }); // i2, the same second
  ledger.invest({ apiKey: "other", planId: "p1", amount: "10", nonce: 3 }); // i3
  time.set(T + 2_000);
  ledger.invest({ apiKey: KEY, planId: "b", amount: "0.5", nonce: 4 }); // i4
  const ids = (records: readonly { id: string }[]) => records.map(({ id }) => id);
  deepStrictEqual(ids(ledger.investmentsOf(KEY)), ["i4", "i2", "i1"]);
  deepStrictEqual(ids(ledger.investmentsOf("other")), ["i3"]);
  deepStrictEqual(ids(ledger.investmentsOf(KEY, { ticker: "BTC" })), ["i4"]);
  deepStrictEqual(ids(ledger.investmentsOf(KEY, { id: "i3" })), []);
  time.set(T + 60_000); // p1 and p2 mature, b does not
  ledger.settle();
  deepStrictEqual(ids(ledger.investmentsOf(KEY, { status: 2 })), ["i2", "i1"]);
  deepStrictEqual(ids(ledger.investmentsOf(KEY, { status: 1 })), ["i4"]);
  const paid = (filter = {}) => ledger.paymentsOf(KEY, filter).map((p) => p.investmentId);
  deepStrictEqual(paid(), ["i2", "i1"], "one timestamp: the later paid first");
  deepStrictEqual(paid({ planId: "p2" }), ["i2"]);
  deepStrictEqual(paid({ ticker: "BTC" }), []);
  strictEqual(ledger.hasInvestment("i3"), true, "any account's");
  strictEqual(ledger.hasInvestment("i9"), false);
});

Deno.test("ledger: 100 000 past investments join closed and oldest first, move no money, and take ids in the order given", () => {
  const count = 100_000;
  const ledger = ledgerAt(() => T, {
    accounts: [ACCOUNT, { apiKey: "other", apiSecret: SECRET }],
    pastInvestments: Array.from({ length: count }, (_, i) => ({
      planId: "p1",
      amount: "1",
      created: 1_700_000_000 + count - i, // newest first
      ...(i === 0 ? { apiKey: "other", id: "mine" } : {}),
    })),
  });
  const investments = ledger.investments();
  strictEqual(investments.length, count);
  deepStrictEqual(
    [investments[0].id, investments[0].created, investments.at(-1)!.id, investments.at(-1)!.apiKey],
    [`i${count - 1}`, 1_700_000_001, "mine", "other"],
  );
  strictEqual(
    investments.every((i) => i.status === 2 && i.interestPaid === "0" && i.nonce === 0),
    true,
  );
  strictEqual(investments[0].apiKey, KEY, "the first account's by default");
  strictEqual(ledger.balance(KEY, "USDT"), "1000");
  strictEqual(ledger.plans()[0].maxPossibleInvestment, "500");
  ledger.settle();
  strictEqual(ledger.payments().length, 0);
});

Deno.test("ledger: no account, or a past investment outside its plans and accounts, is refused in words", () => {
  throws(() => ledgerAt(() => T, { accounts: [] }), {
    name: "TypeError",
    message: "Cannot create sandbox: it needs at least one account: current value is []",
  });
  for (
    const seed of [
      { planId: "nope", amount: "5", created: 1 },
      { planId: "p1", amount: "5e3", created: 1 },
      { planId: "p1", amount: "5", created: 1.5 },
      { planId: "p1", amount: "5", created: 1, apiKey: "stranger" },
    ]
  ) {
    throws(() => ledgerAt(() => T, { pastInvestments: [seed] }), {
      name: "TypeError",
      message: `Cannot create sandbox: a past investment must be in a sandbox plan and account, ` +
        `with a decimal amount and whole seconds: current value is ${
          JSON.stringify(JSON.stringify(seed))
        }`,
    });
  }
});

Deno.test("ledger: investing for an unknown account or plan throws and moves nothing", () => {
  const ledger = ledgerAt(() => T);
  const before = snapshot(ledger, KEY);
  throws(
    () => ledger.invest({ apiKey: "nobody", planId: "p1", amount: "10", nonce: 1 }),
    RangeError,
  );
  throws(() => ledger.invest({ apiKey: KEY, planId: "nope", amount: "10", nonce: 1 }), RangeError);
  strictEqual(snapshot(ledger, KEY), before);
});

Deno.test("ledger: a ticker named like an Object member gets the default precision, not the prototype's", () => {
  const time = clock();
  const ledger = ledgerAt(time.now, {
    accounts: [{ ...ACCOUNT, balances: { constructor: "100" } }],
    plans: [{
      id: "c",
      ticker: "constructor",
      duration: 1,
      minInvestment: "1",
      maxInvestment: "100",
    }],
  });
  strictEqual(ledger.precision("toString"), 8);
  strictEqual(ledger.knowsTicker("toString"), false);
  strictEqual(ledger.knowsTicker("constructor"), true);
  strictEqual(
    "investment" in ledger.invest({ apiKey: KEY, planId: "c", amount: "33.333", nonce: 1 }),
    true,
  );
  time.set(T + 60_000);
  ledger.settle();
  strictEqual(ledger.balance(KEY, "constructor"), "100.33333");
});

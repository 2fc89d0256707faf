import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import {
  CloseRejectedError,
  type FixedPlan,
  INVESTMENT_STATUS,
  NetworkError,
  PermissionError,
  PLAN_STATUS,
  ValidationError,
  WhiteBitClient,
  WhiteBitError,
} from "../../mod.ts";
import { type SandboxAccount, type SandboxPlan, WhiteBitSandbox } from "../../testing.ts";
import { setup as sharedSetup } from "../_fixtures.ts";

const PLANS = "/api/v4/main-account/smart/plans";
const INVESTMENTS = "/api/v4/main-account/smart/investments";
const CLOSE = "/api/v4/main-account/smart/investment/close";
const INTEREST = "/api/v4/main-account/smart/interest-payment-history";
const T0 = 1_800_000_000_000;

const ACCOUNT: SandboxAccount = {
  apiKey: "lending-key-2b7e",
  apiSecret: "lending-secret-9c4d1f",
  balances: { USDT: "100000", BTC: "3" },
  multipleInvestments: true,
};
const USDT_PLAN: SandboxPlan = {
  id: "plan-usdt-30d",
  ticker: "USDT",
  percent: "2.5",
  duration: 43_200,
  minInvestment: "10",
  maxInvestment: "50000",
  maxPossibleInvestment: "80000",
};
const BTC_INTEREST_PLAN: SandboxPlan = {
  id: "plan-usdt-btc",
  ticker: "USDT",
  percent: "10",
  duration: 1_440,
  interestTicker: "BTC",
  interestRatio: "40000",
  minInvestment: "1",
  maxInvestment: "10000",
};
const HIDDEN_PLANS: SandboxPlan[] = [
  { id: "special", ticker: "USDT", minInvestment: "1", maxInvestment: "9", specialOffer: true },
  { id: "disabled", ticker: "USDT", minInvestment: "1", maxInvestment: "9", disabled: true },
  { id: "inactive", ticker: "USDT", minInvestment: "1", maxInvestment: "9", status: 3 },
];
const PAUSED_PLAN: SandboxPlan = {
  id: "paused-btc",
  ticker: "BTC",
  status: 4,
  minInvestment: "0.01",
  maxInvestment: "1",
};

/** The shared setup with these plans, on a clock the test moves. */
function setup(options: { account?: Partial<SandboxAccount> } = {}) {
  const clock = { now: T0 };
  const { sandbox, client } = sharedSetup({
    account: { ...ACCOUNT, ...options.account },
    plans: [USDT_PLAN, BTC_INTEREST_PLAN, ...HIDDEN_PLANS, PAUSED_PLAN],
    precision: { USDT: 6, BTC: 8 },
    now: () => clock.now,
  });
  return { sandbox, client, clock };
}

const sentTo = (sandbox: WhiteBitSandbox, path: string) =>
  sandbox.requests.filter((r) => r.path === path).length;

Deno.test("plans(): the plans open through the API, typed, decimals as strings", async () => {
  const { client } = setup();
  const plans = await client.plans();
  deepStrictEqual(plans.map((plan) => plan.id), [USDT_PLAN.id, BTC_INTEREST_PLAN.id, "paused-btc"]);
  deepStrictEqual(
    plans[0],
    {
      id: USDT_PLAN.id,
      ticker: "USDT",
      status: PLAN_STATUS.Active,
      percent: "2.5",
      duration: 43_200,
      interestTicker: "USDT",
      interestRatio: "1",
      minInvestment: "10",
      maxInvestment: "50000",
      maxPossibleInvestment: "80000",
    } satisfies FixedPlan,
  );
  strictEqual(plans[2].status, PLAN_STATUS.Paused);
  deepStrictEqual((await client.plans({ ticker: "BTC" })).map((plan) => plan.id), ["paused-btc"]);
});

Deno.test("plans() and investments() over HTTP on 127.0.0.1", async () => {
  const { sandbox } = setup();
  await using server = sandbox.listen();
  const client = new WhiteBitClient({ ...sandbox.credentials, baseUrl: server.url, now: () => T0 });
  strictEqual((await client.plans({ ticker: "USDT" })).length, 2);
  const { id } = await client.invest({ planId: USDT_PLAN.id, amount: "100.5" });
  const { records } = await client.investments({ id });
  strictEqual(records[0].amount, "100.5");
  await client.closeInvestment(id);
  strictEqual((await client.investments({ id })).records[0].status, INVESTMENT_STATUS.Closed);
});

Deno.test("investments(): one page, newest first, with its filters", async () => {
  const { client, clock } = setup();
  const ids: string[] = [];
  for (const amount of ["10", "20", "30"]) {
    ids.push((await client.invest({ planId: USDT_PLAN.id, amount })).id);
    clock.now += 1000;
  }
  const btc = await client.invest({ planId: BTC_INTEREST_PLAN.id, amount: "5" });
  const all = await client.investments();
  deepStrictEqual(all.records.map((r) => r.id), [btc.id, ...ids.toReversed()]);
  strictEqual(all.offset, 0);
  strictEqual(all.limit, 100);
  const first = all.records.at(-1)!;
  strictEqual(first.created, T0 / 1000);
  strictEqual(first.updated, T0 / 1000);
  strictEqual(first.paymentTime, T0 / 1000 + 43_200 * 60, "duration is in minutes");
  strictEqual(first.interestPaid, "0");
  strictEqual(first.plan.id, USDT_PLAN.id);
  strictEqual(first.status, INVESTMENT_STATUS.Active);

  const page = await client.investments({ limit: 2, offset: 1 });
  deepStrictEqual(page.records.map((r) => r.id), [ids[2], ids[1]]);
  deepStrictEqual([page.offset, page.limit], [1, 2]);
  deepStrictEqual((await client.investments({ id: ids[1] })).records.map((r) => r.amount), ["20"]);
  await client.closeInvestment(ids[0]);
  deepStrictEqual(
    (await client.investments({ status: INVESTMENT_STATUS.Closed })).records.map((r) => r.id),
    [ids[0]],
  );
  strictEqual((await client.investments({ status: INVESTMENT_STATUS.Active })).records.length, 3);
  strictEqual((await client.investments({ ticker: "BTC" })).records.length, 0, "by plan ticker");
});

Deno.test("allInvestments() walks every page and stops on the first short one", async () => {
  const { sandbox, client } = setup();
  await Promise.all(
    Array.from({ length: 250 }, () => client.invest({ planId: USDT_PLAN.id, amount: "10" })),
  );
  for (const [limit, requests] of [[100, 3], [50, 6], [99, 3]] as const) {
    const before = sentTo(sandbox, INVESTMENTS);
    const seen = [];
    for await (const investment of client.allInvestments({ limit })) seen.push(investment.id);
    strictEqual(seen.length, 250, `limit ${limit}`);
    strictEqual(new Set(seen).size, 250);
    strictEqual(sentTo(sandbox, INVESTMENTS) - before, requests, `limit ${limit}`);
  }
  let fromOffset = 0;
  for await (const _ of client.allInvestments({ offset: 240 })) fromOffset++;
  strictEqual(fromOffset, 10);
});

/** A fetch that answers every history read with a full page, so a walk only ends at the cap. */
function endlessHistory(limitOfPage: (body: Record<string, number>) => number) {
  const offsets: number[] = [];
  const plan = { ...USDT_PLAN, status: 1, interestTicker: "USDT", interestRatio: "1" };
  const fetch = (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body));
    offsets.push(body.offset);
    const records = Array.from({ length: limitOfPage(body) }, (_, i) => ({
      id: `inv-${body.offset + i}`,
      plan,
      status: 1,
      created: 1,
      updated: 1,
      paymentTime: 2,
      amount: "10",
      interestPaid: "0",
    }));
    return Promise.resolve(Response.json({ offset: body.offset, limit: body.limit, records }));
  };
  return { offsets, fetch };
}

Deno.test("allInvestments() never asks past offset 10 000 and says so when the history goes on", async () => {
  for (const limit of [100, 30]) {
    const { offsets, fetch } = endlessHistory((body) => body.limit);
    const client = new WhiteBitClient({ apiKey: "k", apiSecret: "s", fetch });
    const ids: string[] = [];
    const error = await (async () => {
      for await (const investment of client.allInvestments({ limit })) ids.push(investment.id);
    })().catch((error) => error);
    ok(error instanceof RangeError, String(error));
    ok(error.message.startsWith("Cannot read past offset 10000"), error.message);
    strictEqual(Math.max(...offsets), 10_000);
    strictEqual(offsets.at(-1), 10_000, "the last page is pulled back to the last offset");
    deepStrictEqual(
      ids,
      Array.from({ length: 10_000 + limit }, (_, i) => `inv-${i}`),
      "every record up to the end of the last page, once",
    );
  }
  const { offsets, fetch } = endlessHistory((body) => (body.offset === 10_000 ? 7 : body.limit));
  const client = new WhiteBitClient({ apiKey: "k", apiSecret: "s", fetch });
  let count = 0;
  for await (const _ of client.allInvestments()) count++;
  strictEqual(count, 10_007, "a short last page ends the walk without an error");
  strictEqual(offsets.length, 101);
});

Deno.test("closeInvestment(): amount back to the balance, status closed, no interest", async () => {
  const { sandbox, client, clock } = setup();
  const { id } = await client.invest({ planId: USDT_PLAN.id, amount: "1234.5" });
  strictEqual(sandbox.balance(ACCOUNT.apiKey, "USDT"), "98765.5");
  strictEqual(sandbox.plans[0].maxPossibleInvestment, "78765.5");
  clock.now += 60_000;
  await client.closeInvestment(id);
  strictEqual(sandbox.balance(ACCOUNT.apiKey, "USDT"), "100000");
  strictEqual(sandbox.plans[0].maxPossibleInvestment, "80000");
  const [investment] = (await client.investments({ id })).records;
  strictEqual(investment.status, INVESTMENT_STATUS.Closed);
  strictEqual(investment.updated, (T0 + 60_000) / 1000);
  strictEqual(investment.interestPaid, "0");
  strictEqual((await client.interestPayments()).records.length, 0);
});

Deno.test("closeInvestment() twice: CloseRejectedError already_closed, nothing moves", async () => {
  const { sandbox, client } = setup();
  const { id } = await client.invest({ planId: USDT_PLAN.id, amount: "100" });
  await client.closeInvestment(id);
  const error = await client.closeInvestment(id).catch((e) => e);
  ok(error instanceof CloseRejectedError, String(error));
  strictEqual(error.reason, "already_closed");
  strictEqual(error.status, 422);
  strictEqual(error.code, 0);
  strictEqual(error.outcome, "not_executed");
  deepStrictEqual(error.fieldErrors, { error: ["Investment is already closed"] });
  deepStrictEqual(error.params, { id });
  strictEqual(sandbox.balance(ACCOUNT.apiKey, "USDT"), "100000");
  strictEqual(sentTo(sandbox, CLOSE), 2, "never retried");
});

Deno.test("closeInvestment() of an unknown or another account's investment: ValidationError", async () => {
  const other: SandboxAccount = {
    apiKey: "other-key",
    apiSecret: "other-secret",
    balances: { USDT: "50" },
  };
  const sandbox = new WhiteBitSandbox({ accounts: [ACCOUNT, other], plans: [USDT_PLAN] });
  const mine = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
  const theirs = new WhiteBitClient({ ...other, fetch: sandbox.fetch });
  const { id } = await theirs.invest({ planId: USDT_PLAN.id, amount: "50" });
  for (const target of ["no-such-investment", id]) {
    const error = await mine.closeInvestment(target).catch((e) => e);
    ok(error instanceof ValidationError, String(error));
    deepStrictEqual(error.fieldErrors, { id: ["Investment not found"] });
    strictEqual(error.outcome, "not_executed");
  }
  strictEqual(sandbox.investments[0].status, 1);
  strictEqual(sandbox.balance("other-key", "USDT"), "0");
});

Deno.test("closeInvestment() dropped after processing on a warm connection: sent once, outcome unknown", async () => {
  const { sandbox } = setup();
  await using server = sandbox.listen();
  const client = new WhiteBitClient({ ...sandbox.credentials, baseUrl: server.url, now: () => T0 });
  const { id } = await client.invest({ planId: USDT_PLAN.id, amount: "100" });
  await client.plans(); // the client's connection is warm
  sandbox.injectFault({ kind: "drop", afterProcessing: true }, { path: CLOSE });
  const error = await client.closeInvestment(id).catch((e) => e);
  ok(error instanceof NetworkError, String(error));
  strictEqual(error.outcome, "unknown");
  strictEqual(sentTo(sandbox, CLOSE), 1, "a state-changing call reaches WhiteBIT once");
  strictEqual((await client.investments({ id })).records[0].status, INVESTMENT_STATUS.Closed);
});

Deno.test("maturity on the sandbox clock: interest paid once, amount returned, investment closed", async () => {
  const { sandbox, client, clock } = setup();
  const { id } = await client.invest({ planId: USDT_PLAN.id, amount: "1000" });
  const paymentTime = T0 / 1000 + USDT_PLAN.duration! * 60;
  clock.now = (paymentTime - 1) * 1000;
  strictEqual((await client.interestPayments()).records.length, 0, "a second early: nothing");
  strictEqual(sandbox.balance(ACCOUNT.apiKey, "USDT"), "99000");
  clock.now = paymentTime * 1000;
  const { records } = await client.interestPayments();
  deepStrictEqual(records, [{
    planId: USDT_PLAN.id,
    investmentId: id,
    amount: "25",
    ticker: "USDT",
    timestamp: paymentTime,
  }]);
  clock.now += 86_400_000;
  strictEqual((await client.interestPayments()).records.length, 1, "paid once");
  strictEqual(sandbox.balance(ACCOUNT.apiKey, "USDT"), "100025");
  const [investment] = (await client.investments({ id })).records;
  strictEqual(investment.status, INVESTMENT_STATUS.Closed);
  strictEqual(investment.interestPaid, "25");
  strictEqual(investment.updated, paymentTime);
  const error = await client.closeInvestment(id).catch((e) => e);
  strictEqual(error instanceof CloseRejectedError && error.reason, "already_closed");
});

Deno.test("interest in another ticker is divided by interestRatio and cut to its decimals", async () => {
  const { sandbox, client, clock } = setup();
  await client.invest({ planId: BTC_INTEREST_PLAN.id, amount: "1000" }); // 100 USDT of interest
  await client.invest({ planId: BTC_INTEREST_PLAN.id, amount: "3.333333" }); // 0.3333333 USDT
  clock.now += BTC_INTEREST_PLAN.duration! * 60_000;
  const payments = (await client.interestPayments({ ticker: "BTC" })).records;
  deepStrictEqual(payments.map((p) => p.amount).sort(), ["0.0025", "0.00000833"].sort());
  strictEqual(sandbox.balance(ACCOUNT.apiKey, "BTC"), "3.00250833");
  strictEqual(sandbox.balance(ACCOUNT.apiKey, "USDT"), "100000");
});

Deno.test("interestPayments(): filters, paging, newest first; allInterestPayments() walks them", async () => {
  const { client, clock } = setup();
  for (let i = 0; i < 5; i++) {
    await client.invest({ planId: USDT_PLAN.id, amount: "100" });
    await client.invest({ planId: BTC_INTEREST_PLAN.id, amount: "40" });
    clock.now += 3_600_000;
  }
  clock.now += USDT_PLAN.duration! * 60_000;
  const all = await client.interestPayments();
  strictEqual(all.records.length, 10);
  const times = all.records.map((p) => p.timestamp);
  deepStrictEqual(times, times.toSorted((a, b) => b - a));
  strictEqual((await client.interestPayments({ planId: USDT_PLAN.id })).records.length, 5);
  strictEqual((await client.interestPayments({ ticker: "BTC" })).records.length, 5);
  strictEqual(
    (await client.interestPayments({ ticker: "USDT", limit: 2, offset: 4 })).records.length,
    1,
  );
  const walked = [];
  for await (const payment of client.allInterestPayments({ limit: 3 })) walked.push(payment);
  deepStrictEqual(walked, all.records);
});

Deno.test("lending access and disabled keys: PermissionError on every endpoint", async () => {
  for (const account of [{ lendingAccess: false }, { keyEnabled: false }]) {
    const { sandbox, client } = setup({ account });
    const calls = [
      () => client.plans(),
      () => client.investments(),
      () => client.closeInvestment("some-id"),
      () => client.interestPayments(),
    ];
    for (const call of calls) {
      const error = await call().catch((e) => e);
      ok(error instanceof PermissionError, String(error));
      strictEqual(error.status, 403);
      strictEqual(error.outcome, "not_executed");
    }
    strictEqual(sandbox.requests.length, 4);
  }
});

Deno.test("WhiteBIT's 400s on the read endpoints are ValidationErrors with its messages", async () => {
  const { client } = setup();
  const cases: [() => Promise<unknown>, Record<string, string[]>][] = [
    [() => client.plans({ ticker: "DOGE" }), { ticker: ["The selected ticker is invalid."] }],
    [() => client.investments({ id: "nope" }), { id: ["The selected id is invalid."] }],
    [() => client.investments({ ticker: "XYZ" }), { ticker: ["The selected ticker is invalid."] }],
    [
      () => client.interestPayments({ planId: "nope", ticker: "XYZ" }),
      { planId: ["The selected planId is invalid."], ticker: ["The selected ticker is invalid."] },
    ],
  ];
  for (const [call, fieldErrors] of cases) {
    const error = await call().catch((e) => e);
    ok(error instanceof ValidationError, String(error));
    deepStrictEqual(error.fieldErrors, fieldErrors);
    strictEqual(error.outcome, "not_executed");
  }
});

Deno.test("an answer that is not as documented is a WhiteBitError naming the field", async () => {
  const cases: [string, string, () => Promise<unknown>, string][] = [
    [PLANS, '[{"id":"p"}]', () => client.plans(), "answer[0].ticker"],
    [PLANS, '{"plans":[]}', () => client.plans(), "answer must be an array"],
    [INVESTMENTS, '{"offset":0,"limit":100}', () => client.investments(), "answer.records"],
    [
      INTEREST,
      '{"offset":0,"limit":100,"records":[{"planId":"p","investmentId":"i","amount":1,"ticker":"USDT","timestamp":1}]}',
      () => client.interestPayments(),
      "answer.records[0].amount must be a decimal string",
    ],
  ];
  const { sandbox, client } = setup();
  for (const [path, body, call, mention] of cases) {
    sandbox.injectFault({ kind: "respond", status: 200, body, contentType: "application/json" }, {
      path,
    });
    const error = await call().catch((e) => e);
    ok(error instanceof WhiteBitError && error.constructor === WhiteBitError, String(error));
    ok(error.message.includes(mention), error.message);
    ok(error.cause instanceof TypeError);
    strictEqual(error.status, 200);
    strictEqual(error.requestPath, path);
  }
});

Deno.test("bad parameters are refused before anything is sent, with std-style messages", async () => {
  let sent = 0;
  const client = new WhiteBitClient({
    apiKey: "k",
    apiSecret: "s",
    fetch: () => {
      sent++;
      return Promise.resolve(Response.json({}));
    },
  });
  const cases: [string, () => unknown, typeof TypeError | typeof RangeError, RegExp?][] = [
    ["plans ticker number", () => client.plans({ ticker: 5 as unknown as string }), TypeError],
    ["plans ticker empty", () => client.plans({ ticker: "" }), RangeError],
    ["plans ticker space", () => client.plans({ ticker: "US DT" }), RangeError],
    ["plans null", () => client.plans(null as unknown as object), TypeError],
    ["investments id", () => client.investments({ id: "" }), RangeError],
    ["investments status 3", () => client.investments({ status: 3 as 1 }), RangeError],
    ["investments status 0", () => client.investments({ status: 0 as 1 }), RangeError],
    [
      "investments status '1'",
      () => client.investments({ status: "1" as unknown as 1 }),
      TypeError,
    ],
    [
      "investments limit 101",
      () => client.investments({ limit: 101 }),
      RangeError,
      /^Cannot use "limit": it must be a whole number from 1 to 100: current value is 101$/,
    ],
    ["investments limit 0", () => client.investments({ limit: 0 }), RangeError],
    ["investments limit 1.5", () => client.investments({ limit: 1.5 }), RangeError],
    ["investments limit NaN", () => client.investments({ limit: NaN }), RangeError],
    [
      "investments limit '10'",
      () => client.investments({ limit: "10" as unknown as 1 }),
      TypeError,
    ],
    [
      "investments offset 10001",
      () => client.investments({ offset: 10_001 }),
      RangeError,
      /^Cannot use "offset": it must be a whole number from 0 to 10000: current value is 10001$/,
    ],
    ["investments offset -1", () => client.investments({ offset: -1 }), RangeError],
    ["allInvestments limit", () => client.allInvestments({ limit: 500 }), RangeError],
    ["allInvestments ticker", () => client.allInvestments({ ticker: " " }), RangeError],
    [
      "interest planId",
      () => client.interestPayments({ planId: 7 as unknown as string }),
      TypeError,
    ],
    ["interest offset", () => client.interestPayments({ offset: 20_000 }), RangeError],
    ["allInterestPayments limit", () => client.allInterestPayments({ limit: 0 }), RangeError],
    ["close undefined", () => client.closeInvestment(undefined as unknown as string), TypeError],
    ["close empty", () => client.closeInvestment(""), RangeError],
    ["close whitespace", () => client.closeInvestment("a b"), RangeError],
  ];
  for (const [name, call, type, message] of cases) {
    const check = (error: unknown) => {
      ok(error instanceof type, `${name}: ${error}`);
      ok((error as Error).message.startsWith("Cannot "), `${name}: ${(error as Error).message}`);
      if (message) ok(message.test((error as Error).message), (error as Error).message);
      return true;
    };
    let result: unknown;
    try {
      result = call();
    } catch (error) {
      check(error); // the walkers check when called, before the first page
      continue;
    }
    await rejects(result as Promise<unknown>, check);
  }
  throws(() => client.allInvestments({ status: 9 as 1 }), RangeError);
  strictEqual(sent, 0);
});

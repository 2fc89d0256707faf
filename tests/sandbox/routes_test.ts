// The routes: WhiteBIT's public time and fixed-lending endpoints, their
// request validator's answers, and the ledger's refusals in WhiteBIT's words.

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  ACCOUNT,
  call,
  CLOSE,
  failed,
  INTEREST,
  INVEST,
  investBody,
  INVESTMENTS,
  KEY,
  PLAN,
  PLANS,
  sandboxAt,
  send,
  T,
} from "./_fixtures.ts";

Deno.test("sandbox: amounts the client would refuse get WhiteBIT's own answers", async () => {
  const sandbox = sandboxAt(T);
  let nonce = T;
  const amountError = async (amount: unknown) =>
    (await send(sandbox, investBody(++nonce, { amount }))).body.errors;
  deepStrictEqual(await amountError("abc"), {
    amount: ["The amount field must be a valid number"],
  });
  deepStrictEqual(await amountError("1e3"), { amount: ["Invalid decimal amount"] });
  deepStrictEqual(await amountError("-1"), { amount: ["The amount must be at least 0.000001."] });
  deepStrictEqual(await amountError(""), { amount: ["The amount field is required."] });
  deepStrictEqual(await amountError(null), { amount: ["The amount field is required."] });
  deepStrictEqual(await amountError({}), { amount: ["The amount field must be a valid number"] });
  deepStrictEqual(
    (await send(sandbox, investBody(++nonce, { planId: "nope", amount: "x" }))).body.errors,
    {
      planId: ["The selected planId is invalid."],
      amount: ["The amount field must be a valid number"],
    },
  );
  strictEqual(sandbox.investments.length, 0);
});
Deno.test("sandbox: GET on a private path and unknown paths are empty 404s", async () => {
  const sandbox = sandboxAt(T);
  for (const [method, path] of [["GET", INVEST], ["POST", "/api/v4/nothing"]]) {
    const response = await sandbox.fetch(`https://whitebit.com${path}`, { method });
    strictEqual(response.status, 404);
    strictEqual(await response.text(), "");
  }
});

Deno.test("sandbox: the public time is whole Unix seconds of its clock", async () => {
  const response = await sandboxAt(T + 999).fetch("https://whitebit.com/api/v4/public/time");
  deepStrictEqual(await response.json(), { time: T / 1000 });
});
Deno.test("sandbox: Get plans answers the documented fields, and 400 for an unknown ticker", async () => {
  const sandbox = sandboxAt(T);
  deepStrictEqual(await call(sandbox, PLANS, T), {
    status: 200,
    body: [{
      id: "p1",
      ticker: "USDT",
      status: 1,
      percent: "1",
      duration: 43_200,
      interestTicker: "USDT",
      interestRatio: "1",
      minInvestment: "1",
      maxInvestment: "500",
      maxPossibleInvestment: "500",
    }],
  });
  deepStrictEqual(
    await call(sandbox, PLANS, T + 1, { ticker: "DOGE" }),
    failed({ ticker: ["The selected ticker is invalid."] }),
  );
});

Deno.test("sandbox: the investments history pages within limit 1–100 and offset 0–10 000", async () => {
  const sandbox = sandboxAt(T);
  let nonce = T;
  for (let i = 0; i < 3; i++) strictEqual((await send(sandbox, investBody(++nonce))).status, 201);
  const answer = await call(sandbox, INVESTMENTS, ++nonce, { limit: "2", offset: 1 });
  strictEqual(answer.status, 200);
  deepStrictEqual([answer.body.offset, answer.body.limit, answer.body.records.length], [1, 2, 2]);
  deepStrictEqual(Object.keys(answer.body.records[0]).sort(), [
    "amount",
    "created",
    "id",
    "interestPaid",
    "paymentTime",
    "plan",
    "status",
    "updated",
  ]);
  const limits: [Record<string, unknown>, Record<string, string[]>][] = [
    [{ limit: 0 }, { limit: ["The limit must be at least 1."] }],
    [{ limit: 101 }, { limit: ["The limit must not be greater than 100."] }],
    [{ limit: 1.5 }, { limit: ["The limit must be an integer."] }],
    [{ limit: "ten" }, { limit: ["The limit must be an integer."] }],
    [{ offset: -1 }, { offset: ["The offset must be at least 0."] }],
    [{ offset: 10_001 }, { offset: ["The offset must not be greater than 10000."] }],
    [{ status: 3 }, { status: ["The selected status is invalid."] }],
    [
      { id: "nope", ticker: "XYZ", status: 0 },
      {
        id: ["The selected id is invalid."],
        ticker: ["The selected ticker is invalid."],
        status: ["The selected status is invalid."],
      },
    ],
  ];
  for (const [params, errors] of limits) {
    deepStrictEqual(await call(sandbox, INVESTMENTS, ++nonce, params), failed(errors));
  }
  strictEqual(
    (await call(sandbox, INVESTMENTS, ++nonce, { limit: 100, offset: 10_000 })).status,
    200,
  );
});

Deno.test("sandbox: Close answers 200 {}, then WhiteBIT's 422, and 400s for a bad id", async () => {
  const sandbox = sandboxAt(T);
  const { body } = await send(sandbox, investBody(T));
  deepStrictEqual(
    await call(sandbox, CLOSE, T + 1),
    failed({ id: ["The id field is required."] }),
  );
  deepStrictEqual(
    await call(sandbox, CLOSE, T + 2, { id: "nope" }),
    failed({ id: ["Investment not found"] }),
  );
  deepStrictEqual(await call(sandbox, CLOSE, T + 3, { id: body.id }), { status: 200, body: {} });
  strictEqual(sandbox.balance(KEY, "USDT"), "1000");
  deepStrictEqual(await call(sandbox, CLOSE, T + 4, { id: body.id }), {
    status: 422,
    body: {
      code: 0,
      message: "Inner validation failed",
      errors: { error: ["Investment is already closed"] },
    },
  });
});

Deno.test("sandbox: the interest payments history validates planId and ticker", async () => {
  const sandbox = sandboxAt(T);
  deepStrictEqual(
    await call(sandbox, INTEREST, T, { planId: "nope", ticker: "XYZ" }),
    failed({
      planId: ["The selected planId is invalid."],
      ticker: ["The selected ticker is invalid."],
    }),
  );
  deepStrictEqual(await call(sandbox, INTEREST, T + 1, { planId: "p1", ticker: "USDT" }), {
    status: 200,
    body: { offset: 0, limit: 100, records: [] },
  });
});

Deno.test("sandbox: no value of any parameter makes a lending endpoint answer 5xx", async () => {
  const sandbox = sandboxAt(T);
  const { body: created } = await send(sandbox, investBody(T));
  const values: unknown[] = [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    "",
    " ",
    "x",
    "1e3",
    "-0",
    "٣",
    "9".repeat(400),
    [],
    [1],
    {},
    { a: 1 },
    created.id,
    created.id, // a second close: 422
  ];
  const fields: Record<string, string[]> = {
    [PLANS]: ["ticker"],
    [INVEST]: ["planId", "amount"],
    [INVESTMENTS]: ["id", "ticker", "status", "limit", "offset"],
    [CLOSE]: ["id"],
    [INTEREST]: ["planId", "ticker", "limit", "offset"],
  };
  let nonce = T;
  const statuses = new Set<number>();
  for (const [path, names] of Object.entries(fields)) {
    for (const name of names) {
      for (const value of values) {
        const { status } = await call(sandbox, path, ++nonce, { [name]: value });
        statuses.add(status);
        strictEqual(status < 500, true, `${path} ${name}=${JSON.stringify(value)} → ${status}`);
      }
    }
  }
  deepStrictEqual([...statuses].sort(), [200, 400, 422], "success and refusal paths were reached");
});

Deno.test("routes: Invest answers the ledger's refusals as WhiteBIT's 422, codes 1 to 5", async () => {
  const sandbox = sandboxAt(T, {
    accounts: [{ apiKey: KEY, apiSecret: ACCOUNT.apiSecret, balances: { USDT: "50" } }],
    plans: [
      {
        id: "q",
        ticker: "USDT",
        minInvestment: "5",
        maxInvestment: "100",
        maxPossibleInvestment: "1000",
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
  const inner = (code: number, message: string) => ({
    status: 422,
    body: { code, message: "Inner validation failed", errors: { amount: [message] } },
  });
  let nonce = T;
  const invest = (planId: string, amount: string) =>
    send(sandbox, investBody(++nonce, { planId, amount }));
  deepStrictEqual(await invest("q", "1"), inner(2, "Amount is less than min investment"));
  deepStrictEqual(await invest("q", "101"), inner(3, "Amount is more than max investment"));
  deepStrictEqual(await invest("q", "60"), inner(4, "Available 50 < 60"));
  deepStrictEqual(await invest("r", "2"), inner(5, "Not enough money to pay interest"));
  strictEqual((await invest("q", "5")).status, 201);
  deepStrictEqual(
    await invest("q", "5"),
    inner(1, "The investment in this investment plan already exists"),
  );
  strictEqual(sandbox.investments.length, 1);
  strictEqual(sandbox.balance(KEY, "USDT"), "45");
});

Deno.test("routes: a plan that takes no investment is refused on planId, and Get plans hides the disabled, special and inactive ones", async () => {
  const plan = (id: string, more: object) => ({ ...PLAN, id, ...more });
  const sandbox = sandboxAt(T, {
    plans: [
      plan("none-left", { status: 2, maxPossibleInvestment: "0" }),
      plan("inactive", { status: 3 }),
      plan("paused", { status: 4 }),
      plan("disabled", { status: 4, disabled: true, specialOffer: true }),
      plan("special", { status: 3, specialOffer: true }),
      plan("open", {}),
    ],
  });
  const refusals: [string, string][] = [
    ["none-left", "There are no coins left in the plan"], // and nothing left: one message only
    ["inactive", "Plan is inactive"],
    ["paused", "Plan is paused"],
    ["disabled", "Plan is disabled"],
    ["special", "Special offers are not available via API"],
  ];
  let nonce = T;
  for (const [planId, message] of refusals) {
    deepStrictEqual(
      await send(sandbox, investBody(++nonce, { planId })),
      failed({ planId: [message] }),
      planId,
    );
  }
  strictEqual(sandbox.investments.length, 0);
  const { body } = await call(sandbox, PLANS, ++nonce);
  deepStrictEqual(body.map((shown: { id: string }) => shown.id), ["none-left", "paused", "open"]);
});

Deno.test("routes: an amount with more decimals than its ticker allows is an invalid decimal", async () => {
  const sandbox = sandboxAt(T, { precision: { USDT: 2 } });
  deepStrictEqual(
    await send(sandbox, investBody(T, { amount: "10.123" })),
    failed({ amount: ["Invalid decimal amount"] }),
  );
  strictEqual((await send(sandbox, investBody(T + 1, { amount: "10.12" }))).status, 201);
});

Deno.test("routes: every private request sees the ledger settled to the clock", async () => {
  let now = T;
  const sandbox = sandboxAt(T, {
    now: () => now,
    plans: [{ ...PLAN, maxPossibleInvestment: "1000" }],
  });
  strictEqual((await send(sandbox, investBody(now, { amount: "500" }))).status, 201);
  strictEqual((await send(sandbox, investBody(now + 1, { amount: "500" }))).status, 201);
  now += 43_200 * 60_000; // the term passes; no getter is read
  strictEqual(
    (await send(sandbox, investBody(now, { amount: "500" }))).status,
    201,
    "the matured amounts are back in the balance and the plan",
  );
  const { body } = await call(sandbox, INVESTMENTS, now + 1, { status: 2 });
  deepStrictEqual(body.records.map((r: { interestPaid: string }) => r.interestPaid), ["5", "5"]);
  const payments = await call(sandbox, INTEREST, now + 2);
  strictEqual(payments.body.records.length, 2);
});

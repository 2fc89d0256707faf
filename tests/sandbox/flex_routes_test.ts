// The sandbox's 8 flex endpoints as WhiteBIT answers them, over raw signed
// requests: the documented request bodies accepted, every documented 400,
// 403 and 422 body reproduced, WhiteBIT's CLI's wrong field names refused
// (a missing `plan`) or ignored (as a filter), and paging.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { load } from "js-yaml";
import {
  readFlexHistoryPage,
  readFlexInvestmentsPage,
  readFlexPlans,
} from "../../client/flex/_parse.ts";
import { ACCOUNT, call, T } from "./_fixtures.ts";
import { FLEX_PATHS } from "../_fixtures.ts";
import { WhiteBitSandbox } from "../../testing.ts";

type Method = keyof typeof FLEX_PATHS;
const SPEC = load(
  await Deno.readTextFile(new URL("../fixtures/flex_paths.openapi.yaml", import.meta.url)),
) as {
  paths: Record<string, {
    post: {
      requestBody: { content: { "application/json": { example: Record<string, unknown> } } };
      responses: Record<string, {
        content: {
          "application/json": { example?: unknown; examples?: Record<string, { value: unknown }> };
        };
      }>;
    };
  }>;
};

/** The documented answers of `method` with `status`, by example name. */
function documented(
  method: Method,
  status: string,
): Record<string, { code: number; message: string; errors?: Record<string, string[]> }> {
  const content = SPEC.paths[FLEX_PATHS[method]].post.responses[status]
    ?.content["application/json"];
  if (!content) return {};
  return (content.examples
    ? Object.fromEntries(Object.entries(content.examples).map(([name, { value }]) => [name, value]))
    : { example: content.example }) as ReturnType<typeof documented>;
}

function requestExample(method: Method): Record<string, unknown> {
  const { request: _, nonce: __, ...params } =
    SPEC.paths[FLEX_PATHS[method]].post.requestBody.content["application/json"].example;
  return params;
}

const USDT = "8f2e9d3c-1a4b-4c2d-9e5f-6a7b8c9d0e1f"; // the spec's plan id is the demo USDT plan's
let nonce = T;

function sandbox(options: ConstructorParameters<typeof WhiteBitSandbox>[0] = {}) {
  return new WhiteBitSandbox({ accounts: [ACCOUNT], now: () => T, ...options });
}

const send = (box: WhiteBitSandbox, method: Method, params: Record<string, unknown>) =>
  call(box, FLEX_PATHS[method], ++nonce, params);

Deno.test("the demo flex plans: USDT and BTC, the first with the spec's plan id", () => {
  const box = new WhiteBitSandbox();
  deepStrictEqual(box.flexPlans.map((plan) => plan.ticker).slice(0, 2), ["USDT", "BTC"]);
  strictEqual(box.flexPlans[0].id, USDT);
});

Deno.test("the documented request bodies are accepted, and their answers read as documented", async () => {
  const box = sandbox({ accounts: [{ ...ACCOUNT, balances: { USDT: "10000" } }] });
  const invest = await send(box, "invest", requestExample("invest"));
  strictEqual(invest.status, 201);
  const transaction = invest.body.data.transaction_id;
  ok(typeof transaction === "string" && transaction !== "");
  const withdraw = await send(box, "withdraw", {
    ...requestExample("withdraw"),
    amount: "500.250000",
  });
  strictEqual(withdraw.status, 201);
  const autoInvest = await send(box, "autoInvest", requestExample("autoInvest"));
  deepStrictEqual(autoInvest, { status: 200, body: { data: [] } });
  const plans = await send(box, "plans", requestExample("plans"));
  strictEqual(plans.status, 200);
  strictEqual(readFlexPlans(plans.body)[0].id, USDT);
  const investment = box.flexInvestments[0].id;
  const investments = await send(box, "investments", {
    ...requestExample("investments"),
    investment,
  });
  strictEqual(investments.status, 200);
  deepStrictEqual(readFlexInvestmentsPage(investments.body).data.map((p) => p.invested), [
    "500.25",
  ]);
  const history = await send(box, "history", {
    ...requestExample("history"),
    investment,
    transaction,
    dateFrom: T / 1000 - 10,
    dateTo: T / 1000 + 10,
    actionTypes: [1, 2, 4, 6],
  });
  strictEqual(history.status, 200);
  deepStrictEqual(readFlexHistoryPage(history.body).data.map((row) => row.transaction_id), [
    transaction,
  ]);
  const payments = await send(box, "payments", {
    ...requestExample("payments"),
    investment,
    transaction,
    dateFrom: T / 1000 - 10,
    dateTo: T / 1000 + 10,
  });
  deepStrictEqual(payments, { status: 200, body: { data: [], limit: 50, offset: 0 } });
  const close = await send(box, "close", requestExample("close"));
  strictEqual(close.status, 201);
});

Deno.test("WhiteBIT's CLI's field names: planId and a numeric id leave `plan` missing (400), and filter nothing", async () => {
  const box = sandbox();
  const required = {
    status: 400,
    body: {
      code: 0,
      message: "Validation failed",
      errors: { plan: ["The plan field is required."] },
    },
  };
  deepStrictEqual(await send(box, "invest", { planId: USDT, amount: "100" }), required);
  deepStrictEqual(await send(box, "withdraw", { planId: USDT, amount: "1" }), required);
  deepStrictEqual(await send(box, "close", { id: 12 }), required);
  deepStrictEqual(await send(box, "autoInvest", { planId: USDT, enabled: true }), required);
  strictEqual(box.flexHistory.length, 0);
  await send(box, "invest", { plan: USDT, amount: "100" });
  // As a filter, the undocumented name is ignored: every position is listed.
  const listed = await send(box, "investments", { planId: "not-this-one" });
  strictEqual(listed.body.data.length, 1);
});

Deno.test("every documented flex 400 is answered in WhiteBIT's words", async () => {
  const box = sandbox();
  const bad: Record<Method, Record<string, unknown>[]> = {
    plans: [{ ticker: "NOPE", limit: "x", offset: -1 }],
    investments: [{ ticker: 5, plan: "nope", investment: "nope", investmentStatus: 2 }],
    history: [
      {
        plan: "nope",
        investment: "nope",
        transaction: "nope",
        dateFrom: "x",
        dateTo: "y",
        actionTypes: [9],
      },
      { actionTypes: "1" },
    ],
    payments: [{
      plan: "nope",
      investment: "nope",
      transaction: "nope",
      dateFrom: "x",
      dateTo: "y",
    }],
    invest: [{ plan: "nope", amount: "ten" }],
    withdraw: [{ plan: "nope", amount: "1" }],
    close: [{ plan: "nope" }],
    autoInvest: [{ enabled: "yes" }],
  };
  for (const method of Object.keys(bad) as Method[]) {
    // Every field message the sandbox answers is documented for that field, and together
    // the refused requests name every field the documentation names.
    const fields: Record<string, Set<string>> = {};
    for (const example of Object.values(documented(method, "400"))) {
      for (const [field, messages] of Object.entries(example.errors ?? {})) {
        for (const message of messages) (fields[field] ??= new Set()).add(message);
      }
    }
    const named = new Set<string>();
    for (const params of bad[method]) {
      const answer = await send(box, method, params);
      strictEqual(answer.status, 400, method);
      strictEqual(answer.body.code, 0);
      strictEqual(answer.body.message, "Validation failed");
      for (
        const [field, messages] of Object.entries(answer.body.errors as Record<string, string[]>)
      ) {
        ok(fields[field], `${method}: ${field} is not a documented field`);
        for (const message of messages) {
          ok(fields[field].has(message), `${method}: ${field}: ${message}`);
        }
        named.add(field);
      }
    }
    deepStrictEqual([...named].sort(), Object.keys(fields).sort(), method);
  }
  strictEqual(box.flexHistory.length, 0);
});

Deno.test("the B2B gate: 403 with WhiteBIT's documented body on every flex path", async () => {
  const box = sandbox({ accounts: [{ ...ACCOUNT, lendingAccess: false }] });
  for (const method of Object.keys(FLEX_PATHS) as Method[]) {
    const answer = await send(box, method, { plan: USDT, amount: "1", enabled: true });
    strictEqual(answer.status, 403);
    const [doc] = Object.values(documented(method, "403"));
    strictEqual(answer.body.code, doc.code);
    strictEqual(answer.body.message, doc.message);
  }
});

Deno.test("every documented flex 422 is reproduced, body for body", async () => {
  const plans = [
    {
      id: USDT,
      ticker: "USDT",
      minInvestment: "10",
      maxInvestment: "100000",
      maxRate: "0.15",
      minWithdrawal: "1",
    },
    {
      id: "paused",
      ticker: "USDT",
      minInvestment: "10",
      maxInvestment: "1000",
      maxRate: "0.1",
      state: "paused" as const,
    },
    {
      id: "gone",
      ticker: "USDT",
      minInvestment: "10",
      maxInvestment: "1000",
      maxRate: "0.1",
      state: "unavailable" as const,
    },
    {
      id: "private",
      ticker: "USDT",
      minInvestment: "10",
      maxInvestment: "1000",
      maxRate: "0.1",
      privateTo: ["someone-else"],
    },
    {
      id: "capped",
      ticker: "USDT",
      minInvestment: "10",
      maxInvestment: "1000",
      maxRate: "0.1",
      investmentLimit: "50",
    },
  ];
  const fresh = () =>
    sandbox({ flexPlans: plans, accounts: [{ ...ACCOUNT, balances: { USDT: "9" } }] });
  const rich = () =>
    sandbox({ flexPlans: plans, accounts: [{ ...ACCOUNT, balances: { USDT: "1000000" } }] });
  const invested = async () => {
    const box = rich();
    await send(box, "invest", { plan: USDT, amount: "100" });
    return box;
  };
  const closed = async () => {
    const box = await invested();
    await send(box, "close", { plan: USDT });
    return box;
  };
  const cases: [
    Method,
    string,
    () => Promise<WhiteBitSandbox> | WhiteBitSandbox,
    Record<string, unknown>,
  ][] = [
    ["invest", "planUnavailable", rich, { plan: "gone", amount: "10" }],
    ["invest", "planPaused", rich, { plan: "paused", amount: "10" }],
    ["invest", "amountTooLow", rich, { plan: USDT, amount: "9" }],
    ["invest", "amountTooHigh", rich, { plan: USDT, amount: "100001" }],
    ["invest", "insufficientBalance", fresh, { plan: USDT, amount: "10" }],
    ["invest", "amountTooSmall", rich, { plan: USDT, amount: "0" }],
    ["invest", "privatePlan", rich, { plan: "private", amount: "10" }],
    ["invest", "investmentLimit", rich, { plan: "capped", amount: "51" }],
    ["withdraw", "investmentNotFound", rich, { plan: USDT, amount: "1" }],
    ["withdraw", "investmentClosed", closed, { plan: USDT, amount: "1" }],
    ["withdraw", "amountTooSmall", invested, { plan: USDT, amount: "-1" }],
    ["withdraw", "exceedsInvested", invested, { plan: USDT, amount: "101" }],
    ["withdraw", "belowMinLeft", invested, { plan: USDT, amount: "95" }],
    ["withdraw", "belowMinPossible", invested, { plan: USDT, amount: "0.5" }],
    ["close", "investmentNotFound", rich, { plan: USDT }],
    ["close", "alreadyClosed", closed, {}],
    ["autoInvest", "example", rich, { plan: USDT, enabled: true }],
  ];
  for (const [method, name, make, params] of cases) {
    const box = await make();
    const rows = box.flexHistory.length;
    const answer = await send(box, method, { plan: USDT, ...params });
    strictEqual(answer.status, 422, `${method} ${name}`);
    deepStrictEqual(answer.body, documented(method, "422")[name], `${method} ${name}`);
    strictEqual(box.flexHistory.length, rows, "nothing moved");
  }
  // Every documented 422 is in the list.
  for (const method of ["invest", "withdraw", "close", "autoInvest"] as Method[]) {
    deepStrictEqual(
      Object.keys(documented(method, "422")).sort(),
      cases.filter(([m]) => m === method).map(([, name]) => name).sort(),
    );
  }
});

Deno.test("flex pages: limit, offset and WhiteBIT's defaults", async () => {
  let now = T;
  const box = sandbox({ now: () => now });
  await send(box, "invest", { plan: USDT, amount: "100" });
  for (let i = 0; i < 4; i++) {
    now += 1000;
    await send(box, "invest", { plan: USDT, amount: "1" });
  }
  const first = await send(box, "history", { limit: 2 });
  deepStrictEqual([first.body.limit, first.body.offset, first.body.data.length], [2, 0, 2]);
  const rest = await send(box, "history", { limit: 2, offset: 4 });
  deepStrictEqual(rest.body.data.map((row: { actionType: number }) => row.actionType), [6]);
  strictEqual((await send(box, "history", {})).body.limit, 50);
  strictEqual((await send(box, "investments", {})).body.limit, 100);
  strictEqual((await send(box, "plans", { limit: 1 })).body.length, 1);
});

Deno.test("a replayed flex request (same nonce, same signature) moves money once", async () => {
  const box = sandbox();
  const params = { plan: USDT, amount: "100" };
  const first = await call(box, FLEX_PATHS.invest, T + 1, params);
  strictEqual(first.status, 201);
  const replay = await call(box, FLEX_PATHS.invest, T + 1, params);
  strictEqual(replay.status, 429); // WhiteBIT's repeated-nonce answer
  deepStrictEqual(replay.body, { code: 0, errors: {}, message: "Too many requests." });
  strictEqual(box.flexHistory.length, 1);
  strictEqual(box.balance(ACCOUNT.apiKey, "USDT"), "900");
});

Deno.test("odd flex input is WhiteBIT's 400, and moves nothing", async () => {
  const box = sandbox();
  const odd: [Method, Record<string, unknown>, string][] = [
    ["invest", { plan: { id: USDT }, amount: "1" }, "plan"],
    ["invest", { plan: [USDT], amount: "1" }, "plan"],
    ["invest", { plan: USDT, amount: ["1"] }, "amount"],
    ["invest", { plan: USDT, amount: "１" }, "amount"],
    ["invest", { plan: USDT, amount: "1e2" }, "amount"],
    ["invest", { plan: USDT, amount: "NaN" }, "amount"],
    ["withdraw", { plan: USDT, amount: "" }, "amount"],
    ["autoInvest", { plan: USDT, enabled: "true" }, "enabled"],
    ["autoInvest", { plan: USDT, enabled: 1 }, "enabled"],
    ["history", { actionTypes: { 0: 1 } }, "actionTypes"],
    ["history", { actionTypes: ["x"] }, "actionTypes.0"],
    ["investments", { investmentStatus: "active" }, "investmentStatus"],
    ["payments", { dateFrom: 1.5 }, "dateFrom"],
  ];
  for (const [method, params, field] of odd) {
    const answer = await send(box, method, params);
    strictEqual(answer.status, 400, `${method} ${JSON.stringify(params)}`);
    ok(field in answer.body.errors, `${method}: ${JSON.stringify(answer.body.errors)}`);
  }
  strictEqual(box.flexHistory.length, 0);
});

// client.flex on a fake WhiteBIT: input refused before anything is sent,
// WhiteBIT's field names, the money rules (at most once, only 429s tried
// again, a truthful outcome), reasons never guessed, hostile answers.

import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import {
  NetworkError,
  NonceError,
  ServerError,
  TimeoutError,
  WhiteBitError,
  type WhiteBitErrorName,
} from "../../mod.ts";
import { FLEX_ACTION_TYPE, FlexRejectedError } from "../../client/flex/mod.ts";
import { fakeWhiteBit, FLEX_PATHS, json } from "../_fixtures.ts";

const PLAN = "8f2e9d3c-1a4b-4c2d-9e5f-6a7b8c9d0e1f";
const DONE = { data: { transaction_id: "tx_1" } };
const PAGE = { data: [], limit: 100, offset: 0 };

/** Each state-changing flex call, with valid parameters. */
const MOVES = {
  invest: { plan: PLAN, amount: "100", withReinvest: true },
  withdraw: { plan: PLAN, amount: "40.5" },
  close: { plan: PLAN },
  autoInvest: { plan: PLAN, enabled: false },
} as const;
type Move = keyof typeof MOVES;

function move(client: ReturnType<typeof fakeWhiteBit>["client"], name: Move, params?: unknown) {
  return (client.flex[name] as (params: unknown) => Promise<unknown>)(params ?? MOVES[name]);
}

async function failure(promise: Promise<unknown>): Promise<WhiteBitError> {
  const error = await promise.then(() => null, (error) => error);
  ok(error instanceof WhiteBitError, `expected a WhiteBitError, got ${error}`);
  return error;
}

Deno.test("flex input is refused before anything is sent", async (t) => {
  const { client, seen } = fakeWhiteBit(() => json(201, DONE));
  const refused: [string, () => Promise<unknown>, typeof TypeError][] = [
    ["plan missing", () => move(client, "invest", { amount: "1" }), TypeError],
    [
      "WhiteBIT CLI's planId",
      () => move(client, "invest", { planId: PLAN, amount: "1" }),
      TypeError,
    ],
    ["a numeric id", () => move(client, "close", { plan: 12 }), TypeError],
    ["amount as a number", () => move(client, "invest", { plan: PLAN, amount: 100 }), TypeError],
    [
      "amount with an exponent",
      () => move(client, "withdraw", { plan: PLAN, amount: "1e3" }),
      RangeError,
    ],
    ["amount zero", () => move(client, "withdraw", { plan: PLAN, amount: "0" }), RangeError],
    ["amount negative", () => move(client, "invest", { plan: PLAN, amount: "-5" }), RangeError],
    [
      "withReinvest as text",
      () => move(client, "invest", { ...MOVES.invest, withReinvest: "true" }),
      TypeError,
    ],
    ["enabled left out", () => move(client, "autoInvest", { plan: PLAN }), TypeError],
    ["enabled as 1", () => move(client, "autoInvest", { plan: PLAN, enabled: 1 }), TypeError],
    ["plan with a space", () => move(client, "close", { plan: "a b" }), RangeError],
    ["limit 101", () => client.flex.plans({ limit: 101 }), RangeError],
    ["limit 0", () => client.flex.history({ limit: 0 }), RangeError],
    ["offset past 10 000", () => client.flex.investments({ offset: 10_001 }), RangeError],
    [
      "investmentStatus 2 (fixed's closed)",
      () => client.flex.investments({ investmentStatus: 2 as 0 }),
      RangeError,
    ],
    [
      "dateFrom in milliseconds",
      () => client.flex.history({ dateFrom: 1_800_000_000_000 }),
      RangeError,
    ],
    [
      "dateTo as text",
      () => client.flex.payments({ dateTo: "1800000000" as unknown as number }),
      TypeError,
    ],
    ["dateFrom a fraction", () => client.flex.payments({ dateFrom: 1.5 }), RangeError],
    [
      "actionTypes not an array",
      () => client.flex.history({ actionTypes: 1 as unknown as [1] }),
      TypeError,
    ],
    ["actionTypes empty", () => client.flex.history({ actionTypes: [] }), RangeError],
    ["an unknown action type", () => client.flex.history({ actionTypes: [7 as 1] }), RangeError],
    ["an action type twice", () => client.flex.history({ actionTypes: [1, 1] }), RangeError],
    [
      "an action type as text",
      () => client.flex.history({ actionTypes: ["1" as unknown as 1] }),
      RangeError,
    ],
    ["params not an object", () => move(client, "invest", "plan"), TypeError],
  ];
  for (const [name, send, ErrorClass] of refused) {
    await t.step(name, async () => {
      await rejects(send(), ErrorClass);
    });
  }
  // A walker checks its parameters when called, before the first page.
  await rejects(async () => {
    for await (const _ of client.flex.allHistory({ actionTypes: [9 as 1] }));
  }, RangeError);
  strictEqual(seen.length, 0);
});

Deno.test("flex sends WhiteBIT's field names, each read once, and refuses any other name", async () => {
  const { client, seen } = fakeWhiteBit(({ path }) =>
    json(path === FLEX_PATHS.invest ? 201 : 200, path === FLEX_PATHS.invest ? DONE : PAGE)
  );
  // WhiteBIT CLI's names: refused before sending, never dropped.
  await rejects(client.flex.invest({ plan: PLAN, amount: "1", planId: "x" } as never), TypeError);
  await rejects(client.flex.close({ plan: PLAN, id: 7 } as never), TypeError);
  strictEqual(seen.length, 0);
  let reads = 0;
  const params = {
    plan: PLAN,
    get amount() {
      return ++reads === 1 ? "100" : "1000000"; // a getter that changes after the check
    },
  };
  await client.flex.invest(params);
  const types = [FLEX_ACTION_TYPE.Invest];
  const read = client.flex.history({ plan: PLAN, actionTypes: types, dateFrom: 1_767_225_600 });
  types.push(99 as 1); // changed after the call: what was checked is what is sent
  await read;
  const [invest, history] = seen.map((
    { body: { request: _, nonce: __, nonceWindow: ___, ...body } },
  ) => body);
  deepStrictEqual(invest, { plan: PLAN, amount: "100" });
  strictEqual(reads, 1);
  deepStrictEqual(history, { plan: PLAN, dateFrom: 1_767_225_600, actionTypes: [1] });
});

for (const name of Object.keys(MOVES) as Move[]) {
  Deno.test(`flex ${name} is sent at most once: a 5xx, a dropped line or a timeout leaves the outcome unknown`, async (t) => {
    const faults: [
      string,
      () => Promise<Response>,
      WhiteBitErrorName,
      Partial<Record<string, number>>,
    ][] = [
      [
        "503",
        () => Promise.resolve(new Response("Service Unavailable", { status: 503 })),
        "ServerError",
        {},
      ],
      [
        "500 JSON",
        () => Promise.resolve(json(500, { error: ["Internal server error."] })),
        "ServerError",
        {},
      ],
      [
        "a dropped connection",
        () => Promise.reject(new TypeError("connection reset")),
        "NetworkError",
        {},
      ],
      ["no answer in time", () => new Promise(() => {}), "TimeoutError", { timeoutMs: 50 }],
    ];
    for (const [label, answer, errorName, options] of faults) {
      await t.step(label, async () => {
        const { client, seen } = fakeWhiteBit(answer, { maxRetries: 5, ...options });
        const error = await failure(move(client, name));
        strictEqual(error.name, errorName);
        strictEqual(error.outcome, "unknown");
        strictEqual(seen.length, 1, "never sent again");
        deepStrictEqual(error.params, MOVES[name]);
        strictEqual(typeof error.attemptedAt, "number");
      });
    }
  });
}

Deno.test("flex state-changing calls go out as a Blob (never replayed by Deno's fetch), reads as text", async () => {
  const { client, seen } = fakeWhiteBit(({ path }) =>
    json(201, path === FLEX_PATHS.plans ? [] : DONE)
  );
  await client.flex.invest(MOVES.invest);
  await client.flex.withdraw(MOVES.withdraw);
  await client.flex.close(MOVES.close);
  await client.flex.autoInvest(MOVES.autoInvest);
  await client.flex.plans();
  deepStrictEqual(seen.map(({ blob }) => blob), [true, true, true, true, false]);
});

Deno.test("flex: a 429 (not executed) is tried again with a fresh nonce; nothing else is", async () => {
  let calls = 0;
  const { client, seen } = fakeWhiteBit(() =>
    ++calls === 1
      ? json(429, { code: 0, errors: {}, message: "Too many requests." })
      : json(201, DONE)
  );
  deepStrictEqual(await client.flex.withdraw(MOVES.withdraw), { transactionId: "tx_1" });
  strictEqual(seen.length, 2);
  ok((seen[1].body.nonce as number) > (seen[0].body.nonce as number));
  const exhausted = fakeWhiteBit(() => json(429, { code: 0, message: "Too many requests." }), {
    maxRetries: 1,
  });
  const error = await failure(exhausted.client.flex.invest(MOVES.invest));
  ok(error instanceof NonceError);
  strictEqual(error.outcome, "not_executed");
  strictEqual(exhausted.seen.length, 2);
});

Deno.test("flex reads fail as not executed: a read moves no funds", async () => {
  for (const answer of [() => json(502, {}), () => Promise.reject(new TypeError("reset"))]) {
    const { client } = fakeWhiteBit(answer, { maxRetries: 0 });
    const error = await failure(client.flex.history());
    ok(error instanceof ServerError || error instanceof NetworkError);
    strictEqual(error.outcome, "not_executed");
  }
  const { client } = fakeWhiteBit(() => new Promise(() => {}), { timeoutMs: 30 });
  const error = await failure(client.flex.payments());
  ok(error instanceof TimeoutError);
  strictEqual(error.outcome, "not_executed");
});

Deno.test("a flex reason is never guessed", async (t) => {
  const cases: [string, Move, unknown, string][] = [
    [
      "a documented message",
      "invest",
      { code: 0, errors: { plan: ["Plan is paused"] } },
      "plan_paused",
    ],
    ["a changed text", "invest", { code: 0, errors: { plan: ["Plan is paused."] } }, "unknown"],
    ["another field", "invest", { code: 0, errors: { amount: ["Plan is paused"] } }, "unknown"],
    ["another call's message", "invest", {
      code: 0,
      errors: { plan: ["No existing investments for this plan"] },
    }, "unknown"],
    ["two causes", "withdraw", {
      code: 0,
      errors: {
        amount: ["Withdraw amount is too small"],
        investment: ["Cannot withdraw from closed investment"],
      },
    }, "unknown"],
    ["a documented and an undocumented message", "withdraw", {
      code: 0,
      errors: { amount: ["Withdraw amount is too small", "Something new"] },
    }, "unknown"],
    ["the same cause twice", "close", {
      code: 0,
      errors: { amount: ["Investment does not exist", "Investment does not exist"] },
    }, "investment_not_found"],
    [
      "code 0 without field messages",
      "close",
      { code: 0, message: "Inner validation failed" },
      "unknown",
    ],
    [
      "invest's code 4",
      "invest",
      { code: 4, errors: { amount: ["Available 9 < 10"] } },
      "insufficient_balance",
    ],
    ["code 4 on a withdraw (undocumented there)", "withdraw", { code: 4, errors: {} }, "unknown"],
    [
      "code 2 with a code-0 message",
      "invest",
      { code: 2, errors: { plan: ["Plan is paused"] } },
      "amount_below_minimum",
    ],
    ["no code", "invest", { errors: { plan: ["Plan is paused"] } }, "unknown"],
    [
      "a __proto__ field",
      "invest",
      { code: 0, errors: { __proto__: ["Plan is paused"] } },
      "unknown",
    ],
    ["not JSON", "autoInvest", "<html>Unprocessable</html>", "unknown"],
  ];
  for (const [label, name, body, reason] of cases) {
    await t.step(label, async () => {
      const { client } = fakeWhiteBit(() =>
        typeof body === "string" ? new Response(body, { status: 422 }) : json(422, body)
      );
      const error = await failure(move(client, name));
      ok(error instanceof FlexRejectedError, error.name);
      strictEqual(error.reason, reason);
      strictEqual(error.outcome, "not_executed");
    });
  }
  // A 422 to a read is no flex rejection: it has no reason table.
  const { client } = fakeWhiteBit(() =>
    json(422, { code: 0, errors: { plan: ["Plan is paused"] } })
  );
  const error = await failure(client.flex.plans());
  strictEqual(error.name, "WhiteBitError");
});

Deno.test("a flex answer that is not as documented is refused, and a money call's outcome stays unknown", async (t) => {
  const cases: [string, Move | "investments" | "history", unknown, string][] = [
    ["invest without data", "invest", { transaction_id: "tx" }, "unknown"],
    ["withdraw with an empty id", "withdraw", { data: { transaction_id: "" } }, "unknown"],
    ["close with a numeric id", "close", { data: { transaction_id: 5 } }, "unknown"],
    ["a fixed-style page", "investments", { records: [], limit: 100, offset: 0 }, "not_executed"],
    ["a status of 2", "investments", {
      data: [{
        id: "i",
        planId: "p",
        currency: "USDT",
        invested: "1",
        withAutoReinvest: true,
        status: 2,
        createdAt: 1,
        updatedAt: 1,
      }],
      limit: 100,
      offset: 0,
    }, "not_executed"],
    ["an amount as a number", "history", {
      data: [{
        createdAt: 1,
        planId: "p",
        investmentId: "i",
        currency: "USDT",
        amount: 15.75,
        transaction_id: "t",
        actionType: 1,
      }],
      limit: 50,
      offset: 0,
    }, "not_executed"],
    ["an action type 7", "history", {
      data: [{
        createdAt: 1,
        planId: "p",
        investmentId: "i",
        currency: "USDT",
        amount: "1",
        transaction_id: "t",
        actionType: 7,
      }],
      limit: 50,
      offset: 0,
    }, "not_executed"],
  ];
  for (const [label, name, body, outcome] of cases) {
    await t.step(label, async () => {
      const { client } = fakeWhiteBit(() => json(name in MOVES ? 201 : 200, body));
      const error = await failure(
        name in MOVES
          ? move(client, name as Move)
          : (client.flex[name as "history"] as () => Promise<unknown>)(),
      );
      strictEqual(error.name, "WhiteBitError");
      ok(/not as documented/.test(error.message), error.message);
      strictEqual(error.outcome, outcome);
    });
  }
});

Deno.test("flex walkers read every page, in WhiteBIT's `data`", async () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({
    createdAt: 1_800_000_000 - i,
    planId: PLAN,
    investmentId: "inv",
    currency: "USDT",
    amount: String(i + 1),
    transaction_id: `tx_${i}`,
    actionType: 4,
  }));
  const { client, seen } = fakeWhiteBit(({ body }) => {
    const { limit, offset } = body as { limit: number; offset: number };
    return json(200, { data: rows.slice(offset, offset + limit), limit, offset });
  });
  const amounts = [];
  for await (const row of client.flex.allPayments({ plan: PLAN, limit: 2 })) {
    amounts.push(row.amount);
  }
  deepStrictEqual(amounts, ["1", "2", "3", "4", "5"]);
  deepStrictEqual(seen.map(({ body }) => body.offset), [0, 2, 4]);
  strictEqual(seen.every(({ body }) => body.plan === PLAN), true);
});

Deno.test("a dry run shows the flex request, signed, never sent", async () => {
  const { client, seen } = fakeWhiteBit(() => json(201, DONE), { dryRun: true });
  const error = await failure(client.flex.invest(MOVES.invest));
  strictEqual(error.name, "DryRunError");
  strictEqual(error.outcome, "not_executed");
  const { request } = error as WhiteBitError & { request: { url: string; body: string } };
  strictEqual(request.url, `https://whitebit.com${FLEX_PATHS.invest}`);
  deepStrictEqual(JSON.parse(request.body).plan, PLAN);
  strictEqual(seen.length, 0);
});

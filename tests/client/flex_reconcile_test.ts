// client.flex.findTransaction on a fake flex history: found, provably not
// found (null), the ambiguous case, and every way it must refuse to say
// "not found" instead.

import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import type { WhiteBitError } from "../../mod.ts";
import type { FlexTransaction } from "../../client/flex/mod.ts";
import { fakeWhiteBit, FLEX_PATHS, json, T0 } from "../_fixtures.ts";

const PLAN = "8f2e9d3c-1a4b-4c2d-9e5f-6a7b8c9d0e1f";
const SECONDS = T0 / 1000;

type Failure = Pick<WhiteBitError, "requestPath" | "outcome" | "params" | "attemptedAt">;

const failed = (path: string, params: Record<string, unknown>, attemptedAt = T0): Failure => ({
  requestPath: path,
  outcome: "unknown",
  params,
  attemptedAt,
});
const INVEST = failed(FLEX_PATHS.invest, { plan: PLAN, amount: "100" });
const WITHDRAW = failed(FLEX_PATHS.withdraw, { plan: PLAN, amount: "40.5" });
const CLOSE = failed(FLEX_PATHS.close, { plan: PLAN });

let serial = 0;
function row(fields: Partial<FlexTransaction>): FlexTransaction {
  return {
    createdAt: SECONDS,
    planId: PLAN,
    investmentId: "inv_1",
    currency: "USDT",
    amount: "100",
    transaction_id: `tx_${++serial}`,
    actionType: 1,
    ...fields,
  };
}

/**
 * A fake WhiteBIT serving `rows` as the flex history, newest first, with its
 * filters applied (or not, with `ignoreFilters`), and paging as asked (or
 * pages of at most `cap`, saying so in `limit`).
 */
function history(
  rows: FlexTransaction[],
  options: { ignoreFilters?: boolean; cap?: number } = {},
) {
  return fakeWhiteBit(({ path, body }) => {
    strictEqual(path, FLEX_PATHS.history, "findTransaction sends only history reads");
    const { plan, dateFrom, actionTypes, limit, offset } = body as {
      plan: string;
      dateFrom: number;
      actionTypes: number[];
      limit: number;
      offset: number;
    };
    const matching = options.ignoreFilters
      ? rows
      : rows.filter((r) =>
        r.planId === plan && r.createdAt >= dateFrom && actionTypes.includes(r.actionType)
      );
    const served = Math.min(limit, options.cap ?? limit);
    return json(200, {
      data: matching.slice(offset, offset + served),
      limit: served,
      offset,
    });
  });
}

Deno.test("findTransaction finds an invest by plan, amount and time, as INVEST or OPEN_INVESTMENT", async () => {
  for (const actionType of [1, 6] as const) {
    const wanted = row({ actionType, amount: "100.00", createdAt: SECONDS + 2 });
    const { client, seen } = history([row({ amount: "99" }), wanted, row({ actionType: 3 })]);
    deepStrictEqual(await client.flex.findTransaction(INVEST), wanted);
    deepStrictEqual(seen[0].body.actionTypes, [1, 6]);
    strictEqual(seen[0].body.plan, PLAN);
    strictEqual(seen[0].body.dateFrom, SECONDS - 60); // the default tolerance, 60 s
    strictEqual(seen[0].body.limit, 100);
  }
});

Deno.test("findTransaction finds a withdrawal written positive or negative, and a close of any amount", async () => {
  for (const amount of ["40.5", "-40.50"]) {
    const wanted = row({ actionType: 3, amount });
    const { client } = history([wanted]);
    deepStrictEqual(await client.flex.findTransaction(WITHDRAW), wanted);
  }
  const closed = row({ actionType: 5, amount: "1234.56" });
  const { client, seen } = history([row({ actionType: 3 }), closed]);
  deepStrictEqual(await client.flex.findTransaction(CLOSE), closed);
  deepStrictEqual(seen[0].body.actionTypes, [5]);
});

Deno.test("findTransaction answers null only after reading every row since the attempt", async () => {
  // 250 other rows of the plan since the attempt: three pages, the last one short.
  const rows = Array.from({ length: 250 }, (_, i) => row({ amount: "5", createdAt: SECONDS + i }));
  const { client, seen } = history(rows);
  strictEqual(await client.flex.findTransaction(INVEST), null);
  deepStrictEqual(seen.map(({ body }) => body.offset), [0, 100, 200]);
  // Exactly a full last page: one more read proves the end.
  const full = history(rows.slice(0, 200));
  strictEqual(await full.client.flex.findTransaction(INVEST), null);
  strictEqual(full.seen.length, 3);
});

Deno.test("findTransaction checks every row itself: WhiteBIT's filters are not trusted", async () => {
  const { client } = history([
    row({ planId: "other-plan" }),
    row({ actionType: 4 }),
    row({ createdAt: SECONDS - 61 }), // before the attempt less the tolerance
    row({ amount: "100.0000001" }),
  ], { ignoreFilters: true });
  strictEqual(await client.flex.findTransaction(INVEST), null);
  const upper = row({ planId: PLAN.toUpperCase() }); // ids compared without regard to case
  deepStrictEqual(
    await history([upper], { ignoreFilters: true }).client.flex.findTransaction(INVEST),
    upper,
  );
});

Deno.test("findTransaction's ambiguous case: the movement closest to the attempt", async () => {
  const early = row({ createdAt: SECONDS - 30 });
  const closest = row({ createdAt: SECONDS + 1 });
  const late = row({ createdAt: SECONDS + 20 });
  const { client } = history([late, closest, early]);
  deepStrictEqual(await client.flex.findTransaction(INVEST), closest);
});

Deno.test("findTransaction sends nothing for a call that provably did not run", async () => {
  const { client, seen } = history([row({})]);
  strictEqual(await client.flex.findTransaction({ ...INVEST, outcome: "not_executed" }), null);
  strictEqual(seen.length, 0);
});

Deno.test("findTransaction refuses what it cannot reconcile, sending nothing", async () => {
  const { client, seen } = history([]);
  const refused: [Failure, typeof TypeError][] = [
    [failed(FLEX_PATHS.autoInvest, { plan: PLAN, enabled: true }), TypeError],
    [failed("/api/v4/main-account/smart/investment", { planId: PLAN, amount: "100" }), TypeError],
    [failed(FLEX_PATHS.invest, { planId: PLAN, amount: "100" }), TypeError],
    [failed(FLEX_PATHS.withdraw, { plan: PLAN }), TypeError],
    [failed(FLEX_PATHS.invest, { plan: PLAN, amount: 100 }), TypeError],
    [{ ...INVEST, attemptedAt: undefined }, TypeError],
  ];
  for (const [error, ErrorClass] of refused) {
    await rejects(client.flex.findTransaction(error), ErrorClass);
  }
  await rejects(client.flex.findTransaction(INVEST, { toleranceMs: -1 }), RangeError);
  await rejects(client.flex.findTransaction(null as unknown as Failure), TypeError);
  strictEqual(seen.length, 0);
});

Deno.test("findTransaction never says not found when WhiteBIT serves other pages than asked", async () => {
  // WhiteBIT applies a page size of 50 where 100 was asked, and says so: a
  // page of 50 would otherwise look like the last one.
  const rows = Array.from({ length: 120 }, (_, i) => row({ amount: "5", createdAt: SECONDS + i }));
  rows.push(row({ createdAt: SECONDS + 500 })); // the movement, past the first 50
  const honest = history(rows, { cap: 50 });
  const refused = await honest.client.flex.findTransaction(INVEST).then(() => null, (e) => e);
  ok(refused instanceof RangeError);
  ok(/outcome is unknown, not "not found"/.test(refused.message), refused.message);
});

Deno.test("findTransaction says the outcome is unknown when the rows go on past offset 10 000", async () => {
  const rows = Array.from(
    { length: 10_100 },
    (_, i) => row({ amount: "5", createdAt: SECONDS + i }),
  );
  const { client, seen } = history(rows);
  const error = await client.flex.findTransaction(INVEST).then(() => null, (e) => e);
  ok(error instanceof RangeError);
  ok(/outcome is unknown/.test(error.message), error.message);
  strictEqual(seen.length, 101);
});

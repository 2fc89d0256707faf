// Reconciliation against an account with a long history: more than the
// 10 100 investments WhiteBIT serves (offset 10 000 + limit 100). Each test
// attacks one promise of findInvestment(); the CLI's `reconcile` is in
// reconcile_cli_test.ts.

import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import type { WhiteBitError } from "../../mod.ts";
import {
  BTC_PLAN,
  failedInvest,
  history,
  PATHS,
  RECONCILE_PLAN as PLAN,
  reconcileSetup as setup,
  sentTo,
  T0,
} from "../_fixtures.ts";

const INVEST = PATHS.invest;
const INVESTMENTS = PATHS.investments;

const LONG = 10_150;
const DAY_S = 86_400;

/** What each history read asked for. */
const historyReads = (sent: Record<string, unknown>[]) =>
  sent.filter((body) => body.request === INVESTMENTS) as { ticker?: string; offset?: number }[];

Deno.test("findInvestment() with 10 150 older investments: the match on page 1 is found after one read", async () => {
  const past = history(LONG, { newest: T0 / 1000 - DAY_S });
  const { sandbox, client } = setup(() => T0, {}, past);
  sandbox.injectFault({ kind: "drop", afterProcessing: true }, { path: INVEST });
  const error = await failedInvest(client);
  strictEqual(error.outcome, "unknown");
  const found = await client.findInvestment(error);
  strictEqual(found?.id, sandbox.investments.at(-1)!.id);
  strictEqual(sentTo(sandbox, INVESTMENTS), 1, "the first page already ends before the attempt");
});

Deno.test("findInvestment() with 10 150 older investments: an attempt that did not run is null, provably", async () => {
  const past = history(LONG, { newest: T0 / 1000 - DAY_S });
  const { sandbox, client } = setup(() => T0, {}, past);
  sandbox.injectFault({ kind: "drop" }, { path: INVEST });
  const error = await failedInvest(client);
  strictEqual(error.outcome, "unknown");
  strictEqual(await client.findInvestment(error), null);
  strictEqual(sentTo(sandbox, INVESTMENTS), 1);
  strictEqual(sandbox.investments.length, LONG, "nothing was invested");
});

Deno.test("findInvestment(): more than 10 100 investments newer than the attempt is an error saying 'unknown', never null", async () => {
  // The attempt was four hours ago; since then 10 150 investments of another
  // amount, one a second: WhiteBIT cannot serve far enough back.
  const attemptedAt = T0 - 4 * 3_600_000;
  const past = history(LONG, { newest: T0 / 1000, amount: "7" });
  const { client, sent } = setup(() => T0, {}, past);
  const failure = {
    requestPath: INVEST,
    outcome: "unknown" as const,
    params: { planId: PLAN.id, amount: "100" },
    attemptedAt,
  };
  await rejects(client.findInvestment(failure), (error: Error) => {
    ok(error instanceof RangeError, String(error));
    ok(error.message.includes('the outcome is unknown, not "not found"'), error.message);
    return true;
  });
  const reads = historyReads(sent);
  strictEqual(reads.length, 101, "every page WhiteBIT serves, no more");
  strictEqual(Math.max(...reads.map((r) => r.offset ?? 0)), 10_000);
});

Deno.test("findInvestment() reads only the plan's currency: 10 150 newer BTC investments do not hide a USDT one", async () => {
  let now = T0;
  const { sandbox, client, sent } = setup(
    () => now,
    {},
    history(LONG, { planId: BTC_PLAN.id, newest: T0 / 1000 + 600, amount: "0.5" }),
  );
  sandbox.injectFault({ kind: "drop", afterProcessing: true }, { path: INVEST });
  const executed = await failedInvest(client, "100");
  now += 1_000;
  sandbox.injectFault({ kind: "drop" }, { path: INVEST });
  const dropped = await failedInvest(client, "200");
  strictEqual((await client.findInvestment(executed))?.id, sandbox.investments.at(-1)!.id);
  strictEqual(await client.findInvestment(dropped), null);
  deepStrictEqual(
    historyReads(sent).map((r) => r.ticker),
    ["USDT", "USDT"],
    "one read each, in USDT only",
  );
});

Deno.test("findInvestment() compares plan ids without regard to case", async () => {
  const upper = { ...PLAN, id: "8E667B4A-0B71-4988-8AF5-9474DBFAEB51" };
  const { sandbox, client } = setup();
  // WhiteBIT lists the plan in lower case; the caller kept the id as typed.
  sandbox.injectFault({ kind: "drop", afterProcessing: true }, { path: INVEST });
  const error = await failedInvest(client);
  const kept = JSON.parse(JSON.stringify(error));
  kept.params.planId = PLAN.id.toUpperCase();
  strictEqual((await client.findInvestment(kept))?.id, sandbox.investments[0].id);
  kept.params.planId = upper.id; // another plan altogether
  strictEqual(await client.findInvestment(kept), null);
});

Deno.test("the sandbox serves investments newest first by created, even after its clock went back", async () => {
  let now = T0;
  // Strictly rising nonces: the sandbox's window would refuse a client whose
  // clock does not follow the sandbox's back.
  const { client } = setup(() => now, { now: () => T0, nonceWindow: false });
  const later = await client.invest({ planId: PLAN.id, amount: "1" });
  now -= 3_600_000; // the clock is put back an hour
  const earlier = await client.invest({ planId: PLAN.id, amount: "2" });
  now += 3_600_000;
  const { records } = await client.investments();
  deepStrictEqual(records.map((r) => r.id), [later.id, earlier.id]);
  // And findInvestment() relies on it: the later one is found although it
  // is not the last one made.
  const failure = {
    requestPath: INVEST,
    outcome: "unknown" as const,
    params: { planId: PLAN.id, amount: "1" },
    attemptedAt: T0,
  } satisfies Pick<WhiteBitError, "requestPath" | "outcome" | "params" | "attemptedAt">;
  strictEqual((await client.findInvestment(failure))?.id, later.id);
});

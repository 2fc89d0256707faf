/**
 * Review 3: the send window gives reconciliation a last moment: a holder
 * sends no request whose nonce is later than 15 s before its lease ends,
 * and WhiteBIT runs one only within 5 s of its nonce, so nothing the dead
 * holder sent can have run later than 10 s before its lease ended (on
 * WhiteBIT's clock). Reconciliation still takes any investment of the same
 * plan and amount up to now, and a success (with or without a key) is
 * attributed only once its answer has come back: an investment another
 * request made after the holder's last moment, whose answer is on its
 * way, is given to the dead holder's key.
 */
import { notStrictEqual, ok, strictEqual } from "node:assert/strict";
import type { FetchLike } from "../../client/options.ts";
import type { RateLimiter } from "../../client/rate_limiter.ts";
import { type IdempotencyStore, MemoryIdempotencyStore } from "../../server.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import { appOn, holding, PATHS, PLAN, SERVER_ACCOUNT } from "../_fixtures.ts";

const LEASE_MS = 60_000;
const BODY = { planId: PLAN.id, amount: "25" };
const KEY = { "idempotency-key": "review3-reconcile-1" };
/** The instances' clients wait 1 s for an answer: a success made 1+5+1+5 s ago has settled. */
const SETTLED_MS = 12_000;

/** Now, on the half second: WhiteBIT's whole-second time then measures a still clock exactly. */
const halfSecond = () => Math.floor(Date.now() / 1000) * 1000 + 500;

function fleet(world: { now: number }, maxWaitMs?: number) {
  const now = () => world.now;
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...SERVER_ACCOUNT, balances: { USDT: "1000000" } }],
    plans: [{ ...PLAN, maxPossibleInvestment: "100000000" }],
    now,
  });
  let lanes = 0;
  const instance = (
    store: IdempotencyStore,
    options: { wrap?: (fetch: FetchLike) => FetchLike; rateLimiter?: RateLimiter } = {},
  ) =>
    appOn({
      client: {
        ...sandbox.credentials,
        fetch: (options.wrap ?? ((fetch) => fetch))(sandbox.fetch),
        now,
        retryDelayMs: 1,
        timeoutMs: 1_000,
        rateLimiter: options.rateLimiter,
        nonceLane: { index: lanes++, count: 16 },
      },
      idempotencyStore: store,
      idempotencyLeaseMs: LEASE_MS,
      maxWaitMs,
      now,
    });
  return { sandbox, instance };
}

/** A transport whose first invest WhiteBIT carries out at once, its answer held until `open()`. */
function answerOnItsWay() {
  const held = Promise.withResolvers<void>();
  const opened = Promise.withResolvers<void>();
  let done = false;
  const wrap = (fetch: FetchLike): FetchLike => async (input, init) => {
    const answer = await fetch(input, init);
    if (!done && input.endsWith(PATHS.invest)) {
      done = true;
      held.resolve();
      await opened.promise;
    }
    return answer;
  };
  return { wrap, held: held.promise, open: () => opened.resolve() };
}

Deno.test("review3: a keyless invest made after the dead holder's last moment, its answer on its way, is not taken as the holder's: the key never answers 201 'found' with an investment it never made", async () => {
  const world = { now: halfSecond() };
  const { sandbox, instance } = fleet(world);
  const store = new MemoryIdempotencyStore({ now: () => world.now });
  const lost = holding(1, "before"); // the holder's invest never reaches WhiteBIT
  const dying = instance(store, { wrap: lost.wrap });
  const onItsWay = answerOnItsWay();
  const keyless = instance(store, { wrap: onItsWay.wrap });
  const taker = instance(store);

  const first = dying.invest(BODY, KEY);
  await lost.held;
  world.now += LEASE_MS + 1_000; // the holder's lease ran out; nothing of it can run any more

  // Another caller invests the same plan and amount, without a key: WhiteBIT carries it out
  // (after the holder's last moment), and its answer is still on its way back.
  const other = keyless.invest(BODY);
  await onItsWay.held;
  strictEqual(sandbox.investments.length, 1);
  const othersId = sandbox.investments[0].id;

  const retry = await taker.invest(BODY, KEY);
  const reconciled = retry.headers.get("idempotent-reconciled");
  const body = retry.status === 201 ? await retry.json() : await retry.text();
  onItsWay.open();
  const made = await other;
  strictEqual(made.status, 201);
  strictEqual((await made.json()).id, othersId, "the keyless caller is told it is its investment");
  lost.open();
  await (await first).body?.cancel();

  // The dead holder's request never ran (WhiteBIT never saw it; it is refused when it arrives
  // late), so "found" here can only be the keyless caller's investment.
  notStrictEqual(
    body?.id,
    othersId,
    `the key was answered ${retry.status} (reconciled: ${reconciled}) with the keyless caller's investment: two callers told they invested, ${sandbox.investments.length} investment(s)`,
  );
});

/**
 * A dead holder whose invest never reached WhiteBIT, and a keyless invest
 * of the same plan and amount carried out at the last moment the holder
 * could have been (its lease's end less 10 s), its answer held.
 */
async function lastMomentKeyless(maxWaitMs?: number) {
  const world = { now: halfSecond() };
  const { sandbox, instance } = fleet(world, maxWaitMs);
  const store = new MemoryIdempotencyStore({ now: () => world.now });
  const lost = holding(1, "before");
  const dying = instance(store, { wrap: lost.wrap });
  const onItsWay = answerOnItsWay();
  const keyless = instance(store, { wrap: onItsWay.wrap });
  const taker = instance(store);
  const first = dying.invest(BODY, KEY);
  await lost.held;
  const claimed = world.now;
  world.now = claimed + LEASE_MS - 10_000; // the holder's last moment: still the holder's, for all we know
  const other = keyless.invest(BODY);
  await onItsWay.held;
  strictEqual(sandbox.investments.length, 1);
  const othersId = sandbox.investments[0].id;
  // The lease has run out; the investment (stamped on its whole second) is 1 s short of settled.
  world.now = sandbox.investments[0].created * 1000 + SETTLED_MS - 1_000;
  ok(world.now >= claimed + LEASE_MS);
  const finish = async () => {
    lost.open();
    await (await first).body?.cancel();
  };
  return { world, sandbox, taker, other, othersId, onItsWay, finish };
}

Deno.test("review3: an investment of the same plan and amount made at the holder's last moment, another request's answer with it on its way, is waited for: once attributed to that request, the key invests anew", async () => {
  const { world, sandbox, taker, other, othersId, onItsWay, finish } = await lastMomentKeyless();
  const retry = taker.invest(BODY, KEY);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the taker is waiting
  onItsWay.open();
  const made = await other;
  strictEqual((await made.json()).id, othersId);
  world.now += 1_000; // settled
  const answer = await retry;
  strictEqual(answer.status, 201);
  strictEqual(answer.headers.get("idempotent-reconciled"), "not-found");
  notStrictEqual(
    (await answer.json()).id,
    othersId,
    "the keyless caller's investment, given to the key",
  );
  strictEqual(sandbox.investments.length, 2, "the key's own investment, made after reconciling");
  await finish();
});

Deno.test("review3: an investment made too recently to tell whose it is leaves the outcome unknown (503), never 'found', when it cannot be waited for", async () => {
  const { sandbox, taker, other, onItsWay, finish } = await lastMomentKeyless(0);
  const answer = await taker.invest(BODY, KEY);
  strictEqual(answer.status, 503);
  const problem = await answer.json();
  strictEqual(problem.type.endsWith("idempotency-reconciliation-failed"), true, problem.type);
  strictEqual(problem.outcome, "unknown");
  ok(problem.detail.includes("may still be on its way"), problem.detail);
  strictEqual(sandbox.investments.length, 1, "nothing invested while unknown");
  onItsWay.open();
  await (await other).body?.cancel();
  await finish();
});

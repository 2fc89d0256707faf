/**
 * Review 3: reconciliation gives a dead holder's key only what the holder
 * can have made. A holder sends no request whose nonce is later than 15 s
 * before its lease ends, and WhiteBIT runs one only within 5 s of its
 * nonce, so nothing it sent ran later than 10 s before its lease ended: an
 * investment of the same plan and amount made after that is another
 * request's (the review found it given to the key). One made within the
 * holder's window, whose answer may still be on its way to another
 * request, is waited for (up to `maxWaitMs`), or the outcome stays unknown.
 */
import { notStrictEqual, ok, strictEqual } from "node:assert/strict";
import { MemoryIdempotencyStore } from "../../server.ts";
import { halfSecond, holding, leaseFleet, PLAN } from "../_fixtures.ts";

const LEASE_MS = 60_000;
const BODY = { planId: PLAN.id, amount: "25" };
const KEY = { "idempotency-key": "review3-reconcile-1" };
/**
 * The instances' clients wait 1 s for an answer: a success made 1 + 5 + 1
 * + 15 s ago (its second, WhiteBIT's window, the answer, its attribution) has settled.
 */
const SETTLED_MS = 22_000;

/**
 * A holder whose invest never reaches WhiteBIT (it "dies"), and a keyless
 * invest of the same plan and amount that WhiteBIT carries out `madeAfter`
 * ms after the holder's claim, its answer held until `other.open()`.
 */
async function keylessInvestAt(madeAfter: number, maxWaitMs?: number) {
  const world = { now: halfSecond() };
  const { sandbox, instance } = leaseFleet(world, { timeoutMs: 1_000, maxWaitMs });
  const store = new MemoryIdempotencyStore({ now: () => world.now });
  const lost = holding(1, "before");
  const onItsWay = holding(1, "after");
  const first = instance(store, { wrap: lost.wrap }).invest(BODY, KEY);
  await lost.held;
  const claimed = world.now;
  world.now = claimed + madeAfter;
  const answer = instance(store, { wrap: onItsWay.wrap }).invest(BODY);
  await onItsWay.held;
  strictEqual(sandbox.investments.length, 1);
  const other = {
    id: sandbox.investments[0].id,
    made: sandbox.investments[0].created * 1000,
    /** Lets its answer come back: the keyless caller is told it is its investment. */
    open: async () => {
      onItsWay.open();
      const response = await answer;
      strictEqual(response.status, 201);
      strictEqual((await response.json()).id, other.id);
    },
  };
  const finish = async () => {
    lost.open(); // refused by WhiteBIT for its old nonce
    await (await first).body?.cancel();
  };
  return { world, sandbox, claimed, taker: instance(store), other, finish };
}

Deno.test("review3: a keyless invest made after the dead holder's last moment, its answer on its way, is not taken as the holder's: the key never answers 201 'found' with an investment it never made", async () => {
  const { sandbox, taker, other, finish } = await keylessInvestAt(LEASE_MS + 1_000);
  const retry = await taker.invest(BODY, KEY);
  const reconciled = retry.headers.get("idempotent-reconciled");
  const body = retry.status === 201 ? await retry.json() : await retry.text();
  await other.open();
  await finish();
  notStrictEqual(
    body?.id,
    other.id,
    `the key was answered ${retry.status} (reconciled: ${reconciled}) with the keyless caller's investment: two callers told they invested, ${sandbox.investments.length} investment(s)`,
  );
  strictEqual(reconciled, "not-found");
});

Deno.test("review3: an investment of the same plan and amount made at the holder's last moment, another request's answer with it on its way, is waited for: once attributed to that request, the key invests anew", async () => {
  const at = await keylessInvestAt(LEASE_MS - 10_000); // the holder's last moment
  const { world, sandbox, claimed, taker, other } = at;
  world.now = other.made + SETTLED_MS - 1_000; // the lease has run out; 1 s short of settled
  ok(world.now >= claimed + LEASE_MS);
  const retry = taker.invest(BODY, KEY);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the taker is waiting
  await other.open();
  world.now += 1_000; // settled
  const answer = await retry;
  strictEqual(answer.status, 201);
  strictEqual(answer.headers.get("idempotent-reconciled"), "not-found");
  notStrictEqual(
    (await answer.json()).id,
    other.id,
    "the keyless caller's investment, given to the key",
  );
  strictEqual(sandbox.investments.length, 2, "the key's own investment, made after reconciling");
  await at.finish();
});

Deno.test("review3: an investment made too recently to tell whose it is leaves the outcome unknown (503), never 'found', when it cannot be waited for", async () => {
  const at = await keylessInvestAt(LEASE_MS - 10_000, 0);
  at.world.now = at.other.made + SETTLED_MS - 1_000;
  const answer = await at.taker.invest(BODY, KEY);
  strictEqual(answer.status, 503);
  const problem = await answer.json();
  ok(problem.type.endsWith("idempotency-reconciliation-failed"), problem.type);
  strictEqual(problem.outcome, "unknown");
  ok(problem.detail.includes("may still be on its way"), problem.detail);
  strictEqual(at.sandbox.investments.length, 1, "nothing invested while unknown");
  await at.other.open();
  await at.finish();
});

Deno.test("review3: a taker whose clock is corrected back while it waits for an investment to settle waits again, within maxWaitMs: the dead holder's investment is found, not 503", async () => {
  // WhiteBIT's clock runs in real time from the half second; `base` jumps it forward.
  const start = performance.now();
  const world = {
    base: halfSecond(),
    get now() {
      return this.base + performance.now() - start;
    },
  };
  const leaseMs = 20_000; // the shortest: its end comes before the holder's investment settles
  const { sandbox, instance } = leaseFleet(world, { timeoutMs: 1_000, leaseMs });
  const store = new MemoryIdempotencyStore({ now: () => world.now });
  const dies = holding(1, "after"); // WhiteBIT invests; the answer never comes back
  const first = instance(store, { wrap: dies.wrap }).invest(BODY, KEY);
  await dies.held;
  const { id } = sandbox.investments[0];
  world.base += leaseMs; // the lease has run out; the investment settles about 1.5 s later
  let step = 0;
  const taker = instance(store, { host: () => world.now - step });
  const retry = taker.invest(BODY, KEY);
  // While it waits, its clock is corrected 300 ms back (another request's time read).
  setTimeout(() => step = 300, 200);
  const answer = await retry;
  const body = await answer.json();
  strictEqual(answer.status, 201, JSON.stringify(body));
  strictEqual(answer.headers.get("idempotent-reconciled"), "found");
  strictEqual(body.id, id);
  strictEqual(sandbox.investments.length, 1);
  dies.open();
  await (await first).body?.cancel();
});

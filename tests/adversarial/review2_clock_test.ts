/**
 * Review 2: `Idempotency-Key` leases against clocks. Every instance keeps
 * the host's wall clock (`Date.now`, here injected), WhiteBIT keeps its own
 * (the sandbox's). The server heals its nonces from WhiteBIT's time, so it
 * keeps working with a host clock far off; these tests show what the
 * leases and the reconciliation window do then.
 *
 * Each test ends by counting WhiteBIT's investments for one
 * `Idempotency-Key`: the promise is exactly one.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { FetchLike } from "../../client/options.ts";
import { DenoKvIdempotencyStore, DurableObjectIdempotencyStore } from "../../server.ts";
import {
  fakeDurableObjects,
  GatedLimiter,
  leaseFleet,
  PATHS,
  PLAN,
  problemOf,
} from "../_fixtures.ts";

const LEASE_MS = 60_000;
const BODY = { planId: PLAN.id, amount: "25" };
const KEY = { "idempotency-key": "review2-clock-1" };

/** A transport whose first invest WhiteBIT carries out, and whose answer never comes back. */
function diesAfterInvesting() {
  const held = Promise.withResolvers<void>();
  const opened = Promise.withResolvers<void>();
  let done = false;
  const wrap = (fetch: FetchLike): FetchLike => async (input, init) => {
    const answer = await fetch(input, init);
    if (!done && input.endsWith(PATHS.invest) && answer.status === 201) {
      done = true;
      held.resolve();
      await opened.promise;
    }
    return answer;
  };
  return { wrap, held: held.promise, open: () => opened.resolve() };
}

Deno.test("review2: a host clock 2 min fast (nonces healed): the holder dies after investing, the retry after its lease invests a second time", async () => {
  const world = { now: Date.now() };
  const host = () => world.now + 120_000; // the server copes: syncTime() heals its nonces
  const { sandbox, instance } = leaseFleet(world);
  await using kv = await Deno.openKv(":memory:");
  const store = new DenoKvIdempotencyStore(kv, { now: host }); // one host, one KV file
  const dies = diesAfterInvesting();
  const dying = instance(store, { host, wrap: dies.wrap });
  const survivor = instance(store, { host });
  // The survivor has served before: its nonces are healed too.
  strictEqual((await survivor.call("/v1/plans")).status, 200);

  const first = dying.invest(BODY, KEY);
  await dies.held;
  strictEqual(sandbox.investments.length, 1, "WhiteBIT carried out the first request");
  const { id } = sandbox.investments[0];

  world.now += LEASE_MS + 1_000; // the holder's lease ran out
  const retry = await survivor.invest(BODY, KEY);
  const reconciled = retry.headers.get("idempotent-reconciled");
  const body = await retry.json();
  dies.open();
  await (await first).body?.cancel();
  // Reconciliation searched from attemptedAt − 60 s, attemptedAt on the host's raw clock.
  strictEqual(
    sandbox.investments.length,
    1,
    `one key, ${sandbox.investments.length} investments (reconciled: ${reconciled})`,
  );
  strictEqual(reconciled, "found");
  deepStrictEqual(body, { id });
});

Deno.test("review2: a fresh instance on a host clock 30 s off cannot reconcile: its history reads are never healed (503), while any other request would be", async () => {
  const world = { now: Date.now() };
  const host = () => world.now + 30_000; // "a host clock 30 s off answers 201 from the first request"
  const { instance } = leaseFleet(world);
  await using kv = await Deno.openKv(":memory:");
  const store = new DenoKvIdempotencyStore(kv, { now: host });
  const dies = diesAfterInvesting();
  const first = instance(store, { host, wrap: dies.wrap }).invest(BODY, KEY);
  await dies.held;
  world.now += LEASE_MS + 1_000;
  const fresh = instance(store, { host }); // the process restarted after the crash
  const retry = await fresh.invest(BODY, KEY);
  const detail = retry.status === 201 ? "" : (await problemOf(retry)).detail;
  // As told (Retry-After: the lease), the caller tries again: the same instance, still unhealed.
  world.now += LEASE_MS + 1_000;
  const again = await fresh.invest(BODY, KEY);
  await again.body?.cancel();
  dies.open();
  await (await first).body?.cancel();
  strictEqual(
    retry.status,
    201,
    `reconciling answered ${retry.status}, and ${again.status} a lease later: ${detail}`,
  );
});

Deno.test("review2: instance clocks 20 s apart (each heals its nonces): the taker's clock ends the holder's lease while the holder may still send: two investments", async () => {
  const world = { now: Date.now() };
  const hostA = () => world.now; // the holder: right
  const hostB = () => world.now + 20_000; // the taker: 20 s ahead
  const { sandbox, instance } = leaseFleet(world);
  await using kv = await Deno.openKv(":memory:");
  // One Deno KV database; each instance's store stamps and judges leases on its own clock.
  const storeA = new DenoKvIdempotencyStore(kv, { now: hostA });
  const storeB = new DenoKvIdempotencyStore(kv, { now: hostB });
  const slow = new GatedLimiter(); // the holder's turn to send comes late (rate limit, retries)
  const holder = instance(storeA, { host: hostA, rateLimiter: slow });
  const taker = instance(storeB, { host: hostB });
  strictEqual((await taker.call("/v1/plans")).status, 200); // served before: nonces healed

  const first = holder.invest(BODY, KEY);
  await slow.waiting;
  world.now += 41_000; // the holder's send deadline (its clock) is 45 s after its claim
  const retry = await taker.invest(BODY, KEY);
  await retry.body?.cancel();
  slow.open();
  await (await first).body?.cancel();
  strictEqual(sandbox.investments.length, 1, `one key, ${sandbox.investments.length} investments`);
});

Deno.test("review2: the holder's clock steps back 30 s mid-call (NTP): it sends after its lease ran out on the store's clock, and the taker already invested", async () => {
  const world = { now: Date.now() };
  let stepped = 0;
  const hostA = () => world.now - stepped;
  const hostB = () => world.now;
  const { sandbox, instance } = leaseFleet(world);
  // A Durable Object: one clock for every lease, the store's.
  const store = new DurableObjectIdempotencyStore(fakeDurableObjects(() => world.now).namespace);
  const slow = new GatedLimiter();
  const holder = instance(store, { host: hostA, rateLimiter: slow });
  const taker = instance(store, { host: hostB });

  const first = holder.invest(BODY, KEY);
  await slow.waiting;
  stepped = 30_000;
  world.now += LEASE_MS + 1_000; // the lease ran out on the store's clock
  const retry = await taker.invest(BODY, KEY);
  strictEqual(retry.headers.get("idempotent-reconciled"), "not-found");
  await retry.body?.cancel();
  slow.open(); // its first nonce is refused for the window, healed, and sent again
  await (await first).body?.cancel();
  strictEqual(sandbox.investments.length, 1, `one key, ${sandbox.investments.length} investments`);
});

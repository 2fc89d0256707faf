/**
 * Review 6: `IdempotencyStore.get` is optional, and a failing one is meant
 * to count as "unknown" (reconciliation then waits, as without it). But
 * `attributedTo` calls `store.get?.(key).catch(...)`: a `get` that throws
 * (rather than rejects), as a plain, non-async method of a custom store may,
 * escapes the `.catch`, and every reconciliation of the key answers 503
 * for ever, although the dead holder's investment was found long settled.
 */
import { strictEqual } from "node:assert/strict";
import { type IdempotencyStore, MemoryIdempotencyStore } from "../../server.ts";
import { halfSecond, holding, leaseFleet, PLAN } from "../_fixtures.ts";

const BODY = { planId: PLAN.id, amount: "25" };
const KEY = { "idempotency-key": "review6-get-1" };

Deno.test("review6: a store whose get() throws is read as 'unknown': a dead holder's settled investment is still found (201), not 503 for ever", async () => {
  const world = { now: halfSecond() };
  const { sandbox, instance } = leaseFleet(world); // lease 60 s, timeoutMs 10 s
  const inner = new MemoryIdempotencyStore({ now: () => world.now });
  const store: IdempotencyStore = {
    claim: (...args) => inner.claim(...args),
    complete: (...args) => inner.complete(...args),
    release: (...args) => inner.release(...args),
    renew: (...args) => inner.renew(...args),
    get: () => {
      throw new Error("this store cannot read a single key");
    },
  };
  const lost = holding(1, "after"); // WhiteBIT carries it out; the holder dies before hearing back
  const first = instance(store, { wrap: lost.wrap }).invest(BODY, KEY);
  await lost.held;
  world.now += 61_000; // the lease ran out; the investment is long settled
  const retry = await instance(store).invest(BODY, KEY);
  lost.open();
  await (await first).body?.cancel();
  const body = await retry.text();
  strictEqual(sandbox.investments.length, 1);
  strictEqual(retry.status, 201, `the retry was answered ${retry.status}: ${body}`);
  strictEqual(retry.headers.get("idempotent-reconciled"), "found");
});

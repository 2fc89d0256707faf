/**
 * Review 4: a success's id is attributed to its key (or to none) so that
 * no reconciliation gives it to another key. When that write failed once
 * (Deno KV busy, a Durable Object reset), the server only logged a warning
 * and left the id unattributed: a later reconciliation of a dead holder's
 * key with the same plan and amount took that investment as its own. Now
 * the write is tried three times, and a store that refuses all three is
 * named in the access log's warning.
 */
import { notStrictEqual, ok, strictEqual } from "node:assert/strict";
import { type IdempotencyStore, MemoryIdempotencyStore } from "../../server.ts";
import { halfSecond, holding, leaseFleet, PLAN } from "../_fixtures.ts";

const BODY = { planId: PLAN.id, amount: "25" };
const KEY = { "idempotency-key": "review4-attribution-1" };

/** A store whose attribution writes (" made " keys) fail the first `times` times. */
function flaky(
  inner: MemoryIdempotencyStore,
  times: number,
): IdempotencyStore & { failed: number } {
  const store = {
    failed: 0,
    claim: (...args: Parameters<IdempotencyStore["claim"]>) => {
      if (args[0].includes(" made ") && store.failed < times) {
        store.failed++;
        return Promise.reject(new Error("database is busy"));
      }
      return inner.claim(...args);
    },
    complete: (...args: Parameters<IdempotencyStore["complete"]>) => inner.complete(...args),
    release: (...args: Parameters<IdempotencyStore["release"]>) => inner.release(...args),
    renew: (...args: Parameters<NonNullable<IdempotencyStore["renew"]>>) => inner.renew(...args),
  };
  return store;
}

/**
 * A holder whose invest never reaches WhiteBIT (it dies), a keyless
 * success of the same plan and amount 2 s later whose attribution write
 * fails `times` times, and the holder's key retried after everything
 * settled.
 */
async function keylessAttributionFails(times: number) {
  const world = { now: halfSecond() };
  const { sandbox, instance } = leaseFleet(world, { timeoutMs: 1_000 });
  const store = flaky(new MemoryIdempotencyStore({ now: () => world.now }), times);
  const lost = holding(1, "before");
  const first = instance(store, { wrap: lost.wrap }).invest(BODY, KEY);
  await lost.held;
  world.now += 2_000;
  const keyless = instance(store);
  const other = await keyless.invest(BODY);
  strictEqual(other.status, 201);
  const othersId = (await other.json()).id;
  world.now += 60_000 + 30_000; // the holder's lease ran out long ago; everything has settled
  const retry = await instance(store).invest(BODY, KEY);
  lost.open();
  await (await first).body?.cancel();
  return { sandbox, store, othersId, retry, warning: keyless.logs.at(-1)?.warning };
}

Deno.test("review4: a keyless success whose attribution write failed twice is attributed on the third try: a dead holder's key never takes it", async () => {
  const { sandbox, store, othersId, retry, warning } = await keylessAttributionFails(2);
  strictEqual(store.failed, 2);
  strictEqual(warning, undefined);
  strictEqual(retry.status, 201);
  strictEqual(retry.headers.get("idempotent-reconciled"), "not-found");
  notStrictEqual(
    (await retry.json()).id,
    othersId,
    "the keyless caller's investment, given to the key",
  );
  strictEqual(sandbox.investments.length, 2);
});

Deno.test("review4: a store that refuses the attribution three times is named in the success's log line", async () => {
  const { store, retry, warning } = await keylessAttributionFails(3);
  strictEqual(store.failed, 3);
  ok(warning?.includes("the store failed"), warning);
  await retry.body?.cancel();
});

/**
 * Review 5: reconciliation takes an item once it is "settled": made more
 * than 1 s + 5 s + timeoutMs + 15 s ago, the 15 s being the time a
 * success's attribution may take. The review found the attribution's
 * three tries could take 30.5 s (10 s each on a locked Deno KV file): now
 * no try starts later than 5 s after the answer (on either clock). And an
 * item already attributed to another key was waited for, or refused with
 * 503, before its attribution was looked at: now the store is read first.
 */
import { notStrictEqual, strictEqual } from "node:assert/strict";
import { type IdempotencyStore, MemoryIdempotencyStore } from "../../server.ts";
import { halfSecond, holding, leaseFleet, PLAN } from "../_fixtures.ts";

const BODY = { planId: PLAN.id, amount: "25" };
const KEY = { "idempotency-key": "review5-reconcile-1" };

/** A store whose first attribution write (a " made " key) spends `ms` and fails. */
function slowFailure(inner: MemoryIdempotencyStore, world: { now: number }, ms: number) {
  const store = {
    tries: 0,
    claim: async (...args: Parameters<IdempotencyStore["claim"]>) => {
      if (args[0].includes(" made ") && ++store.tries === 1) {
        world.now += ms; // Deno KV retrying a locked file
        throw new Error("database is locked");
      }
      return await inner.claim(...args);
    },
    complete: (...args: Parameters<IdempotencyStore["complete"]>) => inner.complete(...args),
    release: (...args: Parameters<IdempotencyStore["release"]>) => inner.release(...args),
    renew: (...args: Parameters<NonNullable<IdempotencyStore["renew"]>>) => inner.renew(...args),
  };
  return store;
}

for (const [ms, tries] of [[3_000, "2 tries"], [10_000, "1 try"]] as const) {
  Deno.test(`review5: a success's attribution is tried again only while 5 s have not passed since its answer: a first write failing after ${ms} ms makes ${tries}`, async () => {
    const world = { now: halfSecond() };
    const { instance } = leaseFleet(world);
    const store = slowFailure(new MemoryIdempotencyStore({ now: () => world.now }), world, ms);
    const app = instance(store);
    const answer = await app.invest(BODY);
    strictEqual(answer.status, 201, "the caller gets its investment either way");
    await answer.body?.cancel();
    strictEqual(store.tries, Number.parseInt(tries));
    const { warning } = app.logs.at(-1)!;
    strictEqual(warning === undefined, store.tries === 2, String(warning));
  });
}

Deno.test("review5: with default settings, an identical investment already attributed to another key is passed over at once: the dead holder's retry invests anew (201 not-found), never 503", async () => {
  const world = { now: halfSecond() };
  const { sandbox, instance } = leaseFleet(world); // lease 60 s, timeoutMs 10 s, maxWaitMs 15 s
  const store = new MemoryIdempotencyStore({ now: () => world.now });
  const lost = holding(1, "before");
  const first = instance(store, { wrap: lost.wrap }).invest(BODY, KEY); // never sent: dies
  await lost.held;
  world.now += 49_000;
  const other = await instance(store).invest(BODY, { "idempotency-key": "another-key" });
  strictEqual(other.status, 201);
  const othersId = (await other.json()).id;
  world.now += 12_000; // the holder's lease ran out 1 s ago
  const retry = await instance(store).invest(BODY, KEY);
  lost.open();
  await (await first).body?.cancel();
  const body = await retry.text();
  strictEqual(retry.status, 201, `the retry was answered ${retry.status}: ${body}`);
  strictEqual(retry.headers.get("idempotent-reconciled"), "not-found");
  notStrictEqual(JSON.parse(body).id, othersId);
  strictEqual(sandbox.investments.length, 2);
});

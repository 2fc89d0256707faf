/**
 * `Idempotency-Key` leases against host clocks that are wrong, never
 * corrected, or step: leases live on WhiteBIT's clock as each instance's
 * client corrects it, a holder sends only requests whose nonce lies in its
 * lease's send window (WhiteBIT runs a request only within 5 s of its
 * nonce), its lease is renewed when its clock is corrected, and a taker
 * reads WhiteBIT's time before it reconciles. Each test counts WhiteBIT's
 * investments for one key: exactly one.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  DenoKvIdempotencyStore,
  type IdempotencyStore,
  MemoryIdempotencyStore,
} from "../../server.ts";
import { SendWindow } from "../../server/_send_window.ts";
import {
  GatedLimiter,
  halfSecond,
  holding,
  leaseFleet,
  PLAN,
  problemOf,
  STORES,
  typeOf,
} from "../_fixtures.ts";

const LEASE_MS = 60_000;
const BODY = { planId: PLAN.id, amount: "25" };
const KEY = { "idempotency-key": "clock-lease-1" };

Deno.test("a taker whose host clock is 20 s ahead and was never corrected reads WhiteBIT's time before reconciling: the holder's lease still runs, nothing is invested twice", async () => {
  const world = { now: halfSecond() };
  const { sandbox, instance } = leaseFleet(world);
  await using kv = await Deno.openKv(":memory:");
  const holderStore = new DenoKvIdempotencyStore(kv, { now: () => world.now });
  const takerStore = new DenoKvIdempotencyStore(kv, { now: () => world.now + 20_000 });
  const slow = new GatedLimiter(); // the holder's turn to send comes late
  const holder = instance(holderStore, { host: () => world.now, rateLimiter: slow });
  const taker = instance(takerStore, { host: () => world.now + 20_000 }); // its first request: unverified

  const first = holder.invest(BODY, KEY);
  await slow.waiting;
  world.now += 41_000; // the holder may send for 4 s more; on the taker's clock its lease is over
  const early = await taker.invest(BODY, KEY);
  strictEqual(early.status, 503);
  const p = await problemOf(early);
  strictEqual(p.type, typeOf("idempotency-reconciliation-failed"));
  strictEqual(p.outcome, "unknown");
  ok(/had not run out on WhiteBIT's clock/.test(p.detail), p.detail);
  strictEqual(sandbox.investments.length, 0, "the taker invested nothing");

  slow.open();
  const late = await first;
  strictEqual(late.status, 201, "the holder sent in time");
  const { id } = await late.json();
  // The key is the taker's until its own lease (stamped on its clock then) runs out.
  world.now += LEASE_MS + 20_000;
  const reconciled = await taker.invest(BODY, KEY);
  strictEqual(reconciled.headers.get("idempotent-reconciled"), "found");
  deepStrictEqual(await reconciled.json(), { id });
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("a holder whose host clock, 2 min fast and never corrected, is stepped back (NTP) between its claim and its send does not send: reconciliation would search after its investment", async () => {
  const world = { now: halfSecond() };
  const { sandbox, instance } = leaseFleet(world);
  let ahead = 120_000;
  const host = () => world.now + ahead;
  const store = new MemoryIdempotencyStore({ now: () => world.now });
  const slow = new GatedLimiter();
  const dies = holding(1, "after"); // if it invests, its answer never comes back
  const holder = instance(store, { host, rateLimiter: slow, wrap: dies.wrap });
  const other = instance(store, { host: () => world.now });

  const first = holder.invest(BODY, KEY); // claimed at WhiteBIT's time + 2 min
  await slow.waiting;
  ahead = 0; // NTP: the host clock is right now, with no nonce refused to say so
  slow.open();
  const outcome = await Promise.race([
    first.then(async (response) => `${response.status} ${(await problemOf(response)).outcome}`),
    dies.held.then(() => "invested"),
  ]);
  strictEqual(outcome, "503 not_executed");

  world.now += 3 * LEASE_MS; // past any lease the first claim could have left
  const retry = await other.invest(BODY, KEY);
  strictEqual(retry.status, 201);
  dies.open();
  await first;
  strictEqual(sandbox.investments.length, 1, "one key, one investment");
});

Deno.test("a store without renew(): a request whose nonce WhiteBIT refused is not sent again once the clock is corrected (its lease is on the wrong clock): 503 not_executed, then 201", async () => {
  const world = { now: halfSecond() };
  const { sandbox, instance } = leaseFleet(world);
  const inner = new MemoryIdempotencyStore();
  const store: IdempotencyStore = {
    claim: (key, fingerprint, ttlMs, lease) => inner.claim(key, fingerprint, ttlMs, lease),
    complete: (key, fingerprint, response, ttlMs, holder) =>
      inner.complete(key, fingerprint, response, ttlMs, holder),
    release: (key, holder) => inner.release(key, holder),
  };
  const app = instance(store, { host: () => world.now + 30_000 });
  const refused = await app.invest(BODY, KEY);
  strictEqual(refused.status, 503);
  const p = await problemOf(refused);
  strictEqual(p.outcome, "not_executed");
  ok(/could not renew/.test(p.detail), p.detail);
  strictEqual(sandbox.investments.length, 0);
  strictEqual((await app.invest(BODY, KEY)).status, 201, "claimed again on the corrected clock");
  strictEqual(sandbox.investments.length, 1);
});

for (const [name, open] of STORES) {
  Deno.test(`${name}: renew() re-stamps only its holder's lease, from its clock, the attempt time never later`, async () => {
    await using stores = await open(() => 1_000);
    const { store } = stores;
    const lease = { holder: "a", endpoint: "invest", params: { amount: "1" }, leaseMs: LEASE_MS };
    strictEqual(await store.renew!("k", lease), false, "nothing to renew");
    await store.claim("k", "f", 86_400_000, { ...lease, now: 500_000 });
    strictEqual(await store.renew!("k", { ...lease, holder: "b", now: 400_000 }), false);
    strictEqual(await store.renew!("k", { ...lease, now: 380_000 }), true);
    // Now judged on the renewed lease: running until 440 000 on the claimer's clock.
    strictEqual(
      (await store.claim("k", "f", 86_400_000, { ...lease, holder: "c", now: 439_999 }))
        ?.state,
      "in_flight",
    );
    const taken = await store.claim("k", "f", 86_400_000, { ...lease, holder: "c", now: 440_000 });
    strictEqual(taken?.state, "taken_over");
    deepStrictEqual(taken.state === "taken_over" && taken.lease, {
      holder: "a",
      endpoint: "invest",
      params: { amount: "1" },
      attemptedAt: 380_000,
      expiresAt: 440_000,
    });
    strictEqual(await store.renew!("k", { ...lease, now: 450_000 }), false, "it was taken over");
    strictEqual(await store.renew!("k", { ...lease, holder: "c", now: 600_000 }), true);
    const again = await store.claim("k", "f", 86_400_000, { ...lease, holder: "d", now: 660_000 });
    strictEqual(again?.state === "taken_over" && again.lease.attemptedAt, 380_000, "never later");
    await store.complete("k", "f", { status: 201, body: "{}", contentType: "" }, 1_000, "d");
    strictEqual(
      await store.renew!("k", { ...lease, holder: "d" }),
      false,
      "answered: not in flight",
    );
  });
}

Deno.test("SendWindow: a host clock that steps back cannot stretch the deadline: the monotonic time since the claim ends it", () => {
  let monotonic = 1_000;
  const claimed = 1_800_000_000_000;
  const window = new SendWindow({
    leaseMs: LEASE_MS,
    since: claimed,
    renewLease: () => Promise.resolve(true),
    monotonic: () => monotonic,
  });
  strictEqual(window.allows(claimed + 44_999), true);
  strictEqual(window.allows(claimed + 45_000), false, "its lease's last 15 s, by the nonce");
  strictEqual(window.allows(claimed - 50_000), true);
  strictEqual(window.allows(claimed - 50_001), false, "before what reconciliation reads from");
  monotonic += 44_999;
  strictEqual(window.allows(claimed + 1_000), true);
  monotonic += 1; // 45 s passed, while the (stepped back) clock signs nonces as if 1 s had
  strictEqual(window.allows(claimed + 1_000), false);
});

Deno.test("SendWindow: renewed from a corrected clock, it starts over from then; not renewed, it stays", async () => {
  let monotonic = 0;
  let renewable = true;
  const claimed = 1_800_000_000_000;
  const window = new SendWindow({
    leaseMs: LEASE_MS,
    since: claimed + 120_000, // claimed on a clock 2 min fast
    renewLease: () => renewable ? Promise.resolve(true) : Promise.reject(new Error("store down")),
    monotonic: () => monotonic,
  });
  strictEqual(window.allows(claimed), false, "the corrected clock is 2 min before its window");
  strictEqual(window.drift(claimed), 120_000);
  monotonic = 10_000;
  strictEqual(await window.renew(claimed), true);
  strictEqual(window.allows(claimed), true);
  strictEqual(window.drift(claimed + 5_000), 5_000);
  renewable = false;
  strictEqual(await window.renew(claimed + 200_000), false, "a failing store is not renewed");
  strictEqual(window.allows(claimed), true, "and the window is as it was");
});

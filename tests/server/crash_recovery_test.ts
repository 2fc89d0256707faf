/**
 * Crash recovery of `Idempotency-Key`, in process: two apps (instances) on
 * one store and one sandbox, one clock for everything. The instance holding
 * a key "dies" mid-call (its call hangs forever); a retry on the other
 * instance answers 409 while the holder's lease lasts, then takes the key
 * over and reconciles it: never a second investment, and the answer says so.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import type { FetchLike } from "../../client/options.ts";
import type { RateLimiter } from "../../client/rate_limiter.ts";
import { type IdempotencyStore, MemoryIdempotencyStore } from "../../server.ts";
import {
  appOn,
  GatedLimiter,
  halfSecond,
  holding,
  leaseFleet,
  PATHS,
  PLAN,
  problemOf,
  sentTo,
  STORES,
  typeOf,
} from "../_fixtures.ts";

const LEASE_MS = 60_000;

/** A sandbox, a store and instances on them, all on one clock that only moves when told. */
function fleet(store: IdempotencyStore, clock: { now: number }) {
  const { sandbox, instance } = leaseFleet(clock, { leaseMs: LEASE_MS });
  return {
    sandbox,
    instance: (wrap?: (fetch: FetchLike) => FetchLike, rateLimiter?: RateLimiter) =>
      instance(store, { wrap, rateLimiter }),
  };
}

const BODY = { planId: PLAN.id, amount: "25" };
const KEY = { "idempotency-key": "order-crash-1" };

for (const [name, open] of STORES) {
  Deno.test(`${name}: the holder dies after WhiteBIT invested: 409 during its lease, then 201 with the same investment, reconciled`, async () => {
    const clock = { now: halfSecond() };
    await using stores = await open(() => clock.now);
    const { sandbox, instance } = fleet(stores.store, clock);
    const dies = holding(1, "after"); // WhiteBIT invests; the answer never comes back
    const dying = instance(dies.wrap);
    const survivor = instance();
    const first = dying.invest(BODY, KEY);
    await dies.held;
    strictEqual(sandbox.investments.length, 1, "WhiteBIT carried it out");
    const { id } = sandbox.investments[0];

    clock.now += LEASE_MS - 1; // the lease still runs
    const early = await survivor.invest(BODY, KEY);
    strictEqual(early.status, 409);
    strictEqual((await problemOf(early)).outcome, "unknown");

    clock.now += 1; // the lease ran out
    const reconciled = await survivor.invest(BODY, KEY);
    strictEqual(reconciled.status, 201);
    strictEqual(reconciled.headers.get("idempotent-reconciled"), "found");
    deepStrictEqual(await reconciled.json(), { id });
    strictEqual(survivor.logs.at(-1)?.reconciled, "found");
    ok(survivor.logs.at(-1)?.events?.some((e) => e.requestPath === PATHS.investments));

    const replay = await survivor.invest(BODY, KEY);
    strictEqual(replay.headers.get("idempotent-replayed"), "true");
    deepStrictEqual(await replay.json(), { id });

    // The dead holder wakes up: its answer is the truth, and changes nothing kept.
    dies.open();
    const late = await first;
    strictEqual(late.status, 201);
    deepStrictEqual(await late.json(), { id });
    strictEqual(dying.logs.at(-1)?.warning?.includes("taken over"), true);
    deepStrictEqual(await (await survivor.invest(BODY, KEY)).json(), { id });
    strictEqual(sandbox.investments.length, 1, "exactly one investment");
    strictEqual(sentTo(sandbox, PATHS.invest), 1);
  });

  Deno.test(`${name}: the holder dies before WhiteBIT saw it: not found, invested anew once; the late original is refused by WhiteBIT and never resent`, async () => {
    const clock = { now: halfSecond() };
    await using stores = await open(() => clock.now);
    const { sandbox, instance } = fleet(stores.store, clock);
    const lost = holding(1, "before"); // the request waits on the wire
    const dying = instance(lost.wrap);
    const survivor = instance();
    const first = dying.invest(BODY, KEY);
    await lost.held;
    clock.now += LEASE_MS;
    const reconciled = await survivor.invest(BODY, KEY);
    strictEqual(reconciled.status, 201);
    strictEqual(reconciled.headers.get("idempotent-reconciled"), "not-found");
    const { id } = await reconciled.json();
    deepStrictEqual(sandbox.investments.map((investment) => investment.id), [id]);

    // The original reaches WhiteBIT a minute late: its nonce is out of the window. The
    // server's nonce-window healing would send it again; its lease forbids it.
    lost.open();
    const late = await first;
    strictEqual(late.status, 503);
    strictEqual((await problemOf(late)).outcome, "not_executed");
    strictEqual(sandbox.investments.length, 1, "never a second investment");
    deepStrictEqual(await (await survivor.invest(BODY, KEY)).json(), { id });
  });

  Deno.test(`${name}: one instance, two requests: when the slow first one gives up, the key stays the second's, in flight`, async () => {
    const clock = { now: halfSecond() };
    await using stores = await open(() => clock.now);
    const { sandbox, instance } = fleet(stores.store, clock);
    // The first two invests on the wire wait, each until opened.
    const gates = [Promise.withResolvers<void>(), Promise.withResolvers<void>()];
    const arrived = [Promise.withResolvers<void>(), Promise.withResolvers<void>()];
    let invests = 0;
    const app = instance((fetch) => async (input, init) => {
      const n = input.endsWith(PATHS.invest) ? invests++ : -1;
      if (n === 0 || n === 1) {
        arrived[n].resolve();
        await gates[n].promise;
      }
      return await fetch(input, init);
    });
    const slow = app.invest(BODY, KEY); // its invest waits on the wire
    await arrived[0].promise;
    clock.now += LEASE_MS;
    const second = app.invest(BODY, KEY); // takes the key over, finds nothing, invests: waits too
    await arrived[1].promise;
    gates[0].resolve(); // the first reaches WhiteBIT too late: refused, and gives the key up
    strictEqual((await slow).status, 503);
    const third = await app.invest(BODY, KEY);
    strictEqual(third.status, 409, "the key is still the second's");
    await third.body?.cancel();
    gates[1].resolve();
    const { id } = await (await second).json();
    deepStrictEqual(sandbox.investments.map((investment) => investment.id), [id]);
  });

  Deno.test(`${name}: takers that die too never narrow the search: the fourth finds the first holder's investment`, async () => {
    const clock = { now: halfSecond() };
    await using stores = await open(() => clock.now);
    const { sandbox, instance } = fleet(stores.store, clock);
    const dies = holding(1, "after");
    const first = instance(dies.wrap).invest(BODY, KEY); // invested; the answer never comes
    await dies.held;
    // Two takers die while reading WhiteBIT's history: their reads never come back.
    const hung = Promise.withResolvers<void>();
    const takers = [];
    for (let i = 0; i < 2; i++) {
      clock.now += LEASE_MS;
      const reading = Promise.withResolvers<void>();
      takers.push(
        instance((fetch) => async (input, init) => {
          if (input.endsWith(PATHS.investments)) {
            reading.resolve(); // it took the key over and reads the history
            await hung.promise;
          }
          return await fetch(input, init);
        }).invest(BODY, KEY),
      );
      await reading.promise;
    }
    clock.now += LEASE_MS; // 3 leases after the attempt: far past findInvestment's 60 s
    const found = await instance().invest(BODY, KEY);
    strictEqual(found.headers.get("idempotent-reconciled"), "found");
    deepStrictEqual(await found.json(), { id: sandbox.investments[0].id });
    strictEqual(sandbox.investments.length, 1, "never a second investment");
    hung.resolve();
    dies.open();
    await Promise.all([first, ...takers].map(async (r) => (await r).body?.cancel()));
    strictEqual(sandbox.investments.length, 1);
  });

  Deno.test(`${name}: an investment of the same plan and amount made for another key is never taken for this key's`, async () => {
    const clock = { now: halfSecond() };
    await using stores = await open(() => clock.now);
    const { sandbox, instance } = fleet(stores.store, clock);
    const lost = holding(1, "before");
    const dying = instance(lost.wrap);
    const other = instance();
    const first = dying.invest(BODY, KEY); // never reaches WhiteBIT
    await lost.held;
    const made = await other.invest(BODY, { "idempotency-key": "order-crash-other" });
    strictEqual(made.status, 201);
    const { id: othersId } = await made.json();
    clock.now += LEASE_MS;
    const reconciled = await other.invest(BODY, KEY);
    strictEqual(reconciled.headers.get("idempotent-reconciled"), "not-found");
    const { id } = await reconciled.json();
    ok(id !== othersId, "the other key's investment is its own");
    strictEqual(sandbox.investments.length, 2, "one per key");
    lost.open();
    await (await first).body?.cancel();
    strictEqual(sandbox.investments.length, 2);
  });

  Deno.test(`${name}: 12 retries at once after the lease: one reconciles, the others wait or replay, one investment`, async () => {
    const clock = { now: halfSecond() };
    await using stores = await open(() => clock.now);
    const { sandbox, instance } = fleet(stores.store, clock);
    const dies = holding(1, "after");
    const first = instance(dies.wrap).invest(BODY, KEY);
    await dies.held;
    clock.now += LEASE_MS;
    const survivors = [instance(), instance(), instance()];
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => survivors[i % 3].invest(BODY, KEY)),
    );
    const reconciled = responses.filter((r) => r.headers.get("idempotent-reconciled"));
    strictEqual(reconciled.length, 1, "exactly one took the key over");
    strictEqual(reconciled[0].headers.get("idempotent-reconciled"), "found");
    for (const response of responses) {
      ok([201, 409].includes(response.status), String(response.status));
      if (response.status === 201) {
        deepStrictEqual(await response.json(), { id: sandbox.investments[0].id });
      } else await response.body?.cancel();
    }
    strictEqual(sandbox.investments.length, 1);
    dies.open();
    await (await first).body?.cancel();
  });

  Deno.test(`${name}: a close whose holder died: found closed (204, reconciled), or carried out once`, async () => {
    const clock = { now: halfSecond() };
    await using stores = await open(() => clock.now);
    const { sandbox, instance } = fleet(stores.store, clock);
    const survivor = instance();
    const ids: string[] = [];
    for (const amount of ["30", "40"]) {
      ids.push((await (await survivor.invest({ planId: PLAN.id, amount })).json()).id);
    }
    const close = (app: ReturnType<typeof instance>, id: string) =>
      app.call(`/v1/investments/${id}/close`, {
        method: "POST",
        headers: { "idempotency-key": `close-${id}` },
      });
    // The first close went through, its answer lost; the second never reached WhiteBIT.
    const dies = holding(1, "after");
    const lost = holding(1, "before");
    const firstClose = close(instance(dies.wrap), ids[0]);
    const secondClose = close(instance(lost.wrap), ids[1]);
    await Promise.all([dies.held, lost.held]);
    clock.now += LEASE_MS;
    const found = await close(survivor, ids[0]);
    strictEqual(found.status, 204);
    strictEqual(found.headers.get("idempotent-reconciled"), "found");
    const anew = await close(survivor, ids[1]);
    strictEqual(anew.status, 204);
    strictEqual(anew.headers.get("idempotent-reconciled"), "not-found");
    deepStrictEqual(sandbox.investments.map((investment) => investment.status), [2, 2]);
    strictEqual(sentTo(sandbox, PATHS.close), 2, "each close reached WhiteBIT once");
    dies.open();
    lost.open();
    await Promise.all([firstClose, secondClose].map(async (r) => (await r).body?.cancel()));
    deepStrictEqual(
      sandbox.requests.filter((r) => r.path === PATHS.close).map((r) => r.status),
      [200, 200, 400],
      "the late one is refused by WhiteBIT (its nonce is out of the window) and never resent",
    );
  });

  Deno.test(`${name}: reconciling fails when WhiteBIT's history cannot be read: 503 unknown, nothing invested, reconciled later`, async () => {
    const clock = { now: halfSecond() };
    await using stores = await open(() => clock.now);
    const { sandbox, instance } = fleet(stores.store, clock);
    const dies = holding(1, "after");
    const first = instance(dies.wrap).invest(BODY, KEY);
    await dies.held;
    clock.now += LEASE_MS;
    const survivor = instance();
    sandbox.injectFault({ kind: "respond", status: 502, body: "<html/>" }, {
      path: PATHS.investments,
    });
    const failed = await survivor.invest(BODY, KEY);
    strictEqual(failed.status, 503);
    const p = await problemOf(failed);
    strictEqual(p.type, typeOf("idempotency-reconciliation-failed"));
    strictEqual(p.outcome, "unknown");
    strictEqual(failed.headers.get("retry-after"), String(LEASE_MS / 1000));
    strictEqual(sandbox.investments.length, 1);
    strictEqual((await survivor.invest(BODY, KEY)).status, 409, "held by the reconciler now");
    clock.now += LEASE_MS; // the reconciler's own lease ran out
    const reconciled = await survivor.invest(BODY, KEY);
    strictEqual(reconciled.headers.get("idempotent-reconciled"), "found");
    deepStrictEqual(await reconciled.json(), { id: sandbox.investments[0].id });
    dies.open();
    await (await first).body?.cancel();
  });
}

Deno.test("a request whose turn comes after its key's send deadline is not sent: 503 not_executed, the key freed", async () => {
  const clock = { now: halfSecond() };
  const { sandbox, instance } = fleet(new MemoryIdempotencyStore({ now: () => clock.now }), clock);
  const limiter = new GatedLimiter();
  const slow = instance(undefined, limiter);
  const waiting = slow.invest(BODY, KEY);
  await limiter.waiting;
  clock.now += LEASE_MS - 15_000; // the last 15 s of the lease: no more sending
  limiter.open();
  const response = await waiting;
  strictEqual(response.status, 503);
  const p = await problemOf(response);
  strictEqual(p.outcome, "not_executed");
  ok(p.detail.includes("lease"));
  strictEqual(sandbox.requests.length, 0, "nothing reached WhiteBIT");
  const retry = await instance().invest(BODY, KEY);
  strictEqual(retry.status, 201, "the key was freed");
  strictEqual(retry.headers.get("idempotent-reconciled"), null);
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("createApp refuses a lease too short to send in, or longer than a key lives", () => {
  for (const idempotencyLeaseMs of [19_999, 0, 86_400_001, 1.5, NaN]) {
    try {
      appOn({ idempotencyLeaseMs });
      throw new Error(`accepted ${idempotencyLeaseMs}`);
    } catch (error) {
      ok(error instanceof RangeError, String(error));
      ok(error.message.includes('"idempotencyLeaseMs"'));
    }
  }
  appOn({ idempotencyLeaseMs: 20_000 });
});

for (const [name, open] of STORES) {
  Deno.test(`${name}: get() reads a record and changes nothing; an expired one is gone`, async () => {
    const clock = { now: 1_000 };
    await using stores = await open(() => clock.now);
    const { store } = stores;
    strictEqual(await store.get!("k"), undefined);
    await store.claim("k", "owner", 5_000);
    strictEqual((await store.get!("k"))?.fingerprint, "owner");
    strictEqual((await store.get!("k"))?.state, "in_flight");
    strictEqual(
      (await store.claim("k", "other", 5_000))?.fingerprint,
      "owner",
      "still the owner's",
    );
    clock.now += 5_000;
    strictEqual(await store.get!("k"), undefined, "expired");
  });
}

for (const [name, open] of STORES) {
  Deno.test(`${name}: flex calls whose holder died: an invest found by its history row, a withdrawal carried out once, auto-invest found as set`, async () => {
    const clock = { now: halfSecond() };
    await using stores = await open(() => clock.now);
    const { sandbox, instance } = fleet(stores.store, clock);
    const plan = sandbox.flexPlans[0].id;
    const post = (app: ReturnType<typeof instance>, path: string, json: unknown, key: string) =>
      app.call(path, { method: "POST", json, headers: { "idempotency-key": key } });
    const survivor = instance();
    strictEqual(
      (await post(survivor, "/v1/flex/invest", { plan, amount: "300" }, "f-0")).status,
      201,
    );
    const moves = [
      ["/v1/flex/invest", { plan, amount: "50" }, "after"],
      ["/v1/flex/withdraw", { plan, amount: "20" }, "before"],
      ["/v1/flex/auto-invest", { plan, enabled: true }, "after"],
    ] as const;
    const held = moves.map(([path, json, when], i) => {
      const wire = holding(1, when);
      return { wire, response: post(instance(wire.wrap), path, json, `f-${i + 1}`) };
    });
    await Promise.all(held.map(({ wire }) => wire.held));
    const rowsBefore = sandbox.flexHistory.length;
    clock.now += LEASE_MS;
    const answers = [];
    for (const [i, [path, json]] of moves.entries()) {
      const response = await post(survivor, path, json, `f-${i + 1}`);
      answers.push([response.status, response.headers.get("idempotent-reconciled")]);
      if (i === 0) {
        const { transactionId } = await response.json();
        const row = sandbox.flexHistory.find((r) => r.amount === "50");
        strictEqual(transactionId, row?.transaction_id, "the invest's own row");
      } else await response.body?.cancel();
    }
    deepStrictEqual(answers, [[201, "found"], [201, "not-found"], [204, "found"]]);
    strictEqual(sandbox.flexHistory.length, rowsBefore + 1, "only the withdrawal was made now");
    for (const { wire, response } of held) {
      wire.open();
      await (await response).body?.cancel();
    }
    strictEqual(sandbox.flexHistory.length, rowsBefore + 1, "the late withdrawal is never resent");
    deepStrictEqual(
      sandbox.flexInvestments.map((p) => [p.invested, p.withAutoReinvest]),
      [["330", true]],
    );
  });
}

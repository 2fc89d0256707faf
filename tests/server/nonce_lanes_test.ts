/**
 * Leased nonce lanes, in process: apps (instances) on one key share a lane
 * store and a sandbox, on one clock that moves only when told. An instance
 * signs only with the lane it holds; past the key's lanes it sends nothing;
 * a lane given up or lost is never signed with again, and is taken by
 * another only after it has been quiet for 6 s.
 */
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { WhiteBitClient } from "../../client.ts";
import type { RateLimiter } from "../../client/rate_limiter.ts";
import {
  DenoKvNonceLaneStore,
  DurableObjectNonceLaneStore,
  MemoryNonceLaneStore,
  type NonceLaneStore,
} from "../../server.ts";
import { LaneKeeper } from "../../server/_lane_keeper.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import {
  appOn,
  fakeDurableObjects,
  GatedLimiter,
  halfSecond,
  PATHS,
  PLAN,
  problemOf,
  SERVER_ACCOUNT,
  T0,
  typeOf,
} from "../_fixtures.ts";

const LEASE_MS = 30_000;

/** A sandbox and a lane store on one frozen clock, and instances of `count` lanes on them. */
async function fleet(open: OpenLanes, count: number) {
  const clock = { now: halfSecond() };
  const now = () => clock.now;
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...SERVER_ACCOUNT, balances: { USDT: "1000000" } }],
    plans: [PLAN],
    now,
  });
  const lanes = await open(now);
  const apps: ReturnType<typeof appOn>[] = [];
  const instance = (options: { count?: number; rateLimiter?: RateLimiter } = {}) => {
    const app = appOn({
      client: {
        ...sandbox.credentials,
        fetch: sandbox.fetch,
        now,
        rateLimiter: options.rateLimiter,
      },
      nonceLanes: { count: options.count ?? count, store: lanes, leaseMs: LEASE_MS },
      now,
    });
    apps.push(app);
    return app;
  };
  /** The nonces each investment was signed with, in order. */
  const nonces = () =>
    sandbox.requests.filter((r) => r.path === PATHS.invest && r.status === 201).map((r) =>
      r.nonce!
    );
  return {
    clock,
    sandbox,
    instance,
    nonces,
    async [Symbol.asyncDispose]() {
      await Promise.all(apps.map(({ app }) => app.close()));
      await lanes[Symbol.asyncDispose]();
    },
  };
}

const BODY = { planId: PLAN.id, amount: "10" };

type OpenLanes = (now: () => number) => Promise<NonceLaneStore & AsyncDisposable>;

const LANE_STORES: [string, OpenLanes][] = [
  ["memory", (now) =>
    Promise.resolve(
      Object.assign(new MemoryNonceLaneStore({ now }), {
        [Symbol.asyncDispose]: () => Promise.resolve(),
      }),
    )],
  ["Deno KV", async (now) => {
    const kv = await Deno.openKv(":memory:");
    return Object.assign(new DenoKvNonceLaneStore(kv, { now }), {
      [Symbol.asyncDispose]: () => Promise.resolve(kv.close()),
    });
  }],
  ["Durable Object", (now) =>
    Promise.resolve(
      Object.assign(new DurableObjectNonceLaneStore(fakeDurableObjects(now).namespace), {
        [Symbol.asyncDispose]: () => Promise.resolve(),
      }),
    )],
];

for (const [name, open] of LANE_STORES) {
  Deno.test(`${name}: leases are stamped and judged on the asker's now, not the store's clock`, async () => {
    await using lanes = await open(() => 0); // the store's own clock says the epoch
    const ask = { scope: "k", count: 1, leaseMs: LEASE_MS };
    strictEqual(await lanes.acquire({ ...ask, holder: "a", now: T0 }), 0);
    const b = { ...ask, holder: "b" };
    strictEqual(await lanes.acquire({ ...b, now: T0 + LEASE_MS + 5_999 }), undefined);
    strictEqual(await lanes.acquire({ ...b, now: T0 + LEASE_MS + 6_000 }), 0);
    strictEqual(await lanes.renew({ ...b, index: 0, now: T0 + LEASE_MS + 7_000 }), true);
    await lanes.release({ scope: "k", holder: "b", index: 0, now: T0 + LEASE_MS + 8_000 });
    strictEqual(
      await lanes.acquire({ ...ask, holder: "c", now: T0 + LEASE_MS + 13_999 }),
      undefined,
    );
    strictEqual(await lanes.acquire({ ...ask, holder: "c", now: T0 + LEASE_MS + 14_000 }), 0);
  });
}

for (const [name, open] of LANE_STORES) {
  Deno.test(`${name}: two lanes, three instances: each signs only in its lane; the third sends nothing`, async () => {
    await using f = await fleet(open, 2);
    const [a, b, c] = [f.instance(), f.instance(), f.instance()];
    strictEqual((await a.invest(BODY)).status, 201);
    strictEqual((await b.invest(BODY)).status, 201);
    for (let i = 0; i < 5; i++) {
      strictEqual((await a.invest(BODY)).status, 201);
      strictEqual((await b.invest(BODY)).status, 201);
    }
    const refused = await c.invest(BODY);
    strictEqual(refused.status, 503);
    const p = await problemOf(refused);
    strictEqual(p.type, typeOf("nonce-lane-unavailable"));
    strictEqual(p.outcome, "not_executed");
    strictEqual(refused.headers.get("retry-after"), "5");
    const health = await c.call("/healthz", { token: null });
    strictEqual(health.status, 503);
    strictEqual((await health.json()).status, "no-nonce-lane");
    const nonces = f.nonces();
    strictEqual(nonces.length, 12);
    deepStrictEqual(nonces.map((nonce) => nonce % 2), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    strictEqual(new Set(nonces).size, 12);
    strictEqual(f.sandbox.investments.length, 12);
  });

  Deno.test(`${name}: a lane given up is taken by another instance once quiet for 6 s, never before`, async () => {
    await using f = await fleet(open, 1);
    const [a, b] = [f.instance(), f.instance()];
    strictEqual((await a.invest(BODY)).status, 201);
    await a.app.close();
    strictEqual((await a.invest(BODY)).status, 503, "closed: it sends nothing");
    // The instances read WhiteBIT's time (whole seconds) before taking a lane: the quiet is
    // judged on their corrected clocks, which agree to the second.
    f.clock.now += 5_000;
    strictEqual((await b.invest(BODY)).status, 503, "a's last nonces may still be in the window");
    f.clock.now += 1_000;
    strictEqual((await b.invest(BODY)).status, 201);
    strictEqual(f.sandbox.investments.length, 2);
  });

  Deno.test(`${name}: an instance that cannot renew stops at its lease; its lane goes to another, and a request waiting in it is never sent`, async () => {
    await using f = await fleet(open, 1);
    const gate = new GatedLimiter();
    const paused = f.instance({ rateLimiter: gate });
    const other = f.instance();
    const health = await paused.call("/healthz", { token: null }); // takes lane 0
    strictEqual(health.status, 200);
    await health.body?.cancel();
    const waiting = paused.invest(BODY); // holds the lane, waits for a rate-limit slot
    await gate.waiting;
    f.clock.now += LEASE_MS + 6_000; // never renewed (the instance was paused): lost
    strictEqual((await other.invest(BODY)).status, 201, "the lane is the other's now");
    gate.open();
    const late = await waiting;
    strictEqual(late.status, 503);
    strictEqual((await problemOf(late)).type, typeOf("nonce-lane-unavailable"));
    strictEqual((await problemOf(await paused.invest(BODY))).outcome, "not_executed");
    strictEqual(f.sandbox.investments.length, 1, "only the other instance invested");
  });

  Deno.test(`${name}: a held lane is renewed on use, so another instance never gets it`, async () => {
    await using f = await fleet(open, 1);
    const [a, b] = [f.instance(), f.instance()];
    for (let step = 0; step < 6; step++) {
      strictEqual((await a.invest(BODY)).status, 201);
      f.clock.now += 20_000; // 2 minutes in all: four times the lease
      strictEqual((await b.invest(BODY)).status, 503);
    }
    strictEqual(f.sandbox.investments.length, 6);
  });

  Deno.test(`${name}: instances splitting the key into other counts are refused while lanes are held`, async () => {
    await using f = await fleet(open, 2);
    strictEqual((await f.instance().invest(BODY)).status, 201);
    const other = await f.instance({ count: 4 }).invest(BODY);
    strictEqual(other.status, 503);
    ok((await problemOf(other)).detail.includes("lanes of 2, not 4"));
    strictEqual(f.sandbox.investments.length, 1);
  });

  Deno.test(`${name}: 20 instances ask at once for 8 lanes: 8 get one each`, async () => {
    await using store = await open(Date.now);
    const lanes = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => store.acquire({ scope: "k", holder: `h${i}`, count: 8, leaseMs: LEASE_MS }),
      ),
    );
    deepStrictEqual(
      lanes.filter((lane) => lane !== undefined).sort(),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
  });
}

Deno.test("nonceLanes: refused with a WhiteBitClient (one client per lane is needed) and out of range", async () => {
  const store = new MemoryNonceLaneStore();
  const client = new WhiteBitClient({ apiKey: "k", apiSecret: "s" });
  throws(() => appOn({ client, nonceLanes: { count: 2, store } }), TypeError);
  for (const count of [0, 1001, 2.5]) {
    throws(() => appOn({ nonceLanes: { count, store } }), RangeError);
  }
  throws(() => appOn({ nonceLanes: { count: 2, store, leaseMs: 9_999 } }), RangeError);
  await rejects(
    store.acquire({ scope: "k", holder: "a", count: 2, leaseMs: 1000 }).then(() =>
      store.acquire({ scope: "k", holder: "b", count: 3, leaseMs: 1000 })
    ),
    RangeError,
  );
});

Deno.test("LaneKeeper: a host clock that steps back cannot stretch its lane: the monotonic time since it asked ends it", async () => {
  let now = T0;
  let monotonic = 0;
  const keeper = new LaneKeeper({
    store: new MemoryNonceLaneStore({ now: () => now }),
    scope: Promise.resolve("k"),
    count: 1,
    leaseMs: LEASE_MS,
    holder: "a",
    now: () => now,
    monotonic: () => monotonic,
  });
  strictEqual(await keeper.lane(), 0);
  now -= 60_000; // NTP steps the host clock back a minute
  monotonic += LEASE_MS - 2_001;
  strictEqual(keeper.holds(0), true);
  monotonic += 1; // the lease less its 2 s guard has passed, whatever the host clock says
  strictEqual(keeper.holds(0), false);
  await keeper.close();
});

Deno.test("LaneKeeper: close() while the store is giving it a lane gives that lane up too", async () => {
  let now = T0;
  const inner = new MemoryNonceLaneStore({ now: () => now });
  const asked = Promise.withResolvers<void>();
  const answer = Promise.withResolvers<void>();
  const store: NonceLaneStore = {
    acquire: async (request) => {
      asked.resolve();
      await answer.promise;
      return await inner.acquire(request);
    },
    renew: (request) => inner.renew(request),
    release: (request) => inner.release(request),
  };
  const keeper = new LaneKeeper({
    store,
    scope: Promise.resolve("k"),
    count: 1,
    leaseMs: LEASE_MS,
    holder: "a",
    now: () => now,
  });
  const lane = keeper.lane();
  await asked.promise;
  const closed = keeper.close();
  answer.resolve(); // the store gives lane 0 to a keeper that is closing
  strictEqual(await lane, undefined, "never signed with");
  await closed;
  now += 6_000;
  const other = { scope: "k", holder: "b", count: 1, leaseMs: LEASE_MS };
  strictEqual(await inner.acquire(other), 0, "given up: free after 6 s of quiet, not its lease");
});

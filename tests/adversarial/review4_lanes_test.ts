/**
 * Review 4: leased nonce lanes were stamped and judged on each lane
 * store's host clock (`DenoKvNonceLaneStore`'s `now`), while everything
 * else is on WhiteBIT's clock as the server's client corrects it. An
 * instance whose host clock is 40 s fast saw a live instance's fresh lease
 * as long expired and took its lane: both signed nonces of one lane. Now
 * the keeper stamps every lease on its corrected clock, and reads
 * WhiteBIT's time before it takes a lane.
 */
import { ok, strictEqual } from "node:assert/strict";
import { DenoKvNonceLaneStore } from "../../server.ts";
import { LaneKeeper } from "../../server/_lane_keeper.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import { appOn, halfSecond, PATHS, PLAN, SERVER_ACCOUNT } from "../_fixtures.ts";

Deno.test("review4: a live instance's lane is never given to another instance on one Deno KV whose host clock is 40 s fast", async () => {
  using kv = await Deno.openKv(":memory:");
  const world = { now: 1_800_000_000_000, monotonic: 0 };
  // Host clocks: A's is right, B's is 40 s fast; both keepers run on WhiteBIT's clock.
  const storeA = new DenoKvNonceLaneStore(kv, { now: () => world.now });
  const storeB = new DenoKvNonceLaneStore(kv, { now: () => world.now + 40_000 });
  const common = {
    scope: Promise.resolve("account"),
    count: 2,
    leaseMs: 30_000,
    now: () => world.now, // WhiteBIT's clock, as each client corrects it
    monotonic: () => world.monotonic,
  };
  const a = new LaneKeeper({ ...common, store: storeA, holder: "a" });
  const b = new LaneKeeper({ ...common, store: storeB, holder: "b" });
  try {
    strictEqual(await a.lane(), 0, "A takes lane 0");
    world.now += 1_000;
    world.monotonic += 1_000;
    const lane = await b.lane();
    ok(a.holds(0), "A's lease, taken a second ago, still lets it sign with lane 0");
    strictEqual(
      lane,
      1,
      `B was given lane ${lane} while A holds lane 0 with 28 s of its lease left`,
    );
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("review4: an app whose host clock is 40 s fast reads WhiteBIT's time before its first lane: it takes the free lane, not a live instance's, and both invest on their own lanes", async () => {
  using kv = await Deno.openKv(":memory:");
  const world = { now: halfSecond() };
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...SERVER_ACCOUNT, balances: { USDT: "1000000" } }],
    plans: [PLAN],
    now: () => world.now,
  });
  const instance = (host: () => number) =>
    appOn({
      client: { ...sandbox.credentials, fetch: sandbox.fetch, now: host, retryDelayMs: 1 },
      nonceLanes: { count: 2, store: new DenoKvNonceLaneStore(kv, { now: host }) },
      now: host,
    });
  const a = instance(() => world.now);
  const b = instance(() => world.now + 40_000); // never corrected before its first request
  try {
    strictEqual((await a.invest({ planId: PLAN.id, amount: "10" })).status, 201);
    world.now += 1_000;
    strictEqual((await b.invest({ planId: PLAN.id, amount: "10" })).status, 201);
    world.now += 1_000;
    strictEqual((await a.invest({ planId: PLAN.id, amount: "10" })).status, 201, "A kept its lane");
    const lanes = sandbox.requests.filter((r) => r.path === PATHS.invest && r.status === 201)
      .map((r) => r.nonce! % 2);
    strictEqual(lanes.join(" "), "0 1 0", "A signs in lane 0, B in lane 1");
  } finally {
    await a.app.close();
    await b.app.close();
  }
});

/**
 * Review 5: lane leases are stamped and judged on the asker's `now` (its
 * client's corrected clock). The review found two ways that clock could
 * still be a bare host clock when a lane was taken: the time read before
 * it failed (and the lane was taken anyway), or the host clock stepped
 * after the one time read a lease allowed. Now a lane is never taken on a
 * clock that could not be corrected, and a step against the monotonic
 * clock is corrected before the next lane is taken or renewed.
 */
import { ok, strictEqual } from "node:assert/strict";
import { DurableObjectNonceLaneStore } from "../../server.ts";
import { LaneKeeper } from "../../server/_lane_keeper.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import { appOn, fakeDurableObjects, halfSecond, PLAN, SERVER_ACCOUNT } from "../_fixtures.ts";

Deno.test("review5: an instance whose host clock is 40 s fast and whose time read fails takes no lane (503), never a live instance's", async () => {
  const world = { now: halfSecond() };
  const objects = fakeDurableObjects(() => world.now); // the object's own clock is right
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...SERVER_ACCOUNT, balances: { USDT: "1000000" } }],
    plans: [PLAN],
    now: () => world.now,
  });
  let timeDown = false;
  const instance = (host: () => number) =>
    appOn({
      client: {
        ...sandbox.credentials,
        fetch: (input, init) =>
          timeDown && String(input).includes("/time")
            ? Promise.resolve(new Response("bad gateway", { status: 502 }))
            : sandbox.fetch(input, init),
        now: host,
        retryDelayMs: 1,
        maxRetries: 0,
      },
      nonceLanes: { count: 1, store: new DurableObjectNonceLaneStore(objects.namespace) },
      now: host,
    });
  const a = instance(() => world.now);
  const b = instance(() => world.now + 40_000);
  try {
    strictEqual((await a.call("/healthz")).status, 200, "A takes the only lane");
    world.now += 1_000;
    timeDown = true; // B's time read before its lane fails: its clock stays 40 s fast
    const bHealth = await b.call("/healthz");
    const aHealth = await a.call("/healthz");
    strictEqual(aHealth.status, 200, "A still holds its lane (29 s of its lease left)");
    strictEqual(
      bHealth.status,
      503,
      `B was given the only lane (count 1) while A holds it: ${await bHealth.text()}`,
    );
  } finally {
    await a.app.close();
    await b.app.close();
  }
});

Deno.test("review5: a keeper whose host clock steps 40 s forward within a lease of its last time read notices the step, reads WhiteBIT's time again, and never takes a live instance's lane", async () => {
  const world = { now: 1_800_000_000_000, monotonic: 0, stepB: 0 };
  const objects = fakeDurableObjects(() => world.now);
  const store = new DurableObjectNonceLaneStore(objects.namespace);
  let corrections = 0;
  const common = {
    store,
    scope: Promise.resolve("account"),
    count: 2,
    leaseMs: 30_000,
    monotonic: () => world.monotonic,
  };
  // A time read: B's corrected clock is WhiteBIT's again (its offset takes the step back).
  const correct = () => {
    corrections++;
    world.stepB = 0;
    return Promise.resolve();
  };
  const a = new LaneKeeper({ ...common, correct, holder: "a", now: () => world.now });
  const b = new LaneKeeper({ ...common, correct, holder: "b", now: () => world.now + world.stepB });
  try {
    strictEqual(await a.lane(), 0, "A takes lane 0");
    strictEqual(await b.lane(), 1, "B takes lane 1");
    world.now += 1_000;
    world.monotonic += 1_000;
    world.stepB = 40_000; // B's host clock steps forward (NTP): its corrected clock with it
    const before = corrections;
    const lane = await b.lane();
    ok(a.holds(0), "A, which took lane 0 a second ago, may still sign with it");
    strictEqual(corrections, before + 1, "the step was noticed: WhiteBIT's time read again");
    ok(
      lane !== 0,
      `B took lane ${lane}, A's live lane (time reads before lanes: ${corrections}; the store's clock says A's lease has 29 s left)`,
    );
  } finally {
    await a.close();
    await b.close();
  }
});

/**
 * Review 6: close() gives a lane up on `now` corrected first, falling back
 * to the bare clock when the time read fails, even when the keeper has just
 * seen that clock step against the monotonic one. A host clock stepped back
 * 40 s then dates the release 40 s in the past: the lane is "quiet" at once
 * for every other instance, although its last nonces were signed a moment ago.
 */
import { strictEqual } from "node:assert/strict";
import { LaneKeeper } from "../../server/_lane_keeper.ts";
import { MemoryNonceLaneStore } from "../../server.ts";

Deno.test("review6: a lane given up right after a host clock stepped back 40 s (time read failing) stays quiet for 6 s, never handed to another instance at once", async () => {
  const world = { now: 1_800_000_000_000, monotonic: 0, stepA: 0, timeDown: false };
  const store = new MemoryNonceLaneStore({ now: () => world.now });
  const common = {
    store,
    scope: Promise.resolve("account"),
    count: 1,
    leaseMs: 30_000,
    monotonic: () => world.monotonic,
  };
  const correct = () =>
    world.timeDown ? Promise.reject(new Error("502 bad gateway")) : Promise.resolve();
  const a = new LaneKeeper({ ...common, correct, holder: "a", now: () => world.now + world.stepA });
  const b = new LaneKeeper({ ...common, correct, holder: "b", now: () => world.now });
  try {
    strictEqual(await a.lane(), 0, "A takes the only lane (and signs with it from now)");
    world.now += 1_000;
    world.monotonic += 1_000;
    world.stepA = -40_000; // A's host clock steps back (NTP); the step is seen against the monotonic clock
    world.timeDown = true; // ...but WhiteBIT's time cannot be read to correct it
    await a.close(); // A signed with lane 0 up to this moment
    world.timeDown = false;
    world.now += 1_000;
    world.monotonic += 1_000;
    const lane = await b.lane();
    strictEqual(
      lane,
      undefined,
      `B took lane ${lane} 1 s after A gave it up (A's last nonces may be up to 4 s ahead): the release was dated on A's stepped clock`,
    );
  } finally {
    await a.close();
    await b.close();
  }
});

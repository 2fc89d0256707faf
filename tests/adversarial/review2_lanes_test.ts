/**
 * Review 2: leased nonce lanes against a clock that steps back on one
 * instance. The lane's lease is kept by the shared store (here a Durable
 * Object, on WhiteBIT's and the world's clock); the instance decides
 * whether it may still sign with its lane on its own wall clock.
 */
import { strictEqual } from "node:assert/strict";
import { DurableObjectNonceLaneStore } from "../../server.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import { appOn, fakeDurableObjects, PATHS, PLAN, SERVER_ACCOUNT } from "../_fixtures.ts";

const LEASE_MS = 30_000;
const BODY = { planId: PLAN.id, amount: "10" };

Deno.test("review2: an instance whose clock steps back 60 s keeps signing with a lane the store already gave to another instance", async () => {
  const world = { now: Date.now() };
  let stepped = 0;
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...SERVER_ACCOUNT, balances: { USDT: "1000000" } }],
    plans: [PLAN],
    now: () => world.now,
  });
  const store = new DurableObjectNonceLaneStore(fakeDurableObjects(() => world.now).namespace);
  const instance = (host: () => number) =>
    appOn({
      client: { ...sandbox.credentials, fetch: sandbox.fetch, now: host },
      nonceLanes: { count: 1, store, leaseMs: LEASE_MS },
      now: host,
    });
  const a = instance(() => world.now - stepped);
  const b = instance(() => world.now);
  try {
    strictEqual((await a.invest(BODY)).status, 201, "a holds the key's only lane");
    stepped = 60_000; // a's clock steps back a minute (NTP), right after
    world.now += LEASE_MS + 6_000; // a's lease ran out and the lane was quiet for 6 s
    strictEqual((await b.invest(BODY)).status, 201, "b took the lane");
    const late = await a.invest(BODY); // b holds the lane now
    await late.body?.cancel();
    const signedByA = sandbox.requests.filter((r) => r.path === PATHS.invest).length - 2;
    strictEqual(
      late.status,
      503,
      `a signed ${signedByA} more request(s) in the lane b holds (answered ${late.status})`,
    );
  } finally {
    await a.app.close();
    await b.app.close();
  }
});

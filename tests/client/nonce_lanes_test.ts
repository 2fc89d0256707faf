import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { WhiteBitClient } from "../../mod.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import { ACCOUNT, PATHS, PLAN, setup } from "../_fixtures.ts";

Deno.test("nonceLane: invalid lanes and lanes in strict mode are refused", () => {
  const credentials = { apiKey: "k", apiSecret: "s" };
  for (
    const nonceLane of [
      { index: 8, count: 8 },
      { index: -1, count: 8 },
      { index: 0, count: 0 },
      { index: 0, count: 1001 },
      { index: 0.5, count: 8 },
      { index: 0, count: NaN },
    ]
  ) {
    throws(() => new WhiteBitClient({ ...credentials, nonceLane }), RangeError);
  }
  throws(
    () =>
      new WhiteBitClient({ ...credentials, nonceWindow: false, nonceLane: { index: 0, count: 2 } }),
    RangeError,
  );
  new WhiteBitClient({ ...credentials, nonceLane: { index: 999, count: 1000 } });
});

Deno.test("nonceLane: every nonce is ≡ index (mod count), rising, a millisecond time", async () => {
  const { client, sent } = setup({ client: { nonceLane: { index: 3, count: 8 } } });
  for (let i = 0; i < 20; i++) await client.plans();
  const nonces = sent.map((body) => body.nonce as number);
  ok(nonces.every((nonce) => nonce % 8 === 3), String(nonces));
  ok(nonces.every((nonce, i) => i === 0 || nonce > nonces[i - 1]));
  ok(Math.abs(nonces[0] - Date.now()) < 5_000);
});

Deno.test("a burst faster than the lane allows waits for the clock instead of leaving the window", async () => {
  const clock = { now: 1_800_000_000_000 };
  const { client, sent } = setup({
    now: () => clock.now,
    client: { nonceLane: { index: 0, count: 1000 } }, // one nonce per second
  });
  // The frozen clock never moves: the fifth nonce would be 4 s ahead, so it waits.
  const calls = Array.from({ length: 6 }, () => client.plans({}, { maxWaitMs: 50 }));
  const results = await Promise.allSettled(calls);
  deepStrictEqual(results.map((result) => result.status), [
    "fulfilled",
    "fulfilled",
    "fulfilled",
    "fulfilled",
    "fulfilled",
    "rejected",
  ]);
  strictEqual((results[5] as PromiseRejectedResult).reason.outcome, "not_executed");
  ok(sent.every((body) => (body.nonce as number) - clock.now <= 4_000));
});

/** Eight clients on one key send a burst of invests at once; what the sandbox made of it. */
async function burst(
  lanes: boolean,
): Promise<{ failed: number; duplicates: number; made: number }> {
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...ACCOUNT, balances: { USDT: "100000000" } }],
    plans: [{ ...PLAN, maxPossibleInvestment: "100000000" }],
  });
  const clients = Array.from({ length: 8 }, (_, index) =>
    new WhiteBitClient({
      ...sandbox.credentials,
      fetch: sandbox.fetch,
      retryDelayMs: 5,
      ...(lanes ? { nonceLane: { index, count: 8 } } : {}),
    }));
  const results = await Promise.allSettled(
    clients.flatMap((client) =>
      Array.from({ length: 120 }, () => client.invest({ planId: PLAN.id, amount: "1" }))
    ),
  );
  const nonces = sandbox.requests.filter((r) => r.path === PATHS.invest && r.status === 201)
    .map((r) => r.nonce);
  return {
    failed: results.filter((result) => result.status === "rejected").length,
    duplicates: nonces.length - new Set(nonces).size,
    made: sandbox.investments.length,
  };
}

Deno.test("8 clients on one key, a burst of 960 invests: with lanes 0 failures, 0 duplicate nonces", async () => {
  const without = await burst(false);
  const withLanes = await burst(true);
  console.log(
    `  without lanes: ${without.failed} of 960 failed; with lanes: ${withLanes.failed} failed, ` +
      `${withLanes.duplicates} duplicate nonces, ${withLanes.made} investments`,
  );
  deepStrictEqual(withLanes, { failed: 0, duplicates: 0, made: 960 });
});

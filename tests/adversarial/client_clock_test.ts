/**
 * Clocks that lie: fast, jumping, or answering nonsense. The client must heal
 * in window mode, never come down in strict mode, refuse implausible server
 * times, and never put a nonce on the wire that is not a millisecond time.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { NonceError, WhiteBitClient, WhiteBitError } from "../../mod.ts";
import { WhiteBitSandbox } from "../../testing.ts";

const T0 = 1_800_000_000_000;

/** A sandbox on WhiteBIT's clock (`serverNow`) and a client on its own (`clientNow`). */
function skewed(clientNow: () => number, nonceWindow = true) {
  const sandbox = new WhiteBitSandbox({
    now: () => T0,
    accounts: [{
      apiKey: "clock-key",
      apiSecret: "clock-secret",
      balances: { USDT: "1000000" },
      multipleInvestments: true,
    }],
  });
  const client = new WhiteBitClient({
    ...sandbox.credentials,
    fetch: sandbox.fetch,
    now: clientNow,
    nonceWindow,
    maxRetries: 0,
  });
  const planId = sandbox.plans[0].id;
  const invest = () => client.invest({ planId, amount: "100" });
  const nonces = () => sandbox.requests.filter((r) => r.nonce !== undefined).map((r) => r.nonce!);
  return { sandbox, client, invest, nonces };
}

Deno.test("a clock 30 s fast: the first invest fails not_executed, syncTime(), then invests work", async () => {
  let now = T0 + 30_000;
  const { sandbox, client, invest } = skewed(() => now++);
  const error = await invest().catch((e) => e);
  ok(error instanceof NonceError, String(error));
  strictEqual(error.outcome, "not_executed");
  strictEqual(sandbox.investments.length, 0);
  await client.syncTime();
  await invest();
  await invest();
  strictEqual(sandbox.investments.length, 2);
});

Deno.test("a clock that jumps an hour ahead and comes back heals (at the latest after syncTime)", async () => {
  let offset = 0;
  let tick = 0;
  const { sandbox, client, invest } = skewed(() => T0 + offset + tick++);
  await invest();
  offset = 3_600_000;
  const error = await invest().catch((e) => e);
  strictEqual(error.outcome, "not_executed");
  offset = 0;
  await client.syncTime();
  await invest();
  await invest();
  strictEqual(sandbox.investments.length, 3);
});

Deno.test("strict mode: nonces never come down, even after syncTime() corrects a fast clock", async () => {
  let now = T0 + 30_000;
  const { client, nonces, sandbox } = skewed(() => now++, false);
  await client.plans();
  await client.syncTime();
  strictEqual(client.clockOffsetMs < -29_000, true);
  await client.plans();
  await client.plans();
  const sent = nonces();
  strictEqual(sent.length, 3);
  ok(sent[1] > sent[0] && sent[2] > sent[1], `strictly rising: ${sent}`);
  strictEqual(sandbox.investments.length, 0);
});

Deno.test("window mode: nonces stay unique while they heal", async () => {
  const now = T0 + 30_000;
  const { client, invest, nonces } = skewed(() => now);
  await invest().catch(() => {});
  await client.syncTime();
  for (let i = 0; i < 50; i++) await invest();
  const sent = nonces();
  strictEqual(new Set(sent).size, sent.length);
  ok(sent.slice(1).every((nonce) => Math.abs(nonce - T0) <= 5_000), "all back in the window");
});

/** A client whose `fetch` answers the time request with `body`, and counts the other requests. */
function timeAnswering(body: string) {
  const sent: string[] = [];
  const client = new WhiteBitClient({
    apiKey: "k",
    apiSecret: "s",
    now: () => T0,
    fetch: (url) => {
      sent.push(url);
      return Promise.resolve(new Response(body, { status: 200 }));
    },
  });
  return { client, sent };
}

Deno.test("syncTime() refuses an implausible server time and keeps the old offset", async (t) => {
  const cases: Record<string, string> = {
    "not a whole number of seconds": `{"time":${T0 / 1000 + 0.5}}`,
    "milliseconds": `{"time":${T0}}`,
    "more than a day ahead": `{"time":${T0 / 1000 + 2 * 86_400}}`,
    "more than a day behind": `{"time":${T0 / 1000 - 2 * 86_400}}`,
    "negative": `{"time":-1}`,
    "a string": `{"time":"${T0 / 1000}"}`,
    "absurd": `{"time":1e300}`,
  };
  for (const [name, body] of Object.entries(cases)) {
    await t.step(name, async () => {
      const { client } = timeAnswering(body);
      const error = await client.syncTime().catch((e) => e);
      ok(error instanceof WhiteBitError, String(error));
      ok(/time/.test(error.message), error.message);
      strictEqual(client.clockOffsetMs, 0);
    });
  }
  await t.step("a plausible one is taken", async () => {
    const { client } = timeAnswering(`{"time":${T0 / 1000 + 3}}`);
    strictEqual(await client.syncTime(), 3_500);
  });
});

Deno.test("a nonce that is not a plausible millisecond time never reaches the wire", async (t) => {
  const clocks: Record<string, number> = {
    "NaN": NaN,
    "Infinity": Infinity,
    "negative": -5,
    "microseconds": T0 * 1000,
    "nanoseconds": T0 * 1_000_000,
  };
  for (const [name, time] of Object.entries(clocks)) {
    await t.step(name, async () => {
      const sandbox = new WhiteBitSandbox();
      const client = new WhiteBitClient({
        ...sandbox.credentials,
        fetch: sandbox.fetch,
        now: () => time,
      });
      await rejects(client.invest({ planId: sandbox.plans[0].id, amount: "100" }), RangeError);
      deepStrictEqual(sandbox.requests, []);
    });
  }
});

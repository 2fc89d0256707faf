/**
 * The server facing a WhiteBIT whose clock is 30 s away from the host's,
 * or jumps: it heals by itself (one shared `syncTime()`, one resend of a
 * request WhiteBIT provably refused), in process and as `deno serve
 * server.ts`; when it cannot, it says the host clock is wrong, never
 * "busy, retry in 1 s" forever.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { TIME_PATH } from "../../client/_paths.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import {
  PLAN,
  problemOf,
  SERVER_ACCOUNT,
  type ServerSetupOptions,
  setupServer,
  startServe,
  typeOf,
} from "../_fixtures.ts";

const BODY = { planId: PLAN.id, amount: "10" };
/** WhiteBIT's clock is `now()`; the server's client keeps the host's. */
const whiteBitAt = (now: () => number): ServerSetupOptions => ({ now, client: { now: Date.now } });
const timeReads = (sandbox: WhiteBitSandbox) =>
  sandbox.requests.filter((request) => request.path === TIME_PATH).length;

for (const skewMs of [30_000, -30_000]) {
  const side = skewMs > 0 ? "ahead of" : "behind";
  Deno.test(`WhiteBIT's clock 30 s ${side} the host's: the server answers 201 from the first request, with no operator`, async () => {
    const { sandbox, invest } = setupServer(whiteBitAt(() => Date.now() + skewMs));
    for (let i = 0; i < 3; i++) {
      const response = await invest(BODY);
      strictEqual(response.status, 201, `request ${i + 1}`);
      await response.body?.cancel();
    }
    strictEqual(sandbox.investments.length, 3);
    strictEqual(timeReads(sandbox), 1, "one time read heals every later request");
  });

  Deno.test(`deno serve server.ts against a sandbox over HTTP 30 s ${side}: 201 from its first or second request on`, async () => {
    const sandbox = new WhiteBitSandbox({
      accounts: [{ ...SERVER_ACCOUNT }],
      plans: [PLAN],
      now: () => Date.now() + skewMs,
    });
    await using wire = sandbox.listen();
    await using serve = await startServe({
      WHITEBIT_API_KEY: sandbox.credentials.apiKey,
      WHITEBIT_API_SECRET: sandbox.credentials.apiSecret,
      WHITEBIT_BASE_URL: wire.url,
      LENDING_API_TOKENS: "clock-token",
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${serve.url}/v1/investments`, {
        method: "POST",
        headers: { authorization: "Bearer clock-token", "content-type": "application/json" },
        body: JSON.stringify(BODY),
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    ok(statuses[0] === 201 || statuses[0] === 503, `first: ${statuses[0]}`);
    deepStrictEqual(statuses.slice(1), [201, 201]);
    strictEqual(sandbox.investments.length, statuses.filter((status) => status === 201).length);
  });
}

Deno.test("20 concurrent requests refused for their nonce window share one syncTime, and all invest once", async () => {
  const { sandbox, invest } = setupServer(whiteBitAt(() => Date.now() + 30_000));
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => invest({ planId: PLAN.id, amount: String(i + 1) })),
  );
  for (const response of responses) {
    strictEqual(response.status, 201);
    await response.body?.cancel();
  }
  strictEqual(timeReads(sandbox), 1, "no stampede on the time endpoint");
  strictEqual(sandbox.investments.length, 20);
});

Deno.test("a WhiteBIT clock that jumps an hour ahead and comes back: each jump heals with one time read", async () => {
  let jump = 0;
  const { sandbox, invest } = setupServer(whiteBitAt(() => Date.now() + jump));
  const statuses: number[] = [];
  for (const offset of [0, 3_600_000, 3_600_000, 0, 0]) {
    jump = offset;
    const response = await invest(BODY);
    statuses.push(response.status);
    await response.body?.cancel();
  }
  deepStrictEqual(statuses, [201, 201, 201, 201, 201]);
  strictEqual(timeReads(sandbox), 2);
  strictEqual(sandbox.investments.length, 5);
});

Deno.test("a window refusal that persists after syncTime is clock-skew with the measured offset, not upstream-busy", async () => {
  // WhiteBIT's time endpoint agrees with the host while its nonce check is 30 s ahead.
  const { sandbox, invest } = setupServer({
    ...whiteBitAt(() => Date.now() + 30_000),
    wrapFetch: (fetch) => (input, init) =>
      new URL(input).pathname === TIME_PATH
        ? Promise.resolve(Response.json({ time: Math.floor(Date.now() / 1000) }))
        : fetch(input, init),
  });
  const response = await invest(BODY);
  strictEqual(response.status, 503);
  const p = await problemOf(response);
  strictEqual(p.type, typeOf("clock-skew"));
  strictEqual(p.outcome, "not_executed");
  ok(typeof p.clockOffsetMs === "number" && Math.abs(p.clockOffsetMs) < 5_000, "measured");
  ok(/clock/i.test(p.detail));
  ok(response.headers.get("retry-after") !== "1");
  strictEqual(sandbox.investments.length, 0);
});

Deno.test("a window refusal when WhiteBIT's time cannot be read is clock-skew saying so, nothing invested", async () => {
  const { sandbox, invest } = setupServer({
    ...whiteBitAt(() => Date.now() - 30_000),
    wrapFetch: (fetch) => (input, init) =>
      new URL(input).pathname === TIME_PATH
        ? Promise.resolve(new Response("maintenance", { status: 503 }))
        : fetch(input, init),
  });
  const response = await invest(BODY);
  strictEqual(response.status, 503);
  const p = await problemOf(response);
  strictEqual(p.type, typeOf("clock-skew"));
  strictEqual(p.outcome, "not_executed");
  strictEqual(p.clockOffsetMs, undefined);
  ok(/time could not be read|could not read/i.test(p.detail), p.detail);
  strictEqual(sandbox.investments.length, 0);
});

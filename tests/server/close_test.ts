/**
 * `app.close()` (what the default export runs on SIGTERM when it leases a
 * nonce lane): it never cuts a request off. New requests to WhiteBIT, and
 * those still waiting for their turn, answer 503 `server-stopping` with
 * nothing sent; the requests already sent get their answers; only then is
 * the lane given up. The process version is review2_sigterm_test.ts.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { MemoryNonceLaneStore } from "../../server.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import {
  appOn,
  GatedLimiter,
  holding,
  PATHS,
  PLAN,
  problemOf,
  sentTo,
  SERVER_ACCOUNT,
  typeOf,
} from "../_fixtures.ts";

const BODY = { planId: PLAN.id, amount: "10" };

Deno.test("close() while an invest is in flight: new requests answer 503 server-stopping, nothing sent; the one in flight gets its 201; only then is the lane given up", async () => {
  const clock = { now: Date.now() };
  const now = () => clock.now;
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...SERVER_ACCOUNT, balances: { USDT: "1000000" } }],
    plans: [PLAN],
    now,
  });
  const lanes = new MemoryNonceLaneStore({ now });
  const instance = (wrap: typeof wire.wrap = (fetch) => fetch) =>
    appOn({
      client: { ...sandbox.credentials, fetch: wrap(sandbox.fetch), now },
      nonceLanes: { count: 1, store: lanes },
      now,
    });
  // The first request reads WhiteBIT's time (before the lane is taken); WhiteBIT invests on the
  // second, and its answer is on its way.
  const wire = holding(2, "after");
  const a = instance(wire.wrap);
  const sent = a.invest(BODY, { "idempotency-key": "close-1" });
  await wire.held;
  strictEqual(sandbox.investments.length, 1);

  let closed = false;
  const closing = a.app.close().then(() => closed = true);
  const late = await a.invest(BODY, { "idempotency-key": "close-2" });
  strictEqual(late.status, 503);
  const p = await problemOf(late);
  strictEqual(p.type, typeOf("server-stopping"));
  strictEqual(p.outcome, "not_executed");
  strictEqual(late.headers.get("retry-after"), "1");
  const health = await a.call("/healthz", { token: null });
  strictEqual(health.status, 503);
  deepStrictEqual(await health.json(), { status: "stopping" });
  strictEqual(closed, false, "it waits for the request in flight");

  wire.open();
  const answered = await sent;
  strictEqual(answered.status, 201, "answered, not cut off");
  deepStrictEqual(await answered.json(), { id: sandbox.investments[0].id });
  await closing;
  strictEqual(sentTo(sandbox, PATHS.invest), 1, "nothing else was sent");

  // Given up, not left to run out: another instance takes the lane after its 6 s of quiet.
  clock.now += 6_000;
  const b = instance();
  strictEqual((await b.invest(BODY)).status, 201);
  await b.app.close();
  strictEqual(sandbox.investments.length, 2);
});

Deno.test("close() stops a request still waiting for its rate-limit turn: 503 server-stopping, never sent", async () => {
  const sandbox = new WhiteBitSandbox({ accounts: [SERVER_ACCOUNT], plans: [PLAN] });
  const gate = new GatedLimiter();
  const { app, invest } = appOn({
    client: { ...sandbox.credentials, fetch: sandbox.fetch, rateLimiter: gate },
  });
  const waiting = invest(BODY, { "idempotency-key": "close-waiting" });
  await gate.waiting;
  const closing = app.close();
  gate.open(); // its turn comes after the stop: it must not leave
  const answer = await waiting;
  strictEqual(answer.status, 503);
  const p = await problemOf(answer);
  strictEqual(p.type, typeOf("server-stopping"));
  strictEqual(p.outcome, "not_executed");
  await closing;
  strictEqual(sandbox.requests.length, 0);
});

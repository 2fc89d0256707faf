/**
 * Waiting and answering, bounded and truthful: a request waits for a
 * rate-limit slot no longer than the app allows; a caller who leaves
 * before the request is sent is not invested for, one who leaves after is
 * (and the answer waits for the retry); a 5 MB WhiteBIT message never
 * becomes a 5 MB problem; an `unknown` outcome says what to reconcile.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { WhiteBitClient } from "../../client.ts";
import { INVEST_PATH } from "../../client/_paths.ts";
import { MemoryIdempotencyStore } from "../../server.ts";
import { holding, ObservedLimiter, PLAN, problemOf, setupServer, typeOf } from "../_fixtures.ts";

const BODY = { planId: PLAN.id, amount: "10" };
const key = (value: string) => ({ "idempotency-key": value });

Deno.test("the wait for a rate-limit slot is bounded: 503 server-busy, not_executed, Retry-After, nothing sent, the key freed", async () => {
  const rateLimiter = new ObservedLimiter({ limit: 1, windowMs: 60_000 });
  const { sandbox, invest } = setupServer({ app: { maxWaitMs: 1 }, client: { rateLimiter } });
  strictEqual((await invest(BODY)).status, 201); // the only slot of the next minute
  for (let attempt = 0; attempt < 2; attempt++) {
    const response = await invest(BODY, key("k"));
    strictEqual(response.status, 503, "the key was freed: not 409");
    const p = await problemOf(response);
    strictEqual(p.type, typeOf("server-busy"));
    strictEqual(p.outcome, "not_executed");
    ok(Number(response.headers.get("retry-after")) >= 1);
  }
  strictEqual(sandbox.requests.length, 1);
});

Deno.test("a caller who leaves while its request waits for a slot is not invested for, and its key is freed", async () => {
  const rateLimiter = new ObservedLimiter({ limit: 1, windowMs: 60_000 });
  const { sandbox, invest } = setupServer({ app: { maxWaitMs: 60_000 }, client: { rateLimiter } });
  strictEqual((await invest(BODY)).status, 201);
  for (let attempt = 0; attempt < 2; attempt++) {
    const caller = new AbortController();
    const asked = rateLimiter.asked();
    const pending = invest(BODY, key("leaving"), { signal: caller.signal });
    await asked; // waiting for the slot (the second time too: the key was freed, not 409)
    caller.abort(new Error("the caller hung up"));
    const response = await pending;
    strictEqual(response.status, 499);
    strictEqual((await problemOf(response)).outcome, "not_executed");
  }
  strictEqual(sandbox.requests.length, 1);
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("a caller who leaves after its request was sent does not stop it: the answer is kept for the retry", async () => {
  const held = holding(1);
  const { sandbox, invest } = setupServer({
    app: { idempotencyStore: new MemoryIdempotencyStore() },
    wrapFetch: held.wrap,
  });
  const caller = new AbortController();
  const pending = invest(BODY, key("sent"), { signal: caller.signal });
  await held.held; // sent
  caller.abort(new Error("the caller hung up"));
  held.open();
  strictEqual((await pending).status, 201);
  strictEqual(sandbox.investments.length, 1);
  const retry = await invest(BODY, key("sent"));
  strictEqual(retry.headers.get("idempotent-replayed"), "true");
  deepStrictEqual(await retry.json(), { id: sandbox.investments[0].id });
});

Deno.test("a huge message from WhiteBIT (5 MB, or 900 KB, or 2,000 fields) becomes a problem under 16 KiB, detail at most 2,000 characters", async () => {
  const { sandbox, invest } = setupServer();
  const large = "x".repeat(900_000); // under the client's 1 MiB read cap
  const answers = [
    { status: 500, body: JSON.stringify({ message: "x".repeat(5_000_000) }) },
    { status: 500, body: JSON.stringify({ message: large }), afterProcessing: true },
    { status: 400, body: JSON.stringify({ code: 0, message: large, errors: { amount: [large] } }) },
    {
      status: 422,
      body: JSON.stringify({
        code: 4,
        message: "Inner validation failed",
        errors: Object.fromEntries(
          Array.from({ length: 2_000 }, (_, i) => [`field${i}`, ["y".repeat(400)]]),
        ),
      }),
    },
  ];
  for (const answer of answers) {
    sandbox.injectFault({ kind: "respond", contentType: "application/json", ...answer });
    const response = await invest(BODY);
    const text = await response.clone().text();
    ok(text.length < 16 * 1024, `${answer.status}: ${text.length} characters`);
    const p = await problemOf(response);
    ok(p.detail.length <= 2000, `${answer.status}: detail of ${p.detail.length}`);
  }
});

Deno.test("an unknown outcome carries what reconciling needs, and GET /v1/investments finds it", async () => {
  const { sandbox, invest, call } = setupServer();
  sandbox.injectFault({ kind: "drop", afterProcessing: true }); // invested, then the line cut
  const before = Date.now();
  const response = await invest(BODY);
  strictEqual(response.status, 502);
  const p = await problemOf(response);
  strictEqual(p.outcome, "unknown");
  strictEqual(p.requestPath, INVEST_PATH);
  deepStrictEqual(p.params, BODY);
  ok(p.attemptedAt! >= before - 1 && p.attemptedAt! <= Date.now() + 1, "attemptedAt");

  // Through the server: the plan's ticker, newest first, the same plan and amount since the attempt.
  const page = await (await call(`/v1/investments?ticker=${PLAN.ticker}`)).json();
  const found = page.records.filter((
    investment: { plan: { id: string }; amount: string; created: number },
  ) =>
    investment.plan.id === p.params!.planId && investment.amount === p.params!.amount &&
    investment.created >= Math.floor(p.attemptedAt! / 1000) - 60
  );
  deepStrictEqual(found.map((investment: { id: string }) => investment.id), [
    sandbox.investments[0].id,
  ]);
  // With the client: the problem document is what findInvestment() reads.
  const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
  strictEqual(
    (await client.findInvestment(p as Parameters<typeof client.findInvestment>[0]))?.id,
    sandbox.investments[0].id,
  );

  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  const close = await call(`/v1/investments/${sandbox.investments[0].id}/close`, {
    method: "POST",
  });
  const closing = await problemOf(close);
  strictEqual(closing.outcome, "unknown");
  deepStrictEqual(closing.params, { id: sandbox.investments[0].id });
  ok(typeof closing.attemptedAt === "number");
});

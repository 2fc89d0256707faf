/**
 * Review 4: `close()` (and the SIGTERM drain) waited for every request the
 * app was running, without a bound: one stuck in its `Idempotency-Key`
 * store call (a Durable Object stub or a Deno KV transaction that does not
 * answer) kept `close()` from resolving, and the nonce lane was never
 * given up, though that request could only be refused at its send. Now
 * `close()` waits at most the client's timeout and a second.
 */
import { ok, strictEqual } from "node:assert/strict";
import { type IdempotencyStore, MemoryIdempotencyStore } from "../../server.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import { appOn, PLAN, problemOf, SERVER_ACCOUNT, typeOf } from "../_fixtures.ts";

Deno.test("review4: close() resolves while a request that sent nothing waits on a store that does not answer; the request, once the store answers, is refused, not sent", async () => {
  const sandbox = new WhiteBitSandbox({ accounts: [SERVER_ACCOUNT], plans: [PLAN] });
  const inner = new MemoryIdempotencyStore();
  const hung = Promise.withResolvers<void>();
  const asked = Promise.withResolvers<void>();
  const store: IdempotencyStore = {
    claim: async (...args) => {
      asked.resolve();
      await hung.promise; // the store does not answer
      return await inner.claim(...args);
    },
    complete: (...args) => inner.complete(...args),
    release: (...args) => inner.release(...args),
    renew: (...args) => inner.renew(...args),
  };
  const { app, invest } = appOn({
    client: { ...sandbox.credentials, fetch: sandbox.fetch, timeoutMs: 100 },
    idempotencyStore: store,
  });
  const pending = invest({ planId: PLAN.id, amount: "25" }, { "idempotency-key": "review4-drain" });
  await asked.promise;
  // Bounded at the client's timeout and a second; the guard only catches a close() that never ends.
  let guard: ReturnType<typeof setTimeout> | undefined;
  const closed = await Promise.race([
    app.close().then(() => true),
    new Promise<false>((resolve) => guard = setTimeout(() => resolve(false), 30_000)),
  ]);
  clearTimeout(guard);
  ok(closed, "close() still waited after 30 s for a request that had sent nothing");
  let answered = false;
  pending.finally(() => answered = true);
  await Promise.resolve();
  strictEqual(answered, false, "the request is still in its store call");
  hung.resolve();
  const answer = await pending;
  strictEqual(answer.status, 503);
  const problem = await problemOf(answer);
  strictEqual(problem.type, typeOf("server-stopping"));
  strictEqual(problem.outcome, "not_executed");
  strictEqual(sandbox.investments.length, 0, "nothing was invested");
  strictEqual(sandbox.requests.length, 0, "nothing was sent");
});

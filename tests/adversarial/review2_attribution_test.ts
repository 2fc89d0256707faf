/**
 * Review 2: reconciliation gives each investment to one key only, because
 * "every success's id ... is attributed to its key in the store first".
 * A success answered without an `Idempotency-Key` is attributed to no one,
 * so a later reconciliation takes it for its own key's.
 */
import { deepStrictEqual, notStrictEqual, strictEqual } from "node:assert/strict";
import { MemoryIdempotencyStore } from "../../server.ts";
import { WhiteBitSandbox } from "../../testing.ts";
import { appOn, holding, PLAN, SERVER_ACCOUNT } from "../_fixtures.ts";
import type { FetchLike } from "../../client/options.ts";

const LEASE_MS = 60_000;
const BODY = { planId: PLAN.id, amount: "25" };
const KEY = { "idempotency-key": "review2-attribution-1" };

Deno.test("review2: an investment answered to a request without Idempotency-Key is taken as another key's by its reconciliation: that key's investment never happens", async () => {
  const clock = { now: Date.now() };
  const now = () => clock.now;
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...SERVER_ACCOUNT, balances: { USDT: "1000000" } }],
    plans: [{ ...PLAN, maxPossibleInvestment: "100000000" }],
    now,
  });
  const store = new MemoryIdempotencyStore({ now });
  let lanes = 0;
  const instance = (wrap: (fetch: FetchLike) => FetchLike = (fetch) => fetch) =>
    appOn({
      client: {
        ...sandbox.credentials,
        fetch: wrap(sandbox.fetch),
        now,
        retryDelayMs: 1,
        nonceLane: { index: lanes++, count: 16 },
      },
      idempotencyStore: store,
      idempotencyLeaseMs: LEASE_MS,
      now,
    });
  const lost = holding(1, "before"); // the keyed request never reaches WhiteBIT in time
  const dying = instance(lost.wrap);
  const other = instance();
  const first = dying.invest(BODY, KEY);
  await lost.held;

  // Another caller invests the same plan and amount, without a key, and gets its id.
  const plain = await other.invest(BODY);
  strictEqual(plain.status, 201);
  const { id: plainId } = await plain.json();

  clock.now += LEASE_MS;
  const retry = await other.invest(BODY, KEY);
  const reconciled = retry.headers.get("idempotent-reconciled");
  const { id } = await retry.json();
  lost.open();
  await (await first).body?.cancel();
  notStrictEqual(
    id,
    plainId,
    `the key was answered with the other caller's investment (${reconciled})`,
  );
  strictEqual(reconciled, "not-found");
  deepStrictEqual(sandbox.investments.length, 2, "two callers, two investments");
});

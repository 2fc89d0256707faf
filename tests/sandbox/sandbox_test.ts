// The WhiteBitSandbox class as its users meet it: options, getters and
// methods (a contract), demo data, and instances that share nothing.

import { deepStrictEqual, rejects, strictEqual, throws } from "node:assert/strict";
import { WhiteBitSandbox } from "../../testing.ts";
import { INVEST, investBody, KEY, post, sandboxAt, SECRET, send, signed, T } from "./_fixtures.ts";

Deno.test("sandbox: a correctly signed invest gets 201 with a UUID", async () => {
  const sandbox = sandboxAt(T);
  const { status, body } = await send(sandbox, investBody(T));
  strictEqual(status, 201);
  strictEqual(/^[0-9a-f-]{36}$/.test(body.id), true);
  strictEqual(sandbox.balance(KEY, "USDT"), "990");
});

Deno.test("sandbox: pastInvestments are closed history, oldest first, moving no balance; bad ones refused", () => {
  const plans = [{ id: "p1", ticker: "USDT", minInvestment: "1", maxInvestment: "500" }];
  const accounts = [{ apiKey: KEY, apiSecret: SECRET, balances: { USDT: "1000" } }];
  const sandbox = new WhiteBitSandbox({
    accounts,
    plans,
    pastInvestments: [
      { planId: "p1", amount: "5", created: 1_700_000_200, id: "newer" },
      { planId: "p1", amount: "7", created: 1_700_000_100, id: "older", apiKey: KEY },
    ],
  });
  deepStrictEqual(
    sandbox.investments.map((
      { id, status, interestPaid, updated },
    ) => [id, status, interestPaid, updated]),
    [["older", 2, "0", 1_700_000_100], ["newer", 2, "0", 1_700_000_200]],
  );
  strictEqual(sandbox.balance(KEY, "USDT"), "1000");
  strictEqual(sandbox.plans[0].maxPossibleInvestment, "500");
  for (
    const seed of [
      { planId: "nope", amount: "5", created: 1 },
      { planId: "p1", amount: "5e3", created: 1 },
      { planId: "p1", amount: "5", created: 1.5 },
      { planId: "p1", amount: "5", created: 1, apiKey: "stranger" },
    ]
  ) {
    throws(() => new WhiteBitSandbox({ accounts, plans, pastInvestments: [seed] }), TypeError);
  }
});

Deno.test("sandbox: what the getters hand out are copies; changing them changes nothing", async () => {
  let now = T;
  const sandbox = sandboxAt(T, { now: () => now });
  await send(sandbox, investBody(now));
  now += 43_200 * 60_000;
  strictEqual(sandbox.investments[0].status, 2, "matured (the plans getter alone does not settle)");
  const before = JSON.stringify([
    sandbox.plans,
    sandbox.investments,
    sandbox.interestPayments,
    sandbox.requests,
    sandbox.credentials,
  ]);
  sandbox.plans[0].maxPossibleInvestment = "1";
  sandbox.investments[0].amount = "1";
  sandbox.interestPayments[0].amount = "1";
  sandbox.requests[0].status = 500;
  sandbox.investments.pop();
  strictEqual(
    JSON.stringify([
      sandbox.plans,
      sandbox.investments,
      sandbox.interestPayments,
      sandbox.requests,
      sandbox.credentials,
    ]),
    before,
  );
});

Deno.test("sandbox: the demo data by default, and two sandboxes share none of it", async () => {
  const first = new WhiteBitSandbox();
  const second = new WhiteBitSandbox();
  deepStrictEqual(first.credentials, {
    apiKey: "sandbox-public-key-0001",
    apiSecret: "sandbox-secret-do-not-use-anywhere-else",
  });
  deepStrictEqual(first.plans.map((plan) => [plan.ticker, plan.status, plan.specialOffer]), [
    ["USDT", 1, false],
    ["BTC", 1, false],
    ["USDT", 4, false],
    ["USDT", 1, true],
  ]);
  const before = JSON.stringify(second.plans);
  const request = await signed(
    JSON.stringify({
      request: INVEST,
      nonce: Date.now(),
      planId: first.plans[0].id,
      amount: "100",
    }),
    { apiKey: first.credentials.apiKey, secret: first.credentials.apiSecret },
  );
  strictEqual((await post(first, request)).status, 201);
  strictEqual(first.balance(first.credentials.apiKey, "USDT"), "9900");
  strictEqual(second.balance(second.credentials.apiKey, "USDT"), "10000");
  strictEqual(JSON.stringify(second.plans), before);
  strictEqual(new WhiteBitSandbox().plans[0].maxPossibleInvestment, "500000");
});

Deno.test("sandbox: credentials are the first account's; no account at all is refused", () => {
  const sandbox = sandboxAt(T, {
    accounts: [{ apiKey: KEY, apiSecret: SECRET }, {
      apiKey: "second",
      apiSecret: "second-secret",
    }],
  });
  deepStrictEqual(sandbox.credentials, { apiKey: KEY, apiSecret: SECRET });
  throws(() => new WhiteBitSandbox({ accounts: [] }), {
    name: "TypeError",
    message: "Cannot create sandbox: it needs at least one account: current value is []",
  });
});

Deno.test("sandbox: fetch rejects a dropped answer with a TypeError, and an aborted signal with its reason", async () => {
  const sandbox = sandboxAt(T);
  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  await rejects(send(sandbox, investBody(T)), {
    name: "TypeError",
    message: "error sending request: connection closed before message completed",
  });
  const reason = new Error("already gone");
  await rejects(
    post(sandbox, await signed(investBody(T + 1)), { signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  await sandbox.settled();
  deepStrictEqual(sandbox.investments.map((i) => i.nonce), [T, T + 1], "both were carried out");
});

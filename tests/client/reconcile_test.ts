import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import {
  InvestmentRejectedError,
  NetworkError,
  ServerError,
  TimeoutError,
  WhiteBitClient,
  type WhiteBitError,
} from "../../mod.ts";
import type { SandboxFault } from "../../testing.ts";
import { findInvestments } from "../../client/_reconcile.ts";
import {
  failedInvest,
  OTHER_PLAN,
  PATHS,
  RECONCILE_PLAN as PLAN,
  reconcileSetup as setup,
  sentTo,
  T0,
} from "../_fixtures.ts";

const INVEST = PATHS.invest;
const INVESTMENTS = PATHS.investments;

Deno.test("invest errors carry the plan, the amount and the attempt time, nothing secret", async () => {
  const { sandbox, client } = setup();
  sandbox.injectFault({ kind: "drop" });
  const error = await failedInvest(client, "100.25");
  deepStrictEqual(error.params, { planId: PLAN.id, amount: "100.25" });
  strictEqual(error.attemptedAt, T0);
  strictEqual(error.nonce, T0);
  const json = JSON.parse(JSON.stringify(error));
  deepStrictEqual(json.params, { planId: PLAN.id, amount: "100.25" });
  ok(!JSON.stringify(error).includes("reconcile-secret"));
  ok(!JSON.stringify(error).includes("reconcile-key"));
});

const EXECUTED: [string, SandboxFault][] = [
  ["dropped after processing", { kind: "drop", afterProcessing: true }],
  ["502 after processing", {
    kind: "respond",
    status: 502,
    body: "<html/>",
    afterProcessing: true,
  }],
];
const NOT_EXECUTED: [string, SandboxFault][] = [
  ["dropped before processing", { kind: "drop" }],
  ["503 before processing", { kind: "respond", status: 503, body: "<html/>" }],
];

for (const [name, fault] of EXECUTED) {
  Deno.test(`findInvestment(): ${name} → the investment`, async () => {
    const { sandbox, client } = setup();
    await client.invest({ planId: PLAN.id, amount: "99" }); // same plan, other amount
    await client.invest({ planId: OTHER_PLAN.id, amount: "100" }); // same amount, other plan
    sandbox.injectFault(fault, { path: INVEST });
    const error = await failedInvest(client);
    strictEqual(error.outcome, "unknown");
    strictEqual(sandbox.investments.length, 3, "the sandbox carried it out");
    const found = await client.findInvestment(error);
    strictEqual(found?.id, sandbox.investments[2].id);
    strictEqual(found?.amount, "100");
    strictEqual(found?.plan.id, PLAN.id);
  });
}

for (const [name, fault] of NOT_EXECUTED) {
  Deno.test(`findInvestment(): ${name} → null`, async () => {
    const { sandbox, client } = setup();
    await client.invest({ planId: PLAN.id, amount: "99" });
    await client.invest({ planId: OTHER_PLAN.id, amount: "100" });
    sandbox.injectFault(fault, { path: INVEST });
    const error = await failedInvest(client);
    strictEqual(error.outcome, "unknown");
    strictEqual(sandbox.investments.length, 2, "the sandbox did not carry it out");
    strictEqual(await client.findInvestment(error), null);
  });
}

Deno.test("findInvestment() over HTTP: drop after processing found, drop before processing null", async () => {
  const { sandbox } = setup(Date.now);
  await using server = sandbox.listen();
  const client = new WhiteBitClient({ ...sandbox.credentials, baseUrl: server.url });
  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  const executed = await failedInvest(client, "12.5");
  ok(executed instanceof NetworkError, String(executed));
  sandbox.injectFault({ kind: "drop" });
  const dropped = await failedInvest(client, "13.5");
  ok(dropped instanceof NetworkError, String(dropped));
  strictEqual((await client.findInvestment(executed))?.id, sandbox.investments[0].id);
  strictEqual(await client.findInvestment(dropped), null);
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("findInvestment() after a timeout finds what the sandbox did later", async () => {
  const { sandbox, client } = setup(Date.now, { timeoutMs: 20 });
  sandbox.injectFault({ kind: "latency", ms: 100 }, { path: INVEST });
  const error = await failedInvest(client);
  ok(error instanceof TimeoutError);
  await sandbox.settled();
  strictEqual((await client.findInvestment(error))?.id, sandbox.investments[0].id);
});

Deno.test("findInvestment() works from the error's JSON, kept to reconcile later", async () => {
  const { sandbox, client } = setup();
  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  const kept = JSON.stringify(await failedInvest(client));
  const found = await client.findInvestment(JSON.parse(kept));
  strictEqual(found?.id, sandbox.investments[0].id);
});

Deno.test("findInvestment() of a not_executed error answers null without a request", async () => {
  const { sandbox, client } = setup();
  const error = await failedInvest(client, "0.5"); // below the plan's minimum: 422
  ok(error instanceof InvestmentRejectedError);
  const before = sandbox.requests.length;
  strictEqual(await client.findInvestment(error), null);
  strictEqual(sandbox.requests.length, before);
});

Deno.test("findInvestment() refuses what is not a failed invest, before sending", async () => {
  const { sandbox, client } = setup();
  sandbox.injectFault({ kind: "respond", status: 500, body: "{}" });
  const closeError = await client.closeInvestment("x").catch((e) => e);
  ok(closeError instanceof ServerError);
  await rejects(client.findInvestment(closeError), TypeError);
  const base = { requestPath: INVEST, outcome: "unknown" as const, attemptedAt: T0 };
  await rejects(
    client.findInvestment({ ...base, params: { planId: PLAN.id } }),
    /Cannot use "params.amount"/,
  );
  await rejects(
    client.findInvestment({
      ...base,
      params: { planId: PLAN.id, amount: "1" },
      attemptedAt: undefined,
    }),
    TypeError,
  );
  await rejects(
    client.findInvestment({ ...base, params: { planId: PLAN.id, amount: "1" } }, {
      toleranceMs: -1,
    }),
    RangeError,
  );
  await rejects(client.findInvestment(undefined as unknown as WhiteBitError), TypeError);
  strictEqual(sentTo(sandbox, INVESTMENTS), 0);
});

Deno.test("findInvestment() compares amounts as decimals, not as text", async () => {
  const { sandbox, client } = setup();
  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  const error = await failedInvest(client, "100.5");
  const [investment] = (await client.investments()).records;
  sandbox.injectFault({
    kind: "respond",
    status: 200,
    contentType: "application/json",
    body: JSON.stringify({
      offset: 0,
      limit: 100,
      records: [{ ...investment, amount: "100.50000000" }],
    }),
  }, { path: INVESTMENTS });
  strictEqual((await client.findInvestment(error))?.id, investment.id);
});

Deno.test("findInvestment(): a client clock 4 s ahead is covered by the tolerance", async () => {
  // WhiteBIT accepts window nonces up to 5 s off, and stamps `created` with its own clock.
  const { sandbox, client } = setup(() => T0, { now: () => T0 + 4_000 });
  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  const error = await failedInvest(client);
  strictEqual(sandbox.investments[0].created, T0 / 1000);
  strictEqual((await client.findInvestment(error))?.id, sandbox.investments[0].id);
  strictEqual(
    await client.findInvestment(error, { toleranceMs: 0 }),
    null,
    "without tolerance the executed investment would be missed",
  );
});

Deno.test("findInvestment(): an identical investment older than the tolerance is not this one", async () => {
  let now = T0;
  const { sandbox, client } = setup(() => now);
  await client.invest({ planId: PLAN.id, amount: "100" });
  now += 61_000;
  sandbox.injectFault({ kind: "drop" });
  const error = await failedInvest(client);
  strictEqual(await client.findInvestment(error), null);
  strictEqual(
    (await client.findInvestment(error, { toleranceMs: 120_000 }))?.id,
    sandbox.investments[0].id,
  );
});

Deno.test("the ambiguous case: identical concurrent invests cannot be told apart", async () => {
  const { sandbox, client } = setup();
  // Two identical investments at once: the first goes through, the second is
  // dropped before WhiteBIT sees it. Nothing in the history tells them apart,
  // so the second call's reconciliation finds the first call's investment.
  sandbox.injectFault({ kind: "latency", ms: 0 }); // the first request
  sandbox.injectFault({ kind: "drop" }); // the second
  const results = await Promise.allSettled([
    client.invest({ planId: PLAN.id, amount: "100" }),
    client.invest({ planId: PLAN.id, amount: "100" }),
  ]);
  // Which of the two reaches the sandbox first is up to the scheduler.
  const succeeded = results.filter((r) => r.status === "fulfilled");
  const failed = results.filter((r) => r.status === "rejected");
  strictEqual(succeeded.length, 1);
  strictEqual(failed.length, 1);
  strictEqual(sandbox.investments.length, 1);
  const error = failed[0].reason as WhiteBitError;
  strictEqual(error.outcome, "unknown");
  const found = await client.findInvestment(error);
  strictEqual(
    found?.id,
    succeeded[0].value.id,
    "'found' for a call that did not run: the safe side, never a second investment",
  );
});

Deno.test("findInvestment(): a history not served newest first is read to its end, never cut short", async () => {
  // Oldest first: the first page ends long before the attempt, yet the
  // match is the last record. Stopping there would answer a false null.
  const { sandbox, client } = setup();
  sandbox.injectFault({ kind: "drop", afterProcessing: true }, { path: INVEST });
  const error = await failedInvest(client);
  const [made] = (await client.investments()).records;
  const records = [
    ...Array.from({ length: 250 }, (_, i) => ({ ...made, id: `old-${i}`, created: i })),
    made,
  ];
  const offsets: number[] = [];
  const oldestFirst = new WhiteBitClient({
    ...sandbox.credentials,
    fetch: async (_url, init) => {
      const body = JSON.parse(await new Response(init.body).text());
      if (body.request !== INVESTMENTS) return Response.json([]); // the plans read
      offsets.push(body.offset);
      const page = records.slice(body.offset, body.offset + body.limit);
      return Response.json({ offset: body.offset, limit: body.limit, records: page });
    },
  });
  strictEqual((await oldestFirst.findInvestment(error))?.id, made.id);
  deepStrictEqual(offsets, [0, 100, 200]);
});

Deno.test("findInvestments(): every match, closest to the attempt first", async () => {
  let now = T0;
  const { client } = setup(() => now);
  const ids: string[] = [];
  for (const offset of [-30_000, 0, 20_000, 40_000]) {
    now = T0 + offset;
    ids.push((await client.invest({ planId: PLAN.id, amount: "100" })).id);
  }
  const failure = {
    requestPath: INVEST,
    outcome: "unknown" as const,
    params: { planId: PLAN.id, amount: "100" },
    attemptedAt: T0 + 1_000,
  };
  const reader = {
    plans: () => client.plans(),
    page: (offset: number, ticker: string | undefined) =>
      client.investments({ ticker, offset, limit: 100 }),
  };
  const all = await findInvestments(reader, failure, {});
  deepStrictEqual(all.map((investment) => investment.id), [ids[1], ids[2], ids[0], ids[3]]);
  strictEqual((await client.findInvestment(failure))?.id, ids[1]);
});

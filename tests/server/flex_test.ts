// The server's /v1/flex routes: each of the 8 operations through the route
// table, Idempotency-Key on every state-changing one (a replay moves no money
// again), WhiteBIT's refusals as problems with their reason, an unknown
// outcome with what reconciling needs, and the OpenAPI entries.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { OPENAPI_DOCUMENT } from "../../server.ts";
import type { findTransaction } from "../../client/flex/_reconcile.ts";
import { FLEX_PATHS, problemOf, setupServer, typeOf } from "../_fixtures.ts";

function flexServer() {
  const server = setupServer();
  const plan = server.sandbox.flexPlans[0].id;
  const post = (path: string, json: unknown, key?: string) =>
    server.call(path, { method: "POST", json, headers: key ? { "idempotency-key": key } : {} });
  return { ...server, plan, post };
}

Deno.test("server flex: the 8 operations, end to end", async () => {
  const { call, post, plan, sandbox } = flexServer();
  const plans = await (await call("/v1/flex/plans?ticker=USDT")).json();
  strictEqual(plans.data[0].id, plan);
  const invested = await post("/v1/flex/invest", { plan, amount: "100", withReinvest: false });
  strictEqual(invested.status, 201);
  const { transactionId } = await invested.json();
  strictEqual(sandbox.flexHistory[0].transaction_id, transactionId);
  strictEqual((await post("/v1/flex/withdraw", { plan, amount: "30" })).status, 201);
  strictEqual((await post("/v1/flex/auto-invest", { plan, enabled: true })).status, 204);
  const page = await (await call(`/v1/flex/investments?plan=${plan}&investmentStatus=1`)).json();
  deepStrictEqual(
    page.data.map((
      p: { invested: string; withAutoReinvest: boolean },
    ) => [p.invested, p.withAutoReinvest]),
    [["70", true]],
  );
  const history = await (await call(`/v1/flex/history?plan=${plan}&actionTypes=3,6&limit=10`))
    .json();
  deepStrictEqual(history.data.map((row: { actionType: number }) => row.actionType), [3, 6]);
  const payments = await (await call("/v1/flex/payments")).json();
  deepStrictEqual(payments, { data: [], limit: 50, offset: 0 }); // WhiteBIT's default page
  strictEqual((await post("/v1/flex/close", { plan })).status, 201);
  strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "1000");
});

Deno.test("server flex: an Idempotency-Key makes each money route run at most once", async () => {
  const { post, plan, sandbox } = flexServer();
  await post("/v1/flex/invest", { plan, amount: "200" });
  const routes: [string, Record<string, unknown>][] = [
    ["/v1/flex/invest", { plan, amount: "50" }],
    ["/v1/flex/withdraw", { plan, amount: "20" }],
    ["/v1/flex/auto-invest", { plan, enabled: true }],
    ["/v1/flex/close", { plan }],
  ];
  for (const [path, json] of routes) {
    const key = `key-${path}`;
    const first = await post(path, json, key);
    ok(first.status === 201 || first.status === 204, `${path} ${first.status}`);
    const rows = sandbox.flexHistory.length;
    const replay = await post(path, json, key);
    strictEqual(replay.status, first.status);
    strictEqual(replay.headers.get("idempotent-replayed"), "true", path);
    strictEqual(sandbox.flexHistory.length, rows, `${path}: no second movement`);
    // The same key with another request is refused, and sends nothing.
    const other = await post(path, { ...json, plan: sandbox.flexPlans[1].id }, key);
    strictEqual(other.status, 422);
    strictEqual((await problemOf(other)).type, typeOf("idempotency-key-reused"));
  }
  strictEqual(sandbox.requests.filter((r) => r.path === FLEX_PATHS.invest).length, 2);
});

Deno.test("server flex: WhiteBIT's refusal is a flex-rejected problem with its reason", async () => {
  const { post, plan } = flexServer();
  const response = await post("/v1/flex/withdraw", { plan, amount: "5" });
  strictEqual(response.status, 422);
  const problem = await problemOf(response);
  strictEqual(problem.type, typeOf("flex-rejected"));
  strictEqual(problem.reason, "investment_not_found");
  strictEqual(problem.outcome, "not_executed");
  deepStrictEqual(problem.fieldErrors, { amount: ["Investment does not exist"] });
});

Deno.test("server flex: WhiteBIT's CLI's field names are refused before anything is sent", async () => {
  const { post, plan, sandbox } = flexServer();
  for (
    const [path, json] of [
      ["/v1/flex/invest", { planId: plan, amount: "100" }],
      ["/v1/flex/close", { id: 12 }],
      ["/v1/flex/auto-invest", { plan }],
    ] as const
  ) {
    const response = await post(path, json);
    strictEqual(response.status, 400, path);
    const problem = await problemOf(response);
    strictEqual(problem.outcome, "not_executed");
    ok(problem.fieldErrors && Object.keys(problem.fieldErrors).length > 0);
  }
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("server flex: an unknown outcome carries what findTransaction needs", async () => {
  const { post, plan, sandbox, client } = flexServer();
  await post("/v1/flex/invest", { plan, amount: "300" });
  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  const response = await post("/v1/flex/withdraw", { plan, amount: "45.5" }, "withdraw-1");
  strictEqual(response.status, 502);
  const problem = await problemOf(response);
  strictEqual(problem.outcome, "unknown");
  strictEqual(problem.requestPath, FLEX_PATHS.withdraw);
  deepStrictEqual(problem.params, { plan, amount: "45.5" });
  ok(typeof problem.attemptedAt === "number");
  // The problem document itself reconciles: the withdrawal went through, once.
  const found = await client.flex.findTransaction(problem as Parameters<typeof findTransaction>[1]);
  strictEqual(found?.amount, "45.5");
  strictEqual(sandbox.flexHistory.filter((row) => row.actionType === 3).length, 1);
});

Deno.test("server flex: OpenAPI describes the 8 flex routes from the endpoint table", () => {
  const paths = OPENAPI_DOCUMENT.paths as Record<string, Record<string, Record<string, unknown>>>;
  for (const path of ["plans", "investments", "history", "payments"]) {
    ok(paths[`/v1/flex/${path}`].get, path);
  }
  for (const path of ["invest", "withdraw", "close", "auto-invest"]) {
    const post = paths[`/v1/flex/${path}`].post;
    ok(post, path);
    ok(
      (post.parameters as { name: string }[]).some(({ name }) => name === "Idempotency-Key"),
      `${path} takes Idempotency-Key`,
    );
  }
  const autoInvest = paths["/v1/flex/auto-invest"].post.requestBody as {
    content: { "application/json": { schema: { required: string[] } } };
  };
  deepStrictEqual(autoInvest.content["application/json"].schema.required, ["plan", "enabled"]);
});

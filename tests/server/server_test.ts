import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import handler, { createApp } from "../../server.ts";
import { type SandboxAccount, WhiteBitSandbox } from "../../testing.ts";
import {
  holding,
  PATHS,
  PLAN,
  problemOf,
  SERVER_ACCOUNT,
  setupServer,
  STORES,
  TOKENS,
} from "../_fixtures.ts";

Deno.test("server: POST /v1/investments invests and answers 201 { id }", async () => {
  const { sandbox, invest } = setupServer();
  const response = await invest({ planId: PLAN.id, amount: "100.5" });
  strictEqual(response.status, 201);
  deepStrictEqual(await response.json(), { id: sandbox.investments[0].id });
  strictEqual(sandbox.balance(SERVER_ACCOUNT.apiKey, "USDT"), "899.5");
});

Deno.test("server: /healthz needs no token and never calls WhiteBIT", async () => {
  const { sandbox, call } = setupServer();
  const response = await call("/healthz", { token: null });
  strictEqual(response.status, 200);
  deepStrictEqual(await response.json(), { status: "ok" });
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("server: without tokens or credentials it is never an open proxy", async () => {
  const sandbox = new WhiteBitSandbox();
  for (
    const options of [
      { client: { ...sandbox.credentials, fetch: sandbox.fetch }, tokens: [] },
      { client: { ...sandbox.credentials, fetch: sandbox.fetch }, tokens: [""] },
      { tokens: TOKENS },
    ]
  ) {
    const app = createApp({ ...options, log: false });
    for (const path of ["/v1/investments", "/openapi.json", "/anything"]) {
      const response = await app.fetch(
        new Request(`http://localhost${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKENS[0]}`, "content-type": "application/json" },
          body: JSON.stringify({ planId: sandbox.plans[0].id, amount: "10" }),
        }),
      );
      strictEqual(response.status, 503);
      strictEqual((await problemOf(response)).type, "urn:lending-whitebit:problem:not-configured");
      strictEqual(response.headers.get("retry-after"), null);
    }
    const health = await app.fetch(new Request("http://localhost/healthz"));
    strictEqual(health.status, 503);
    strictEqual((await health.json()).status, "not-configured");
  }
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("server: bearer tokens, several accepted, anything else 401", async () => {
  const { sandbox, call, invest } = setupServer();
  for (
    const token of [null, "", "wrong", TOKENS[0] + "x", TOKENS[0].slice(0, -1), ` ${TOKENS[0]}`]
  ) {
    const response = await call("/v1/investments", {
      method: "POST",
      token,
      json: { planId: PLAN.id, amount: "1" },
    });
    strictEqual(response.status, 401, String(token));
    strictEqual(response.headers.get("www-authenticate"), 'Bearer realm="lending"');
    await problemOf(response);
  }
  const basic = await call("/openapi.json", {
    token: null,
    headers: { authorization: `Basic ${btoa(TOKENS[0])}` },
  });
  strictEqual(basic.status, 401);
  await basic.body?.cancel();
  strictEqual(sandbox.requests.length, 0);
  for (const token of TOKENS) {
    const response = await call("/v1/investments", {
      method: "POST",
      token,
      json: { planId: PLAN.id, amount: "1" },
    });
    strictEqual(response.status, 201);
    await response.body?.cancel();
  }
  strictEqual((await invest({ planId: PLAN.id, amount: "1" })).status, 201);
});

Deno.test("server: routes and methods", async () => {
  const { call } = setupServer();
  const openapi = await call("/openapi.json");
  strictEqual(openapi.status, 200);
  ok("/v1/investments" in (await openapi.json()).paths);
  const wrongMethod = await call("/v1/investments", { method: "DELETE" });
  strictEqual(wrongMethod.status, 405);
  strictEqual(wrongMethod.headers.get("allow"), "GET, HEAD, POST");
  await problemOf(wrongMethod);
  const missing = await call("/v2/nothing");
  strictEqual(missing.status, 404);
  await problemOf(missing);
  strictEqual(
    (await call("/nothing", { token: null })).status,
    401,
    "no route probing without a token",
  );
});

Deno.test("server: bodies over 4 KiB are 413, declared or streamed", async () => {
  const { sandbox, call } = setupServer();
  const big = JSON.stringify({ planId: PLAN.id, amount: "1", pad: "x".repeat(5000) });
  const declared = await call("/v1/investments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: big,
  });
  strictEqual(declared.status, 413);
  await problemOf(declared);
  const streamed = await call("/v1/investments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: new Blob([big]).stream(),
  });
  strictEqual(streamed.status, 413);
  await streamed.body?.cancel();
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("server: content types other than JSON are 415", async () => {
  const { sandbox, call } = setupServer();
  for (
    const type of [
      undefined,
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/jsonx",
    ]
  ) {
    const headers: HeadersInit = type ? { "content-type": type } : {};
    const response = await call("/v1/investments", {
      method: "POST",
      headers,
      body: JSON.stringify({ planId: PLAN.id, amount: "1" }),
    });
    strictEqual(response.status, 415, String(type));
    await problemOf(response);
  }
  const charset = await call("/v1/investments", {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ planId: PLAN.id, amount: "1" }),
  });
  strictEqual(charset.status, 201);
  await charset.body?.cancel();
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("server: malformed JSON, wrong types and unknown fields are 400 with field errors", async () => {
  const { sandbox, call, invest } = setupServer();
  const broken = await call("/v1/investments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"planId": ',
  });
  strictEqual(broken.status, 400);
  strictEqual((await problemOf(broken)).outcome, "not_executed");
  const cases: [unknown, string[]][] = [
    [[], []],
    [null, []],
    ["x", []],
    [{}, ["planId", "amount"]],
    [{ planId: PLAN.id, amount: 100 }, ["amount"]],
    [{ planId: PLAN.id, amount: "1e3" }, ["amount"]],
    [{ planId: PLAN.id, amount: "-1" }, ["amount"]],
    [{ planId: PLAN.id, amount: "0" }, ["amount"]],
    [{ planId: 5, amount: "1" }, ["planId"]],
    [{ planId: "a b", amount: "1" }, ["planId"]],
    [{ planId: PLAN.id, amount: "1", extra: true }, ["extra"]],
    [{ planId: PLAN.id, amount: "1", nonce: 1 }, ["nonce"]],
  ];
  for (const [json, fields] of cases) {
    const response = await invest(json);
    strictEqual(response.status, 400, JSON.stringify(json));
    const body = await problemOf(response);
    deepStrictEqual(
      Object.keys(body.fieldErrors ?? {}).sort(),
      [...fields].sort(),
      JSON.stringify(json),
    );
  }
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("server: WhiteBIT's answers become statuses a caller can act on", async (t) => {
  const cases: {
    name: string;
    account?: Partial<SandboxAccount>;
    client?: Record<string, unknown>;
    fault?: Parameters<WhiteBitSandbox["injectFault"]>;
    amount?: string;
    planId?: string;
    status: number;
    type: string;
    outcome: "not_executed" | "unknown";
    reason?: string;
    investments: number;
  }[] = [
    {
      name: "422 insufficient balance",
      amount: "400",
      account: { balances: { USDT: "10" } },
      status: 422,
      type: "investment-rejected",
      outcome: "not_executed",
      reason: "insufficient_balance",
      investments: 0,
    },
    {
      name: "400 unknown plan",
      planId: "nope",
      status: 422,
      type: "rejected-by-whitebit",
      outcome: "not_executed",
      investments: 0,
    },
    {
      name: "401 wrong server credentials",
      client: { apiSecret: "wrong" },
      status: 502,
      type: "upstream-credentials",
      outcome: "not_executed",
      investments: 0,
    },
    {
      name: "403 lending gate",
      account: { lendingAccess: false },
      status: 502,
      type: "upstream-permission",
      outcome: "not_executed",
      investments: 0,
    },
    {
      name: "429 rate limit after the client's retries",
      fault: [{ kind: "respond", status: 429, body: "<html/>" }, { times: 3 }],
      status: 429,
      type: "rate-limited",
      outcome: "not_executed",
      investments: 0,
    },
    {
      name: "500 after processing",
      fault: [{
        kind: "respond",
        status: 500,
        body: '{"error":["Internal server error."]}',
        afterProcessing: true,
      }],
      status: 502,
      type: "upstream-error",
      outcome: "unknown",
      investments: 1,
    },
    {
      name: "dropped after processing",
      fault: [{ kind: "drop", afterProcessing: true }],
      status: 502,
      type: "upstream-error",
      outcome: "unknown",
      investments: 1,
    },
    {
      name: "timeout",
      client: { timeoutMs: 20 },
      fault: [{ kind: "latency", ms: 100 }],
      status: 504,
      type: "upstream-timeout",
      outcome: "unknown",
      investments: 1,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const { sandbox, invest } = setupServer({ account: c.account, client: c.client });
      if (c.fault) sandbox.injectFault(...c.fault);
      const response = await invest({ planId: c.planId ?? PLAN.id, amount: c.amount ?? "10" });
      strictEqual(response.status, c.status);
      const body = await problemOf(response);
      strictEqual(body.type, `urn:lending-whitebit:problem:${c.type}`);
      strictEqual(body.outcome, c.outcome);
      if (c.reason) strictEqual(body.reason, c.reason);
      if (c.status === 429) strictEqual(response.headers.get("retry-after"), "10");
      await sandbox.settled();
      strictEqual(sandbox.investments.length, c.investments);
    });
  }
});

for (const [name, open] of STORES) {
  Deno.test(`server (${name}): 20 concurrent requests with one key invest once`, async () => {
    await using stores = await open();
    const held = holding(1);
    const { sandbox, invest } = setupServer({
      app: { idempotencyStore: stores.store },
      wrapFetch: held.wrap,
    });
    const post = () => invest({ planId: PLAN.id, amount: "5" }, { "idempotency-key": "burst" });
    // 20 claims race; the winner's investment is held until the 19 others have their answer.
    let answered = 0;
    let othersAnswered!: () => void;
    const others = new Promise<void>((resolve) => othersAnswered = resolve);
    const racing = Array.from({ length: 20 }, () =>
      post().then((response) => {
        if (++answered === 19) othersAnswered();
        return response;
      }));
    await others;
    held.open();
    const responses = await Promise.all(racing);
    const statuses = responses.map((response) => response.status).sort();
    await Promise.all(responses.map((response) => response.body?.cancel()));
    deepStrictEqual(statuses, [201, ...Array(19).fill(409)]);
    strictEqual(sandbox.investments.length, 1);
  });

  Deno.test(`server (${name}): Idempotency-Key replays, refuses another body, and refuses a duplicate in flight`, async () => {
    await using stores = await open();
    const held = holding(2); // the second investment waits on its way until opened
    const { sandbox, invest } = setupServer({
      app: { idempotencyStore: stores.store },
      wrapFetch: held.wrap,
    });
    const key = { "idempotency-key": "order-42" };
    const first = await invest({ planId: PLAN.id, amount: "10" }, key);
    strictEqual(first.status, 201);
    const { id } = await first.json();
    const again = await invest({ planId: PLAN.id, amount: "10" }, key);
    strictEqual(again.status, 201);
    strictEqual(again.headers.get("idempotent-replayed"), "true");
    deepStrictEqual(await again.json(), { id });
    strictEqual(sandbox.requests.length, 1, "the replay did not call WhiteBIT");

    const other = await invest({ planId: PLAN.id, amount: "11" }, key);
    strictEqual(other.status, 422);
    strictEqual(
      (await problemOf(other)).type,
      "urn:lending-whitebit:problem:idempotency-key-reused",
    );

    const slow = invest({ planId: PLAN.id, amount: "12" }, { "idempotency-key": "order-43" });
    await held.held;
    const duplicate = await invest({ planId: PLAN.id, amount: "12" }, {
      "idempotency-key": "order-43",
    });
    held.open();
    strictEqual(duplicate.status, 409);
    strictEqual(duplicate.headers.get("retry-after"), "1");
    // The first may be moving money right now: not "not_executed".
    strictEqual((await problemOf(duplicate)).outcome, "unknown");
    strictEqual((await slow).status, 201);
    strictEqual(sandbox.investments.length, 2);
  });

  Deno.test(`server (${name}): an unknown outcome is kept for the key, so a retry never invests twice`, async () => {
    await using stores = await open();
    const { sandbox, invest } = setupServer({ app: { idempotencyStore: stores.store } });
    sandbox.injectFault({ kind: "drop", afterProcessing: true });
    const key = { "idempotency-key": "order-7" };
    const first = await invest({ planId: PLAN.id, amount: "10" }, key);
    strictEqual(first.status, 502);
    const retry = await invest({ planId: PLAN.id, amount: "10" }, key);
    strictEqual(retry.status, 502);
    strictEqual(retry.headers.get("idempotent-replayed"), "true");
    strictEqual((await problemOf(retry)).outcome, "unknown");
    strictEqual(sandbox.investments.length, 1);
    strictEqual(sandbox.requests.length, 1);
  });

  Deno.test(`server (${name}): a not-executed failure frees the key for a retry`, async () => {
    await using stores = await open();
    const { sandbox, invest } = setupServer({
      app: { idempotencyStore: stores.store },
      client: { maxRetries: 0 },
    });
    sandbox.injectFault({ kind: "respond", status: 429, body: "<html/>" });
    const key = { "idempotency-key": "order-8" };
    strictEqual((await invest({ planId: PLAN.id, amount: "10" }, key)).status, 429);
    strictEqual((await invest({ planId: PLAN.id, amount: "10" }, key)).status, 201);
    strictEqual(sandbox.investments.length, 1);
  });

  Deno.test(`server (${name}): keys belong to the WhiteBIT account, shared by every caller token; malformed keys are 400`, async () => {
    await using stores = await open();
    const { sandbox, call, invest } = setupServer({ app: { idempotencyStore: stores.store } });
    const key = { "idempotency-key": "shared-name" };
    strictEqual((await invest({ planId: PLAN.id, amount: "10" }, key)).status, 201);
    const otherCaller = await call("/v1/investments", {
      method: "POST",
      token: TOKENS[1],
      json: { planId: PLAN.id, amount: "10" },
      headers: key,
    });
    strictEqual(otherCaller.status, 201);
    strictEqual(otherCaller.headers.get("idempotent-replayed"), "true");
    strictEqual(sandbox.investments.length, 1);
    for (const bad of ["", "x".repeat(256), "a b", "tab\there", '"open', '"a"b"', '""']) {
      const response = await invest({ planId: PLAN.id, amount: "10" }, { "idempotency-key": bad });
      strictEqual(response.status, 400, JSON.stringify(bad));
      await problemOf(response);
    }
    strictEqual(sandbox.investments.length, 1);
  });
}

Deno.test("server: secure headers and request ids", async () => {
  const { call } = setupServer();
  const response = await call("/healthz", { headers: { "x-request-id": "trace-123" } });
  await response.body?.cancel();
  strictEqual(response.headers.get("x-request-id"), "trace-123");
  strictEqual(response.headers.get("x-content-type-options"), "nosniff");
  strictEqual(response.headers.get("x-frame-options"), "SAMEORIGIN");
  ok(response.headers.get("strict-transport-security"));
  const generated = await call("/nothing");
  ok((generated.headers.get("x-request-id") ?? "").length >= 16);
  strictEqual((await problemOf(generated)).requestId, generated.headers.get("x-request-id"));
});

Deno.test("server: CORS is off unless origins are configured", async () => {
  const off = setupServer();
  const plain = await off.call("/healthz", { headers: { origin: "https://app.example" } });
  await plain.body?.cancel();
  strictEqual(plain.headers.get("access-control-allow-origin"), null);
  const on = setupServer({ app: { corsOrigins: ["https://app.example"] } });
  const preflight = await on.call("/v1/investments", {
    method: "OPTIONS",
    token: null,
    headers: {
      origin: "https://app.example",
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization,content-type",
    },
  });
  await preflight.body?.cancel();
  strictEqual(preflight.status, 204);
  strictEqual(preflight.headers.get("access-control-allow-origin"), "https://app.example");
  const foreign = await on.call("/healthz", { headers: { origin: "https://evil.example" } });
  await foreign.body?.cancel();
  strictEqual(foreign.headers.get("access-control-allow-origin"), null);
});

Deno.test("server: access logs hold no bodies, tokens or secrets; a request's client events are on its line", async () => {
  const { logs, invest, call, sent } = setupServer();
  await (await invest({ planId: PLAN.id, amount: "10" }, { "x-request-id": "req-1" })).body
    ?.cancel();
  await (await call("/v1/investments", { method: "POST", token: "guess", json: { a: 1 } })).body
    ?.cancel();
  strictEqual(logs.length, 2);
  deepStrictEqual(logs.map((entry) => [entry.method, entry.path, entry.status]), [
    ["POST", "/v1/investments", 201],
    ["POST", "/v1/investments", 401],
  ]);
  // The invest's line has its two events: the request as signed, and WhiteBIT's answer.
  const [request, response] = logs[0].events ?? [];
  deepStrictEqual(request, {
    type: "request",
    method: "POST",
    requestPath: PATHS.invest,
    nonce: sent[0].nonce,
    params: { planId: PLAN.id, amount: "10" },
    attemptedAt: request?.type === "request" ? request.attemptedAt : undefined,
  });
  strictEqual(response?.type === "response" && response.status, 201);
  strictEqual(logs[0].requestId, "req-1");
  strictEqual(logs[1].events, undefined, "a refused caller made no call");
  const text = JSON.stringify(logs);
  for (
    const secret of [...TOKENS, "guess", SERVER_ACCOUNT.apiKey, SERVER_ACCOUNT.apiSecret, '"a":1']
  ) {
    ok(!text.includes(secret), secret);
  }
  ok(!/payload|signature/i.test(text));
});

Deno.test("server: the default export reads Workers-style bindings", async () => {
  const sandbox = new WhiteBitSandbox();
  await using server = sandbox.listen();
  const env = {
    WHITEBIT_API_KEY: sandbox.credentials.apiKey,
    WHITEBIT_API_SECRET: sandbox.credentials.apiSecret,
    WHITEBIT_BASE_URL: server.url,
    LENDING_API_TOKENS: " first , second ",
  };
  {
    const response = await handler.fetch(
      new Request("http://localhost/v1/investments", {
        method: "POST",
        headers: { authorization: "Bearer second", "content-type": "application/json" },
        body: JSON.stringify({ planId: sandbox.plans[0].id, amount: "10" }),
      }),
      env,
    );
    strictEqual(response.status, 201);
    await response.body?.cancel();
    const unconfigured = await handler.fetch(new Request("http://localhost/openapi.json"), {});
    strictEqual(unconfigured.status, 503);
    await unconfigured.body?.cancel();
  }
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("server: GET /v1/plans, /v1/investments and /v1/interest-payments read through the client", async () => {
  let now = Date.now();
  const { sandbox, call, invest } = setupServer({
    plans: [PLAN, { id: "plan-btc", ticker: "BTC", minInvestment: "0.1", maxInvestment: "5" }],
    now: () => now,
  });
  const get = async (path: string) => {
    const response = await call(path);
    return { status: response.status, body: await response.json() };
  };
  const plans = await get("/v1/plans?ticker=USDT");
  strictEqual(plans.status, 200);
  deepStrictEqual(plans.body.records.map((plan: { id: string }) => plan.id), [PLAN.id]);
  strictEqual(plans.body.records[0].minInvestment, "1", "decimals stay strings");

  for (const amount of ["10", "20", "30"]) {
    const response = await invest({ planId: PLAN.id, amount });
    strictEqual(response.status, 201);
    await response.body?.cancel();
  }
  const page = await get("/v1/investments?limit=2&offset=0&ticker=USDT&status=1");
  strictEqual(page.status, 200);
  strictEqual(page.body.records.length, 2);
  strictEqual(page.body.limit, 2);
  const one = await get(`/v1/investments?id=${sandbox.investments[0].id}`);
  deepStrictEqual(one.body.records.map((i: { amount: string }) => i.amount), ["10"]);

  now += 43_200 * 60_000 + 1000; // past maturity on the sandbox clock
  const payments = await get(`/v1/interest-payments?planId=${PLAN.id}&limit=100`);
  strictEqual(payments.status, 200);
  strictEqual(payments.body.records.length, 3);
});

Deno.test("server: POST /v1/investments/{id}/close closes once; a second close is 422 already_closed", async () => {
  const { sandbox, invest, call } = setupServer();
  const created = await invest({ planId: PLAN.id, amount: "100" });
  const { id } = await created.json();
  strictEqual(sandbox.balance(SERVER_ACCOUNT.apiKey, "USDT"), "900");
  const close = (headers: HeadersInit = {}, body?: string) =>
    call(`/v1/investments/${id}/close`, { method: "POST", headers, body });
  const closed = await close({ "idempotency-key": "close-1" });
  strictEqual(closed.status, 204);
  strictEqual(sandbox.balance(SERVER_ACCOUNT.apiKey, "USDT"), "1000");
  const replay = await close({ "idempotency-key": "close-1" });
  strictEqual(replay.status, 204);
  strictEqual(replay.headers.get("idempotent-replayed"), "true");
  const again = await close();
  strictEqual(again.status, 422);
  const problem = await problemOf(again);
  strictEqual(problem.type, "urn:lending-whitebit:problem:close-rejected");
  strictEqual(problem.reason, "already_closed");
  strictEqual(problem.outcome, "not_executed");
  const withBody = await close({ "content-type": "application/json" }, '{"force":true}');
  strictEqual(withBody.status, 400);
  deepStrictEqual(Object.keys((await problemOf(withBody)).fieldErrors ?? {}), ["force"]);
  const badId = await call("/v1/investments/a%20b/close", { method: "POST" });
  strictEqual(badId.status, 400);
  deepStrictEqual(Object.keys((await problemOf(badId)).fieldErrors ?? {}), ["id"]);
  const closeRequests = sandbox.requests.filter((r) => r.path.endsWith("/close"));
  strictEqual(closeRequests.length, 2, "the replay and the refused ones did not reach WhiteBIT");
});

Deno.test("server: bad query parameters are 400 before WhiteBIT is called", async () => {
  const { sandbox, call } = setupServer();
  const cases: [string, string[]][] = [
    ["/v1/plans?limit=10", ["limit"]],
    ["/v1/investments?limit=0", ["limit"]],
    ["/v1/investments?limit=101", ["limit"]],
    ["/v1/investments?offset=10001", ["offset"]],
    ["/v1/investments?status=3", ["status"]],
    ["/v1/investments?limit=abc&status=x", ["limit", "status"]],
    ["/v1/investments?ticker=USDT&ticker=BTC", ["ticker"]],
    ["/v1/interest-payments?id=1", ["id"]],
    ["/v1/interest-payments?planId=a%20b", ["planId"]],
  ];
  for (const [path, fields] of cases) {
    const response = await call(path);
    strictEqual(response.status, 400, path);
    deepStrictEqual(
      Object.keys((await problemOf(response)).fieldErrors ?? {}).sort(),
      fields,
      path,
    );
  }
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("server: every route in /openapi.json exists with its methods", async () => {
  const { call } = setupServer();
  const document = await (await call("/openapi.json")).json();
  let checked = 0;
  for (const [path, operations] of Object.entries(document.paths as Record<string, object>)) {
    for (const method of Object.keys(operations)) {
      const response = await call(path.replace("{id}", "no-such-id"), {
        method: method.toUpperCase(),
      });
      await response.body?.cancel();
      ok(
        response.status !== 404 && response.status !== 405,
        `${method} ${path} → ${response.status}`,
      );
      checked++;
    }
  }
  strictEqual(checked, 15); // 7 fixed and 8 flex operations
});

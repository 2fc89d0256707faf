import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import {
  AbortedError,
  AuthenticationError,
  InvestmentRejectedError,
  type InvestmentRejectionReason,
  NetworkError,
  NonceError,
  PermissionError,
  RateLimiter,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
  WhiteBitClient,
  WhiteBitError,
} from "../../mod.ts";
import { type SandboxAccount, type SandboxPlan, WhiteBitSandbox } from "../../testing.ts";
import { ACCOUNT, PLAN, setup } from "../_fixtures.ts";

const INVEST = "/api/v4/main-account/smart/investment";

const investRequests = (sandbox: WhiteBitSandbox) =>
  sandbox.requests.filter((r) => r.path === INVEST);

Deno.test("invest() creates the investment and moves exactly the amount", async () => {
  const { sandbox, client } = setup();
  const { id } = await client.invest({ planId: PLAN.id, amount: "1.123456" });
  const [investment] = sandbox.investments;
  strictEqual(investment.id, id);
  strictEqual(investment.amount, "1.123456");
  strictEqual(sandbox.balance(ACCOUNT.apiKey, "USDT"), "999998.876544");
  strictEqual(sandbox.plans[0].maxPossibleInvestment, "9999998.876544");
});

interface RejectionCase {
  name: string;
  amount: string;
  plan?: Partial<SandboxPlan>;
  account?: Partial<SandboxAccount>;
  before?: (client: WhiteBitClient) => Promise<unknown>;
  type: typeof WhiteBitError;
  status: number;
  code?: number;
  field?: string;
  message?: string;
  reason?: InvestmentRejectionReason;
}

const REJECTIONS: RejectionCase[] = [
  {
    name: "unknown plan",
    amount: "10",
    plan: { id: "other" },
    type: ValidationError,
    status: 400,
    code: 0,
    field: "planId",
    message: "The selected planId is invalid.",
  },
  ...([
    [{ disabled: true }, "Plan is disabled"],
    [{ status: 2 }, "There are no coins left in the plan"],
    [{ status: 3 }, "Plan is inactive"],
    [{ status: 4 }, "Plan is paused"],
    [{ specialOffer: true }, "Special offers are not available via API"],
  ] as const).map(([plan, message]): RejectionCase => ({
    name: message,
    amount: "10",
    plan,
    type: ValidationError,
    status: 400,
    code: 0,
    field: "planId",
    message,
  })),
  {
    name: "below 0.000001",
    amount: "0.0000001",
    type: ValidationError,
    status: 400,
    code: 0,
    field: "amount",
    message: "The amount must be at least 0.000001.",
  },
  {
    name: "more decimals than the ticker has",
    amount: "1.1234567",
    type: ValidationError,
    status: 400,
    code: 0,
    field: "amount",
    message: "Invalid decimal amount",
  },
  {
    name: "more than is left in the plan",
    amount: "60",
    plan: { maxPossibleInvestment: "50" },
    type: ValidationError,
    status: 400,
    code: 0,
    field: "amount",
    message:
      "The amount you are trying to invest is bigger than the amount left in this SMART plan. Please try investing a smaller amount.",
  },
  {
    name: "investment exists",
    amount: "10",
    account: { multipleInvestments: false },
    before: (client) => client.invest({ planId: PLAN.id, amount: "10" }),
    type: InvestmentRejectedError,
    status: 422,
    code: 1,
    reason: "investment_exists",
  },
  {
    name: "below the plan minimum",
    amount: "0.5",
    type: InvestmentRejectedError,
    status: 422,
    code: 2,
    reason: "amount_below_minimum",
  },
  {
    name: "above the plan maximum",
    amount: "100001",
    type: InvestmentRejectedError,
    status: 422,
    code: 3,
    reason: "amount_above_maximum",
  },
  {
    name: "not enough balance",
    amount: "10",
    account: { balances: { USDT: "9" } },
    type: InvestmentRejectedError,
    status: 422,
    code: 4,
    field: "amount",
    message: "Available 9 < 10",
    reason: "insufficient_balance",
  },
  {
    name: "plan cannot cover the interest",
    amount: "100",
    plan: { interestCapacity: "9.99" },
    type: InvestmentRejectedError,
    status: 422,
    code: 5,
    reason: "plan_cannot_cover_interest",
  },
  {
    name: "lending API not open to the account",
    amount: "10",
    account: { lendingAccess: false },
    type: PermissionError,
    status: 403,
  },
  {
    name: "key disabled",
    amount: "10",
    account: { keyEnabled: false },
    type: PermissionError,
    status: 403,
    code: 2,
  },
];

for (const c of REJECTIONS) {
  Deno.test(`invest() against the sandbox: ${c.name} → ${c.type.name}, not executed`, async () => {
    const { sandbox, client } = setup({ account: c.account, plans: [{ ...PLAN, ...c.plan }] });
    await c.before?.(client);
    const ledgerBefore = sandbox.investments.length;
    const balanceBefore = sandbox.balance(ACCOUNT.apiKey, "USDT");
    const error = await client.invest({ planId: PLAN.id, amount: c.amount }).then(
      () => undefined,
      (error: unknown) => error,
    );
    ok(error instanceof c.type, `${error}`);
    const e = error as WhiteBitError;
    strictEqual(e.status, c.status);
    strictEqual(e.outcome, "not_executed");
    if (c.code !== undefined) strictEqual(e.code, c.code);
    if (c.field) deepStrictEqual(e.fieldErrors[c.field], [c.message]);
    if (c.reason) strictEqual((e as InvestmentRejectedError).reason, c.reason);
    strictEqual(sandbox.investments.length, ledgerBefore);
    strictEqual(sandbox.balance(ACCOUNT.apiKey, "USDT"), balanceBefore);
    strictEqual(investRequests(sandbox).length, ledgerBefore + 1, "never retried");
  });
}

Deno.test("a wrong secret is a 401 AuthenticationError, never retried", async () => {
  const { sandbox } = setup();
  const client = new WhiteBitClient({
    apiKey: ACCOUNT.apiKey,
    apiSecret: "wrong",
    fetch: sandbox.fetch,
  });
  const error = await rejects(
    client.invest({ planId: PLAN.id, amount: "10" }),
    AuthenticationError,
  );
  strictEqual(error, undefined);
  strictEqual(investRequests(sandbox).length, 1);
  strictEqual(sandbox.investments.length, 0);
});

Deno.test("1000 concurrent invests in window mode: no nonce error, exactly 1000 investments", async () => {
  const { sandbox } = setup();
  await using server = sandbox.listen();
  const client = new WhiteBitClient({ ...sandbox.credentials, baseUrl: server.url, maxRetries: 0 });
  const results = await Promise.allSettled(
    Array.from({ length: 1000 }, () => client.invest({ planId: PLAN.id, amount: "1" })),
  );
  const failures = results.filter((r) => r.status === "rejected");
  strictEqual(
    failures.length,
    0,
    String((failures[0] as PromiseRejectedResult | undefined)?.reason),
  );
  strictEqual(sandbox.investments.length, 1000);
  strictEqual(new Set(sandbox.investments.map((i) => i.nonce)).size, 1000);
  strictEqual(investRequests(sandbox).length, 1000);
  strictEqual(sandbox.balance(ACCOUNT.apiKey, "USDT"), "999000");
});

Deno.test("200 concurrent invests in strict mode go one at a time with rising nonces", async () => {
  const { sandbox } = setup();
  await using server = sandbox.listen();
  const client = new WhiteBitClient({
    ...sandbox.credentials,
    baseUrl: server.url,
    nonceWindow: false,
    maxRetries: 0,
  });
  const results = await Promise.allSettled(
    Array.from({ length: 200 }, () => client.invest({ planId: PLAN.id, amount: "1" })),
  );
  strictEqual(results.filter((r) => r.status === "rejected").length, 0);
  strictEqual(sandbox.investments.length, 200);
  const nonces = investRequests(sandbox).map((r) => r.nonce!);
  deepStrictEqual(nonces, [...nonces].sort((a, b) => a - b));
  strictEqual(new Set(nonces).size, 200);
});

Deno.test("nonces are milliseconds and rise even when the clock stands still", async () => {
  const frozen = Date.now();
  const { sandbox, client } = setup({ client: { now: () => frozen } });
  await Promise.all([1, 2, 3].map(() => client.invest({ planId: PLAN.id, amount: "1" })));
  const nonces = sandbox.investments.map((i) => i.nonce).sort();
  strictEqual(nonces[1] - nonces[0], 1);
  strictEqual(nonces[2] - nonces[1], 1);
  strictEqual(nonces[0], frozen, "a millisecond timestamp");
});

Deno.test("a 429 nonce answer is retried with a fresh nonce", async () => {
  const { sandbox, client } = setup();
  sandbox.injectFault({
    kind: "respond",
    status: 429,
    body: '{"code":0,"errors":{},"message":"Too many requests."}',
    contentType: "application/json",
  });
  await client.invest({ planId: PLAN.id, amount: "1" });
  const [first, second] = investRequests(sandbox);
  strictEqual(first.status, 429);
  strictEqual(second.status, 201);
  ok(second.nonce! > first.nonce!);
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("a real rate-limit 429 is retried; maxRetries bounds it", async () => {
  const { sandbox, client } = setup();
  sandbox.injectFault({
    kind: "respond",
    status: 429,
    body: "<html>429</html>",
    contentType: "text/html",
  }, {
    times: 3,
  });
  const error = await client.invest({ planId: PLAN.id, amount: "1" }).catch((e) => e);
  ok(error instanceof RateLimitError);
  strictEqual(error.outcome, "not_executed");
  strictEqual(investRequests(sandbox).length, 3, "1 + maxRetries (2)");
  strictEqual(sandbox.investments.length, 0);
});

Deno.test("a 5xx is never retried and its outcome is unknown", async () => {
  const { sandbox, client } = setup();
  sandbox.injectFault({
    kind: "respond",
    status: 502,
    body: "<html>Bad gateway</html>",
    afterProcessing: true,
  });
  const error = await client.invest({ planId: PLAN.id, amount: "1" }).catch((e) => e);
  ok(error instanceof ServerError);
  strictEqual(error.outcome, "unknown");
  strictEqual(investRequests(sandbox).length, 1);
  strictEqual(sandbox.investments.length, 1, "the money moved although the answer was a 502");
});

Deno.test("500 JSON and 503 HTML answers are ServerErrors with outcome unknown", async () => {
  const { sandbox, client } = setup();
  sandbox.injectFault({
    kind: "respond",
    status: 500,
    body: '{"error":["Internal server error."]}',
  });
  sandbox.injectFault({ kind: "respond", status: 503, body: "<html>Maintenance</html>" });
  for (const status of [500, 503]) {
    const error = await client.invest({ planId: PLAN.id, amount: "1" }).catch((e) => e);
    ok(error instanceof ServerError);
    strictEqual(error.status, status);
    strictEqual(error.outcome, "unknown");
  }
  strictEqual(investRequests(sandbox).length, 2);
});

Deno.test("a 201 whose body is not JSON is an error of outcome unknown", async () => {
  const { sandbox, client } = setup();
  sandbox.injectFault({
    kind: "respond",
    status: 201,
    body: "<html>ok</html>",
    afterProcessing: true,
  });
  const error = await client.invest({ planId: PLAN.id, amount: "1" }).catch((e) => e);
  ok(error instanceof WhiteBitError);
  strictEqual(error.outcome, "unknown");
  strictEqual(error.status, 201);
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("process then drop over HTTP: NetworkError, outcome unknown, one request, one investment", async () => {
  const { sandbox } = setup();
  await using server = sandbox.listen();
  const client = new WhiteBitClient({ ...sandbox.credentials, baseUrl: server.url });
  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  const error = await client.invest({ planId: PLAN.id, amount: "1" }).catch((e) => e);
  ok(error instanceof NetworkError, String(error));
  strictEqual(error.outcome, "unknown");
  strictEqual(error.status, undefined);
  strictEqual(investRequests(sandbox).length, 1);
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("timeout after sending: TimeoutError, outcome unknown, the sandbox still invests", async () => {
  const { sandbox, client } = setup({ client: { timeoutMs: 30 } });
  sandbox.injectFault({ kind: "latency", ms: 150 });
  const error = await client.invest({ planId: PLAN.id, amount: "1" }).catch((e) => e);
  ok(error instanceof TimeoutError);
  strictEqual(error.outcome, "unknown");
  await sandbox.settled();
  strictEqual(sandbox.investments.length, 1);
  strictEqual(investRequests(sandbox).length, 1, "never retried");
});

Deno.test("abort in flight: AbortedError, outcome unknown, cause is the reason", async () => {
  const { sandbox, client } = setup();
  sandbox.injectFault({ kind: "latency", ms: 100 });
  const controller = new AbortController();
  const reason = new Error("user gave up");
  setTimeout(() => controller.abort(reason), 20);
  const error = await client.invest({ planId: PLAN.id, amount: "1" }, { signal: controller.signal })
    .catch((e) => e);
  ok(error instanceof AbortedError);
  strictEqual(error.outcome, "unknown");
  strictEqual(error.cause, reason);
  await sandbox.settled();
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("abort while queued: rejects with the reason itself and sends nothing", async () => {
  const rateLimiter = new RateLimiter({ limit: 1, windowMs: 60_000 });
  const { sandbox, client } = setup({ client: { rateLimiter } });
  await client.invest({ planId: PLAN.id, amount: "1" });
  const controller = new AbortController();
  const queued = client.invest({ planId: PLAN.id, amount: "1" }, { signal: controller.signal });
  const reason = new Error("not any more");
  controller.abort(reason);
  await rejects(queued, (error) => error === reason);
  strictEqual(investRequests(sandbox).length, 1);
  await rejects(
    client.invest({ planId: PLAN.id, amount: "1" }, { signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  strictEqual(investRequests(sandbox).length, 1);
});

Deno.test("abort during a retry's backoff: rejects with the reason, nothing executed", async () => {
  const { sandbox, client } = setup({ client: { retryDelayMs: 60_000 } });
  sandbox.injectFault({
    kind: "respond",
    status: 429,
    body: "{}",
    contentType: "application/json",
  });
  const controller = new AbortController();
  const call = client.invest({ planId: PLAN.id, amount: "1" }, { signal: controller.signal });
  while (investRequests(sandbox).length === 0) await new Promise((r) => setTimeout(r, 1));
  await new Promise((r) => setTimeout(r, 10));
  controller.abort("stop");
  await rejects(call, (error) => error === "stop");
  strictEqual(sandbox.investments.length, 0);
});

Deno.test("a clock 60 s off: NonceError (not retried), then syncTime() fixes it", async () => {
  const { sandbox, client } = setup({ now: () => Date.now() + 60_000, client: { now: Date.now } });
  const error = await client.invest({ planId: PLAN.id, amount: "1" }).catch((e) => e);
  ok(error instanceof NonceError);
  strictEqual(error.outcome, "not_executed");
  strictEqual(investRequests(sandbox).length, 1);
  const offset = await client.syncTime();
  ok(offset > 58_000 && offset < 62_000, String(offset));
  strictEqual(client.clockOffsetMs, offset);
  await client.invest({ planId: PLAN.id, amount: "1" });
  strictEqual(sandbox.investments.length, 1);
});

Deno.test("the client's own limiter keeps under the sandbox's rate limit", async () => {
  const sandbox = new WhiteBitSandbox({
    accounts: [ACCOUNT],
    plans: [PLAN],
    rateLimit: 5,
    rateLimitWindowMs: 200,
  });
  const limited = new WhiteBitClient({
    ...sandbox.credentials,
    fetch: sandbox.fetch,
    maxRetries: 0,
    rateLimiter: new RateLimiter({ limit: 5, windowMs: 200 }),
  });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 12 }, () => limited.invest({ planId: PLAN.id, amount: "1" })),
  );
  ok(performance.now() - started >= 400, "12 requests at 5 per 200 ms need two more windows");
  strictEqual(sandbox.requests.filter((r) => r.status === 429).length, 0);
  strictEqual(sandbox.investments.length, 12);
});

Deno.test("without a matching limiter the sandbox answers WhiteBIT's HTML 429", async () => {
  const sandbox = new WhiteBitSandbox({ accounts: [ACCOUNT], plans: [PLAN], rateLimit: 3 });
  const client = new WhiteBitClient({
    ...sandbox.credentials,
    fetch: sandbox.fetch,
    maxRetries: 0,
  });
  const results = await Promise.allSettled(
    Array.from({ length: 5 }, () => client.invest({ planId: PLAN.id, amount: "1" })),
  );
  const errors = results.flatMap((r) => r.status === "rejected" ? [r.reason] : []);
  strictEqual(errors.length, 2);
  for (const error of errors) {
    ok(error instanceof RateLimitError);
    ok(error.responseText.startsWith("<html>"));
  }
});

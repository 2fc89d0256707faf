import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { importApiSecret, signBody } from "../../sign.ts";
import { WhiteBitSandbox } from "../../testing.ts";

const INVEST = "/api/v4/main-account/smart/investment";
const KEY = "sandbox-test-key";
const SECRET = "sandbox-test-secret";

function sandboxAt(now: number) {
  return new WhiteBitSandbox({
    accounts: [{
      apiKey: KEY,
      apiSecret: SECRET,
      balances: { USDT: "1000" },
      multipleInvestments: true,
    }],
    plans: [{ id: "p1", ticker: "USDT", minInvestment: "1", maxInvestment: "500" }],
    now: () => now,
  });
}

async function send(
  sandbox: WhiteBitSandbox,
  body: string,
  options: { path?: string; secret?: string; payload?: string; headers?: Record<string, string> } =
    {},
) {
  const { payload, signature } = await signBody(
    await importApiSecret(options.secret ?? SECRET),
    body,
  );
  const response = await sandbox.fetch(`https://whitebit.com${options.path ?? INVEST}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-txc-apikey": KEY,
      "x-txc-payload": options.payload ?? payload,
      "x-txc-signature": signature,
      ...options.headers,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const T = 1_800_000_000_000;
const invest = (nonce: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ request: INVEST, nonce, planId: "p1", amount: "10", ...extra });

Deno.test("sandbox: a correctly signed invest gets 201 with a UUID", async () => {
  const sandbox = sandboxAt(T);
  const { status, body } = await send(sandbox, invest(T));
  strictEqual(status, 201);
  strictEqual(/^[0-9a-f-]{36}$/.test(body.id), true);
  strictEqual(sandbox.balance(KEY, "USDT"), "990");
});

Deno.test("sandbox: unknown key, bad signature and missing headers are 401 code 10", async () => {
  const unauthorized = { code: 10, message: "Unauthorized request." };
  const sandbox = sandboxAt(T);
  deepStrictEqual(await send(sandbox, invest(T), { secret: "other" }), {
    status: 401,
    body: unauthorized,
  });
  deepStrictEqual(await send(sandbox, invest(T), { headers: { "x-txc-apikey": "nobody" } }), {
    status: 401,
    body: unauthorized,
  });
  deepStrictEqual(await send(sandbox, invest(T), { headers: { "x-txc-signature": "" } }), {
    status: 401,
    body: unauthorized,
  });
  strictEqual(sandbox.investments.length, 0);
});

Deno.test("sandbox: a body that differs from the signed payload is 400 code 9", async () => {
  const sandbox = sandboxAt(T);
  const other = btoa(invest(T, { amount: "11" }));
  // Signed correctly over the payload header, but the body sent is another text.
  const { payload: _, signature } = await signBody(
    await importApiSecret(SECRET),
    invest(T, { amount: "11" }),
  );
  const response = await sandbox.fetch(`https://whitebit.com${INVEST}`, {
    method: "POST",
    headers: { "x-txc-apikey": KEY, "x-txc-payload": other, "x-txc-signature": signature },
    body: invest(T) + " ",
  });
  deepStrictEqual({ status: response.status, body: await response.json() }, {
    status: 400,
    body: { code: 9, message: "Invalid payload." },
  });
});

Deno.test("sandbox: `request` must equal the path", async () => {
  const sandbox = sandboxAt(T);
  const body = JSON.stringify({
    request: "/api/v4/trade-balance",
    nonce: T,
    planId: "p1",
    amount: "10",
  });
  deepStrictEqual(await send(sandbox, body), {
    status: 400,
    body: { code: 9, message: "Invalid payload." },
  });
});

Deno.test("sandbox: strict nonces must rise; a repeat is WhiteBIT's JSON 429", async () => {
  const sandbox = sandboxAt(T);
  strictEqual((await send(sandbox, invest(T))).status, 201);
  const tooMany = { status: 429, body: { code: 0, errors: {}, message: "Too many requests." } };
  deepStrictEqual(await send(sandbox, invest(T)), tooMany);
  deepStrictEqual(await send(sandbox, invest(T - 1)), tooMany);
  strictEqual((await send(sandbox, invest(String(T + 1)))).status, 201, "numeric strings (ccxt)");
  strictEqual(sandbox.investments.length, 2);
});

Deno.test("sandbox: window nonces must be within 5 s and unique", async () => {
  const sandbox = sandboxAt(T);
  const window = (nonce: number) => invest(nonce, { nonceWindow: true });
  strictEqual((await send(sandbox, window(T - 4_000))).status, 201, "older than the last is fine");
  strictEqual((await send(sandbox, window(T - 4_500))).status, 201);
  deepStrictEqual((await send(sandbox, window(T - 4_500))).status, 429, "but not a repeat");
  deepStrictEqual(await send(sandbox, window(T - 5_001)), {
    status: 400,
    body: { code: 0, message: "Your nonce is more than 5 seconds lesser than the current nonce." },
  });
});

Deno.test("sandbox: a missing or fractional nonce is a 400 validation error", async () => {
  const sandbox = sandboxAt(T);
  deepStrictEqual(
    await send(sandbox, JSON.stringify({ request: INVEST, planId: "p1", amount: "1" })),
    {
      status: 400,
      body: {
        code: 0,
        message: "Validation failed",
        errors: { nonce: ["The nonce field is required."] },
      },
    },
  );
  strictEqual((await send(sandbox, invest(T + 0.5))).status, 400);
});

Deno.test("sandbox: amounts the client would refuse get WhiteBIT's own answers", async () => {
  const sandbox = sandboxAt(T);
  let nonce = T;
  const amountError = async (amount: unknown) =>
    (await send(sandbox, invest(++nonce, { amount }))).body.errors;
  deepStrictEqual(await amountError("abc"), {
    amount: ["The amount field must be a valid number"],
  });
  deepStrictEqual(await amountError("1e3"), { amount: ["Invalid decimal amount"] });
  deepStrictEqual(await amountError("-1"), { amount: ["The amount must be at least 0.000001."] });
  deepStrictEqual(await amountError(""), { amount: ["The amount field is required."] });
  deepStrictEqual(await amountError(null), { amount: ["The amount field is required."] });
  deepStrictEqual(await amountError({}), { amount: ["The amount field must be a valid number"] });
  deepStrictEqual(
    (await send(sandbox, invest(++nonce, { planId: "nope", amount: "x" }))).body.errors,
    {
      planId: ["The selected planId is invalid."],
      amount: ["The amount field must be a valid number"],
    },
  );
  strictEqual(sandbox.investments.length, 0);
});

Deno.test("sandbox: a fault aimed at a nonce hits that request only, whatever the order", async () => {
  const sandbox = sandboxAt(T);
  sandbox.injectFault({ kind: "respond", status: 503, body: "{}" }, { nonce: T + 1 });
  const results = await Promise.all([send(sandbox, invest(T + 2)), send(sandbox, invest(T + 1))]);
  deepStrictEqual(results.map((r) => r.status), [201, 503]);
  strictEqual((await send(sandbox, invest(T + 3))).status, 201, "the fault was used up");
  deepStrictEqual(sandbox.investments.map((i) => i.nonce), [T + 2, T + 3]);
});

Deno.test("sandbox: GET on a private path and unknown paths are empty 404s", async () => {
  const sandbox = sandboxAt(T);
  for (const [method, path] of [["GET", INVEST], ["POST", "/api/v4/nothing"]]) {
    const response = await sandbox.fetch(`https://whitebit.com${path}`, { method });
    strictEqual(response.status, 404);
    strictEqual(await response.text(), "");
  }
});

Deno.test("sandbox: the public time is whole Unix seconds of its clock", async () => {
  const response = await sandboxAt(T + 999).fetch("https://whitebit.com/api/v4/public/time");
  deepStrictEqual(await response.json(), { time: T / 1000 });
});

Deno.test("sandbox over HTTP: keep-alive, chunked bodies and a drop", async () => {
  const sandbox = sandboxAt(Date.now());
  await using server = sandbox.listen();
  const body = invest(Date.now());
  const { payload, signature } = await signBody(await importApiSecret(SECRET), body);
  const response = await fetch(`${server.url}${INVEST}`, {
    method: "POST",
    headers: { "x-txc-apikey": KEY, "x-txc-payload": payload, "x-txc-signature": signature },
    body: new Blob([body]).stream(),
    duplex: "half",
  } as RequestInit);
  strictEqual(response.status, 201, await response.clone().text());
  await response.body?.cancel();
  sandbox.injectFault({ kind: "drop" }, { path: INVEST });
  const dropped = await fetch(`${server.url}${INVEST}`, { method: "POST", body: new Blob(["{}"]) })
    .catch((error) => error);
  strictEqual(dropped instanceof TypeError, true);
  strictEqual(sandbox.investments.length, 1);
});

const PLANS = "/api/v4/main-account/smart/plans";
const INVESTMENTS = "/api/v4/main-account/smart/investments";
const CLOSE = "/api/v4/main-account/smart/investment/close";
const INTEREST = "/api/v4/main-account/smart/interest-payment-history";
const call = (sandbox: WhiteBitSandbox, path: string, nonce: number, params = {}) =>
  send(sandbox, JSON.stringify({ request: path, nonce, ...params }), { path });
const failed = (errors: Record<string, string[]>, status = 400) => ({
  status,
  body: { code: 0, message: "Validation failed", errors },
});

Deno.test("sandbox: Get plans answers the documented fields, and 400 for an unknown ticker", async () => {
  const sandbox = sandboxAt(T);
  deepStrictEqual(await call(sandbox, PLANS, T), {
    status: 200,
    body: [{
      id: "p1",
      ticker: "USDT",
      status: 1,
      percent: "1",
      duration: 43_200,
      interestTicker: "USDT",
      interestRatio: "1",
      minInvestment: "1",
      maxInvestment: "500",
      maxPossibleInvestment: "500",
    }],
  });
  deepStrictEqual(
    await call(sandbox, PLANS, T + 1, { ticker: "DOGE" }),
    failed({ ticker: ["The selected ticker is invalid."] }),
  );
});

Deno.test("sandbox: the investments history pages within limit 1–100 and offset 0–10 000", async () => {
  const sandbox = sandboxAt(T);
  let nonce = T;
  for (let i = 0; i < 3; i++) strictEqual((await send(sandbox, invest(++nonce))).status, 201);
  const answer = await call(sandbox, INVESTMENTS, ++nonce, { limit: "2", offset: 1 });
  strictEqual(answer.status, 200);
  deepStrictEqual([answer.body.offset, answer.body.limit, answer.body.records.length], [1, 2, 2]);
  deepStrictEqual(Object.keys(answer.body.records[0]).sort(), [
    "amount",
    "created",
    "id",
    "interestPaid",
    "paymentTime",
    "plan",
    "status",
    "updated",
  ]);
  const limits: [Record<string, unknown>, Record<string, string[]>][] = [
    [{ limit: 0 }, { limit: ["The limit must be at least 1."] }],
    [{ limit: 101 }, { limit: ["The limit must not be greater than 100."] }],
    [{ limit: 1.5 }, { limit: ["The limit must be an integer."] }],
    [{ limit: "ten" }, { limit: ["The limit must be an integer."] }],
    [{ offset: -1 }, { offset: ["The offset must be at least 0."] }],
    [{ offset: 10_001 }, { offset: ["The offset must not be greater than 10000."] }],
    [{ status: 3 }, { status: ["The selected status is invalid."] }],
    [
      { id: "nope", ticker: "XYZ", status: 0 },
      {
        id: ["The selected id is invalid."],
        ticker: ["The selected ticker is invalid."],
        status: ["The selected status is invalid."],
      },
    ],
  ];
  for (const [params, errors] of limits) {
    deepStrictEqual(await call(sandbox, INVESTMENTS, ++nonce, params), failed(errors));
  }
  strictEqual(
    (await call(sandbox, INVESTMENTS, ++nonce, { limit: 100, offset: 10_000 })).status,
    200,
  );
});

Deno.test("sandbox: Close answers 200 {}, then WhiteBIT's 422, and 400s for a bad id", async () => {
  const sandbox = sandboxAt(T);
  const { body } = await send(sandbox, invest(T));
  deepStrictEqual(
    await call(sandbox, CLOSE, T + 1),
    failed({ id: ["The id field is required."] }),
  );
  deepStrictEqual(
    await call(sandbox, CLOSE, T + 2, { id: "nope" }),
    failed({ id: ["Investment not found"] }),
  );
  deepStrictEqual(await call(sandbox, CLOSE, T + 3, { id: body.id }), { status: 200, body: {} });
  strictEqual(sandbox.balance(KEY, "USDT"), "1000");
  deepStrictEqual(await call(sandbox, CLOSE, T + 4, { id: body.id }), {
    status: 422,
    body: {
      code: 0,
      message: "Inner validation failed",
      errors: { error: ["Investment is already closed"] },
    },
  });
});

Deno.test("sandbox: the interest payments history validates planId and ticker", async () => {
  const sandbox = sandboxAt(T);
  deepStrictEqual(
    await call(sandbox, INTEREST, T, { planId: "nope", ticker: "XYZ" }),
    failed({
      planId: ["The selected planId is invalid."],
      ticker: ["The selected ticker is invalid."],
    }),
  );
  deepStrictEqual(await call(sandbox, INTEREST, T + 1, { planId: "p1", ticker: "USDT" }), {
    status: 200,
    body: { offset: 0, limit: 100, records: [] },
  });
});

Deno.test("sandbox: no value of any parameter makes a lending endpoint answer 5xx", async () => {
  const sandbox = sandboxAt(T);
  const { body: created } = await send(sandbox, invest(T));
  const values: unknown[] = [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    "",
    " ",
    "x",
    "1e3",
    "-0",
    "٣",
    "9".repeat(400),
    [],
    [1],
    {},
    { a: 1 },
    created.id,
    created.id, // a second close: 422
  ];
  const fields: Record<string, string[]> = {
    [PLANS]: ["ticker"],
    [INVEST]: ["planId", "amount"],
    [INVESTMENTS]: ["id", "ticker", "status", "limit", "offset"],
    [CLOSE]: ["id"],
    [INTEREST]: ["planId", "ticker", "limit", "offset"],
  };
  let nonce = T;
  const statuses = new Set<number>();
  for (const [path, names] of Object.entries(fields)) {
    for (const name of names) {
      for (const value of values) {
        const { status } = await call(sandbox, path, ++nonce, { [name]: value });
        statuses.add(status);
        strictEqual(status < 500, true, `${path} ${name}=${JSON.stringify(value)} → ${status}`);
      }
    }
  }
  deepStrictEqual([...statuses].sort(), [200, 400, 422], "success and refusal paths were reached");
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

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { importApiSecret, signBody } from "../mod.ts";
import { WhiteBitSandbox } from "../testing.ts";

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

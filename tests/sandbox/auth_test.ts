// WhiteBIT's checks of a private request, in its order: key and signature,
// payload, `request`, nonce (both modes), key state, lending access; and the
// per-key rate limit. First over HTTP as a client meets them, then the
// checks alone, from plain strings.

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { importApiSecret, signBody } from "../../sign.ts";
import { Authenticator } from "../../sandbox/_auth.ts";
import {
  ACCOUNT,
  clock,
  INVEST,
  investBody,
  KEY,
  PLANS,
  sandboxAt,
  SECRET,
  send,
  signed,
  T,
} from "./_fixtures.ts";

const UNAUTHORIZED = { status: 401, body: { code: 10, message: "Unauthorized request." } };
const INVALID_PAYLOAD = { status: 400, body: { code: 9, message: "Invalid payload." } };
const TOO_MANY = { status: 429, body: { code: 0, errors: {}, message: "Too many requests." } };
const OUT_OF_WINDOW = {
  status: 400,
  body: { code: 0, message: "Your nonce is more than 5 seconds lesser than the current nonce." },
};
const KEY_DISABLED = {
  status: 403,
  body: { code: 2, message: "This action is unauthorized. Enable your key in API settings" },
};
const NO_LENDING = {
  status: 403,
  body: {
    code: 0,
    errors: {},
    message:
      "You don't have permission to use this endpoint. Please contact support for more details",
  },
};

Deno.test("sandbox: unknown key, bad signature and missing headers are 401 code 10", async () => {
  const unauthorized = { code: 10, message: "Unauthorized request." };
  const sandbox = sandboxAt(T);
  deepStrictEqual(await send(sandbox, investBody(T), { secret: "other" }), {
    status: 401,
    body: unauthorized,
  });
  deepStrictEqual(
    await send(sandbox, investBody(T), { headers: { "x-txc-apikey": "nobody" } }),
    { status: 401, body: unauthorized },
  );
  deepStrictEqual(
    await send(sandbox, investBody(T), { headers: { "x-txc-signature": "" } }),
    { status: 401, body: unauthorized },
  );
  strictEqual(sandbox.investments.length, 0);
});

Deno.test("sandbox: a body that differs from the signed payload is 400 code 9", async () => {
  const sandbox = sandboxAt(T);
  const other = btoa(investBody(T, { amount: "11" }));
  // Signed correctly over the payload header, but the body sent is another text.
  const { payload: _, signature } = await signBody(
    await importApiSecret(SECRET),
    investBody(T, { amount: "11" }),
  );
  const response = await sandbox.fetch(`https://whitebit.com${INVEST}`, {
    method: "POST",
    headers: { "x-txc-apikey": KEY, "x-txc-payload": other, "x-txc-signature": signature },
    body: investBody(T) + " ",
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
  strictEqual((await send(sandbox, investBody(T))).status, 201);
  const tooMany = { status: 429, body: { code: 0, errors: {}, message: "Too many requests." } };
  deepStrictEqual(await send(sandbox, investBody(T)), tooMany);
  deepStrictEqual(await send(sandbox, investBody(T - 1)), tooMany);
  strictEqual(
    (await send(sandbox, investBody(String(T + 1)))).status,
    201,
    "numeric strings (ccxt)",
  );
  strictEqual(sandbox.investments.length, 2);
});

Deno.test("sandbox: window nonces must be within 5 s and unique", async () => {
  const sandbox = sandboxAt(T);
  const window = (nonce: number) => investBody(nonce, { nonceWindow: true });
  strictEqual(
    (await send(sandbox, window(T - 4_000))).status,
    201,
    "older than the last is fine",
  );
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
  strictEqual((await send(sandbox, investBody(T + 0.5))).status, 400);
});

Deno.test("auth: a bad signature is 401 whatever else is wrong; key state and the B2B gate come after the nonce", async () => {
  const auth = new Authenticator({
    accounts: [
      { apiKey: "off", apiSecret: SECRET, keyEnabled: false, lendingAccess: false },
      { apiKey: "retail", apiSecret: SECRET, lendingAccess: false },
    ],
    now: () => T,
  });
  const broken = await signed("not json", { apiKey: "off", secret: "wrong" });
  deepStrictEqual(await auth.authenticate(broken), UNAUTHORIZED);
  const first = await signed(investBody(T), { apiKey: "off" });
  deepStrictEqual(
    await auth.authenticate({ ...first, signature: first.signature.toUpperCase() }),
    UNAUTHORIZED,
    "lowercase hex only",
  );
  deepStrictEqual(
    await auth.authenticate(first),
    KEY_DISABLED,
    "the key's state before lending access",
  );
  deepStrictEqual(await auth.authenticate(first), TOO_MANY, "the refused request used its nonce");
  deepStrictEqual(
    await auth.authenticate(await signed(investBody(T), { apiKey: "retail" })),
    NO_LENDING,
  );
});

Deno.test("auth: a request refused before the nonce check leaves its nonce unused", async () => {
  const auth = new Authenticator({ accounts: [ACCOUNT], now: () => T });
  const good = await signed(investBody(T));
  deepStrictEqual(await auth.authenticate({ ...good, body: good.body + " " }), INVALID_PAYLOAD);
  deepStrictEqual(await auth.authenticate({ ...good, path: PLANS }), INVALID_PAYLOAD);
  deepStrictEqual(
    await auth.authenticate({ ...good, payload: "%%%" }),
    UNAUTHORIZED,
    "the payload is what is signed",
  );
  const passed = await auth.authenticate(good);
  deepStrictEqual(passed, { apiKey: KEY, params: JSON.parse(good.body), nonce: T });
});

Deno.test("auth: payloads that are not base64 of UTF-8 JSON objects are 400 code 9", async () => {
  const auth = new Authenticator({ accounts: [ACCOUNT], now: () => T });
  for (const body of ["", "[]", "null", '"text"', "{", `[${investBody(T)}]`]) {
    deepStrictEqual(await auth.authenticate(await signed(body)), INVALID_PAYLOAD, body);
  }
  // Signed correctly, but not base64 at all, or base64 of bytes that are not UTF-8.
  for (const [payload, body] of [["%%%", "%%%"], [btoa("\xff\xfe"), "\xff\xfe"]]) {
    const request = { apiKey: KEY, payload, signature: await hmacHex(payload), body, path: INVEST };
    deepStrictEqual(await auth.authenticate(request), INVALID_PAYLOAD, payload);
  }
});

Deno.test("auth: nonces are whole numbers, or strings of up to 16 digits", async () => {
  const auth = new Authenticator({ accounts: [ACCOUNT], now: () => T });
  const required = { nonce: ["The nonce field is required."] };
  const integer = { nonce: ["The nonce must be an integer."] };
  const cases: [unknown, Record<string, string[]> | undefined][] = [
    [undefined, required],
    [null, required],
    ["", required],
    [-1, integer],
    [1.5, integer],
    [2 ** 53, integer],
    ["12345678901234567", integer], // 17 digits
    ["-5", integer],
    [" 5", integer],
    [true, integer],
    [[1], integer],
    ["1000", undefined],
    [2000, undefined],
  ];
  for (const [nonce, errors] of cases) {
    const body = JSON.stringify({ request: INVEST, nonce });
    const result = await auth.authenticate(await signed(body));
    if (errors) {
      deepStrictEqual(result, {
        status: 400,
        body: { code: 0, message: "Validation failed", errors },
      }, JSON.stringify(nonce));
    } else {
      strictEqual("nonce" in result && result.nonce, Number(nonce));
    }
  }
});

Deno.test("auth: window nonces are checked against the clock on both sides, once each, and raise the strict mark", async () => {
  const time = clock();
  const auth = new Authenticator({ accounts: [ACCOUNT], now: time.now });
  const window = async (nonce: number) =>
    await auth.authenticate(await signed(investBody(nonce, { nonceWindow: true })));
  strictEqual("nonce" in await window(T + 5_000), true, "5 s ahead");
  deepStrictEqual(await window(T + 5_001), OUT_OF_WINDOW);
  deepStrictEqual(await window(T - 5_001), OUT_OF_WINDOW);
  strictEqual("nonce" in await window(T - 5_000), true, "5 s behind, below the last");
  deepStrictEqual(await window(T + 5_000), TOO_MANY);
  time.set(T + 20_000); // the clock jumps: old nonces are out of the window anyway
  deepStrictEqual(await window(T + 5_000), OUT_OF_WINDOW);
  strictEqual("nonce" in await window(T + 20_000), true);
  deepStrictEqual(
    await auth.authenticate(await signed(investBody(T + 20_000))),
    TOO_MANY,
    "a strict nonce must rise above window nonces too",
  );
  strictEqual("nonce" in await auth.authenticate(await signed(investBody(T + 20_001))), true);
});

Deno.test("auth: each key has its own nonces", async () => {
  const other = { apiKey: "other-key", apiSecret: "other-secret" };
  const auth = new Authenticator({ accounts: [ACCOUNT, other], now: () => T });
  strictEqual("nonce" in await auth.authenticate(await signed(investBody(T))), true);
  const theirs = await signed(investBody(T), { apiKey: "other-key", secret: "other-secret" });
  strictEqual("nonce" in await auth.authenticate(theirs), true);
});

Deno.test("auth: the rate limit is per key over a sliding window, and a refused request is not counted", () => {
  const time = clock(0);
  const auth = new Authenticator({
    accounts: [ACCOUNT],
    now: time.now,
    rateLimit: 2,
    rateLimitWindowMs: 1_000,
  });
  deepStrictEqual([auth.rateLimited(KEY), auth.rateLimited(KEY), auth.rateLimited(KEY)], [
    false,
    false,
    true,
  ]);
  strictEqual(auth.rateLimited("unknown-key"), false, "another key, even one no account has");
  time.set(500);
  strictEqual(auth.rateLimited(KEY), true);
  time.set(999);
  strictEqual(auth.rateLimited(KEY), true);
  time.set(1_000); // the two counted at 0 leave the window; the refused ones never counted
  deepStrictEqual([auth.rateLimited(KEY), auth.rateLimited(KEY), auth.rateLimited(KEY)], [
    false,
    false,
    true,
  ]);
});

Deno.test("auth: the default rate limit is WhiteBIT's 1000 per 10 s", () => {
  const time = clock(0);
  const auth = new Authenticator({ accounts: [ACCOUNT], now: time.now });
  for (let i = 0; i < 1000; i++) strictEqual(auth.rateLimited(KEY), false);
  strictEqual(auth.rateLimited(KEY), true);
  time.set(9_999);
  strictEqual(auth.rateLimited(KEY), true);
  time.set(10_000);
  strictEqual(auth.rateLimited(KEY), false);
});

/** Hex HMAC-SHA512 of any payload text with {@linkcode SECRET}. */
async function hmacHex(payload: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(SECRET),
    { name: "HMAC", hash: "SHA-512" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(payload));
  return Array.from(new Uint8Array(mac), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

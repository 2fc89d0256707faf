import { deepStrictEqual, rejects, strictEqual, throws } from "node:assert/strict";
import { WhiteBitClient } from "../../mod.ts";
import { assertSigningKey, importApiSecret, signBody } from "../../sign.ts";
import type { FetchLike } from "../../client/options.ts";
import { Buffer } from "node:buffer";
import {
  INVEST_BODY,
  INVEST_SIGNATURE,
  TRADE_BALANCE_BODY,
  TRADE_BALANCE_PAYLOAD,
  TRADE_BALANCE_SIGNATURE,
  VECTOR_SECRET,
} from "../vectors.ts";

Deno.test("signBody() matches the published trade-balance vector", async () => {
  const signed = await signBody(await importApiSecret(VECTOR_SECRET), TRADE_BALANCE_BODY);
  deepStrictEqual(signed, { payload: TRADE_BALANCE_PAYLOAD, signature: TRADE_BALANCE_SIGNATURE });
});

Deno.test("signBody() matches the invest vector", async () => {
  const signed = await signBody(await importApiSecret(VECTOR_SECRET), INVEST_BODY);
  strictEqual(signed.signature, INVEST_SIGNATURE);
  strictEqual(atob(signed.payload), INVEST_BODY);
});

Deno.test("signBody() encodes the UTF-8 bytes of the body", async () => {
  const { payload } = await signBody(await importApiSecret("k"), '{"note":"€ ü 😀"}');
  strictEqual(
    new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))),
    '{"note":"€ ü 😀"}',
  );
});

Deno.test("signBody() base64-encodes the UTF-8 bytes, every length and padding", async () => {
  const key = await importApiSecret("k");
  // "é" is the trap: btoa() accepts it, as one Latin-1 byte instead of its two UTF-8 bytes.
  const bodies = ['{"a":"b"}', "{\n}", '{"a":"\x7f"}', '{"a":"é"}', '{"a":"€"}', "~ 😀", ""];
  for (let length = 1; length <= 7; length++) bodies.push("x".repeat(length));
  for (const body of bodies) {
    const { payload } = await signBody(key, body);
    strictEqual(payload, Buffer.from(body, "utf8").toString("base64"), JSON.stringify(body));
  }
});

function capture(calls: { url: string; headers: Headers; body: string }[]): FetchLike {
  return async (url, init) => {
    const body = init.body instanceof Blob ? await init.body.text() : String(init.body);
    calls.push({ url, headers: new Headers(init.headers), body });
    return new Response('{"id":"0d7b66ff-1909-4938-ab7a-d16d9a64dcd5"}', { status: 201 });
  };
}

Deno.test("invest() sends the invest vector byte for byte in strict nonce mode", async () => {
  const calls: { url: string; headers: Headers; body: string }[] = [];
  const client = new WhiteBitClient({
    apiKey: "key",
    apiSecret: VECTOR_SECRET,
    nonceWindow: false,
    now: () => 1_700_000_000_000,
    fetch: capture(calls),
  });
  const result = await client.invest({
    planId: "8e667b4a-0b71-4988-8af5-9474dbfaeb51",
    amount: "100",
  });
  deepStrictEqual(result, { id: "0d7b66ff-1909-4938-ab7a-d16d9a64dcd5" });
  strictEqual(calls.length, 1);
  const [call] = calls;
  strictEqual(call.url, "https://whitebit.com/api/v4/main-account/smart/investment");
  strictEqual(call.body, INVEST_BODY);
  strictEqual(call.headers.get("x-txc-payload"), btoa(INVEST_BODY));
  strictEqual(call.headers.get("x-txc-signature"), INVEST_SIGNATURE);
  strictEqual(call.headers.get("x-txc-apikey"), "key");
  strictEqual(call.headers.get("content-type"), "application/json");
});

Deno.test("invest() adds nonceWindow in window mode, after the nonce", async () => {
  const calls: { url: string; headers: Headers; body: string }[] = [];
  const client = new WhiteBitClient({
    apiKey: "key",
    apiSecret: VECTOR_SECRET,
    baseUrl: "https://whitebit.eu/",
    now: () => 1_700_000_000_000,
    fetch: capture(calls),
  });
  await client.invest({ planId: "p", amount: "0.5" });
  strictEqual(calls[0].url, "https://whitebit.eu/api/v4/main-account/smart/investment");
  strictEqual(
    calls[0].body,
    '{"request":"/api/v4/main-account/smart/investment","nonce":1700000000000,"nonceWindow":true,"planId":"p","amount":"0.5"}',
  );
});

Deno.test("the client signs with a ready CryptoKey the same way", async () => {
  const calls: { url: string; headers: Headers; body: string }[] = [];
  const key = await importApiSecret(VECTOR_SECRET);
  const client = new WhiteBitClient({
    apiKey: "key",
    apiSecret: key,
    nonceWindow: false,
    now: () => 1_700_000_000_000,
    fetch: capture(calls),
  });
  await client.invest({ planId: "8e667b4a-0b71-4988-8af5-9474dbfaeb51", amount: "100" });
  strictEqual(calls[0].headers.get("x-txc-signature"), INVEST_SIGNATURE);
});

Deno.test("keys that cannot sign WhiteBIT requests are refused", async () => {
  await rejects(importApiSecret(""), TypeError);
  const sha256 = await crypto.subtle.importKey(
    "raw",
    new Uint8Array(8),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  throws(() => assertSigningKey(sha256), TypeError);
  throws(() => new WhiteBitClient({ apiKey: "k", apiSecret: sha256 }), TypeError);
  const verifyOnly = await crypto.subtle.importKey(
    "raw",
    new Uint8Array(8),
    { name: "HMAC", hash: "SHA-512" },
    false,
    ["verify"],
  );
  throws(() => assertSigningKey(verifyOnly), TypeError);
});

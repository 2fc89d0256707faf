/**
 * Signing throughput: how many invest requests per second each signer can
 * build and sign (body with a fresh nonce, base64 payload, HMAC-SHA512 hex
 * signature), with 1 and with 64 signings in flight, in one process, cases
 * alternating round by round.
 *
 * - ours: `JSON.stringify` of the body our client sends + `signBody()` (Web Crypto).
 * - ccxt: ccxt 4.5.84's `whitebit.sign()` for the same endpoint and parameters
 *   (synchronous, pure-JS SHA-512 from @noble/hashes).
 * - node:crypto: the same body, `Buffer` base64 and `createHmac("sha512")`:
 *   the limit for synchronous native signing.
 *
 * Target: ours ≥ 1.5× ccxt at 64 in flight; the ratio to node:crypto is reported.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHmac } from "node:crypto";
import { importApiSecret, signBody } from "../mod.ts";
import { ccxtWhitebit } from "./_ccxt.ts";
import { fmt, interleave, median, printTable, throughput, verdict } from "./_stats.ts";

const COUNT = 20_000;
const ROUNDS = 7;
const PATH = "/api/v4/main-account/smart/investment";
const PARAMS = {
  planId: "6f1d2c3b-4a59-4e68-8d7c-0b1a2f3e4d5c",
  amount: "100",
};
const API_SECRET = "bench-secret-3d7b52e8a4f1c6d9";

const key = await importApiSecret(API_SECRET);
const ccxt = await ccxtWhitebit({
  url: "http://127.0.0.1:9",
  apiKey: "bench",
  apiSecret: API_SECRET,
});
let nonce = Date.now();
const body = () =>
  JSON.stringify({
    request: PATH,
    nonce: nonce++,
    nonceWindow: true,
    ...PARAMS,
  });

const signers: Record<string, () => unknown> = {
  ours: () => signBody(key, body()),
  ccxt: () =>
    ccxt.sign(
      "main-account/smart/investment",
      ["v4", "private"],
      "POST",
      PARAMS,
    ),
  "node:crypto": () => {
    const payload = Buffer.from(body()).toString("base64");
    return createHmac("sha512", API_SECRET).update(payload).digest("hex");
  },
};

const cases: Record<string, () => Promise<number>> = {};
for (const [name, sign] of Object.entries(signers)) {
  for (const inFlight of [1, 64]) {
    cases[`${name} @${inFlight}`] = () => throughput(sign, { count: COUNT, inFlight });
  }
}
const samples = await interleave({ rounds: ROUNDS }, cases);
printTable(
  `Signing throughput (${COUNT} signings per sample)`,
  samples,
  "signings/s",
);

const m = (name: string) => median(samples[name]);
console.log("\nRatios of medians:");
console.log(
  "  " +
    verdict("ours / ccxt @64", m("ours @64") / m("ccxt @64"), {
      op: "≥",
      bound: 1.5,
      unit: "×",
    }),
);
console.log(`  ours / ccxt @1: ${fmt(m("ours @1") / m("ccxt @1"))}×`);
for (const inFlight of [1, 64]) {
  console.log(
    `  ours / node:crypto @${inFlight}: ${
      fmt(m(`ours @${inFlight}`) / m(`node:crypto @${inFlight}`))
    }×`,
  );
}

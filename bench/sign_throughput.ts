/**
 * Signing throughput: how many invest requests per second each signer can
 * build and sign (body with a fresh nonce, base64 payload, HMAC-SHA512 hex
 * signature), with 1 and with 64 signings in flight.
 *
 * - ours: `JSON.stringify` of the body our client sends + `signBody()` (Web Crypto).
 * - ccxt: ccxt 4.5.84's `whitebit.sign()` for the same endpoint and parameters
 *   (synchronous, pure-JS SHA-512 from @noble/hashes).
 * - node:crypto: the same body, `Buffer` base64 and `createHmac("sha512")`:
 *   the limit for synchronous native signing.
 *
 * Each sample is its own process (so no signer runs beside another's heap:
 * ccxt alone keeps ~50 MB live, which slows every garbage collection),
 * warmed up with 5000 signings, then timed over 20 000; the samples of all
 * cases alternate round by round.
 *
 * Target: ours ≥ 1.5× ccxt at 64 in flight; the ratio to node:crypto is reported.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHmac } from "node:crypto";
import { importApiSecret, signBody } from "../sign.ts";
import { ccxtWhitebit } from "./_ccxt.ts";
import { fmt, interleave, median, printTable, throughput, verdict } from "./_stats.ts";

const WARMUP = 5_000;
const COUNT = 20_000;
const ROUNDS = 7;
const SIGNERS = ["ours", "ccxt", "node:crypto"];
const PATH = "/api/v4/main-account/smart/investment";
const PARAMS = {
  planId: "6f1d2c3b-4a59-4e68-8d7c-0b1a2f3e4d5c",
  amount: "100",
};
const API_SECRET = "bench-secret-3d7b52e8a4f1c6d9";

/** One sample, in this process: the named signer's rate. */
async function sample(signer: string, inFlight: number): Promise<number> {
  let nonce = Date.now();
  const body = () =>
    JSON.stringify({
      request: PATH,
      nonce: nonce++,
      nonceWindow: true,
      ...PARAMS,
    });
  let sign: () => unknown;
  if (signer === "ours") {
    const key = await importApiSecret(API_SECRET);
    sign = () => signBody(key, body());
  } else if (signer === "ccxt") {
    const ccxt = await ccxtWhitebit({
      url: "http://127.0.0.1:9",
      apiKey: "bench",
      apiSecret: API_SECRET,
    });
    sign = () =>
      ccxt.sign(
        "main-account/smart/investment",
        ["v4", "private"],
        "POST",
        PARAMS,
      );
  } else {
    sign = () => {
      const payload = Buffer.from(body()).toString("base64");
      return createHmac("sha512", API_SECRET).update(payload).digest("hex");
    };
  }
  await throughput(sign, { count: WARMUP, inFlight });
  return await throughput(sign, { count: COUNT, inFlight });
}

if (Deno.args.length === 2) {
  console.log(await sample(Deno.args[0], Number(Deno.args[1])));
} else {
  const self = new URL(import.meta.url).pathname;
  const cases: Record<string, () => Promise<number>> = {};
  for (const signer of SIGNERS) {
    for (const inFlight of [1, 64]) {
      cases[`${signer} @${inFlight}`] = async () => {
        const { code, stdout, stderr } = await new Deno.Command(
          Deno.execPath(),
          {
            args: [
              "run",
              "--allow-read",
              "--allow-env",
              self,
              signer,
              String(inFlight),
            ],
            stderr: "piped",
          },
        ).output();
        if (code !== 0) throw new Error(new TextDecoder().decode(stderr));
        return Number(new TextDecoder().decode(stdout));
      };
    }
  }
  const samples = await interleave({ rounds: ROUNDS, warmup: 0 }, cases);
  printTable(
    `Signing throughput (a process per sample: ${WARMUP} signings of warm-up, ${COUNT} timed)`,
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
}

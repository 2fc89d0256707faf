/**
 * WhiteBIT request signing with Web Crypto: the body is base64-encoded (over
 * its UTF-8 bytes) into `X-TXC-PAYLOAD`, and `X-TXC-SIGNATURE` is the
 * lowercase hex HMAC-SHA512 of that base64 text, keyed by the API secret.
 *
 * @example Sign WhiteBIT's published test vector
 * ```ts
 * import { importApiSecret, signBody } from "@lending/whitebit/sign";
 * import { strictEqual } from "node:assert/strict";
 *
 * const key = await importApiSecret("test-secret");
 * const signed = await signBody(
 *   key,
 *   '{"request":"/api/v4/trade-balance","nonce":1700000000000,"nonceWindow":true,"ticker":"BTC"}',
 * );
 * strictEqual(signed.signature.slice(0, 16), "81d08e8576e565ac");
 * ```
 *
 * @module
 */

import { mustBe } from "./_validate.ts";

const encoder = new TextEncoder();
/** The base64 alphabet. */
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX = Array.from(
  { length: 256 },
  (_, i) => i.toString(16).padStart(2, "0"),
);

/**
 * The two signed headers' values for one request body.
 *
 * @example
 * ```ts
 * import { importApiSecret, signBody, type SignedBody } from "@lending/whitebit/sign";
 * import { strictEqual } from "node:assert/strict";
 *
 * const body = '{"request":"/api/v4/main-account/smart/investment","nonce":1700000000000}';
 * const signed: SignedBody = await signBody(await importApiSecret("test-secret"), body);
 * const headers = { "X-TXC-PAYLOAD": signed.payload, "X-TXC-SIGNATURE": signed.signature };
 * strictEqual(atob(headers["X-TXC-PAYLOAD"]), body);
 * strictEqual(headers["X-TXC-SIGNATURE"].length, 128); // 64 bytes, lowercase hex
 * ```
 */
export interface SignedBody {
  /** `X-TXC-PAYLOAD`: base64 of the body's UTF-8 bytes. */
  payload: string;
  /** `X-TXC-SIGNATURE`: lowercase hex HMAC-SHA512 of `payload`. */
  signature: string;
}

/**
 * Imports an API secret as a non-extractable HMAC-SHA512 signing key. Import
 * once and reuse the key: the client does this once per instance.
 *
 * @example
 * ```ts
 * import { importApiSecret } from "@lending/whitebit/sign";
 * import { strictEqual } from "node:assert/strict";
 *
 * const key = await importApiSecret("test-secret");
 * strictEqual(key.extractable, false);
 * ```
 *
 * @param secret The API secret as WhiteBIT shows it.
 * @returns A key usable only for signing.
 * @throws {TypeError} If the secret is not a non-empty string.
 */
export async function importApiSecret(secret: string): Promise<CryptoKey> {
  if (typeof secret !== "string" || secret.length === 0) {
    // The secret is never shown, not even its type.
    throw new TypeError("Cannot import API secret: it must be a non-empty string");
  }
  return await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-512" },
    false,
    ["sign"],
  );
}

/**
 * Checks that a caller-supplied key can sign WhiteBIT requests.
 *
 * @example
 * ```ts
 * import { assertSigningKey, importApiSecret } from "@lending/whitebit/sign";
 *
 * assertSigningKey(await importApiSecret("test-secret"));
 * ```
 *
 * @param key The key to check.
 * @throws {TypeError} If it is not an HMAC-SHA512 key with the `sign` usage.
 */
export function assertSigningKey(key: CryptoKey): void {
  const algorithm = key.algorithm as Partial<HmacKeyAlgorithm>;
  if (
    algorithm.name !== "HMAC" || algorithm.hash?.name !== "SHA-512" ||
    !key.usages.includes("sign")
  ) {
    throw new TypeError(
      mustBe(
        "use API secret key",
        "it",
        'an HMAC SHA-512 key with the "sign" usage',
        `${algorithm.name}/${algorithm.hash?.name} for ${key.usages}`,
      ),
    );
  }
}

/**
 * Signs one request body. The same `body` string must be sent as the HTTP
 * body: WhiteBIT checks it byte for byte against the decoded payload.
 *
 * @example
 * ```ts
 * import { importApiSecret, signBody } from "@lending/whitebit/sign";
 * import { strictEqual } from "node:assert/strict";
 *
 * const key = await importApiSecret("test-secret");
 * const { payload } = await signBody(key, '{"a":"€"}');
 * strictEqual(payload, "eyJhIjoi4oKsIn0=");
 * ```
 *
 * @param key A key from {@linkcode importApiSecret}.
 * @param body The exact JSON text that will be sent.
 * @returns The payload and signature header values.
 */
export async function signBody(
  key: CryptoKey,
  body: string,
): Promise<SignedBody> {
  const payload = encodeBase64(encoder.encode(body));
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(payload));
  return { payload, signature: encodeHex(new Uint8Array(mac)) };
}

function encodeBase64(bytes: Uint8Array): string {
  // By hand, not btoa: Deno loads btoa (about 1 ms) on its first call.
  let base64 = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    base64 += BASE64[n >> 18] + BASE64[n >> 12 & 63] + BASE64[n >> 6 & 63] + BASE64[n & 63];
  }
  if (i < bytes.length) {
    const two = i + 1 < bytes.length;
    const n = bytes[i] << 16 | (two ? bytes[i + 1] << 8 : 0);
    base64 += BASE64[n >> 18] + BASE64[n >> 12 & 63] + (two ? BASE64[n >> 6 & 63] : "=") + "=";
  }
  return base64;
}

function encodeHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += HEX[byte];
  return hex;
}

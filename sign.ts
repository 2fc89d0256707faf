/**
 * WhiteBIT request signing with Web Crypto, for those who build requests
 * themselves: the body is base64-encoded (over its UTF-8 bytes) into
 * `X-TXC-PAYLOAD`, and `X-TXC-SIGNATURE` is the lowercase hex HMAC-SHA512 of
 * that base64 text, keyed by the API secret. `WhiteBitClient` signs its own
 * requests; this entry is not needed to use it.
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

export { assertSigningKey, importApiSecret, signBody, type SignedBody } from "./client/sign.ts";

/**
 * Constant-time comparison of a presented secret, such as a bearer token,
 * with a known one: the time taken depends only on the known secret's length,
 * never on where the two differ or on how long the presented one is.
 *
 * @example
 * ```ts
 * import { timingSafeEqual } from "./_timing_safe_equal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const encoder = new TextEncoder();
 * strictEqual(timingSafeEqual(encoder.encode("abc"), encoder.encode("abc")), true);
 * strictEqual(timingSafeEqual(encoder.encode("abc"), encoder.encode("abd")), false);
 * ```
 *
 * @module
 */

/**
 * Compares presented bytes with known bytes in time that depends only on the
 * known bytes' length.
 *
 * @example
 * ```ts
 * import { timingSafeEqual } from "./_timing_safe_equal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(timingSafeEqual(new Uint8Array([1]), new Uint8Array([1, 0])), false);
 * ```
 *
 * @param presented The bytes to check, such as a token from a request.
 * @param known The secret bytes they must equal.
 * @returns Whether they are equal.
 */
export function timingSafeEqual(presented: Uint8Array, known: Uint8Array): boolean {
  let difference = presented.length ^ known.length;
  for (let i = 0; i < known.length; i++) {
    difference |= (i < presented.length ? presented[i] : 0) ^ known[i];
  }
  return difference === 0;
}

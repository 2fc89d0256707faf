/**
 * Constant-time comparison of two byte sequences of equal length, such as
 * digests of bearer tokens: the time taken does not depend on where they
 * differ.
 *
 * @example
 * ```ts
 * import { timingSafeEqual } from "./timing_safe_equal.ts";
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
 * Compares two byte arrays in constant time for their length.
 *
 * @example
 * ```ts
 * import { timingSafeEqual } from "./timing_safe_equal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1])), false);
 * ```
 *
 * @param a The first bytes.
 * @param b The second bytes.
 * @returns Whether they are equal; `false` at once if their lengths differ.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

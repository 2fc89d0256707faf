/**
 * Input rules checked before any request is spent. Amounts are plain positive
 * decimal strings, kept as text end to end: never a number, never rounded.
 *
 * @example
 * ```ts
 * import { isDecimalAmount } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(isDecimalAmount("0.000001"), true);
 * strictEqual(isDecimalAmount("1e3"), false);
 * ```
 *
 * @module
 */

/** Up to 20 whole digits and 18 decimals: far beyond any WhiteBIT amount, and bounded. */
export const AMOUNT_PATTERN: RegExp = /^(?:0|[1-9]\d{0,19})(?:\.\d{1,18})?$/;
const NON_ZERO = /[1-9]/;
/** WhiteBIT ids are UUIDs or numbers; anything else cannot name a plan or an investment. */
export const IDENTIFIER_PATTERN: RegExp = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Tells whether a value is a plain positive decimal string: digits with an
 * optional fraction, no sign, exponent, spaces, separators or leading zeros;
 * at most 20 whole digits and 18 decimals.
 *
 * @example
 * ```ts
 * import { isDecimalAmount } from "@lending/whitebit";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(
 *   ["100", "0.5", "0", "-1", "1,5", " 1", 100].map(isDecimalAmount),
 *   [true, true, false, false, false, false, false],
 * );
 * ```
 *
 * @param value Anything.
 * @returns `true` for strings such as `"100"` and `"0.000001"`.
 */
export function isDecimalAmount(value: unknown): value is string {
  return typeof value === "string" && AMOUNT_PATTERN.test(value) &&
    NON_ZERO.test(value);
}

/**
 * Throws unless `value` is a plain positive decimal string.
 *
 * @example
 * ```ts
 * import { assertDecimalAmount } from "@lending/whitebit";
 * import { throws } from "node:assert/strict";
 *
 * assertDecimalAmount("100", "amount");
 * throws(() => assertDecimalAmount(100, "amount"), TypeError);
 * throws(() => assertDecimalAmount("1e3", "amount"), RangeError);
 * ```
 *
 * @param value The value to check.
 * @param name The field name used in the error message.
 * @throws {TypeError} If `value` is not a string.
 * @throws {RangeError} If it is not a plain positive decimal.
 */
export function assertDecimalAmount(
  value: unknown,
  name: string,
): asserts value is string {
  if (typeof value !== "string") {
    throw new TypeError(
      `Cannot use "${name}": it must be a decimal string such as "100" or "0.5": current type is ${typeof value}`,
    );
  }
  if (!isDecimalAmount(value)) {
    throw new RangeError(
      `Cannot use "${name}": it must be a positive decimal string such as "100" or "0.5", without sign, exponent, spaces or separators, at most 20 whole digits and 18 decimals: current value is ${
        JSON.stringify(value)
      }`,
    );
  }
}

/**
 * Throws unless `value` is 1 to 64 ASCII letters, digits, `-` or `_`, as WhiteBIT
 * plan and investment identifiers are.
 *
 * @example
 * ```ts
 * import { assertIdentifier } from "@lending/whitebit";
 * import { throws } from "node:assert/strict";
 *
 * assertIdentifier("8e667b4a-0b71-4988-8af5-9474dbfaeb51", "planId");
 * throws(() => assertIdentifier(" ", "planId"), RangeError);
 * ```
 *
 * @param value The value to check.
 * @param name The field name used in the error message.
 * @throws {TypeError} If `value` is not a string.
 * @throws {RangeError} If it is empty, longer than 64, or has other characters.
 */
export function assertIdentifier(
  value: unknown,
  name: string,
): asserts value is string {
  if (typeof value !== "string") {
    throw new TypeError(
      `Cannot use "${name}": it must be a string: current type is ${typeof value}`,
    );
  }
  if (!IDENTIFIER_PATTERN.test(value)) {
    throw new RangeError(
      `Cannot use "${name}": it must be 1 to 64 ASCII letters, digits, "-" or "_": current value is ${
        JSON.stringify(value)
      }`,
    );
  }
}

/**
 * Throws unless `value` is a whole number within `min` and `max`, as a page
 * size, an offset or a status code must be.
 *
 * @example
 * ```ts
 * import { assertIntegerInRange } from "@lending/whitebit";
 * import { throws } from "node:assert/strict";
 *
 * assertIntegerInRange(100, "limit", { min: 1, max: 100 });
 * throws(() => assertIntegerInRange(101, "limit", { min: 1, max: 100 }), RangeError);
 * throws(() => assertIntegerInRange("1", "limit", { min: 1, max: 100 }), TypeError);
 * ```
 *
 * @param value The value to check.
 * @param name The field name used in the error message.
 * @param range The smallest and the largest value allowed.
 * @throws {TypeError} If `value` is not a number.
 * @throws {RangeError} If it is not a whole number within the range.
 */
export function assertIntegerInRange(
  value: unknown,
  name: string,
  range: { min: number; max: number },
): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot use "${name}": it must be a whole number: current type is ${typeof value}`,
    );
  }
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new RangeError(
      `Cannot use "${name}": it must be a whole number from ${range.min} to ${range.max}: current value is ${value}`,
    );
  }
}

/**
 * Tells whether a value is a plain object (not `null`, not an array).
 *
 * @example
 * ```ts
 * import { isRecord } from "./validate.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(isRecord({ id: "1" }), true);
 * strictEqual(isRecord([]), false);
 * ```
 *
 * @param value Anything.
 * @returns `true` for objects such as parsed JSON objects.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

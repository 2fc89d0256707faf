/**
 * Input rules checked before any request is spent. Amounts are plain positive
 * decimal strings, kept as text end to end: never a number, never rounded.
 *
 * @example
 * ```ts
 * import { isDecimalAmount } from "./_validate.ts";
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
 * import { isDecimalAmount } from "./_validate.ts";
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
 * import { assertDecimalAmount } from "./_validate.ts";
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
  if (!isDecimalAmount(value)) {
    throw refused(
      name,
      typeof value === "string",
      'a plain positive decimal string such as "0.5", at most 20 digits before the point and 18 after',
      value,
    );
  }
}

/**
 * Throws unless `value` is 1 to 64 ASCII letters, digits, `-` or `_`, as WhiteBIT
 * plan and investment identifiers are.
 *
 * @example
 * ```ts
 * import { assertIdentifier } from "./_validate.ts";
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
  if (typeof value !== "string" || !IDENTIFIER_PATTERN.test(value)) {
    throw refused(
      name,
      typeof value === "string",
      '1 to 64 ASCII letters, digits, "-" or "_"',
      value,
    );
  }
}

/**
 * Throws unless `value` is a whole number within `min` and `max`, as a page
 * size, an offset or a status code must be.
 *
 * @example
 * ```ts
 * import { assertIntegerInRange } from "./_validate.ts";
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
  if (!Number.isInteger(value) || (value as number) < range.min || (value as number) > range.max) {
    throw refused(
      name,
      typeof value === "number",
      `a whole number from ${range.min} to ${range.max}`,
      value,
    );
  }
}

/** The error for `value` of `name`: a `RangeError` if it has the right type, else a `TypeError`. */
function refused(name: string, rightType: boolean, rule: string, value: unknown): Error {
  const message = mustBe(`use "${name}"`, "it", rule, value);
  return rightType ? new RangeError(message) : new TypeError(message);
}

/**
 * The message of a refused value, in the standard library's form
 * `Cannot <action>: <subject> must be <rule>: current value is <value>`.
 * Strings are shown quoted and numbers as they are; an object only by its
 * type, so that nothing it holds ends up in a message.
 *
 * @example
 * ```ts
 * import { mustBe } from "./_validate.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(
 *   mustBe("create client", '"timeoutMs"', "a positive number", 0),
 *   'Cannot create client: "timeoutMs" must be a positive number: current value is 0',
 * );
 * strictEqual(
 *   mustBe('use "planId"', "it", "a string", { id: 1 }),
 *   'Cannot use "planId": it must be a string: current type is object',
 * );
 * ```
 *
 * @param action What could not be done, such as `create client`.
 * @param subject What was refused, such as `"timeoutMs"`.
 * @param rule What it must be, such as `a positive number`.
 * @param value The refused value.
 * @returns The message.
 */
export function mustBe(action: string, subject: string, rule: string, value: unknown): string {
  const current = typeof value === "function" || (typeof value === "object" && value !== null)
    ? `type is ${Array.isArray(value) ? "array" : typeof value}`
    : `value is ${typeof value === "string" ? quoted(value) : String(value)}`;
  return `Cannot ${action}: ${subject} must be ${rule}: current ${current}`;
}

/** A string as JSON, cut to its first 64 characters: a message stays short whatever was passed. */
function quoted(value: string): string {
  return value.length > 64
    ? `${JSON.stringify(value.slice(0, 64))}… (${value.length} characters)`
    : JSON.stringify(value);
}

/** The longest delay a timer can hold (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Asserts that a value is a delay a timer can hold: a number of milliseconds
 * from `min` to 2^31 − 1 (longer delays would fire at once).
 *
 * @example
 * ```ts
 * import { assertDelay } from "./_validate.ts";
 * import { throws } from "node:assert/strict";
 *
 * assertDelay(10_000, "create client", "timeoutMs", 1);
 * throws(() => assertDelay(2 ** 31, "create client", "timeoutMs", 1), RangeError);
 * ```
 *
 * @param value The delay.
 * @param action What it is for, such as `create client`.
 * @param name The option's name, such as `timeoutMs`.
 * @param min The shortest delay allowed. Default 0.
 * @throws {TypeError} If it is not a number.
 * @throws {RangeError} If it is not finite or outside the range.
 */
export function assertDelay(value: unknown, action: string, name: string, min = 0): void {
  if (typeof value === "number" && value >= min && value <= MAX_DELAY_MS) return;
  const message = mustBe(
    action,
    `"${name}"`,
    `a number of milliseconds from ${min} to ${MAX_DELAY_MS}`,
    value,
  );
  throw typeof value === "number" ? new RangeError(message) : new TypeError(message);
}

/**
 * Tells whether a value is a plain object (not `null`, not an array).
 *
 * @example
 * ```ts
 * import { isRecord } from "./_validate.ts";
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

/**
 * Exact arithmetic on plain decimal strings (`"100"`, `"-0.25"`) through
 * `bigint`: no `number`, no float, no rounding. Used where amounts are
 * compared or moved, such as the sandbox's ledger.
 *
 * @example
 * ```ts
 * import { addDecimal, compareDecimal } from "./_decimal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(addDecimal("0.1", "0.2"), "0.3");
 * strictEqual(compareDecimal("10", "9.99"), 1);
 * ```
 *
 * @module
 */

const DECIMAL = /^-?\d+(?:\.\d+)?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

/**
 * Tells whether a value is a plain decimal string such as `"100"`, `"0"`,
 * `"10.0"` or `"-0.25"`: what the other functions here accept.
 *
 * @example
 * ```ts
 * import { isDecimal } from "./_decimal.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(["0", "10.0", "-1", "1e3", " 1", 1].map(isDecimal), [true, true, true, false, false, false]);
 * ```
 *
 * @param value Anything.
 * @returns `true` for a plain decimal string.
 */
export function isDecimal(value: unknown): value is string {
  return typeof value === "string" && DECIMAL.test(value);
}

function parse(value: string): Scaled {
  if (!DECIMAL.test(value)) {
    throw new TypeError(`Cannot parse decimal: current value is "${value}"`);
  }
  const point = value.indexOf(".");
  const scale = point < 0 ? 0 : value.length - point - 1;
  return { units: BigInt(value.replace(".", "")), scale };
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [
    a.units * 10n ** BigInt(scale - a.scale),
    b.units * 10n ** BigInt(scale - b.scale),
    scale,
  ];
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(
    scale + 1,
    "0",
  );
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, "");
  return (negative ? "-" : "") + whole + (fraction ? "." + fraction : "");
}

/**
 * Compares two decimal strings exactly.
 *
 * @example
 * ```ts
 * import { compareDecimal } from "./_decimal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(compareDecimal("1.10", "1.1"), 0);
 * ```
 *
 * @param a A plain decimal string.
 * @param b A plain decimal string.
 * @returns -1, 0 or 1 as `a` is less than, equal to or greater than `b`.
 */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = align(parse(a), parse(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Adds two decimal strings exactly.
 *
 * @example
 * ```ts
 * import { addDecimal } from "./_decimal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(addDecimal("0.1", "0.2"), "0.3");
 * ```
 *
 * @param a A plain decimal string.
 * @param b A plain decimal string.
 * @returns `a + b`, without trailing zeros.
 */
export function addDecimal(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  return format(x + y, scale);
}

/**
 * Subtracts two decimal strings exactly.
 *
 * @example
 * ```ts
 * import { subtractDecimal } from "./_decimal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(subtractDecimal("10", "0.000001"), "9.999999");
 * ```
 *
 * @param a A plain decimal string.
 * @param b A plain decimal string.
 * @returns `a - b`, without trailing zeros.
 */
export function subtractDecimal(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  return format(x - y, scale);
}

/**
 * Multiplies two decimal strings exactly.
 *
 * @example
 * ```ts
 * import { multiplyDecimal } from "./_decimal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(multiplyDecimal("100", "0.05"), "5");
 * ```
 *
 * @param a A plain decimal string.
 * @param b A plain decimal string.
 * @returns `a × b`, without trailing zeros.
 */
export function multiplyDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  return format(x.units * y.units, x.scale + y.scale);
}

/**
 * Divides two decimal strings, keeping `scale` decimal places and dropping
 * the rest (towards zero), as a payout in a currency with that many decimals
 * is cut.
 *
 * @example
 * ```ts
 * import { divideDecimal } from "./_decimal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(divideDecimal("1", "40000", { scale: 8 }), "0.000025");
 * strictEqual(divideDecimal("2", "3", { scale: 4 }), "0.6666");
 * ```
 *
 * @param a A plain decimal string.
 * @param b A plain decimal string, not zero.
 * @param options `scale`: the decimal places kept, a whole number >= 0.
 * @returns `a ÷ b` cut to `scale` places, without trailing zeros.
 * @throws {RangeError} If `b` is zero or `scale` is not a whole number >= 0.
 */
export function divideDecimal(a: string, b: string, options: { scale: number }): string {
  const { scale } = options;
  if (!Number.isInteger(scale) || scale < 0) {
    throw new RangeError(
      `Cannot divide decimals: "scale" must be a whole number >= 0: current value is ${scale}`,
    );
  }
  const x = parse(a);
  const y = parse(b);
  if (y.units === 0n) {
    throw new RangeError(`Cannot divide decimals: the divisor is zero: current value is "${b}"`);
  }
  const numerator = x.units * 10n ** BigInt(y.scale + scale);
  const denominator = y.units * 10n ** BigInt(x.scale);
  return format(numerator / denominator, scale);
}

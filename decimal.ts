/**
 * Exact arithmetic on plain decimal strings (`"100"`, `"-0.25"`) through
 * `bigint`: no `number`, no float, no rounding. Used where amounts are
 * compared or moved, such as the sandbox's ledger.
 *
 * @example
 * ```ts
 * import { addDecimal, compareDecimal } from "@lending/whitebit/testing";
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
 * import { compareDecimal } from "@lending/whitebit/testing";
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
 * import { addDecimal } from "@lending/whitebit/testing";
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
 * import { subtractDecimal } from "@lending/whitebit/testing";
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
 * import { multiplyDecimal } from "@lending/whitebit/testing";
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

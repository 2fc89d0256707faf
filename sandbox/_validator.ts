/**
 * How WhiteBIT's request validator (Laravel's) reads a field, shared by the
 * fixed and the flex endpoints: what counts as absent, as a number, as an
 * integer.
 *
 * @example
 * ```ts
 * import { isAbsent, NUMERIC } from "./_validator.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(isAbsent(""), true);
 * strictEqual(NUMERIC.test(" 1e3 "), true); // a number to the validator, not a plain decimal
 * ```
 *
 * @module
 */

/** What WhiteBIT's validator takes for a number (a string it then reads as a decimal). */
export const NUMERIC: RegExp = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
/** What it takes for an integer. */
export const INTEGER: RegExp = /^-?\d{1,15}$/;

/**
 * Laravel's reading of an optional field: `undefined`, `null` and `""` are absent.
 *
 * @param value The field's value.
 * @returns Whether it counts as absent.
 */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/**
 * A validated optional field as a filter: `undefined` when absent.
 *
 * @param value The field's value.
 * @returns It as text, or `undefined`.
 */
export function given(value: unknown): string | undefined {
  return isAbsent(value) ? undefined : String(value);
}

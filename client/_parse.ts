/**
 * Readers of WhiteBIT's fixed-lending answers: each checks the documented
 * fields' types, keeps decimals as the strings WhiteBIT sent, ignores extra
 * fields, and throws a `TypeError` naming the first field that is not as
 * documented.
 *
 * @example
 * ```ts
 * import { readInterestPaymentsPage } from "./_parse.ts";
 * import { strictEqual, throws } from "node:assert/strict";
 *
 * const record = { planId: "p", investmentId: "i", amount: "10", ticker: "USDT", timestamp: 1646839596 };
 * strictEqual(readInterestPaymentsPage({ offset: 0, limit: 100, records: [record] }).records[0].amount, "10");
 * throws(() => readInterestPaymentsPage({ offset: 0, limit: 100, records: [{ ...record, amount: 10 }] }), TypeError);
 * ```
 *
 * @module
 */

import type { InvestResult } from "./types.ts";
import { isDecimal } from "./_decimal.ts";
import {
  type FixedPlan,
  type InterestPayment,
  type Investment,
  INVESTMENT_STATUS,
  type Page,
  PLAN_STATUS,
} from "./types.ts";
import { isRecord, mustBe } from "./_validate.ts";

/** Reads one value found at `at` (such as `answer[0].plan.id`), or throws a `TypeError`. */
export type Reader<T> = (value: unknown, at: string) => T;

/** A reader for each field of `T`, in the order the fields are read. */
export type Schema<T> = { [K in keyof T]: Reader<T[K]> };

/**
 * Reads the answer of Get plans: an array of plans.
 *
 * @example
 * ```ts
 * import { readPlans } from "./_parse.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(readPlans([]), []);
 * ```
 *
 * @param value The parsed JSON answer.
 * @returns The plans.
 * @throws {TypeError} If a documented field is missing or of another type.
 */
export function readPlans(value: unknown): FixedPlan[] {
  return arrayOf(readPlan)(value, "answer");
}

/**
 * Reads one page of the investments history.
 *
 * @example
 * ```ts
 * import { readInvestmentsPage } from "./_parse.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(readInvestmentsPage({ offset: 0, limit: 100, records: [] }), { offset: 0, limit: 100, records: [] });
 * ```
 *
 * @param value The parsed JSON answer.
 * @returns The page.
 * @throws {TypeError} If a documented field is missing or of another type.
 */
export function readInvestmentsPage(value: unknown): Page<Investment> {
  return pageOf(readInvestment)(value, "answer");
}

/**
 * Reads one page of the interest payments history.
 *
 * @example
 * ```ts
 * import { readInterestPaymentsPage } from "./_parse.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(readInterestPaymentsPage({ offset: 10, limit: 5, records: [] }).offset, 10);
 * ```
 *
 * @param value The parsed JSON answer.
 * @returns The page.
 * @throws {TypeError} If a documented field is missing or of another type.
 */
export function readInterestPaymentsPage(value: unknown): Page<InterestPayment> {
  return pageOf(readInterestPayment)(value, "answer");
}

/**
 * Reads the answer of Invest: the new investment's id.
 *
 * @example
 * ```ts
 * import { readInvestResult } from "./_parse.ts";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * deepStrictEqual(readInvestResult({ id: "0d7b66ff", extra: 1 }), { id: "0d7b66ff" });
 * throws(() => readInvestResult({}), TypeError);
 * ```
 *
 * @param value The parsed JSON answer.
 * @returns The id.
 * @throws {TypeError} If the id is missing or not a non-empty string.
 */
export function readInvestResult(value: unknown): InvestResult {
  return objectOf<InvestResult>({ id: readText })(value, "answer");
}

/**
 * Reads the answer of the public time endpoint: the server time in Unix seconds.
 *
 * @example
 * ```ts
 * import { readServerTime } from "./_parse.ts";
 * import { strictEqual, throws } from "node:assert/strict";
 *
 * strictEqual(readServerTime({ time: 1631451591 }), 1631451591);
 * throws(() => readServerTime({ time: "1631451591" }), TypeError);
 * ```
 *
 * @param value The parsed JSON answer.
 * @returns The time.
 * @throws {TypeError} If `time` is missing or not a whole number (of seconds).
 */
export function readServerTime(value: unknown): number {
  return objectOf<{ time: number }>({ time: readInteger })(value, "answer").time;
}

/** A non-empty string. */
export const readText: Reader<string> = (value, at) => {
  if (typeof value !== "string" || value === "") throw unexpected(at, "a non-empty string", value);
  return value;
};

/** A decimal string, kept as sent. */
export const readDecimal: Reader<string> = (value, at) => {
  if (!isDecimal(value)) throw unexpected(at, "a decimal string", value);
  return value;
};

/** A whole number. */
export const readInteger: Reader<number> = (value, at) => {
  if (!Number.isSafeInteger(value)) throw unexpected(at, "a whole number", value);
  return value as number;
};

/** A reader of one of the codes of a table such as {@linkcode PLAN_STATUS}. */
export function codeOf<T extends number>(table: Record<string, T>): Reader<T> {
  const codes = Object.values(table);
  return (value, at) => {
    if (!codes.includes(value as T)) throw unexpected(at, `one of ${codes.join(", ")}`, value);
    return value as T;
  };
}

/** A reader of an array of items. */
export function arrayOf<T>(readItem: Reader<T>): Reader<T[]> {
  return (value, at) => {
    if (!Array.isArray(value)) throw unexpected(at, "an array", value);
    return value.map((item, index) => readItem(item, `${at}[${index}]`));
  };
}

/** A reader of an object with the schema's fields; other fields are left out. */
export function objectOf<T>(schema: Schema<T>): Reader<T> {
  return (value, at) => {
    if (!isRecord(value)) throw unexpected(at, "an object", value);
    const read: Partial<T> = {};
    for (const key in schema) read[key] = schema[key](value[key], `${at}.${key}`);
    return read as T;
  };
}

function pageOf<T>(readRecord: Reader<T>): Reader<Page<T>> {
  return objectOf<Page<T>>({
    offset: readInteger,
    limit: readInteger,
    records: arrayOf(readRecord),
  });
}

const readPlan = objectOf<FixedPlan>({
  id: readText,
  ticker: readText,
  status: codeOf(PLAN_STATUS),
  percent: readDecimal,
  duration: readInteger,
  interestTicker: readText,
  interestRatio: readDecimal,
  minInvestment: readDecimal,
  maxInvestment: readDecimal,
  maxPossibleInvestment: readDecimal,
});

const readInvestment = objectOf<Investment>({
  id: readText,
  plan: readPlan,
  status: codeOf(INVESTMENT_STATUS),
  created: readInteger,
  updated: readInteger,
  paymentTime: readInteger,
  amount: readDecimal,
  interestPaid: readDecimal,
});

const readInterestPayment = objectOf<InterestPayment>({
  planId: readText,
  investmentId: readText,
  amount: readDecimal,
  ticker: readText,
  timestamp: readInteger,
});

/** The error of a value at `at` that is not `expected`. */
export function unexpected(at: string, expected: string, value: unknown): TypeError {
  return new TypeError(mustBe("read WhiteBIT's answer", at, expected, value));
}

/**
 * Readers of WhiteBIT's fixed-lending answers: each checks the documented
 * fields' types, keeps decimals as the strings WhiteBIT sent, ignores extra
 * fields, and throws a `TypeError` naming the first field that is not as
 * documented.
 *
 * @example
 * ```ts
 * import { readInterestPaymentsPage } from "./parse.ts";
 * import { strictEqual, throws } from "node:assert/strict";
 *
 * const record = { planId: "p", investmentId: "i", amount: "10", ticker: "USDT", timestamp: 1646839596 };
 * strictEqual(readInterestPaymentsPage({ offset: 0, limit: 100, records: [record] }).records[0].amount, "10");
 * throws(() => readInterestPaymentsPage({ offset: 0, limit: 100, records: [{ ...record, amount: 10 }] }), TypeError);
 * ```
 *
 * @module
 */

import { isDecimal } from "./decimal.ts";
import {
  type FixedPlan,
  type InterestPayment,
  type Investment,
  INVESTMENT_STATUS,
  type InvestmentStatus,
  type Page,
  PLAN_STATUS,
  type PlanStatus,
} from "./types.ts";
import { isRecord } from "./validate.ts";

type Reader<T> = (value: unknown, at: string) => T;

const PLAN_STATUSES: readonly PlanStatus[] = Object.values(PLAN_STATUS);
const INVESTMENT_STATUSES: readonly InvestmentStatus[] = Object.values(INVESTMENT_STATUS);

/**
 * Reads the answer of Get plans: an array of plans.
 *
 * @example
 * ```ts
 * import { readPlans } from "./parse.ts";
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
  return readArray(value, "answer", readPlan);
}

/**
 * Reads one page of the investments history.
 *
 * @example
 * ```ts
 * import { readInvestmentsPage } from "./parse.ts";
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
  return readPage(value, readInvestment);
}

/**
 * Reads one page of the interest payments history.
 *
 * @example
 * ```ts
 * import { readInterestPaymentsPage } from "./parse.ts";
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
  return readPage(value, readInterestPayment);
}

function readPlan(value: unknown, at: string): FixedPlan {
  const plan = readObject(value, at);
  return {
    id: readText(plan, "id", at),
    ticker: readText(plan, "ticker", at),
    status: readCode(plan, "status", at, PLAN_STATUSES),
    percent: readDecimal(plan, "percent", at),
    duration: readInteger(plan, "duration", at),
    interestTicker: readText(plan, "interestTicker", at),
    interestRatio: readDecimal(plan, "interestRatio", at),
    minInvestment: readDecimal(plan, "minInvestment", at),
    maxInvestment: readDecimal(plan, "maxInvestment", at),
    maxPossibleInvestment: readDecimal(plan, "maxPossibleInvestment", at),
  };
}

function readInvestment(value: unknown, at: string): Investment {
  const investment = readObject(value, at);
  return {
    id: readText(investment, "id", at),
    plan: readPlan(investment.plan, `${at}.plan`),
    status: readCode(investment, "status", at, INVESTMENT_STATUSES),
    created: readInteger(investment, "created", at),
    updated: readInteger(investment, "updated", at),
    paymentTime: readInteger(investment, "paymentTime", at),
    amount: readDecimal(investment, "amount", at),
    interestPaid: readDecimal(investment, "interestPaid", at),
  };
}

function readInterestPayment(value: unknown, at: string): InterestPayment {
  const payment = readObject(value, at);
  return {
    planId: readText(payment, "planId", at),
    investmentId: readText(payment, "investmentId", at),
    amount: readDecimal(payment, "amount", at),
    ticker: readText(payment, "ticker", at),
    timestamp: readInteger(payment, "timestamp", at),
  };
}

function readPage<T>(value: unknown, readRecord: Reader<T>): Page<T> {
  const page = readObject(value, "answer");
  return {
    offset: readInteger(page, "offset", "answer"),
    limit: readInteger(page, "limit", "answer"),
    records: readArray(page.records, "answer.records", readRecord),
  };
}

function readArray<T>(value: unknown, at: string, readItem: Reader<T>): T[] {
  if (!Array.isArray(value)) throw unexpected(at, "an array", value);
  return value.map((item, index) => readItem(item, `${at}[${index}]`));
}

function readObject(value: unknown, at: string): Record<string, unknown> {
  if (!isRecord(value)) throw unexpected(at, "an object", value);
  return value;
}

function readText(record: Record<string, unknown>, key: string, at: string): string {
  const value = record[key];
  if (typeof value !== "string" || value === "") {
    throw unexpected(`${at}.${key}`, "a non-empty string", value);
  }
  return value;
}

function readDecimal(record: Record<string, unknown>, key: string, at: string): string {
  const value = record[key];
  if (!isDecimal(value)) throw unexpected(`${at}.${key}`, "a decimal string", value);
  return value;
}

function readInteger(record: Record<string, unknown>, key: string, at: string): number {
  const value = record[key];
  if (!Number.isSafeInteger(value)) throw unexpected(`${at}.${key}`, "a whole number", value);
  return value as number;
}

function readCode<T extends number>(
  record: Record<string, unknown>,
  key: string,
  at: string,
  codes: readonly T[],
): T {
  const value = record[key];
  if (!codes.includes(value as T)) {
    throw unexpected(`${at}.${key}`, `one of ${codes.join(", ")}`, value);
  }
  return value as T;
}

function unexpected(at: string, expected: string, value: unknown): TypeError {
  return new TypeError(
    `Cannot read WhiteBIT's answer: ${at} must be ${expected}: current value is ${
      JSON.stringify(value) ?? String(value)
    }`,
  );
}

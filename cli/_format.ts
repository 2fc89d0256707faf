/**
 * Plans, investments and interest payments as a person reads them: tables
 * whose cells are WhiteBIT's text on one line without control characters,
 * a plan's terms, durations and times.
 *
 * @example
 * ```ts
 * import { terms } from "./_format.ts";
 * import { WhiteBitSandbox } from "../testing.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const [plan] = new WhiteBitSandbox({
 *   plans: [{ id: "p1", ticker: "USDT", percent: "5", minInvestment: "10", maxInvestment: "1000" }],
 * }).plans;
 * strictEqual(terms(plan), "5 % for 30 d, interest paid in USDT");
 * ```
 *
 * @module
 */

import {
  type FixedPlan,
  type InterestPayment,
  type Investment,
  INVESTMENT_STATUS,
  PLAN_STATUS,
} from "../mod.ts";
import { formatTable, type TableOptions } from "./_table.ts";
import { terminalCell } from "./_terminal.ts";

/**
 * A plan's status in words.
 *
 * @example
 * ```ts
 * import { PLAN_STATUS_NAMES } from "./_format.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(PLAN_STATUS_NAMES[4], "paused");
 * ```
 */
export const PLAN_STATUS_NAMES: Readonly<Record<number, string>> = {
  [PLAN_STATUS.Active]: "active",
  [PLAN_STATUS.NoCoinsLeft]: "no coins left",
  [PLAN_STATUS.Inactive]: "inactive",
  [PLAN_STATUS.Paused]: "paused",
};

/**
 * A plan's rate and term, and the currency its interest is paid in.
 *
 * @example
 * ```ts
 * import { terms } from "./_format.ts";
 * import { WhiteBitSandbox } from "../testing.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const [plan] = new WhiteBitSandbox({
 *   plans: [{ id: "p1", ticker: "BTC", duration: 90, minInvestment: "0.1", maxInvestment: "1" }],
 * }).plans;
 * strictEqual(terms(plan), "1 % for 90 min, interest paid in BTC");
 * ```
 *
 * @param plan A plan.
 * @returns Its terms in words.
 */
export function terms(plan: FixedPlan): string {
  return `${plan.percent} % for ${minutes(plan.duration)}, interest paid in ${paidIn(plan)}`;
}

/** The currency a plan's interest is paid in, with its ratio when it is not the plan's own. */
function paidIn(plan: FixedPlan): string {
  return plan.interestTicker === plan.ticker && plan.interestRatio === "1"
    ? plan.interestTicker
    : `${plan.interestTicker} (÷${plan.interestRatio})`;
}

/** A table of text from WhiteBIT: every cell on one line, without control characters. */
/**
 * Rows as a table, each cell made safe for a terminal.
 *
 * @param rows The cells.
 * @param options The header and each column's alignment.
 * @returns The text.
 */
export function table(rows: string[][], options: TableOptions): string {
  return formatTable(rows.map((row) => row.map(terminalCell)), options);
}

/**
 * Plans as a table, or "Nothing found."
 *
 * @example
 * ```ts
 * import { plansTable } from "./_format.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(plansTable([]), "Nothing found.");
 * ```
 *
 * @param plans The plans.
 * @returns The table.
 */
export function plansTable(plans: FixedPlan[]): string {
  if (plans.length === 0) return "Nothing found.";
  return table(
    plans.map((plan) => [
      plan.id,
      plan.ticker,
      PLAN_STATUS_NAMES[plan.status],
      `${plan.percent} %`,
      minutes(plan.duration),
      paidIn(plan),
      plan.minInvestment,
      plan.maxInvestment,
      plan.maxPossibleInvestment,
    ]),
    {
      header: ["ID", "TICKER", "STATUS", "PERCENT", "TERM", "PAID IN", "MIN", "MAX", "AVAILABLE"],
      align: ["left", "left", "left", "right", "right", "left", "right", "right", "right"],
    },
  );
}

/**
 * Investments as a table.
 *
 * @example
 * ```ts
 * import { investmentsTable } from "./_format.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(investmentsTable([]).split("  ")[0], "ID");
 * ```
 *
 * @param investments At least one investment.
 * @returns The table.
 */
export function investmentsTable(investments: Investment[]): string {
  return table(
    investments.map((investment) => [
      investment.id,
      investment.plan.id,
      investment.amount,
      investment.plan.ticker,
      investment.status === INVESTMENT_STATUS.Active ? "active" : "closed",
      isoTime(investment.created),
      isoTime(investment.paymentTime),
      `${investment.interestPaid} ${investment.plan.interestTicker}`,
    ]),
    {
      header: ["ID", "PLAN", "AMOUNT", "TICKER", "STATUS", "CREATED", "MATURES", "INTEREST PAID"],
      align: ["left", "left", "right", "left", "left", "left", "left", "right"],
    },
  );
}

/**
 * Interest payments as a table.
 *
 * @example
 * ```ts
 * import { interestTable } from "./_format.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const row = interestTable([
 *   { timestamp: 1_800_000_000, amount: "25", ticker: "USDT", planId: "p1", investmentId: "i1" },
 * ]).split("\n")[1];
 * strictEqual(row, "2027-01-15 08:00:00Z      25  USDT    p1    i1");
 * ```
 *
 * @param payments At least one payment.
 * @returns The table.
 */
export function interestTable(payments: InterestPayment[]): string {
  return table(
    payments.map((payment) => [
      isoTime(payment.timestamp),
      payment.amount,
      payment.ticker,
      payment.planId,
      payment.investmentId,
    ]),
    {
      header: ["PAID", "AMOUNT", "TICKER", "PLAN", "INVESTMENT"],
      align: ["left", "right", "left", "left", "left"],
    },
  );
}

/** A duration in minutes, in days or hours where it is whole. */
function minutes(duration: number): string {
  if (duration % 1440 === 0) return `${duration / 1440} d`;
  if (duration % 60 === 0) return `${duration / 60} h`;
  return `${duration} min`;
}

/**
 * A Unix time in seconds as UTC, to the second.
 *
 * @example
 * ```ts
 * import { isoTime } from "./_format.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(isoTime(1_800_000_000.5), "2027-01-15 08:00:00Z");
 * ```
 *
 * @param unixSeconds Seconds since 1970.
 * @returns Such as `2027-01-15 08:00:00Z`.
 */
export function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

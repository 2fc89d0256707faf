/**
 * Reconciliation of an investment whose outcome is unknown: a search of the
 * investments history for the failed call's plan and amount, created at or
 * after the attempt, reading only as far as it must and saying "not found"
 * (`null`) only when that is proven. The rules are documented on
 * {@linkcode WhiteBitClient.findInvestment}.
 *
 * @example
 * ```ts
 * import { findInvestment } from "./_reconcile.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const found = await findInvestment({
 *   plans: () => Promise.resolve([]),
 *   page: () => Promise.resolve({ offset: 0, limit: 100, records: [] }),
 * }, {
 *   requestPath: "/api/v4/main-account/smart/investment",
 *   outcome: "unknown",
 *   params: { planId: "p1", amount: "100" },
 *   attemptedAt: 1_800_000_000_000,
 * }, {});
 * strictEqual(found, null); // an empty history: provably not there
 * ```
 *
 * @module
 */

import { compareDecimal } from "./_decimal.ts";
import { MAX_LIMIT, MAX_OFFSET } from "./_paths.ts";
import { ENDPOINTS } from "./_endpoints.ts";
import type { WhiteBitError } from "./errors.ts";
import type { CallOptions } from "./options.ts";
import type { FixedPlan, Investment, Page } from "./types.ts";
import { assertDecimalAmount, assertIdentifier, mustBe } from "./_validate.ts";

/** How far before the attempt an investment may have been stamped, by default: clocks differ. */
const DEFAULT_TOLERANCE_MS = 60_000;

/**
 * What reconciliation reads from a failed invest: a {@linkcode WhiteBitError}
 * has it all, and so has its JSON, kept to reconcile later.
 */
export type InvestFailure = Pick<
  WhiteBitError,
  "requestPath" | "outcome" | "params" | "attemptedAt"
>;

/** The reads reconciliation makes. */
export interface HistoryReader {
  /** The plans offered (to learn the plan's currency). */
  plans(): Promise<FixedPlan[]>;
  /** One full page of the investments history, newest first, in `ticker` if given. */
  page(offset: number, ticker: string | undefined): Promise<Page<Investment>>;
}

/**
 * When the failed call was attempted, in Unix seconds, and the earliest whole
 * second a record of it may carry: the attempt less `toleranceMs` (default
 * 60 000) for the difference between the two clocks.
 *
 * @throws {TypeError} If `attemptedAt` is not a number.
 * @throws {RangeError} If `toleranceMs` is negative or not finite.
 */
export function attemptWindow(
  action: string,
  attemptedAt: number | undefined,
  options: { toleranceMs?: number },
): { attempted: number; earliest: number } {
  if (!Number.isFinite(attemptedAt)) {
    throw new TypeError(mustBe(action, '"attemptedAt"', "a number", attemptedAt));
  }
  const toleranceMs = options.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  if (!(toleranceMs >= 0) || !Number.isFinite(toleranceMs)) {
    throw new RangeError(mustBe(action, '"toleranceMs"', "a number >= 0", toleranceMs));
  }
  return {
    attempted: attemptedAt! / 1000,
    earliest: Math.floor((attemptedAt! - toleranceMs) / 1000),
  };
}

/**
 * Finds the investment a failed `invest()` may have made, or `null` if there
 * provably is none.
 *
 * @throws {TypeError} If `error` is not from `invest()` or lacks what is needed.
 * @throws {RangeError} If `toleranceMs` is negative, or more of the history
 *   than WhiteBIT serves would have to be read.
 */
export async function findInvestment(
  reader: HistoryReader,
  error: InvestFailure,
  options: CallOptions & { toleranceMs?: number },
): Promise<Investment | null> {
  return (await findInvestments(reader, error, options))[0] ?? null;
}

/**
 * Every investment a failed `invest()` may have made, the one created
 * closest to the attempt first (ties: the newer first); empty if there
 * provably is none.
 *
 * @throws {TypeError} If `error` is not from `invest()` or lacks what is needed.
 * @throws {RangeError} If `toleranceMs` is negative, or more of the history
 *   than WhiteBIT serves would have to be read.
 */
export async function findInvestments(
  reader: HistoryReader,
  error: InvestFailure,
  options: CallOptions & { toleranceMs?: number },
): Promise<Investment[]> {
  const path = ENDPOINTS.invest.path;
  if (error?.requestPath !== path) {
    throw new TypeError(
      mustBe("find investment", "the error's requestPath", path, error?.requestPath),
    );
  }
  if (error.outcome === "not_executed") return [];
  const { planId, amount } = error.params ?? {};
  assertIdentifier(planId, "params.planId");
  assertDecimalAmount(amount, "params.amount");
  const { attempted, earliest } = attemptWindow("find investment", error.attemptedAt, options);
  const wanted = planId.toLowerCase();
  const ticker = (await reader.plans()).find((plan) => plan.id.toLowerCase() === wanted)?.ticker;
  const found: Investment[] = [];
  let previous = Infinity;
  let newestFirst = true;
  // Full pages from the newest: 101 of them reach the last offset served.
  for (let offset = 0;; offset += MAX_LIMIT) {
    const { records, limit, offset: served } = await reader.page(offset, ticker);
    // A short page ends the history only if it is the page asked for.
    if (limit !== MAX_LIMIT || served !== offset) throw tooLittle(earliest);
    for (const investment of records) {
      newestFirst &&= investment.created <= previous;
      previous = investment.created;
      if (
        investment.plan.id.toLowerCase() === wanted && investment.created >= earliest &&
        compareDecimal(investment.amount, amount) === 0
      ) {
        found.push(investment);
      }
    }
    // The whole history read, or newest first and back past the attempt.
    if (records.length < MAX_LIMIT || (newestFirst && previous < earliest)) {
      return closestFirst(found, (investment) => investment.created, attempted);
    }
    if (offset === MAX_OFFSET) throw tooLittle(earliest);
  }
}

/**
 * `found` sorted by how close each one's time is to `attempted` (Unix
 * seconds), the closest first; ties keep their order.
 */
export function closestFirst<T>(found: T[], time: (item: T) => number, attempted: number): T[] {
  return found.sort((a, b) => Math.abs(time(a) - attempted) - Math.abs(time(b) - attempted));
}

/** The error when the history WhiteBIT serves cannot settle it: the outcome stays unknown. */
function tooLittle(earliest: number): RangeError {
  return new RangeError(
    `Cannot find investment: WhiteBIT serves too little history to tell since ${
      new Date(earliest * 1000).toISOString()
    }: the outcome is unknown, not "not found"`,
  );
}

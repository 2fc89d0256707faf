/**
 * Reconciliation of a flex invest, withdraw or close whose outcome is
 * unknown: a search of the flex history for the movement it would have
 * made — its plan, its action types, its amount, at or after the attempt —
 * saying "not found" (`null`) only when that is proven. The rules are
 * documented on `client.flex.findTransaction`.
 *
 * @example
 * ```ts
 * import { findTransaction } from "./_reconcile.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const found = await findTransaction(({ limit, offset }) => Promise.resolve({ data: [], limit, offset }), {
 *   requestPath: "/api/v4/main-account/smart-flex/investments/withdraw",
 *   outcome: "unknown",
 *   params: { plan: "p1", amount: "5" },
 *   attemptedAt: 1_800_000_000_000,
 * }, {});
 * strictEqual(found, null); // nothing in the history since the attempt: provably not there
 * ```
 *
 * @module
 */

import { compareDecimal } from "../_decimal.ts";
import type { WhiteBitError } from "../errors.ts";
import { walk } from "../_pages.ts";
import { attemptWindow, closestFirst } from "../_reconcile.ts";
import { assertDecimalAmount, assertIdentifier, mustBe } from "../_validate.ts";
import { FLEX_PATHS } from "./_paths.ts";
import {
  FLEX_ACTION_TYPE,
  type FlexActionType,
  type FlexHistoryParams,
  type FlexPage,
  type FlexTransaction,
} from "./types.ts";

/** A failed flex call as reconciliation reads it: the error, or its JSON kept for later. */
export type FlexFailure = Pick<WhiteBitError, "requestPath" | "outcome" | "params" | "attemptedAt">;

const { Invest, OpenInvestment, WithdrawFromInvestment, CloseInvestment } = FLEX_ACTION_TYPE;

/**
 * The history rows each call makes: an invest is an INVEST or, opening the
 * position, an OPEN_INVESTMENT (which one is not documented: both are read).
 */
const MOVES: Record<string, FlexActionType[]> = {
  [FLEX_PATHS.invest]: [Invest, OpenInvestment],
  [FLEX_PATHS.withdraw]: [WithdrawFromInvestment],
  [FLEX_PATHS.close]: [CloseInvestment],
};

/**
 * Finds the history row of a failed flex invest, withdraw or close, or
 * `null` if there provably is none.
 *
 * @throws {TypeError} If `error` is not from one of those or lacks what is needed.
 * @throws {RangeError} If `toleranceMs` is negative, or the history cannot
 *   be read far enough to be sure.
 */
export async function findTransaction(
  readPage: (
    params: FlexHistoryParams & { limit: number; offset: number },
  ) => Promise<FlexPage<FlexTransaction>>,
  error: FlexFailure,
  options: { toleranceMs?: number },
): Promise<FlexTransaction | null> {
  return (await findTransactions(readPage, error, options))[0] ?? null;
}

/**
 * Every history row a failed flex invest, withdraw or close may have made,
 * the one closest to the attempt first (ties: the first read); empty if
 * there provably is none.
 *
 * @throws {TypeError} If `error` is not from one of those or lacks what is needed.
 * @throws {RangeError} If `toleranceMs` is negative, or the history cannot
 *   be read far enough to be sure.
 */
export async function findTransactions(
  readPage: (
    params: FlexHistoryParams & { limit: number; offset: number },
  ) => Promise<FlexPage<FlexTransaction>>,
  error: FlexFailure,
  options: { toleranceMs?: number },
): Promise<FlexTransaction[]> {
  const actionTypes = MOVES[error?.requestPath];
  if (!actionTypes) {
    throw new TypeError(
      mustBe(
        "find transaction",
        "the error's requestPath",
        "that of a flex invest, withdraw or close",
        error?.requestPath,
      ),
    );
  }
  if (error.outcome === "not_executed") return [];
  const { plan, amount } = error.params ?? {};
  assertIdentifier(plan, "params.plan");
  // A close takes the whole position: its amount is WhiteBIT's, not the call's.
  const anyAmount = actionTypes[0] === CloseInvestment;
  if (!anyAmount) assertDecimalAmount(amount, "params.amount");
  const { attempted, earliest } = attemptWindow("find transaction", error.attemptedAt, options);
  const wanted = plan.toLowerCase();
  const found: FlexTransaction[] = [];
  try {
    // Every row of the plan and types since `earliest`, filtered by WhiteBIT
    // and checked again here, to a page shorter than asked.
    const rows = walk(async (page) => {
      const { data, limit, offset } = await readPage({
        plan,
        dateFrom: Math.max(0, earliest),
        actionTypes,
        ...page,
      });
      if (limit !== page.limit || offset !== page.offset) {
        throw new RangeError(`WhiteBIT served offset ${offset}, limit ${limit} for another page`);
      }
      return { records: data };
    }, {});
    for await (const row of rows) {
      if (
        row.planId.toLowerCase() === wanted && actionTypes.includes(row.actionType) &&
        row.createdAt >= earliest &&
        // A withdrawal may be written negative: the sizes are compared.
        (anyAmount || compareDecimal(row.amount.replace("-", ""), amount as string) === 0)
      ) {
        found.push(row);
      }
    }
  } catch (cause) {
    if (!(cause instanceof RangeError)) throw cause;
    throw new RangeError(
      `Cannot find transaction: ${cause.message}: the outcome is unknown, not "not found"`,
      { cause },
    );
  }
  return closestFirst(found, (row) => row.createdAt, attempted);
}

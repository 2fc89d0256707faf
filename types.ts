/**
 * What WhiteBIT's fixed-lending endpoints answer and take. Amounts and rates
 * stay decimal strings, exactly as WhiteBIT sent them; `created`, `updated`,
 * `paymentTime` and `timestamp` are Unix **seconds**; a plan's `duration` is
 * in **minutes**.
 *
 * @example Name a status instead of writing its number
 * ```ts
 * import { INVESTMENT_STATUS, PLAN_STATUS, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const active = (await client.plans()).filter((plan) => plan.status === PLAN_STATUS.Active);
 * await client.invest({ planId: active[0].id, amount: "100" });
 * const page = await client.investments({ status: INVESTMENT_STATUS.Active });
 * strictEqual(page.records[0].plan.duration, 43_200); // minutes: 30 days
 * ```
 *
 * @module
 */

/**
 * A fixed plan's status codes, by name.
 *
 * @example
 * ```ts
 * import { PLAN_STATUS } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(PLAN_STATUS.Paused, 4);
 * ```
 */
export const PLAN_STATUS = {
  /** Open for investments. */
  Active: 1,
  /** Nothing left to invest in. */
  NoCoinsLeft: 2,
  /** Switched off. */
  Inactive: 3,
  /** Paused by WhiteBIT. */
  Paused: 4,
} as const;

/** A fixed plan's status: 1 active, 2 no coins left, 3 inactive, 4 paused. */
export type PlanStatus = typeof PLAN_STATUS[keyof typeof PLAN_STATUS];

/**
 * An investment's status codes, by name.
 *
 * @example
 * ```ts
 * import { INVESTMENT_STATUS } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(INVESTMENT_STATUS.Closed, 2);
 * ```
 */
export const INVESTMENT_STATUS = {
  /** Running. */
  Active: 1,
  /** Closed early or matured. */
  Closed: 2,
} as const;

/** An investment's status: 1 active, 2 closed. */
export type InvestmentStatus = typeof INVESTMENT_STATUS[keyof typeof INVESTMENT_STATUS];

/** A fixed lending plan, as `plans()` and each investment's `plan` show it. */
export interface FixedPlan {
  /** The plan id, to pass to `invest()`. */
  id: string;
  /** The currency invested. */
  ticker: string;
  /** See {@linkcode PLAN_STATUS}. */
  status: PlanStatus;
  /** The interest percent, a decimal string. */
  percent: string;
  /** The term, in **minutes** (43 200 is 30 days). */
  duration: number;
  /** The currency the interest is paid in. */
  interestTicker: string;
  /**
   * How many units of `ticker` one unit of `interestTicker` is worth: the
   * interest paid is the interest in `ticker` divided by this (`"1"` when the
   * two tickers are the same).
   */
  interestRatio: string;
  /** The smallest amount one investment may have, a decimal string. */
  minInvestment: string;
  /** The largest amount one investment may have, a decimal string. */
  maxInvestment: string;
  /** The most that can be invested now, given what is left in the plan. */
  maxPossibleInvestment: string;
}

/** One investment of the investments history. */
export interface Investment {
  /** The investment id, as `invest()` returned it. */
  id: string;
  /** The plan, as it is now. */
  plan: FixedPlan;
  /** See {@linkcode INVESTMENT_STATUS}. */
  status: InvestmentStatus;
  /** When it was created, Unix **seconds** (WhiteBIT's clock). */
  created: number;
  /** When it last changed, Unix **seconds**. */
  updated: number;
  /** When the interest is (or was) paid, Unix **seconds**. */
  paymentTime: number;
  /** The amount invested, a decimal string. */
  amount: string;
  /** The interest paid so far, a decimal string. */
  interestPaid: string;
}

/** One interest payment. */
export interface InterestPayment {
  /** The plan id. */
  planId: string;
  /** The investment id. */
  investmentId: string;
  /** The interest paid, a decimal string. */
  amount: string;
  /** The currency it was paid in (the plan's `interestTicker`). */
  ticker: string;
  /** When it was paid, Unix **seconds**. */
  timestamp: number;
}

/** One page of a history. */
export interface Page<T> {
  /** The offset WhiteBIT applied. */
  offset: number;
  /** The page size WhiteBIT applied. */
  limit: number;
  /** The records on this page. */
  records: T[];
}

/** What `plans()` takes. */
export interface PlansParams {
  /** Only plans investing this currency, such as `"USDT"`. */
  ticker?: string;
}

/** Paging of a history: WhiteBIT serves at most 100 records from an offset of at most 10 000. */
export interface PagingParams {
  /** Records per page, 1 to 100. Default 100. */
  limit?: number;
  /** Records to skip, 0 to 10 000. Default 0. */
  offset?: number;
}

/** What `investments()` and `allInvestments()` take. */
export interface InvestmentsParams extends PagingParams {
  /** Only this investment. */
  id?: string;
  /** Only investments in plans investing this currency. */
  ticker?: string;
  /** Only active or only closed investments. */
  status?: InvestmentStatus;
}

/** What `interestPayments()` and `allInterestPayments()` take. */
export interface InterestPaymentsParams extends PagingParams {
  /** Only payments of this plan. */
  planId?: string;
  /** Only payments in this currency (the plan's `interestTicker`). */
  ticker?: string;
}

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

/**
 * An investment's status: 1 active, 2 closed.
 *
 * @example
 * ```ts
 * import { INVESTMENT_STATUS, type InvestmentStatus, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const { id } = await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * await client.closeInvestment(id);
 * const status: InvestmentStatus = (await client.investments({ id })).records[0].status;
 * strictEqual(status, INVESTMENT_STATUS.Closed);
 * ```
 */
export type InvestmentStatus = typeof INVESTMENT_STATUS[keyof typeof INVESTMENT_STATUS];

/**
 * A fixed lending plan, as `plans()` and each investment's `plan` show it.
 *
 * @example
 * ```ts
 * import { type FixedPlan, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const plans: FixedPlan[] = await client.plans({ ticker: "USDT" });
 * strictEqual(plans[0].minInvestment, "10"); // a decimal string, as WhiteBIT sent it
 * strictEqual(plans[0].duration, 43_200); // minutes: 30 days
 * ```
 */
export interface FixedPlan {
  /** The plan id, to pass to `invest()`. */
  id: string;
  /** The currency invested. */
  ticker: string;
  /** See {@linkcode PLAN_STATUS}. */
  status: typeof PLAN_STATUS[keyof typeof PLAN_STATUS];
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

/**
 * One investment of the investments history.
 *
 * @example
 * ```ts
 * import { INVESTMENT_STATUS, type Investment, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const { id } = await client.invest({ planId: sandbox.plans[1].id, amount: "0.5" });
 * const investment: Investment = (await client.investments({ id })).records[0];
 * strictEqual(investment.amount, "0.5");
 * strictEqual(investment.plan.ticker, "BTC");
 * strictEqual(investment.status, INVESTMENT_STATUS.Active);
 * ```
 */
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

/**
 * One interest payment.
 *
 * @example
 * ```ts
 * import { type InterestPayment, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * let now = Date.now();
 * const sandbox = new WhiteBitSandbox({ now: () => now });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, now: () => now });
 * const plan = sandbox.plans[0]; // 2.5 % over 43 200 minutes
 * const { id } = await client.invest({ planId: plan.id, amount: "1000" });
 * now += plan.duration * 60_000; // the term passes
 * const payment: InterestPayment = (await client.interestPayments()).records[0];
 * strictEqual(payment.investmentId, id);
 * strictEqual(payment.amount, "25");
 * strictEqual(payment.ticker, "USDT");
 * ```
 */
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

/**
 * One page of a history.
 *
 * @example
 * ```ts
 * import { type Investment, type Page, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * await client.invest({ planId: sandbox.plans[1].id, amount: "0.5" });
 * const first: Page<Investment> = await client.investments({ limit: 1 });
 * const rest: Page<Investment> = await client.investments({ limit: 100, offset: 1 });
 * strictEqual(first.records.length, 1);
 * strictEqual(rest.offset, 1);
 * strictEqual(rest.records.length, 1); // fewer than the limit: the last page
 * ```
 */
export interface Page<T> {
  /** The offset WhiteBIT applied. */
  offset: number;
  /** The page size WhiteBIT applied. */
  limit: number;
  /** The records on this page. */
  records: T[];
}

/**
 * What `plans()` takes.
 *
 * @example
 * ```ts
 * import { type PlansParams, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const params: PlansParams = { ticker: "BTC" };
 * deepStrictEqual((await client.plans(params)).map((plan) => plan.ticker), ["BTC"]);
 * ```
 */
export interface PlansParams {
  /** Only plans investing this currency, such as `"USDT"`. */
  ticker?: string;
}

/**
 * Paging of a history: WhiteBIT serves at most 100 records from an offset of at most 10 000.
 *
 * @example
 * ```ts
 * import { type PagingParams, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { rejects, strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * await client.invest({ planId: sandbox.plans[1].id, amount: "0.5" });
 * const paging: PagingParams = { limit: 1 };
 * let count = 0;
 * for await (const _ of client.allInvestments(paging)) count++; // one record per page
 * strictEqual(count, 2);
 * await rejects(client.investments({ offset: 10_001 }), RangeError); // refused before sending
 * ```
 */
export interface PagingParams {
  /** Records per page, 1 to 100. Default 100. */
  limit?: number;
  /** Records to skip, 0 to 10 000. Default 0. */
  offset?: number;
}

/**
 * What `investments()` and `allInvestments()` take.
 *
 * @example
 * ```ts
 * import { INVESTMENT_STATUS, type InvestmentsParams, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * await client.invest({ planId: sandbox.plans[0].id, amount: "100" }); // USDT
 * await client.invest({ planId: sandbox.plans[1].id, amount: "0.5" }); // BTC
 * const params: InvestmentsParams = { ticker: "BTC", status: INVESTMENT_STATUS.Active, limit: 50 };
 * const { records } = await client.investments(params);
 * deepStrictEqual(records.map((investment) => investment.amount), ["0.5"]);
 * ```
 */
export interface InvestmentsParams extends PagingParams {
  /** Only this investment. */
  id?: string;
  /** Only investments in plans investing this currency. */
  ticker?: string;
  /** Only active or only closed investments. */
  status?: InvestmentStatus;
}

/**
 * What `interestPayments()` and `allInterestPayments()` take.
 *
 * @example
 * ```ts
 * import { type InterestPaymentsParams, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * let now = Date.now();
 * const sandbox = new WhiteBitSandbox({ now: () => now });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, now: () => now });
 * const plan = sandbox.plans[0];
 * await client.invest({ planId: plan.id, amount: "100" });
 * now += plan.duration * 60_000; // the term passes: the interest is paid
 * const params: InterestPaymentsParams = { planId: plan.id, ticker: "USDT", limit: 10 };
 * const page = await client.interestPayments(params);
 * strictEqual(page.limit, 10);
 * strictEqual(page.records[0].amount, "2.5");
 * ```
 */
export interface InterestPaymentsParams extends PagingParams {
  /** Only payments of this plan. */
  planId?: string;
  /** Only payments in this currency (the plan's `interestTicker`). */
  ticker?: string;
}

/**
 * What {@linkcode WhiteBitClient.invest} takes.
 *
 * @example
 * ```ts
 * import { type InvestParams, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const params: InvestParams = { planId: sandbox.plans[1].id, amount: "0.5" }; // never 0.5 as a number
 * await client.invest(params);
 * strictEqual(sandbox.investments[0].amount, "0.5");
 * ```
 */
export interface InvestParams {
  /** The fixed plan's id. */
  planId: string;
  /** The amount as a plain positive decimal string, such as `"100"` or `"0.5"`. */
  amount: string;
}

/**
 * A created investment.
 *
 * @example
 * ```ts
 * import { type InvestResult, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const result: InvestResult = await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * strictEqual(result.id, sandbox.investments[0].id);
 * ```
 */
export interface InvestResult {
  /** WhiteBIT's id of the new investment. */
  id: string;
}

/**
 * What WhiteBIT's flex-lending endpoints answer and take, with WhiteBIT's
 * field names unchanged (`plan`, `investment`, `transaction_id`, …). Amounts
 * and rates stay decimal strings as WhiteBIT sent them; `createdAt`,
 * `updatedAt`, `dateFrom` and `dateTo` are Unix **seconds**.
 *
 * Flex differs from fixed lending: a position is addressed by its **plan**
 * (one per plan and account), pages hold `data` (not `records`), and an
 * investment's status is 1 active / **0** closed (fixed: 1 / 2).
 *
 * @example Name an action type instead of writing its number
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { FLEX_ACTION_TYPE } from "@lending/whitebit/flex";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const [plan] = await client.flex.plans({ ticker: "USDT" });
 * await client.flex.invest({ plan: plan.id, amount: "100" });
 * const { data } = await client.flex.history({ plan: plan.id });
 * strictEqual(data[0].actionType, FLEX_ACTION_TYPE.OpenInvestment);
 * ```
 *
 * @module
 */

/**
 * A flex investment's status codes, by name: note 0 is closed (fixed lending's
 * closed is 2).
 *
 * @example
 * ```ts
 * import { FLEX_INVESTMENT_STATUS } from "@lending/whitebit/flex";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(FLEX_INVESTMENT_STATUS.Closed, 0);
 * ```
 */
export const FLEX_INVESTMENT_STATUS = {
  /** Closed: everything was taken out. */
  Closed: 0,
  /** Running. */
  Active: 1,
} as const;

/**
 * A flex investment's status: 1 active, 0 closed.
 *
 * @example
 * ```ts
 * import { FLEX_INVESTMENT_STATUS, type FlexInvestmentStatus } from "@lending/whitebit/flex";
 *
 * const status: FlexInvestmentStatus = FLEX_INVESTMENT_STATUS.Active;
 * console.log(status); // 1
 * ```
 */
export type FlexInvestmentStatus =
  typeof FLEX_INVESTMENT_STATUS[keyof typeof FLEX_INVESTMENT_STATUS];

/**
 * The action types of the flex history, by name (WhiteBIT's 1–6).
 *
 * @example
 * ```ts
 * import { FLEX_ACTION_TYPE } from "@lending/whitebit/flex";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(FLEX_ACTION_TYPE.WithdrawFromInvestment, 3);
 * ```
 */
export const FLEX_ACTION_TYPE = {
  /** 1, INVEST: money put into a position (a top-up). */
  Invest: 1,
  /** 2, REINVEST: a daily earning added to the position. */
  Reinvest: 2,
  /** 3, WITHDRAW_FROM_INVESTMENT: a partial withdrawal. */
  WithdrawFromInvestment: 3,
  /** 4, DAILY_EARNING: a daily earning. */
  DailyEarning: 4,
  /** 5, CLOSE_INVESTMENT: the position closed, everything taken out. */
  CloseInvestment: 5,
  /** 6, OPEN_INVESTMENT: the position opened. */
  OpenInvestment: 6,
} as const;

/**
 * An action type of the flex history: 1 to 6, see {@linkcode FLEX_ACTION_TYPE}.
 *
 * @example
 * ```ts
 * import { FLEX_ACTION_TYPE, type FlexActionType } from "@lending/whitebit/flex";
 *
 * const types: FlexActionType[] = [FLEX_ACTION_TYPE.Invest, FLEX_ACTION_TYPE.Reinvest];
 * console.log(types); // [1, 2]
 * ```
 */
export type FlexActionType = typeof FLEX_ACTION_TYPE[keyof typeof FLEX_ACTION_TYPE];

/**
 * A flex plan, as `client.flex.plans()` lists it.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import type { FlexPlan } from "@lending/whitebit/flex";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const plans: FlexPlan[] = await client.flex.plans({ ticker: "BTC" });
 * strictEqual(plans[0].ticker, "BTC");
 * strictEqual(typeof plans[0].maxRate, "string");
 * ```
 */
export interface FlexPlan {
  /** The plan id: what every flex call is addressed by. */
  id: string;
  /** The currency invested. */
  ticker: string;
  /** The smallest position, a decimal string. */
  minInvestment: string;
  /** The largest position, a decimal string. */
  maxInvestment: string;
  /** The highest interest rate the plan pays, a decimal string as WhiteBIT states it. */
  maxRate: string;
}

/**
 * A flex position (WhiteBIT's `FlexInvestment`): one per account and plan.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { FLEX_INVESTMENT_STATUS, type FlexInvestment } from "@lending/whitebit/flex";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const [plan] = await client.flex.plans({ ticker: "USDT" });
 * await client.flex.invest({ plan: plan.id, amount: "100" });
 * await client.flex.invest({ plan: plan.id, amount: "50" }); // a top-up of the same position
 * const [position]: FlexInvestment[] = (await client.flex.investments({ plan: plan.id })).data;
 * strictEqual(position.invested, "150");
 * strictEqual(position.status, FLEX_INVESTMENT_STATUS.Active);
 * ```
 */
export interface FlexInvestment {
  /** The investment id. */
  id: string;
  /** The plan id. */
  planId: string;
  /** The currency invested. */
  currency: string;
  /** The amount in the position now, a decimal string. */
  invested: string;
  /** Whether daily earnings are added to the position. */
  withAutoReinvest: boolean;
  /** See {@linkcode FLEX_INVESTMENT_STATUS}: 1 active, 0 closed. */
  status: FlexInvestmentStatus;
  /** When it was opened, Unix **seconds**. */
  createdAt: number;
  /** When it last changed, Unix **seconds**. */
  updatedAt: number;
}

/**
 * One row of the flex history or payment history (WhiteBIT's
 * `FlexInvestmentHistory`): a movement of money with its transaction id,
 * which WhiteBIT names in snake case among camel-case fields.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import type { FlexTransaction } from "@lending/whitebit/flex";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const [plan] = await client.flex.plans({ ticker: "USDT" });
 * const { transactionId } = await client.flex.invest({ plan: plan.id, amount: "100" });
 * const [row]: FlexTransaction[] = (await client.flex.history({ transaction: transactionId })).data;
 * strictEqual(row.transaction_id, transactionId);
 * strictEqual(row.amount, "100");
 * ```
 */
export interface FlexTransaction {
  /** When it happened, Unix **seconds** (WhiteBIT's clock). */
  createdAt: number;
  /** The plan id. */
  planId: string;
  /** The investment id. */
  investmentId: string;
  /** The currency moved. */
  currency: string;
  /** The amount moved, a decimal string. */
  amount: string;
  /** The transaction id, as invest, withdraw and close return it. */
  transaction_id: string;
  /** See {@linkcode FLEX_ACTION_TYPE}. */
  actionType: FlexActionType;
}

/**
 * One page of a flex list, as WhiteBIT sends it: `data`, not fixed lending's `records`.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import type { FlexInvestment, FlexPage } from "@lending/whitebit/flex";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const page: FlexPage<FlexInvestment> = await client.flex.investments({ limit: 10 });
 * strictEqual(page.limit, 10);
 * strictEqual(page.data.length, 0);
 * ```
 */
export interface FlexPage<T> {
  /** The records on this page. */
  data: T[];
  /** The page size WhiteBIT applied. */
  limit: number;
  /** The offset WhiteBIT applied. */
  offset: number;
}

/**
 * Paging of a flex list: at most 100 records a page, from an offset of at most 10 000.
 *
 * @example
 * ```ts
 * import type { FlexPagingParams } from "@lending/whitebit/flex";
 *
 * const paging: FlexPagingParams = { limit: 100, offset: 200 };
 * console.log(paging);
 * ```
 */
export interface FlexPagingParams {
  /** Records per page, 1 to 100. WhiteBIT's default: 100 (plans, investments) or 50 (histories). */
  limit?: number;
  /** Records to skip, 0 to 10 000. Default 0. */
  offset?: number;
}

/**
 * What `client.flex.plans()` takes.
 *
 * @example
 * ```ts
 * import type { FlexPlansParams } from "@lending/whitebit/flex";
 *
 * const params: FlexPlansParams = { ticker: "USDT", limit: 50 };
 * console.log(params);
 * ```
 */
export interface FlexPlansParams extends FlexPagingParams {
  /** Only plans investing this currency, such as `"USDT"`. */
  ticker?: string;
}

/**
 * What `client.flex.investments()` takes.
 *
 * @example
 * ```ts
 * import { FLEX_INVESTMENT_STATUS, type FlexInvestmentsParams } from "@lending/whitebit/flex";
 *
 * const params: FlexInvestmentsParams = { investmentStatus: FLEX_INVESTMENT_STATUS.Active };
 * console.log(params);
 * ```
 */
export interface FlexInvestmentsParams extends FlexPagingParams {
  /** Only positions in this currency. */
  ticker?: string;
  /** Only the position in this plan. */
  plan?: string;
  /** Only this investment. */
  investment?: string;
  /** Only active (1) or only closed (0) positions. */
  investmentStatus?: FlexInvestmentStatus;
}

/**
 * What `client.flex.payments()` takes: the daily earnings only.
 *
 * @example
 * ```ts
 * import type { FlexPaymentsParams } from "@lending/whitebit/flex";
 *
 * const params: FlexPaymentsParams = { dateFrom: 1_767_225_600, dateTo: 1_769_904_000 };
 * console.log(params);
 * ```
 */
export interface FlexPaymentsParams extends FlexPagingParams {
  /** Only this plan. */
  plan?: string;
  /** Only this investment. */
  investment?: string;
  /** Only this transaction. */
  transaction?: string;
  /** From this moment, Unix **seconds**. */
  dateFrom?: number;
  /** Up to this moment, Unix **seconds**. */
  dateTo?: number;
}

/**
 * What `client.flex.history()` takes.
 *
 * @example
 * ```ts
 * import { FLEX_ACTION_TYPE, type FlexHistoryParams } from "@lending/whitebit/flex";
 *
 * const { Invest, OpenInvestment } = FLEX_ACTION_TYPE;
 * const params: FlexHistoryParams = { actionTypes: [Invest, OpenInvestment] };
 * console.log(params);
 * ```
 */
export interface FlexHistoryParams extends FlexPaymentsParams {
  /** Only these action types: 1 to 6 known types, each at most once. */
  actionTypes?: FlexActionType[];
}

/**
 * What `client.flex.invest()` takes.
 *
 * @example
 * ```ts
 * import type { FlexInvestParams } from "@lending/whitebit/flex";
 *
 * const params: FlexInvestParams = { plan: "8f2e9d3c", amount: "1000.5", withReinvest: true };
 * console.log(params);
 * ```
 */
export interface FlexInvestParams {
  /** The flex plan's id. */
  plan: string;
  /** The amount as a plain positive decimal string, such as `"100"` or `"0.5"`. */
  amount: string;
  /**
   * Add daily earnings to the position. Left out, nothing is sent and
   * WhiteBIT applies its default (off); whether a top-up then switches an
   * existing position's reinvesting off is not documented, so pass it.
   */
  withReinvest?: boolean;
}

/**
 * What `client.flex.withdraw()` takes: a part of the position.
 *
 * @example
 * ```ts
 * import type { FlexWithdrawParams } from "@lending/whitebit/flex";
 *
 * const params: FlexWithdrawParams = { plan: "8f2e9d3c", amount: "500.25" };
 * console.log(params);
 * ```
 */
export interface FlexWithdrawParams {
  /** The flex plan's id. */
  plan: string;
  /** The amount to take out, a plain positive decimal string. */
  amount: string;
}

/**
 * What `client.flex.close()` takes.
 *
 * @example
 * ```ts
 * import type { FlexCloseParams } from "@lending/whitebit/flex";
 *
 * const params: FlexCloseParams = { plan: "8f2e9d3c" };
 * console.log(params);
 * ```
 */
export interface FlexCloseParams {
  /** The flex plan's id: its position is closed and everything taken out. */
  plan: string;
}

/**
 * What `client.flex.autoInvest()` takes.
 *
 * @example
 * ```ts
 * import type { FlexAutoInvestParams } from "@lending/whitebit/flex";
 *
 * const params: FlexAutoInvestParams = { plan: "8f2e9d3c", enabled: false };
 * console.log(params);
 * ```
 */
export interface FlexAutoInvestParams {
  /** The flex plan's id. */
  plan: string;
  /**
   * On or off: **required** here, because WhiteBIT's default (when left
   * out) silently switches reinvesting off.
   */
  enabled: boolean;
}

/**
 * What invest, withdraw and close return: the transaction, from WhiteBIT's
 * `data.transaction_id`, to find in the history.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import type { FlexTransactionResult } from "@lending/whitebit/flex";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const [plan] = await client.flex.plans({ ticker: "USDT" });
 * const result: FlexTransactionResult = await client.flex.invest({ plan: plan.id, amount: "100" });
 * strictEqual(typeof result.transactionId, "string");
 * ```
 */
export interface FlexTransactionResult {
  /** WhiteBIT's transaction id (`data.transaction_id`). */
  transactionId: string;
}

/**
 * `client.flex`: WhiteBIT's flex lending, with the money rules of the fixed
 * half. Positions are addressed by plan; invest (a top-up), withdraw (a part)
 * and close are sent at most once and never retried once they may have run,
 * and a failure whose outcome is unknown is reconciled with
 * {@linkcode FlexClient.findTransaction}.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const [plan] = await client.flex.plans({ ticker: "USDT" });
 * await client.flex.invest({ plan: plan.id, amount: "100", withReinvest: true });
 * await client.flex.withdraw({ plan: plan.id, amount: "40" });
 * const [position] = (await client.flex.investments({ plan: plan.id })).data;
 * strictEqual(position.invested, "60");
 * ```
 *
 * @module
 */

import { checkParams, type Endpoint } from "../_endpoints.ts";
import type { WhiteBitError } from "../errors.ts";
import type { CallOptions } from "../options.ts";
import { walk } from "../_pages.ts";
import { FLEX_ENDPOINTS } from "./_endpoints.ts";
import { findTransaction } from "./_reconcile.ts";
import type {
  FlexAutoInvestParams,
  FlexCloseParams,
  FlexHistoryParams,
  FlexInvestment,
  FlexInvestmentsParams,
  FlexInvestParams,
  FlexPage,
  FlexPaymentsParams,
  FlexPlan,
  FlexPlansParams,
  FlexTransaction,
  FlexTransactionResult,
  FlexWithdrawParams,
} from "./types.ts";

/**
 * The flex half of {@linkcode WhiteBitClient}, as `client.flex`: the 8 calls
 * of `/api/v4/main-account/smart-flex/`, WhiteBIT's field names unchanged.
 * Every call checks its parameters before anything is sent (`TypeError` or
 * `RangeError`, nothing sent) and fails with a `WhiteBitError` that says
 * whether funds may have moved (`outcome`).
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import type { FlexClient } from "@lending/whitebit/flex";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const lending: FlexClient = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch }).flex;
 * strictEqual((await lending.plans()).length > 0, true);
 * ```
 */
export interface FlexClient {
  /**
   * Lists the flex plans open to this account (`…/smart-flex/plans`).
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { ok } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const plans = await client.flex.plans({ ticker: "USDT" });
   * ok(plans.every((plan) => plan.ticker === "USDT" && typeof plan.minInvestment === "string"));
   * ```
   *
   * @param params `ticker`, `limit` (1–100), `offset` (0–10 000).
   * @param options A signal to cancel the call.
   * @returns The plans, amounts and rates as decimal strings.
   */
  plans(params?: FlexPlansParams, options?: CallOptions): Promise<FlexPlan[]>;

  /**
   * Reads one page of the account's flex positions (`…/smart-flex/investments`).
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { FLEX_INVESTMENT_STATUS } from "@lending/whitebit/flex";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const [plan] = await client.flex.plans({ ticker: "BTC" });
   * await client.flex.invest({ plan: plan.id, amount: "0.5" });
   * const { Active } = FLEX_INVESTMENT_STATUS;
   * const { data } = await client.flex.investments({ investmentStatus: Active, ticker: "BTC" });
   * strictEqual(data[0].invested, "0.5");
   * ```
   *
   * @param params Filters (`ticker`, `plan`, `investment`, `investmentStatus` 1 or 0) and paging.
   * @param options A signal to cancel the call.
   * @returns The page: `{ data, limit, offset }`.
   */
  investments(
    params?: FlexInvestmentsParams,
    options?: CallOptions,
  ): Promise<FlexPage<FlexInvestment>>;

  /**
   * Walks the flex positions page by page, from `offset` (default 0) in pages
   * of `limit` (default 100), as far as offset 10 000. Parameters are checked
   * when this is called.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * for (const plan of await client.flex.plans({ ticker: "USDT" })) {
   *   await client.flex.invest({ plan: plan.id, amount: plan.minInvestment });
   * }
   * let count = 0;
   * for await (const _ of client.flex.allInvestments({ limit: 1 })) count++;
   * strictEqual(count, (await client.flex.plans({ ticker: "USDT" })).length);
   * ```
   *
   * @param params Filters, the page size (`limit`) and the first `offset`.
   * @param options A signal to cancel the walk.
   * @returns The positions, one at a time.
   */
  allInvestments(
    params?: FlexInvestmentsParams,
    options?: CallOptions,
  ): AsyncGenerator<FlexInvestment, void, undefined>;

  /**
   * Reads one page of the flex history (`…/investments/history`): every
   * movement, each with its `transaction_id` and `actionType`.
   *
   * @example
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
   * const { transactionId } = await client.flex.withdraw({ plan: plan.id, amount: "30" });
   * const { WithdrawFromInvestment } = FLEX_ACTION_TYPE;
   * const { data } = await client.flex.history({ plan: plan.id, actionTypes: [WithdrawFromInvestment] });
   * strictEqual(data[0].transaction_id, transactionId);
   * strictEqual(data[0].amount, "30");
   * ```
   *
   * @param params Filters (`plan`, `investment`, `transaction`, `dateFrom`
   *   and `dateTo` in Unix seconds, `actionTypes`) and paging.
   * @param options A signal to cancel the call.
   * @returns The page: `{ data, limit, offset }`.
   */
  history(params?: FlexHistoryParams, options?: CallOptions): Promise<FlexPage<FlexTransaction>>;

  /**
   * Walks the flex history page by page, like {@linkcode FlexClient.allInvestments}.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const [plan] = await client.flex.plans({ ticker: "USDT" });
   * await client.flex.invest({ plan: plan.id, amount: "100" });
   * await client.flex.invest({ plan: plan.id, amount: "50" });
   * const amounts = [];
   * for await (const row of client.flex.allHistory({ plan: plan.id, limit: 1 })) amounts.push(row.amount);
   * deepStrictEqual(amounts.sort(), ["100", "50"]);
   * ```
   *
   * @param params Filters, the page size (`limit`) and the first `offset`.
   * @param options A signal to cancel the walk.
   * @returns The history's rows, one at a time.
   */
  allHistory(
    params?: FlexHistoryParams,
    options?: CallOptions,
  ): AsyncGenerator<FlexTransaction, void, undefined>;

  /**
   * Reads one page of the daily earnings (`…/investments/payment-history`:
   * the DAILY_EARNING rows of the history only).
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { FLEX_ACTION_TYPE } from "@lending/whitebit/flex";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * let now = Date.now();
   * const sandbox = new WhiteBitSandbox({ now: () => now });
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, now: () => now });
   * const [plan] = await client.flex.plans({ ticker: "USDT" });
   * await client.flex.invest({ plan: plan.id, amount: "1000" });
   * now += 86_400_000; // a day passes
   * const { data } = await client.flex.payments({ plan: plan.id });
   * strictEqual(data[0].actionType, FLEX_ACTION_TYPE.DailyEarning);
   * ```
   *
   * @param params Filters (`plan`, `investment`, `transaction`, `dateFrom`, `dateTo`) and paging.
   * @param options A signal to cancel the call.
   * @returns The page: `{ data, limit, offset }`.
   */
  payments(params?: FlexPaymentsParams, options?: CallOptions): Promise<FlexPage<FlexTransaction>>;

  /**
   * Walks the daily earnings page by page, like {@linkcode FlexClient.allInvestments}.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * let count = 0;
   * for await (const _ of client.flex.allPayments()) count++;
   * strictEqual(count, 0);
   * ```
   *
   * @param params Filters, the page size (`limit`) and the first `offset`.
   * @param options A signal to cancel the walk.
   * @returns The earnings, one at a time.
   */
  allPayments(
    params?: FlexPaymentsParams,
    options?: CallOptions,
  ): AsyncGenerator<FlexTransaction, void, undefined>;

  /**
   * Puts `amount` into the plan's position (`…/investments/invest`): opens
   * it, or **tops up** the one there is. A replay would be a second top-up,
   * so this is sent at most once: after `outcome: "unknown"`, reconcile with
   * {@linkcode FlexClient.findTransaction} before investing again.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const [plan] = await client.flex.plans({ ticker: "USDT" });
   * const before = sandbox.balance(sandbox.credentials.apiKey, "USDT");
   * const { transactionId } = await client.flex.invest({ plan: plan.id, amount: "250.5" });
   * strictEqual(typeof transactionId, "string");
   * strictEqual(before, "10000");
   * strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "9749.5");
   * ```
   *
   * @param params `plan`, `amount` as a decimal string, and `withReinvest`.
   * @param options A signal to cancel the call.
   * @returns The transaction id.
   * @throws {TypeError} If a parameter has the wrong type; nothing is sent.
   * @throws {RangeError} If `amount` is not a plain positive decimal; nothing is sent.
   * @throws {WhiteBitError} A `FlexRejectedError` with its `reason` if
   *   WhiteBIT refused it; an error with `outcome: "unknown"` if it may have run.
   */
  invest(params: FlexInvestParams, options?: CallOptions): Promise<FlexTransactionResult>;

  /**
   * Takes `amount` out of the plan's position (`…/investments/withdraw`).
   * Partial, so a replay would take it out twice: sent at most once, like
   * {@linkcode FlexClient.invest}.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const [plan] = await client.flex.plans({ ticker: "USDT" });
   * await client.flex.invest({ plan: plan.id, amount: "100" });
   * await client.flex.withdraw({ plan: plan.id, amount: "25" });
   * strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "9925");
   * ```
   *
   * @param params `plan` and `amount` as a decimal string.
   * @param options A signal to cancel the call.
   * @returns The transaction id.
   * @throws {TypeError} If a parameter has the wrong type; nothing is sent.
   * @throws {RangeError} If `amount` is not a plain positive decimal; nothing is sent.
   * @throws {WhiteBitError} A `FlexRejectedError` with its `reason` if
   *   WhiteBIT refused it; an error with `outcome: "unknown"` if it may have run.
   */
  withdraw(params: FlexWithdrawParams, options?: CallOptions): Promise<FlexTransactionResult>;

  /**
   * Closes the plan's position and takes everything out
   * (`…/investments/close`). Sent at most once.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { FLEX_INVESTMENT_STATUS } from "@lending/whitebit/flex";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const [plan] = await client.flex.plans({ ticker: "USDT" });
   * await client.flex.invest({ plan: plan.id, amount: "100" });
   * await client.flex.close({ plan: plan.id });
   * const [position] = (await client.flex.investments({ plan: plan.id })).data;
   * strictEqual(position.status, FLEX_INVESTMENT_STATUS.Closed);
   * strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "10000");
   * ```
   *
   * @param params `plan`.
   * @param options A signal to cancel the call.
   * @returns The transaction id.
   * @throws {TypeError} If `plan` is not a string; nothing is sent.
   * @throws {WhiteBitError} A `FlexRejectedError` with its `reason` if
   *   WhiteBIT refused it; an error with `outcome: "unknown"` if it may have run.
   */
  close(params: FlexCloseParams, options?: CallOptions): Promise<FlexTransactionResult>;

  /**
   * Switches adding daily earnings to the position on or off
   * (`…/investments/auto-invest`). `enabled` is required: WhiteBIT's default
   * would switch it off. Sent at most once; setting a flag moves no funds,
   * so after `outcome: "unknown"` it is safe to send again (or read
   * `withAutoReinvest` with {@linkcode FlexClient.investments}).
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const [plan] = await client.flex.plans({ ticker: "USDT" });
   * await client.flex.invest({ plan: plan.id, amount: "100", withReinvest: false });
   * await client.flex.autoInvest({ plan: plan.id, enabled: true });
   * const [position] = (await client.flex.investments({ plan: plan.id })).data;
   * strictEqual(position.withAutoReinvest, true);
   * ```
   *
   * @param params `plan` and `enabled`.
   * @param options A signal to cancel the call.
   * @throws {TypeError} If `enabled` is missing or not a boolean; nothing is sent.
   * @throws {WhiteBitError} A `FlexRejectedError` (`reason: "no_investment"`)
   *   if the plan holds no position.
   */
  autoInvest(params: FlexAutoInvestParams, options?: CallOptions): Promise<void>;

  /**
   * Reconciles a flex invest, withdraw or close whose outcome is unknown:
   * searches the history for the movement it would have made, in the
   * failed call's plan (ids compared without regard to case), of its action
   * types (an invest: INVEST or OPEN_INVESTMENT; a withdraw:
   * WITHDRAW_FROM_INVESTMENT; a close: CLOSE_INVESTMENT), of its exact
   * amount (compared as decimals, sign aside; any amount for a close), at
   * or after the attempt less `toleranceMs`. Sends only reads.
   *
   * It answers `null` at once, without a request, for an error of outcome
   * `"not_executed"`. Otherwise it asks WhiteBIT for the plan's rows of
   * those types from `dateFrom` (the attempt less `toleranceMs`), checks
   * each row again itself, and reads every page up to one shorter than
   * asked: `null` then proves there is no such movement. If WhiteBIT serves
   * another page than asked, or the rows go on past offset 10 000, it
   * throws a `RangeError` saying the outcome is unknown, never `null`.
   *
   * **The ambiguous case:** WhiteBIT records no request id, so movements of
   * the same plan, type and amount made close together (identical
   * concurrent calls, a retry of the same amount within `toleranceMs`, or a
   * close made elsewhere) cannot be told apart. Then this returns the one
   * closest to the attempt, which may belong to another call: it can say
   * "found" for a call that did not run, never "not found" for one that
   * did. Give concurrent calls different amounts where this matters.
   *
   * @example Find out whether a dropped top-up went through
   * ```ts
   * import { WhiteBitClient, WhiteBitError } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const [plan] = await client.flex.plans({ ticker: "USDT" });
   * sandbox.injectFault({ kind: "drop", afterProcessing: true }); // invest, then cut the line
   * const error = await client.flex.invest({ plan: plan.id, amount: "100" })
   *   .then(() => null, (error: WhiteBitError) => error);
   * strictEqual(error?.outcome, "unknown");
   * const found = await client.flex.findTransaction(error!);
   * strictEqual(found?.amount, "100"); // it went through: do not invest again
   * ```
   *
   * @param error A failed flex invest's, withdraw's or close's error, or an
   *   object with its `requestPath`, `outcome`, `params` and `attemptedAt`
   *   (such as the error's JSON, kept to reconcile later).
   * @param options `toleranceMs` (default 60 000) and a signal.
   * @returns The history row, or `null` if there provably is none.
   * @throws {TypeError} If `error` is not from one of those calls or lacks
   *   what is needed; nothing is sent.
   * @throws {RangeError} If `toleranceMs` is negative (nothing is sent), or
   *   if the history cannot be read far enough: the outcome is still unknown.
   * @throws {WhiteBitError} If a read failed: nothing is known yet.
   */
  findTransaction(
    error: Pick<WhiteBitError, "requestPath" | "outcome" | "params" | "attemptedAt">,
    options?: CallOptions & {
      /** How far before `attemptedAt` a row's `createdAt` may lie and still count. Default 60 000. */
      toleranceMs?: number;
    },
  ): Promise<FlexTransaction | null>;
}

/** Sends one call of an endpoint: its parameters checked, at most once if state-changing. */
export type Call = <T>(endpoint: Endpoint<T>, params: unknown, options: CallOptions) => Promise<T>;

/**
 * The `client.flex` of a client that sends through `call`.
 *
 * @param call How the client sends a call.
 * @returns The flex calls.
 */
export function flexClient(call: Call): FlexClient {
  const send = <T>(endpoint: Endpoint<T>) => (params: unknown = {}, options: CallOptions = {}) =>
    call(endpoint, params, options);
  const all = <T>(endpoint: Endpoint<FlexPage<T>>) =>
  (
    params: { limit?: number; offset?: number } = {},
    options: CallOptions = {},
  ): AsyncGenerator<T, void, undefined> => {
    checkParams(endpoint, params);
    return walk(
      async (page) => ({ records: (await call(endpoint, { ...params, ...page }, options)).data }),
      params,
    );
  };
  const { plans, investments, history, payments, invest, withdraw, close, autoInvest } =
    FLEX_ENDPOINTS;
  return {
    plans: send(plans),
    investments: send(investments),
    allInvestments: all(investments),
    history: send(history),
    allHistory: all(history),
    payments: send(payments),
    allPayments: all(payments),
    invest: send(invest),
    withdraw: send(withdraw),
    close: send(close),
    autoInvest: async (params, options = {}) => {
      await call(autoInvest, params, options);
    },
    findTransaction: (error, options = {}) =>
      findTransaction((params) => call(history, params, options), error, options),
  };
}

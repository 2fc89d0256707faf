/**
 * The sandbox's flex books: one position per account and plan, top-ups and
 * partial withdrawals moving balances exactly, closing, the auto-reinvest
 * flag, daily earnings on the sandbox's clock, and a history row with a
 * transaction id for every movement. It knows nothing of HTTP or WhiteBIT's
 * wording: it says what happened to the money, or why nothing did (a
 * refusal named as the client's `FlexRejectionReason`s are).
 *
 * The balances are the account's main balances, shared with fixed lending
 * through a {@linkcode Wallet}.
 *
 * @example Invest, let a day pass, withdraw a part
 * ```ts
 * import { FlexLedger } from "./_flex_ledger.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const balances = new Map([["USDT", "1000"]]);
 * let now = 1_700_000_000_000;
 * let id = 0;
 * const ledger = new FlexLedger({
 *   plans: [{ id: "flex-usdt", ticker: "USDT", minInvestment: "1", maxInvestment: "1000", maxRate: "0.365" }],
 *   wallet: {
 *     balance: (_key, ticker) => balances.get(ticker) ?? "0",
 *     set: (_key, ticker, amount) => void balances.set(ticker, amount),
 *     precision: () => 6,
 *   },
 *   now: () => now,
 *   newId: () => `id-${++id}`,
 * });
 * ledger.invest({ apiKey: "key", plan: "flex-usdt", amount: "100" });
 * now += 86_400_000; // a day: 100 × 0.365 / 365 = 0.1 earned, paid to the balance
 * ledger.settle();
 * strictEqual(balances.get("USDT"), "900.1");
 * ledger.withdraw({ apiKey: "key", plan: "flex-usdt", amount: "40" });
 * strictEqual(ledger.investments("key")[0].invested, "60");
 * ```
 *
 * @module
 */

import {
  addDecimal,
  compareDecimal,
  divideDecimal,
  multiplyDecimal,
  subtractDecimal,
} from "../client/_decimal.ts";
import type { FlexRejectionReason } from "../client/flex/errors.ts";
import {
  FLEX_ACTION_TYPE,
  type FlexActionType,
  type FlexInvestment,
  type FlexTransaction,
} from "../client/flex/types.ts";

const DAY_MS = 86_400_000;
const { Invest, Reinvest, WithdrawFromInvestment, DailyEarning, CloseInvestment, OpenInvestment } =
  FLEX_ACTION_TYPE;

/**
 * A flex plan of the sandbox.
 *
 * @example
 * ```ts
 * import { type SandboxFlexPlan, WhiteBitSandbox } from "@lending/whitebit/testing";
 *
 * const plan: SandboxFlexPlan = {
 *   id: "flex-usdt",
 *   ticker: "USDT",
 *   minInvestment: "10",
 *   maxInvestment: "100000",
 *   maxRate: "0.15",
 *   investmentLimit: "250000", // all positions in the plan together
 * };
 * const sandbox = new WhiteBitSandbox({ flexPlans: [plan] });
 * console.log(sandbox.flexInvestments.length); // 0
 * ```
 */
export interface SandboxFlexPlan {
  /** The plan id. */
  id: string;
  /** The currency invested. */
  ticker: string;
  /** The smallest position. */
  minInvestment: string;
  /** The largest position. */
  maxInvestment: string;
  /**
   * The rate as WhiteBIT lists it. The sandbox reads it as a yearly
   * fraction (`"0.15"`: 15 % a year), earned daily as 1/365 of it.
   */
  maxRate: string;
  /**
   * `"active"` (default; listed), `"paused"` or `"unavailable"` (not listed;
   * an invest is refused with WhiteBIT's "Plan is paused" or "Plan is unavailable").
   */
  state?: "active" | "paused" | "unavailable";
  /** A private plan: only these API keys see and use it. Default: public. */
  privateTo?: readonly string[];
  /** The most all positions in the plan may hold together (WhiteBIT's investment limit). Default: none. */
  investmentLimit?: string;
  /** The smallest withdrawal (WhiteBIT's "min possible"). Default: none. */
  minWithdrawal?: string;
}

/**
 * A flex position as the sandbox keeps it: WhiteBIT's fields, and whose it is.
 *
 * @example
 * ```ts
 * import { type SandboxFlexInvestment, WhiteBitSandbox } from "@lending/whitebit/testing";
 *
 * const sandbox = new WhiteBitSandbox();
 * const positions: readonly SandboxFlexInvestment[] = sandbox.flexInvestments;
 * console.log(positions.length); // 0
 * ```
 */
export interface SandboxFlexInvestment extends FlexInvestment {
  /** The account's API key. */
  apiKey: string;
}

/**
 * A row of the sandbox's flex history: WhiteBIT's fields, and whose it is.
 *
 * @example
 * ```ts
 * import { type SandboxFlexTransaction, WhiteBitSandbox } from "@lending/whitebit/testing";
 *
 * const sandbox = new WhiteBitSandbox();
 * const rows: readonly SandboxFlexTransaction[] = sandbox.flexHistory;
 * console.log(rows.length); // 0
 * ```
 */
export interface SandboxFlexTransaction extends FlexTransaction {
  /** The account's API key. */
  apiKey: string;
}

/** The account balances the flex books move: the same main balances fixed lending uses. */
export interface Wallet {
  /** An account's balance of `ticker` ("0" if none). */
  balance(apiKey: string, ticker: string): string;
  /** Sets an account's balance of `ticker`. */
  set(apiKey: string, ticker: string, amount: string): void;
  /** Decimal places of `ticker`. */
  precision(ticker: string): number;
}

/** What {@linkcode FlexLedger} is made of. */
export interface FlexLedgerOptions {
  /** The flex plans. */
  plans: readonly Readonly<SandboxFlexPlan>[];
  /** The balances moved. */
  wallet: Wallet;
  /** The clock, Unix milliseconds. */
  now: () => number;
  /** Makes each new position's and transaction's id. */
  newId: () => string;
}

/** What a flex order did: its history row, or why nothing happened. */
export type FlexOutcome =
  | { transaction: Readonly<SandboxFlexTransaction> }
  | { refused: FlexRejectionReason; available?: string };

/** Which of an account's positions to list; an absent field matches all. */
export interface FlexInvestmentFilter {
  /** The currency. */
  ticker?: string;
  /** The plan id. */
  plan?: string;
  /** The investment id. */
  investment?: string;
  /** 1 active, 0 closed. */
  investmentStatus?: number;
}

/** Which of an account's history rows to list; an absent field matches all. */
export interface FlexHistoryFilter {
  /** The plan id. */
  plan?: string;
  /** The investment id. */
  investment?: string;
  /** The transaction id. */
  transaction?: string;
  /** From this second on. */
  dateFrom?: number;
  /** Up to this second. */
  dateTo?: number;
  /** Only these action types. */
  actionTypes?: readonly number[];
}

/** Positions and history in exact decimals, on the sandbox's clock. */
export class FlexLedger {
  readonly #plans: Map<string, Readonly<SandboxFlexPlan>>;
  /** Positions by `apiKey + " " + plan`, and the time each last earned. */
  readonly #positions = new Map<string, SandboxFlexInvestment & { earnedAt: number }>();
  /** Newest first. */
  readonly #history: SandboxFlexTransaction[] = [];
  readonly #wallet: Wallet;
  readonly #now: () => number;
  readonly #newId: () => string;

  /**
   * Opens the flex books.
   *
   * @param options Plans, balances, clock and ids.
   */
  constructor(options: FlexLedgerOptions) {
    this.#plans = new Map(options.plans.map((plan) => [plan.id, { ...plan }]));
    this.#wallet = options.wallet;
    this.#now = options.now;
    this.#newId = options.newId;
  }

  /** Every plan, listed or not. */
  allPlans(): Readonly<SandboxFlexPlan>[] {
    return [...this.#plans.values()];
  }

  /** A plan by id, listed or not. */
  plan(id: string): Readonly<SandboxFlexPlan> | undefined {
    return this.#plans.get(id);
  }

  /** The plans WhiteBIT lists to `apiKey`: active, public or private to it. */
  plans(apiKey: string): Readonly<SandboxFlexPlan>[] {
    return [...this.#plans.values()].filter((plan) =>
      (plan.state ?? "active") === "active" && this.#open(plan, apiKey)
    );
  }

  /** An account's positions (every account's without `apiKey`), newest first. */
  investments(apiKey?: string, filter: FlexInvestmentFilter = {}): SandboxFlexInvestment[] {
    return [...this.#positions.values()]
      .filter((p) =>
        (apiKey === undefined || p.apiKey === apiKey) &&
        (filter.ticker === undefined || p.currency === filter.ticker) &&
        (filter.plan === undefined || p.planId === filter.plan) &&
        (filter.investment === undefined || p.id === filter.investment) &&
        (filter.investmentStatus === undefined || p.status === filter.investmentStatus)
      )
      .sort((a, b) => b.createdAt - a.createdAt)
      .map(({ earnedAt: _, ...position }) => position);
  }

  /** An account's history rows (every account's without `apiKey`), newest first. */
  history(apiKey?: string, filter: FlexHistoryFilter = {}): SandboxFlexTransaction[] {
    // Newest first; rows of one moment keep the order they were written in.
    return this.#history.toSorted((a, b) => b.createdAt - a.createdAt).filter((row) =>
      (apiKey === undefined || row.apiKey === apiKey) &&
      (filter.plan === undefined || row.planId === filter.plan) &&
      (filter.investment === undefined || row.investmentId === filter.investment) &&
      (filter.transaction === undefined || row.transaction_id === filter.transaction) &&
      (filter.dateFrom === undefined || row.createdAt >= filter.dateFrom) &&
      (filter.dateTo === undefined || row.createdAt <= filter.dateTo) &&
      (filter.actionTypes === undefined || filter.actionTypes.includes(row.actionType))
    ).map((row) => ({ ...row }));
  }

  /**
   * Puts `amount` into the account's position in `plan`: opens it (OPEN_INVESTMENT)
   * or tops it up (INVEST). Refused, in this order: the plan unavailable,
   * private to others or paused; the amount zero or less; the position
   * outside the plan's minimum (code 2) or maximum (code 3); the plan's
   * investment limit; the balance (code 4).
   */
  invest(
    order: { apiKey: string; plan: string; amount: string; withReinvest?: boolean },
  ): FlexOutcome {
    const { apiKey, amount } = order;
    const plan = this.#plans.get(order.plan);
    if (!plan || plan.state === "unavailable") return { refused: "plan_unavailable" };
    if (!this.#open(plan, apiKey)) return { refused: "private_plan" };
    if (plan.state === "paused") return { refused: "plan_paused" };
    if (compareDecimal(amount, "0") <= 0) return { refused: "amount_too_small" };
    const position = this.#positions.get(`${apiKey} ${plan.id}`);
    const held = position?.status === 1 ? position.invested : "0";
    const after = addDecimal(held, amount);
    if (compareDecimal(after, plan.minInvestment) < 0) return { refused: "amount_below_minimum" };
    if (compareDecimal(after, plan.maxInvestment) > 0) return { refused: "amount_above_maximum" };
    if (plan.investmentLimit !== undefined) {
      const total = this.investments(undefined, { plan: plan.id, investmentStatus: 1 })
        .reduce((sum, p) => addDecimal(sum, p.invested), amount);
      if (compareDecimal(total, plan.investmentLimit) > 0) return { refused: "limit_exceeded" };
    }
    const available = this.#wallet.balance(apiKey, plan.ticker);
    if (compareDecimal(available, amount) < 0) {
      return { refused: "insufficient_balance", available };
    }
    this.#move(apiKey, plan.ticker, `-${amount}`);
    const now = this.#now();
    const opening = held === "0";
    const open = opening
      ? this.#openPosition(apiKey, plan, now, order.withReinvest ?? false)
      : position!;
    open.invested = after;
    open.updatedAt = Math.floor(now / 1000);
    if (order.withReinvest !== undefined) open.withAutoReinvest = order.withReinvest;
    return { transaction: this.#record(open, amount, opening ? OpenInvestment : Invest, now) };
  }

  /**
   * Takes `amount` out of the account's position in `plan`. Refused: no
   * position, a closed one, the amount zero or less, above what is
   * invested, below the plan's smallest withdrawal, or leaving less than
   * the plan's minimum (to take everything, close).
   */
  withdraw(order: { apiKey: string; plan: string; amount: string }): FlexOutcome {
    const position = this.#positions.get(`${order.apiKey} ${order.plan}`);
    if (!position) return { refused: "investment_not_found" };
    if (position.status === 0) return { refused: "investment_closed" };
    const { amount } = order;
    if (compareDecimal(amount, "0") <= 0) return { refused: "withdraw_too_small" };
    if (compareDecimal(amount, position.invested) > 0) {
      return { refused: "withdraw_exceeds_invested" };
    }
    const plan = this.#plans.get(order.plan)!;
    if (plan.minWithdrawal !== undefined && compareDecimal(amount, plan.minWithdrawal) < 0) {
      return { refused: "withdraw_below_minimum" };
    }
    const left = subtractDecimal(position.invested, amount);
    if (compareDecimal(left, plan.minInvestment) < 0) {
      return { refused: "amount_left_below_minimum" };
    }
    const now = this.#now();
    position.invested = left;
    position.updatedAt = Math.floor(now / 1000);
    this.#move(order.apiKey, position.currency, amount);
    return { transaction: this.#record(position, amount, WithdrawFromInvestment, now) };
  }

  /** Closes the account's position in `plan`: everything back to the balance (CLOSE_INVESTMENT). */
  close(order: { apiKey: string; plan: string }): FlexOutcome {
    const position = this.#positions.get(`${order.apiKey} ${order.plan}`);
    if (!position) return { refused: "investment_not_found" };
    if (position.status === 0) return { refused: "investment_closed" };
    const now = this.#now();
    const amount = position.invested;
    this.#move(order.apiKey, position.currency, amount);
    position.invested = "0";
    position.status = 0;
    position.updatedAt = Math.floor(now / 1000);
    return { transaction: this.#record(position, amount, CloseInvestment, now) };
  }

  /** Sets the auto-reinvest flag of the account's active position in `plan`. */
  autoInvest(
    order: { apiKey: string; plan: string; enabled: boolean },
  ): { refused: FlexRejectionReason } | "set" {
    const position = this.#positions.get(`${order.apiKey} ${order.plan}`);
    if (position?.status !== 1) return { refused: "no_investment" };
    position.withAutoReinvest = order.enabled;
    position.updatedAt = Math.floor(this.#now() / 1000);
    return "set";
  }

  /**
   * Credits every full day each active position has been open since it
   * last earned: `invested × maxRate / 365`, cut to the currency's
   * precision, written as DAILY_EARNING; with auto-reinvest it is added to
   * the position (and written as REINVEST too), otherwise to the balance.
   */
  settle(): void {
    const now = this.#now();
    for (const position of this.#positions.values()) {
      if (position.status !== 1) continue;
      const plan = this.#plans.get(position.planId)!;
      const scale = this.#wallet.precision(position.currency);
      for (; position.earnedAt + DAY_MS <= now; position.earnedAt += DAY_MS) {
        const earned = divideDecimal(multiplyDecimal(position.invested, plan.maxRate), "365", {
          scale,
        });
        if (compareDecimal(earned, "0") <= 0) continue;
        const at = position.earnedAt + DAY_MS;
        this.#record(position, earned, DailyEarning, at);
        if (position.withAutoReinvest) {
          position.invested = addDecimal(position.invested, earned);
          this.#record(position, earned, Reinvest, at);
        } else {
          this.#move(position.apiKey, position.currency, earned);
        }
      }
    }
  }

  #open(plan: Readonly<SandboxFlexPlan>, apiKey: string): boolean {
    return plan.privateTo === undefined || plan.privateTo.includes(apiKey);
  }

  /** Opens (or reopens) the account's position in `plan`, empty. */
  #openPosition(
    apiKey: string,
    plan: Readonly<SandboxFlexPlan>,
    now: number,
    withReinvest: boolean,
  ): SandboxFlexInvestment & { earnedAt: number } {
    const key = `${apiKey} ${plan.id}`;
    const position = this.#positions.get(key) ?? {
      id: this.#newId(),
      apiKey,
      planId: plan.id,
      currency: plan.ticker,
      invested: "0",
      withAutoReinvest: withReinvest,
      status: 1 as const,
      createdAt: 0,
      updatedAt: 0,
      earnedAt: now,
    };
    position.status = 1;
    position.createdAt = Math.floor(now / 1000);
    position.earnedAt = now;
    position.withAutoReinvest = withReinvest;
    this.#positions.set(key, position);
    return position;
  }

  #move(apiKey: string, ticker: string, amount: string): void {
    this.#wallet.set(apiKey, ticker, addDecimal(this.#wallet.balance(apiKey, ticker), amount));
  }

  #record(
    position: SandboxFlexInvestment,
    amount: string,
    actionType: FlexActionType,
    at: number,
  ): SandboxFlexTransaction {
    const row: SandboxFlexTransaction = {
      apiKey: position.apiKey,
      createdAt: Math.floor(at / 1000),
      planId: position.planId,
      investmentId: position.id,
      currency: position.currency,
      amount,
      transaction_id: this.#newId(),
      actionType,
    };
    this.#history.unshift(row);
    return { ...row };
  }
}

/**
 * The sandbox's books: accounts' balances, fixed plans, investments and
 * interest payments, kept with exact decimal arithmetic on the sandbox's
 * clock. It knows nothing of HTTP, signatures or WhiteBIT's wording: the
 * routes check a request and put it to the ledger, and the ledger says what
 * happened to the money, or why nothing did.
 *
 * Maturity happens when asked: {@linkcode Ledger.settle} pays every
 * investment whose term has passed on the clock, returns its amount and
 * closes it.
 *
 * @example Invest, let the term pass, and settle
 * ```ts
 * import { Ledger } from "./_ledger.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * let now = 1_700_000_000_000;
 * const ledger = new Ledger({
 *   accounts: [{ apiKey: "key", apiSecret: "secret", balances: { USDT: "100" } }],
 *   plans: [{ id: "p1", ticker: "USDT", percent: "2", duration: 60, minInvestment: "1", maxInvestment: "100" }],
 *   now: () => now,
 *   newId: () => "investment-1",
 * });
 * ledger.invest({ apiKey: "key", planId: "p1", amount: "50", nonce: 1 });
 * strictEqual(ledger.balance("key", "USDT"), "50");
 * now += 60 * 60_000; // the 60-minute term passes
 * ledger.settle();
 * strictEqual(ledger.balance("key", "USDT"), "101");
 * ```
 *
 * @module
 */

import {
  addDecimal,
  compareDecimal,
  divideDecimal,
  isDecimal,
  multiplyDecimal,
  subtractDecimal,
} from "../client/_decimal.ts";
import { mustBe } from "../client/_validate.ts";
import type {
  SandboxAccount,
  SandboxInterestPayment,
  SandboxInvestment,
  SandboxPastInvestment,
  SandboxPlan,
  SandboxPlanState,
} from "./types.ts";

/** Decimal places of a ticker that `precision` does not list. */
const DEFAULT_PRECISION = 8;

/**
 * Options of {@linkcode Ledger}.
 *
 * @example
 * ```ts
 * import { Ledger, type LedgerOptions } from "./_ledger.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const options: LedgerOptions = {
 *   accounts: [{ apiKey: "key", apiSecret: "secret" }],
 *   plans: [],
 *   precision: { USDT: 6 },
 *   now: Date.now,
 *   newId: () => crypto.randomUUID(),
 * };
 * strictEqual(new Ledger(options).precision("USDT"), 6);
 * ```
 */
export interface LedgerOptions {
  /** The accounts, at least one. Only their API keys, balances and `multipleInvestments` count here. */
  accounts: readonly Readonly<SandboxAccount>[];
  /** The fixed plans. */
  plans: readonly Readonly<SandboxPlan>[];
  /** Decimal places per ticker. Default 8 for any ticker not listed. */
  precision?: Readonly<Record<string, number>>;
  /** The clock, in Unix milliseconds. */
  now: () => number;
  /** Makes each new investment's id. */
  newId: () => string;
  /** Investments made and closed before the ledger opened. Default none. */
  pastInvestments?: readonly SandboxPastInvestment[];
}

/** An order to invest, already checked against WhiteBIT's request rules. */
export interface InvestOrder {
  /** The investing account. */
  apiKey: string;
  /** A plan of the ledger, open through the API. */
  planId: string;
  /** A decimal string within what the plan has left. */
  amount: string;
  /** The nonce of the request, kept on the investment. */
  nonce: number;
}

/**
 * Why the ledger refuses an investment, in the order it looks (WhiteBIT's
 * 422 codes 1 to 5): an active investment in the plan already, below the
 * plan's minimum, above its maximum, more than the balance, more interest
 * than the plan can still pay.
 */
export type InvestRefusal =
  | "exists"
  | "below_minimum"
  | "above_maximum"
  | "insufficient_balance"
  | "interest_capacity";

/** What {@linkcode Ledger.invest} did: the new investment, or the refusal and the balance it saw. */
export type InvestResult =
  | { investment: Readonly<SandboxInvestment> }
  | { refused: InvestRefusal; available: string };

/** What {@linkcode Ledger.close} did. */
export type CloseResult = "closed" | "not_found" | "already_closed";

/** Which of an account's investments to list; an absent field matches all. */
export interface InvestmentFilter {
  /** The investment's id. */
  id?: string;
  /** The invested currency. */
  ticker?: string;
  /** 1 active, 2 closed. */
  status?: number;
}

/** Which of an account's interest payments to list; an absent field matches all. */
export interface PaymentFilter {
  /** The plan's id. */
  planId?: string;
  /** The currency paid. */
  ticker?: string;
}

/** An account as the ledger keeps it. */
interface Holder {
  balances: Map<string, string>;
  multipleInvestments: boolean;
}

/**
 * Accounts, plans, investments and interest payments in exact decimals.
 *
 * @example Close early: the amount comes back, no interest
 * ```ts
 * import { Ledger } from "./_ledger.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const ledger = new Ledger({
 *   accounts: [{ apiKey: "key", apiSecret: "secret", balances: { USDT: "100" } }],
 *   plans: [{ id: "p1", ticker: "USDT", minInvestment: "1", maxInvestment: "100" }],
 *   now: () => 1_700_000_000_000,
 *   newId: () => "investment-1",
 * });
 * ledger.invest({ apiKey: "key", planId: "p1", amount: "10.5", nonce: 1 });
 * strictEqual(ledger.close("key", "investment-1"), "closed");
 * strictEqual(ledger.balance("key", "USDT"), "100");
 * deepStrictEqual(ledger.payments(), []);
 * ```
 */
export class Ledger {
  readonly #holders = new Map<string, Holder>();
  readonly #plans = new Map<string, SandboxPlanState>();
  readonly #investments: SandboxInvestment[] = [];
  readonly #payments: SandboxInterestPayment[] = [];
  readonly #precision: Readonly<Record<string, number>>;
  readonly #now: () => number;
  readonly #newId: () => string;

  /**
   * Opens the books with the accounts' balances, the plans and the past investments.
   *
   * @param options Accounts, plans, precision, clock, ids and past investments.
   * @throws {TypeError} If there is no account, or a past investment is not in
   *   one of the plans and accounts, with a decimal amount and whole seconds.
   */
  constructor(options: LedgerOptions) {
    if (options.accounts.length === 0) {
      throw new TypeError(
        "Cannot create sandbox: it needs at least one account: current value is []",
      );
    }
    for (const account of options.accounts) {
      this.#holders.set(account.apiKey, {
        balances: new Map(Object.entries(account.balances ?? {})),
        multipleInvestments: account.multipleInvestments ?? false,
      });
    }
    for (const plan of options.plans) {
      this.#plans.set(plan.id, {
        id: plan.id,
        ticker: plan.ticker,
        status: plan.status ?? 1,
        percent: plan.percent ?? "1",
        duration: plan.duration ?? 43_200,
        interestTicker: plan.interestTicker ?? plan.ticker,
        interestRatio: plan.interestRatio ?? "1",
        minInvestment: plan.minInvestment,
        maxInvestment: plan.maxInvestment,
        maxPossibleInvestment: plan.maxPossibleInvestment ?? plan.maxInvestment,
        interestCapacity: plan.interestCapacity ?? null,
        specialOffer: plan.specialOffer ?? false,
        disabled: plan.disabled ?? false,
      });
    }
    this.#precision = options.precision ?? {};
    this.#now = options.now;
    this.#newId = options.newId;
    const firstApiKey = options.accounts[0].apiKey;
    const past = (options.pastInvestments ?? []).map((seed) => this.#past(seed, firstApiKey));
    // The ledger stays oldest first.
    for (const investment of past.sort((a, b) => a.created - b.created)) {
      this.#investments.push(investment);
    }
  }

  /**
   * The plans in the order given, as they are now (read-only views).
   *
   * @returns Every plan, open or not.
   */
  plans(): readonly Readonly<SandboxPlanState>[] {
    return [...this.#plans.values()];
  }

  /**
   * One plan as it is now (a read-only view).
   *
   * @param id The plan's id.
   * @returns The plan, or `undefined` if the ledger has none by that id.
   */
  plan(id: string): Readonly<SandboxPlanState> | undefined {
    return this.#plans.get(id);
  }

  /**
   * Every investment, oldest first (read-only views), as settled so far.
   *
   * @returns The whole ledger of investments.
   */
  investments(): readonly Readonly<SandboxInvestment>[] {
    return this.#investments;
  }

  /**
   * Every interest payment in the order paid (read-only views), as settled so far.
   *
   * @returns The whole ledger of interest payments.
   */
  payments(): readonly Readonly<SandboxInterestPayment>[] {
    return this.#payments;
  }

  /**
   * An account's balance, as settled so far.
   *
   * @param apiKey The account's API key.
   * @param ticker The currency.
   * @returns A decimal string, `"0"` for a currency or account it does not hold.
   */
  balance(apiKey: string, ticker: string): string {
    return this.#holders.get(apiKey)?.balances.get(ticker) ?? "0";
  }

  /**
   * Sets an account's balance: how flex lending (`_flex_ledger.ts`) moves
   * the same main balances.
   *
   * @param apiKey The account's API key.
   * @param ticker The currency.
   * @param amount The new balance, a decimal string.
   * @throws {RangeError} If the account is not in the ledger.
   */
  setBalance(apiKey: string, ticker: string, amount: string): void {
    this.#holder(apiKey).balances.set(ticker, amount);
  }

  /**
   * The decimal places a ticker allows.
   *
   * @param ticker The currency.
   * @returns Its precision; 8 unless the options say otherwise.
   */
  precision(ticker: string): number {
    const places = Object.hasOwn(this.#precision, ticker) ? this.#precision[ticker] : undefined;
    return places ?? DEFAULT_PRECISION;
  }

  /**
   * Whether a ticker is one the ledger knows: given a precision, traded or
   * paid by a plan, or held by an account.
   *
   * @param ticker The currency.
   * @returns `true` if known.
   */
  knowsTicker(ticker: string): boolean {
    if (Object.hasOwn(this.#precision, ticker)) return true;
    for (const plan of this.#plans.values()) {
      if (plan.ticker === ticker || plan.interestTicker === ticker) return true;
    }
    for (const holder of this.#holders.values()) {
      if (holder.balances.has(ticker)) return true;
    }
    return false;
  }

  /**
   * Whether any account has an investment with this id.
   *
   * @param id The investment's id.
   * @returns `true` if one has.
   */
  hasInvestment(id: string): boolean {
    return this.#investments.some((investment) => investment.id === id);
  }

  /**
   * An account's investments, newest first by `created` (of two made in
   * the same second, the later one first), as WhiteBIT orders its histories.
   *
   * @param apiKey The account's API key.
   * @param filter Which investments.
   * @returns Read-only views.
   */
  investmentsOf(apiKey: string, filter: InvestmentFilter = {}): Readonly<SandboxInvestment>[] {
    return this.#investments.filter((investment) =>
      investment.apiKey === apiKey &&
      (filter.id === undefined || investment.id === filter.id) &&
      (filter.ticker === undefined || investment.ticker === filter.ticker) &&
      (filter.status === undefined || investment.status === filter.status)
    ).reverse().sort((a, b) => b.created - a.created);
  }

  /**
   * An account's interest payments, newest first (of two paid at the same
   * second, the later one first).
   *
   * @param apiKey The account's API key.
   * @param filter Which payments.
   * @returns Read-only views.
   */
  paymentsOf(apiKey: string, filter: PaymentFilter = {}): Readonly<SandboxInterestPayment>[] {
    return this.#payments.filter((payment) =>
      payment.apiKey === apiKey &&
      (filter.planId === undefined || payment.planId === filter.planId) &&
      (filter.ticker === undefined || payment.ticker === filter.ticker)
    ).reverse().sort((a, b) => b.timestamp - a.timestamp);
  }

  /**
   * Invests, or says why not and moves nothing. On success the amount
   * leaves the balance and the plan, and the interest it will earn leaves
   * the plan's interest capacity; a plan with nothing left has status 2.
   *
   * @param order Account, plan, amount and nonce, already checked against
   *   WhiteBIT's request rules (the plan open, the amount a decimal within
   *   what the plan has left).
   * @returns The new investment, or the refusal and the balance it saw.
   * @throws {RangeError} If the account or the plan is not in the ledger.
   */
  invest(order: InvestOrder): InvestResult {
    const holder = this.#holder(order.apiKey);
    const plan = this.#plan(order.planId);
    const { amount } = order;
    const available = holder.balances.get(plan.ticker) ?? "0";
    const interest = this.#interest(amount, plan);
    const refused = this.#refusal(order, holder, plan, available, interest);
    if (refused) return { refused, available };
    holder.balances.set(plan.ticker, subtractDecimal(available, amount));
    plan.maxPossibleInvestment = subtractDecimal(plan.maxPossibleInvestment, amount);
    if (compareDecimal(plan.maxPossibleInvestment, "0") <= 0) plan.status = 2;
    if (plan.interestCapacity !== null) {
      plan.interestCapacity = subtractDecimal(plan.interestCapacity, interest);
    }
    const created = Math.floor(this.#now() / 1000);
    const investment: SandboxInvestment = {
      id: this.#newId(),
      apiKey: order.apiKey,
      planId: plan.id,
      ticker: plan.ticker,
      amount,
      status: 1,
      created,
      updated: created,
      paymentTime: created + plan.duration * 60,
      interestPaid: "0",
      nonce: order.nonce,
    };
    this.#investments.push(investment);
    return { investment };
  }

  /**
   * Closes an active investment early: its amount goes back to the balance
   * and to the plan, the interest it would have earned back to the plan's
   * capacity, and none is paid.
   *
   * @param apiKey The account's API key: another account's investment is not found.
   * @param id The investment's id.
   * @returns What happened.
   */
  close(apiKey: string, id: string): CloseResult {
    const investment = this.#investments.find((candidate) =>
      candidate.id === id && candidate.apiKey === apiKey
    );
    if (!investment) return "not_found";
    if (investment.status === 2) return "already_closed";
    const plan = this.#plan(investment.planId);
    if (plan.interestCapacity !== null) {
      plan.interestCapacity = addDecimal(
        plan.interestCapacity,
        this.#interest(investment.amount, plan),
      );
    }
    this.#release(investment, Math.floor(this.#now() / 1000));
    return "closed";
  }

  /**
   * Pays every active investment whose term has passed on the clock: its
   * interest to the balance in the interest ticker (recorded as paid at
   * maturity), its amount back to the balance and the plan; it is closed.
   * Settling again pays nothing twice.
   */
  settle(): void {
    const now = Math.floor(this.#now() / 1000);
    for (const investment of this.#investments) {
      if (investment.status !== 1 || investment.paymentTime > now) continue;
      const plan = this.#plan(investment.planId);
      const holder = this.#holder(investment.apiKey);
      const interest = this.#interest(investment.amount, plan);
      const held = holder.balances.get(plan.interestTicker) ?? "0";
      holder.balances.set(plan.interestTicker, addDecimal(held, interest));
      investment.interestPaid = interest;
      this.#payments.push({
        apiKey: investment.apiKey,
        planId: plan.id,
        investmentId: investment.id,
        amount: interest,
        ticker: plan.interestTicker,
        timestamp: investment.paymentTime,
      });
      this.#release(investment, investment.paymentTime);
    }
  }

  /** The first rule, in WhiteBIT's order, that refuses an investment. */
  #refusal(
    order: InvestOrder,
    holder: Holder,
    plan: SandboxPlanState,
    available: string,
    interest: string,
  ): InvestRefusal | undefined {
    const { amount } = order;
    if (
      !holder.multipleInvestments &&
      this.#investments.some((i) =>
        i.apiKey === order.apiKey && i.planId === plan.id && i.status === 1
      )
    ) {
      return "exists";
    }
    if (compareDecimal(amount, plan.minInvestment) < 0) return "below_minimum";
    if (compareDecimal(amount, plan.maxInvestment) > 0) return "above_maximum";
    if (compareDecimal(available, amount) < 0) return "insufficient_balance";
    if (plan.interestCapacity !== null && compareDecimal(interest, plan.interestCapacity) > 0) {
      return "interest_capacity";
    }
  }

  /**
   * The interest of `amount` over the plan's term, in the interest ticker:
   * `amount × percent / 100 / interestRatio`, cut to that ticker's decimals.
   */
  #interest(amount: string, plan: SandboxPlanState): string {
    return divideDecimal(
      multiplyDecimal(amount, plan.percent),
      multiplyDecimal("100", plan.interestRatio),
      { scale: this.precision(plan.interestTicker) },
    );
  }

  /** Closes an investment: its amount goes back to the balance and to the plan. */
  #release(investment: SandboxInvestment, time: number): void {
    const plan = this.#plan(investment.planId);
    const holder = this.#holder(investment.apiKey);
    const held = holder.balances.get(plan.ticker) ?? "0";
    holder.balances.set(plan.ticker, addDecimal(held, investment.amount));
    plan.maxPossibleInvestment = addDecimal(plan.maxPossibleInvestment, investment.amount);
    if (plan.status === 2) plan.status = 1;
    investment.status = 2;
    investment.updated = time;
  }

  /** The record of an investment from `pastInvestments`, closed at once. */
  #past(past: SandboxPastInvestment, firstApiKey: string): SandboxInvestment {
    const plan = this.#plans.get(past.planId);
    const apiKey = past.apiKey ?? firstApiKey;
    if (
      !plan || !this.#holders.has(apiKey) || !isDecimal(past.amount) ||
      !Number.isSafeInteger(past.created)
    ) {
      throw new TypeError(
        mustBe(
          "create sandbox",
          "a past investment",
          "in a sandbox plan and account, with a decimal amount and whole seconds",
          JSON.stringify(past),
        ),
      );
    }
    return {
      id: past.id ?? this.#newId(),
      apiKey,
      planId: plan.id,
      ticker: plan.ticker,
      amount: past.amount,
      status: 2,
      created: past.created,
      updated: past.created,
      paymentTime: past.created + plan.duration * 60,
      interestPaid: "0",
      nonce: 0,
    };
  }

  #holder(apiKey: string): Holder {
    const holder = this.#holders.get(apiKey);
    if (!holder) throw new RangeError(mustBe("use ledger", "the account", "in the ledger", apiKey));
    return holder;
  }

  #plan(id: string): SandboxPlanState {
    const plan = this.#plans.get(id);
    if (!plan) throw new RangeError(mustBe("use ledger", "the plan", "in the ledger", id));
    return plan;
  }
}

/**
 * The WhiteBIT lending client: signs each request with Web Crypto at the
 * moment it is sent, keeps amounts as decimal strings, limits itself to
 * WhiteBIT's rate, retries only what WhiteBIT provably did not run, and
 * sends a state-changing request at most once.
 *
 * @example Invest against the local sandbox
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const { id } = await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * strictEqual(sandbox.investments[0].id, id);
 * ```
 *
 * @module
 */

import { checkParams, type Endpoint, ENDPOINTS } from "./client/_endpoints.ts";
import { WhiteBitError } from "./client/errors.ts";
import type { CallOptions, WhiteBitClientOptions } from "./client/options.ts";
import { walk } from "./client/_pages.ts";
import { preflight } from "./client/_preflight.ts";
import { findInvestment } from "./client/_reconcile.ts";
import { Transport } from "./client/_transport.ts";
import { type FlexClient, flexClient } from "./client/flex/client.ts";
import type {
  FixedPlan,
  InterestPayment,
  InterestPaymentsParams,
  Investment,
  InvestmentsParams,
  InvestParams,
  InvestResult,
  Page,
  PlansParams,
} from "./client/types.ts";
import { MAX_LIMIT } from "./client/_paths.ts";

/**
 * A client for WhiteBIT's private lending API.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({
 *   ...sandbox.credentials, // { apiKey, apiSecret }
 *   fetch: sandbox.fetch, // leave out for the real WhiteBIT
 * });
 * const investment = await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * strictEqual(typeof investment.id, "string");
 * ```
 */
export class WhiteBitClient {
  /** Where requests go, without a trailing slash. */
  readonly baseUrl: string;
  /** Whether nonces are sent in WhiteBIT's ±5 s window mode. */
  readonly nonceWindow: boolean;
  /** How long a request waits for its whole answer, in milliseconds (`timeoutMs`). */
  readonly timeoutMs: number;
  /**
   * Flex lending (`/api/v4/main-account/smart-flex/`): plans, positions
   * addressed by plan, top-ups, partial withdrawals, closing, the
   * auto-reinvest flag, the history and the daily earnings, with the same
   * money rules as the fixed calls. See {@linkcode FlexClient}.
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
   * const { transactionId } = await client.flex.invest({ plan: plan.id, amount: "100" });
   * const { data } = await client.flex.history({ transaction: transactionId });
   * strictEqual(data[0].amount, "100");
   * ```
   */
  readonly flex: FlexClient;
  readonly #transport: Transport;

  /**
   * Creates a client. Nothing is sent until a call is made; the secret is
   * imported as a signing key once, on the first call.
   *
   * @param options Credentials and settings.
   * @throws {TypeError} If a credential or the base URL is unusable.
   * @throws {RangeError} If a number option is out of range.
   */
  constructor(options: WhiteBitClientOptions) {
    this.#transport = new Transport(options);
    this.baseUrl = this.#transport.baseUrl;
    this.nonceWindow = options.nonceWindow ?? true;
    this.timeoutMs = this.#transport.timeoutMs;
    this.flex = flexClient((endpoint, params, call) => this.#call(endpoint, params, call));
  }

  /** The correction applied to the local clock, in milliseconds, from {@linkcode WhiteBitClient.syncTime}. */
  get clockOffsetMs(): number {
    return this.#transport.clock.offsetMs;
  }

  /**
   * Creates a fixed-term investment (`POST /api/v4/main-account/smart/investment`).
   *
   * WhiteBIT has no idempotency key, so this is never retried once it may
   * have run: a failure with `outcome: "unknown"` must be reconciled with
   * {@linkcode WhiteBitClient.findInvestment} before investing again.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const before = sandbox.balance(sandbox.credentials.apiKey, "USDT");
   * await client.invest({ planId: sandbox.plans[0].id, amount: "250.5" });
   * strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "9749.5");
   * strictEqual(before, "10000");
   * ```
   *
   * @example Check the plan first, without spending the investment request
   * ```ts
   * import { PreflightError, WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const planId = sandbox.plans[0].id; // minInvestment "10", maxInvestment "100000"
   * const error = await client.invest({ planId, amount: "100000.01" }, { preflight: true })
   *   .catch((error) => error);
   * strictEqual(error instanceof PreflightError && error.reason, "amount_above_maximum");
   * strictEqual(error.outcome, "not_executed");
   * ```
   *
   * @param params The plan id and the amount as a decimal string.
   * @param options `preflight` to check the plan first; a signal to cancel the call.
   * @returns The new investment's id.
   * @throws {TypeError} If `planId` or `amount` is not a string; nothing is sent.
   * @throws {RangeError} If `amount` is not a plain positive decimal; nothing is sent.
   * @throws {PreflightError} With `preflight`, if the plan would refuse the amount; the investment is not sent.
   * @throws {WhiteBitError} If WhiteBIT refused the investment or gave no clear answer.
   */
  async invest(
    params: InvestParams,
    options: CallOptions & {
      /**
       * Look the plan up first (one extra read) and reject with a
       * {@linkcode PreflightError} instead of sending the investment when
       * WhiteBIT would refuse it: the plan is not listed or not active, or
       * the amount is below `minInvestment`, above `maxInvestment` or above
       * `maxPossibleInvestment`. Skipped by a dry run, which shows the
       * investment request itself. Default `false`.
       */
      preflight?: boolean;
    } = {},
  ): Promise<InvestResult> {
    // Each parameter is read once: a getter cannot sign what was not checked.
    const body = checkParams(ENDPOINTS.invest, params);
    // A dry run shows the investment request itself, not the plans lookup.
    if (options.preflight && !this.#transport.dryRun) {
      const error = await preflight(() => this.plans({}, options), body as unknown as InvestParams);
      if (error) throw error;
    }
    return await this.#transport.call(ENDPOINTS.invest, body, options);
  }

  /**
   * Lists the fixed plans open to this account (`POST /api/v4/main-account/smart/plans`).
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { ok } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const plans = await client.plans({ ticker: "USDT" });
   * ok(plans.every((plan) => plan.ticker === "USDT" && typeof plan.minInvestment === "string"));
   * ```
   *
   * @param params `ticker`: only plans investing this currency.
   * @param options A signal to cancel the call.
   * @returns The plans; `duration` in minutes, amounts as decimal strings.
   * @throws {TypeError} If a parameter has the wrong type; nothing is sent.
   * @throws {RangeError} If a parameter is out of range; nothing is sent.
   * @throws {WhiteBitError} If WhiteBIT refused the call or gave no clear answer.
   */
  async plans(params: PlansParams = {}, options: CallOptions = {}): Promise<FixedPlan[]> {
    return await this.#call(ENDPOINTS.plans, params, options);
  }

  /**
   * Reads one page of the investments history (`POST /api/v4/main-account/smart/investments`).
   * {@linkcode WhiteBitClient.allInvestments} walks every page.
   *
   * @example
   * ```ts
   * import { INVESTMENT_STATUS, WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const { id } = await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
   * const page = await client.investments({ status: INVESTMENT_STATUS.Active, limit: 10 });
   * strictEqual(page.records[0].id, id);
   * strictEqual(page.records[0].amount, "100");
   * ```
   *
   * @param params Filters (`id`, `ticker`, `status`) and paging (`limit` 1–100, `offset` 0–10 000).
   * @param options A signal to cancel the call.
   * @returns The page; times in Unix seconds, amounts as decimal strings.
   * @throws {TypeError} If a parameter has the wrong type; nothing is sent.
   * @throws {RangeError} If a parameter is out of range; nothing is sent.
   * @throws {WhiteBitError} If WhiteBIT refused the call or gave no clear answer.
   */
  async investments(
    params: InvestmentsParams = {},
    options: CallOptions = {},
  ): Promise<Page<Investment>> {
    return await this.#call(ENDPOINTS.investments, params, options);
  }

  /**
   * Walks the investments history page by page, from `offset` (default 0)
   * in pages of `limit` (default 100), as far as WhiteBIT serves (offset
   * 10 000). Parameters are checked when this is called. Records that arrive
   * during the walk may shift the pages, so a record can be yielded twice.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
   * await client.invest({ planId: sandbox.plans[1].id, amount: "0.5" });
   * const amounts = [];
   * for await (const investment of client.allInvestments({ limit: 1 })) amounts.push(investment.amount);
   * strictEqual(amounts.length, 2);
   * ```
   *
   * @param params Filters, the page size (`limit`) and the first `offset`.
   * @param options A signal to cancel the walk.
   * @returns The investments, one at a time.
   * @throws {TypeError} If a parameter has the wrong type; nothing is sent.
   * @throws {RangeError} If a parameter is out of range; nothing is sent. While
   *   walking: if the history goes on past offset 10 000, which WhiteBIT does
   *   not serve (narrow it with `ticker` or `status`).
   */
  allInvestments(
    params: InvestmentsParams = {},
    options: CallOptions = {},
  ): AsyncGenerator<Investment, void, undefined> {
    checkParams(ENDPOINTS.investments, params);
    return walk((page) => this.investments({ ...params, ...page }, options), params);
  }

  /**
   * Closes an investment early, which WhiteBIT allows without penalty
   * (`POST /api/v4/main-account/smart/investment/close`). State-changing:
   * sent at most once, like an investment; after `outcome: "unknown"`, read
   * `investments({ id })` to see whether it is closed.
   *
   * @example
   * ```ts
   * import { INVESTMENT_STATUS, WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const { id } = await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
   * await client.closeInvestment(id);
   * const { records } = await client.investments({ id });
   * strictEqual(records[0].status, INVESTMENT_STATUS.Closed);
   * strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "10000");
   * ```
   *
   * @param id The investment id.
   * @param options A signal to cancel the call.
   * @throws {TypeError} If `id` is not a string; nothing is sent.
   * @throws {RangeError} If `id` is empty or has whitespace; nothing is sent.
   * @throws {CloseRejectedError} If it is already closed (`reason: "already_closed"`).
   * @throws {WhiteBitError} If WhiteBIT refused the call or gave no clear answer.
   */
  async closeInvestment(id: string, options: CallOptions = {}): Promise<void> {
    await this.#call(ENDPOINTS.close, { id }, options);
  }

  /**
   * Reads one page of the interest payments history
   * (`POST /api/v4/main-account/smart/interest-payment-history`).
   * {@linkcode WhiteBitClient.allInterestPayments} walks every page.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * let now = Date.now();
   * const sandbox = new WhiteBitSandbox({ now: () => now });
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, now: () => now });
   * const plan = sandbox.plans[0]; // 2.5 % over 43 200 minutes
   * await client.invest({ planId: plan.id, amount: "100" });
   * now += plan.duration * 60_000; // the term passes
   * const { records } = await client.interestPayments({ planId: plan.id });
   * strictEqual(records[0].amount, "2.5");
   * ```
   *
   * @param params Filters (`planId`, `ticker`) and paging (`limit` 1–100, `offset` 0–10 000).
   * @param options A signal to cancel the call.
   * @returns The page; `timestamp` in Unix seconds, amounts as decimal strings.
   * @throws {TypeError} If a parameter has the wrong type; nothing is sent.
   * @throws {RangeError} If a parameter is out of range; nothing is sent.
   * @throws {WhiteBitError} If WhiteBIT refused the call or gave no clear answer.
   */
  async interestPayments(
    params: InterestPaymentsParams = {},
    options: CallOptions = {},
  ): Promise<Page<InterestPayment>> {
    return await this.#call(ENDPOINTS.interestPayments, params, options);
  }

  /**
   * Walks the interest payments history page by page, like
   * {@linkcode WhiteBitClient.allInvestments}.
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
   * for await (const _ of client.allInterestPayments({ ticker: "USDT" })) count++;
   * strictEqual(count, 0);
   * ```
   *
   * @param params Filters, the page size (`limit`) and the first `offset`.
   * @param options A signal to cancel the walk.
   * @returns The payments, one at a time.
   * @throws {TypeError} If a parameter has the wrong type; nothing is sent.
   * @throws {RangeError} If a parameter is out of range; nothing is sent. While
   *   walking: if the history goes on past offset 10 000.
   */
  allInterestPayments(
    params: InterestPaymentsParams = {},
    options: CallOptions = {},
  ): AsyncGenerator<InterestPayment, void, undefined> {
    checkParams(ENDPOINTS.interestPayments, params);
    return walk((page) => this.interestPayments({ ...params, ...page }, options), params);
  }

  /**
   * Reconciles an investment whose outcome is unknown: searches the
   * investments history for one in the failed call's plan (ids compared
   * without regard to case), of its exact amount (compared as decimals),
   * created at or after the attempt (less `toleranceMs` for the clocks'
   * difference). Sends only reads.
   *
   * It answers `null` at once, without a request, for an error of outcome
   * `"not_executed"`: WhiteBIT provably did not invest. Otherwise `null`
   * means the history was read far enough to prove there is no such
   * investment; when it cannot be, this throws instead.
   *
   * **How far it reads.** One plans read finds the plan's currency, and the
   * history is then read in that currency only (`ticker`; the whole history
   * if the plan is no longer listed). Not by `status`: the investment may
   * have been closed or have matured since, and a record changing status
   * during the walk would shift a filtered history's pages past a record.
   * The walk relies on the order WhiteBIT documents for its other histories
   * (this one's page names none) and the sandbox serves: newest first by
   * `created`. It stops after the first page that ends before the attempt
   * less `toleranceMs`, as long as every record read so far came in that
   * order; if one did not, it reads on to the end. WhiteBIT serves no record
   * past the 10 100th (offset 10 000, limit 100): if the walk would have to
   * read further to be sure, it throws a `RangeError` saying the outcome is
   * unknown, never `null`.
   *
   * **The ambiguous case:** WhiteBIT records no request id, so investments of
   * the same plan and amount made close together (identical concurrent
   * invests, or a retry of the same amount within `toleranceMs`) cannot be
   * told apart. Then this returns the one created closest to the attempt,
   * which may belong to another call: it can say "found" for a call that did
   * not run, never "not found" for one that did. Give concurrent investments
   * different amounts where this matters.
   *
   * @example Find out whether a dropped investment went through
   * ```ts
   * import { WhiteBitClient, WhiteBitError } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { strictEqual } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox();
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * sandbox.injectFault({ kind: "drop", afterProcessing: true }); // invest, then cut the line
   * const error = await client.invest({ planId: sandbox.plans[0].id, amount: "100" })
   *   .then(() => null, (error: WhiteBitError) => error);
   * strictEqual(error?.outcome, "unknown");
   * const found = await client.findInvestment(error!);
   * strictEqual(found?.id, sandbox.investments[0].id); // it went through: do not invest again
   * ```
   *
   * @param error A failed `invest()`'s error, or an object with its
   *   `requestPath`, `outcome`, `params` and `attemptedAt` (such as the
   *   error's JSON, kept to reconcile later).
   * @param options `toleranceMs` (default 60 000) and a signal.
   * @returns The investment, or `null` if there provably is none.
   * @throws {TypeError} If `error` is not from `invest()` or lacks what is needed; nothing is sent.
   * @throws {RangeError} If `toleranceMs` is negative (nothing is sent), or if
   *   more of the history than WhiteBIT serves would have to be read: the
   *   outcome is still unknown.
   * @throws {WhiteBitError} If a read failed: nothing is known yet.
   */
  async findInvestment(
    error: Pick<WhiteBitError, "requestPath" | "outcome" | "params" | "attemptedAt">,
    options: CallOptions & {
      /**
       * How far before `attemptedAt` an investment's `created` (WhiteBIT's
       * clock) may lie and still count, for the difference between the two
       * clocks. Default 60 000: above WhiteBIT's ±5 s nonce window, so a
       * clock in window mode cannot be further off.
       */
      toleranceMs?: number;
    } = {},
  ): Promise<Investment | null> {
    return await findInvestment(
      {
        plans: () => this.plans({}, options),
        page: (offset, ticker) => this.investments({ ticker, limit: MAX_LIMIT, offset }, options),
      },
      error,
      options,
    );
  }

  /**
   * Corrects the nonce clock from WhiteBIT's public `GET /api/v4/public/time`.
   * Call it when a {@linkcode NonceError} says the nonce is outside the 5 s
   * window.
   *
   * @example
   * ```ts
   * import { WhiteBitClient } from "@lending/whitebit";
   * import { WhiteBitSandbox } from "@lending/whitebit/testing";
   * import { ok } from "node:assert/strict";
   *
   * const sandbox = new WhiteBitSandbox({ now: () => Date.now() + 60_000 });
   * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
   * const offset = await client.syncTime();
   * ok(offset > 58_000 && offset < 62_000);
   * ```
   *
   * @param options A signal to cancel the call.
   * @returns The new clock offset in milliseconds.
   */
  async syncTime(options: CallOptions = {}): Promise<number> {
    const { time, started, finished } = await this.#transport.time(options);
    try {
      return this.#transport.clock.correct(time, started, finished);
    } catch (cause) {
      throw new WhiteBitError(
        `Cannot sync time: ${(cause as Error).message}. A read moves no funds.`,
        { requestPath: "/api/v4/public/time", status: 200, outcome: "not_executed", cause },
      );
    }
  }

  /** What the client shows of itself: never the secret or the API key. */
  toJSON(): { baseUrl: string; nonceWindow: boolean } {
    return { baseUrl: this.baseUrl, nonceWindow: this.nonceWindow };
  }

  /** Checks the parameters of a call of `endpoint`, sends it and reads its answer. */
  async #call<T>(endpoint: Endpoint<T>, params: unknown, options: CallOptions): Promise<T> {
    return await this.#transport.call(endpoint, checkParams(endpoint, params), options);
  }
}

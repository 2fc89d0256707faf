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

import { compareDecimal } from "./decimal.ts";
import {
  AbortedError,
  DryRunError,
  errorFromResponse,
  MAY_HAVE_RUN,
  NetworkError,
  NonceError,
  PreflightError,
  type PreflightRejectionReason,
  RateLimitError,
  TimeoutError,
  WhiteBitError,
} from "./errors.ts";
import {
  readInterestPaymentsPage,
  readInvestmentsPage,
  readInvestResult,
  readPlans,
  readServerTime,
} from "./parse.ts";
import {
  CLOSE_PATH,
  INTEREST_PATH,
  INVEST_PATH,
  INVESTMENTS_PATH,
  MAX_LIMIT,
  MAX_OFFSET,
  PLANS_PATH,
  TIME_PATH,
} from "./paths.ts";
import { RateLimiter } from "./rate_limiter.ts";
import { redactHeaders } from "./redact.ts";
import { assertSigningKey, importApiSecret, signBody } from "./sign.ts";
import {
  type FixedPlan,
  type InterestPayment,
  type InterestPaymentsParams,
  type Investment,
  type InvestmentsParams,
  type Page,
  PLAN_STATUS,
  type PlansParams,
} from "./types.ts";
import {
  assertDecimalAmount,
  assertIdentifier,
  isRecord,
  mustBe,
  QUERY_RULES,
} from "./validate.ts";

/**
 * A `fetch`-compatible function.
 *
 * @example
 * ```ts
 * import { type FetchLike, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const paths: string[] = [];
 * const logged: FetchLike = (input, init) => {
 *   paths.push(new URL(input).pathname);
 *   return sandbox.fetch(input, init);
 * };
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: logged });
 * await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * deepStrictEqual(paths, ["/api/v4/main-account/smart/investment"]);
 * ```
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Options of {@linkcode WhiteBitClient}.
 *
 * @example
 * ```ts
 * import { RateLimiter, WhiteBitClient, type WhiteBitClientOptions } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const options: WhiteBitClientOptions = {
 *   ...sandbox.credentials, // apiKey and apiSecret
 *   fetch: sandbox.fetch, // leave out for the real WhiteBIT
 *   nonceWindow: false, // strictly rising nonces, one request at a time
 *   timeoutMs: 5_000,
 *   maxRetries: 0,
 *   rateLimiter: new RateLimiter({ limit: 500, windowMs: 10_000 }),
 * };
 * const client = new WhiteBitClient(options);
 * await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * strictEqual(client.nonceWindow, false);
 * ```
 */
export interface WhiteBitClientOptions {
  /** The public API key. */
  apiKey: string;
  /** The API secret, or a ready HMAC-SHA512 signing `CryptoKey`. */
  apiSecret: string | CryptoKey;
  /** `https://whitebit.com` (default), `https://whitebit.eu`, or any URL such as a sandbox's. */
  baseUrl?: string;
  /**
   * `true` (default): nonces are timestamps checked within ±5 s, so several
   * processes may share the key. `false`: each nonce must exceed the key's
   * last one, so this client sends one request at a time.
   */
  nonceWindow?: boolean;
  /** Milliseconds from sending a request to its complete answer. Default 10 000. */
  timeoutMs?: number;
  /** How often a 429 (never executed) is retried with a fresh nonce. Default 2. */
  maxRetries?: number;
  /** The first retry's delay in milliseconds, doubled each time. Default 1000. */
  retryDelayMs?: number;
  /** The cap on a retry's delay in milliseconds. Default 30 000. */
  maxRetryDelayMs?: number;
  /** The `fetch` to send requests with. Default: the global `fetch`. */
  fetch?: FetchLike;
  /** The clock, in Unix milliseconds. Default: `Date.now`. */
  now?: () => number;
  /** A limiter to share between clients on one IP. Default: one per client, 1000 per 10 s. */
  rateLimiter?: RateLimiter;
  /**
   * `true`: build and sign every request, then reject with a
   * {@linkcode DryRunError} showing it (signature redacted) instead of
   * sending it. Nothing is sent, no rate-limit slot is taken. Default `false`.
   */
  dryRun?: boolean;
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

/**
 * Per-call options.
 *
 * @example
 * ```ts
 * import { type CallOptions, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { rejects, strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const controller = new AbortController();
 * controller.abort(new Error("changed my mind"));
 * const options: CallOptions = { signal: controller.signal };
 * await rejects(
 *   client.invest({ planId: sandbox.plans[0].id, amount: "100" }, options),
 *   { message: "changed my mind" },
 * );
 * strictEqual(sandbox.requests.length, 0); // aborted before sending: nothing sent
 * ```
 */
export interface CallOptions {
  /**
   * Cancels the call. Before the request is sent, the call rejects with the
   * signal's reason and nothing is sent; afterwards with an
   * {@linkcode AbortedError} whose `outcome` is `"unknown"`.
   */
  signal?: AbortSignal;
}

/**
 * Options of {@linkcode WhiteBitClient.invest}.
 *
 * @example
 * ```ts
 * import { type InvestOptions, PreflightError, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { rejects, strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const options: InvestOptions = { preflight: true, signal: new AbortController().signal };
 * const planId = sandbox.plans[0].id; // its minimum is 10
 * await rejects(client.invest({ planId, amount: "5" }, options), PreflightError);
 * strictEqual(sandbox.investments.length, 0); // the investment was never sent
 * ```
 */
export interface InvestOptions extends CallOptions {
  /**
   * Look the plan up first (one extra read) and reject with a
   * {@linkcode PreflightError} instead of sending the investment when
   * WhiteBIT would refuse it: the plan is not listed or not active, or the
   * amount is below `minInvestment`, above `maxInvestment` or above
   * `maxPossibleInvestment`. Default `false`.
   */
  preflight?: boolean;
}

/**
 * Options of {@linkcode WhiteBitClient.findInvestment}.
 *
 * @example
 * ```ts
 * import { type FindInvestmentOptions, WhiteBitClient, WhiteBitError } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * sandbox.injectFault({ kind: "drop", afterProcessing: true }); // invest, then cut the line
 * const error = await client.invest({ planId: sandbox.plans[0].id, amount: "100" })
 *   .then(() => null, (error: WhiteBitError) => error);
 * const options: FindInvestmentOptions = { toleranceMs: 120_000 }; // clocks up to 2 minutes apart
 * const found = await client.findInvestment(error!, options);
 * strictEqual(found?.id, sandbox.investments[0].id);
 * ```
 */
export interface FindInvestmentOptions extends CallOptions {
  /**
   * How far before `attemptedAt` an investment's `created` (WhiteBIT's clock)
   * may lie and still count, for the difference between the two clocks.
   * Default 60 000: above WhiteBIT's ±5 s nonce window, so a clock in window
   * mode cannot be further off.
   */
  toleranceMs?: number;
}

/**
 * What {@linkcode WhiteBitClient.findInvestment} reads from a failed invest:
 * a {@linkcode WhiteBitError} has it all, and so has its JSON, kept to
 * reconcile later.
 *
 * @example
 * ```ts
 * import { type InvestFailure, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * sandbox.injectFault({ kind: "drop", afterProcessing: true });
 * const error = await client.invest({ planId: sandbox.plans[0].id, amount: "100" }).catch((e) => e);
 * const kept = JSON.stringify(error); // such as a row in a database
 * const failure: InvestFailure = JSON.parse(kept);
 * strictEqual(failure.outcome, "unknown");
 * strictEqual((await client.findInvestment(failure))?.amount, "100");
 * ```
 */
export type InvestFailure = Pick<
  WhiteBitError,
  "requestPath" | "outcome" | "params" | "attemptedAt"
>;

/** What an error about one signed request says about it. */
interface RequestFacts {
  requestPath: string;
  nonce?: number;
  params?: Record<string, unknown>;
  attemptedAt?: number;
}

/** How one private call is sent and its answer read. */
interface SendOptions<T> {
  signal: AbortSignal | undefined;
  /** Whether the call can change anything at WhiteBIT: then its body is never replayed. */
  stateChanging: boolean;
  /** Reads the parsed answer; throws if it is not as documented. */
  read: (result: unknown) => T;
}

/** The parameters each read call takes, in the order they are sent. */
const PLANS_KEYS = ["ticker"];
const INVESTMENTS_KEYS = ["id", "ticker", "status", "limit", "offset"];
const INTEREST_KEYS = ["planId", "ticker", "limit", "offset"];

/** How each parameter of the read calls is checked before anything is sent. */

const DEFAULT_TOLERANCE_MS = 60_000;

function defaultFetch(input: string, init: RequestInit): Promise<Response> {
  return fetch(input, init);
}

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
  readonly #apiKey: string;
  readonly #secret: string | CryptoKey;
  #key: Promise<CryptoKey> | undefined;
  readonly #fetch: FetchLike;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;
  readonly #rateLimiter: RateLimiter;
  readonly #dryRun: boolean;
  /** One request at a time in strict nonce mode: a limiter of 1 with no window is a lock. */
  readonly #sequencer: RateLimiter | undefined;
  #lastNonce = 0;
  #clockOffsetMs = 0;

  /**
   * Creates a client. Nothing is sent until a call is made; the secret is
   * imported as a signing key once, on the first call.
   *
   * @param options Credentials and settings.
   * @throws {TypeError} If a credential or the base URL is unusable.
   * @throws {RangeError} If a number option is out of range.
   */
  constructor(options: WhiteBitClientOptions) {
    const { apiKey, apiSecret } = options;
    // The credentials are never shown, not even in these messages.
    if (typeof apiKey !== "string" || apiKey === "") {
      throw new TypeError(`Cannot create client: "apiKey" must be a non-empty string`);
    }
    if (apiSecret instanceof CryptoKey) {
      assertSigningKey(apiSecret);
    } else if (typeof apiSecret !== "string" || apiSecret === "") {
      throw new TypeError(
        `Cannot create client: "apiSecret" must be a non-empty string or a CryptoKey`,
      );
    }
    this.baseUrl = parseBaseUrl(options.baseUrl ?? "https://whitebit.com");
    this.nonceWindow = options.nonceWindow ?? true;
    this.#apiKey = apiKey;
    this.#secret = apiSecret;
    this.#fetch = options.fetch ?? defaultFetch;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = positive("timeoutMs", options.timeoutMs ?? 10_000);
    this.#maxRetries = options.maxRetries ?? 2;
    if (!Number.isInteger(this.#maxRetries) || this.#maxRetries < 0) {
      throw new RangeError(
        mustBe("create client", '"maxRetries"', "a whole number >= 0", this.#maxRetries),
      );
    }
    this.#retryDelayMs = positive("retryDelayMs", options.retryDelayMs ?? 1000);
    this.#maxRetryDelayMs = positive("maxRetryDelayMs", options.maxRetryDelayMs ?? 30_000);
    this.#rateLimiter = options.rateLimiter ?? new RateLimiter();
    this.#sequencer = this.nonceWindow ? undefined : new RateLimiter({ limit: 1, windowMs: 0 });
    this.#dryRun = options.dryRun ?? false;
  }

  /** The correction applied to the local clock, in milliseconds, from {@linkcode WhiteBitClient.syncTime}. */
  get clockOffsetMs(): number {
    return this.#clockOffsetMs;
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
    options: InvestOptions = {},
  ): Promise<InvestResult> {
    assertIdentifier(params?.planId, "planId");
    assertDecimalAmount(params.amount, "amount");
    const body = { planId: params.planId, amount: params.amount };
    if (options.preflight) await this.#preflight(body, options.signal);
    return await this.#post(INVEST_PATH, body, {
      signal: options.signal,
      stateChanging: true,
      read: readInvestResult,
    });
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
    return await this.#read(PLANS_PATH, params, PLANS_KEYS, readPlans, options);
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
    return await this.#read(
      INVESTMENTS_PATH,
      params,
      INVESTMENTS_KEYS,
      readInvestmentsPage,
      options,
    );
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
    this.#query(params, INVESTMENTS_KEYS);
    return this.#walk((page) => this.investments({ ...params, ...page }, options), params);
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
    assertIdentifier(id, "id");
    await this.#post(CLOSE_PATH, { id }, {
      signal: options.signal,
      stateChanging: true,
      read: () => undefined, // WhiteBIT answers `[]`
    });
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
    return await this.#read(
      INTEREST_PATH,
      params,
      INTEREST_KEYS,
      readInterestPaymentsPage,
      options,
    );
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
    this.#query(params, INTEREST_KEYS);
    return this.#walk((page) => this.interestPayments({ ...params, ...page }, options), params);
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
    error: InvestFailure,
    options: FindInvestmentOptions = {},
  ): Promise<Investment | null> {
    if (error?.requestPath !== INVEST_PATH) {
      throw new TypeError(
        mustBe("find investment", "the error's requestPath", INVEST_PATH, error?.requestPath),
      );
    }
    if (error.outcome === "not_executed") return null;
    const { planId, amount } = error.params ?? {};
    assertIdentifier(planId, "params.planId");
    assertDecimalAmount(amount, "params.amount");
    if (!Number.isFinite(error.attemptedAt)) {
      throw new TypeError(
        mustBe("find investment", '"attemptedAt"', "a number", error.attemptedAt),
      );
    }
    const toleranceMs = options.toleranceMs ?? DEFAULT_TOLERANCE_MS;
    if (!(toleranceMs >= 0) || !Number.isFinite(toleranceMs)) {
      throw new RangeError(
        mustBe("find investment", '"toleranceMs"', "a number >= 0", toleranceMs),
      );
    }
    const attemptedAt = error.attemptedAt as number;
    const attempted = attemptedAt / 1000;
    const earliest = Math.floor((attemptedAt - toleranceMs) / 1000);
    const wanted = planId.toLowerCase();
    const ticker = (await this.plans({}, options)).find((plan) => plan.id.toLowerCase() === wanted)
      ?.ticker;
    let best: Investment | null = null;
    let previous = Infinity;
    let newestFirst = true;
    // Full pages from the newest: 101 of them reach the last offset served.
    for (let offset = 0;; offset += MAX_LIMIT) {
      const { records } = await this.investments({ ticker, limit: MAX_LIMIT, offset }, options);
      for (const investment of records) {
        newestFirst &&= investment.created <= previous;
        previous = investment.created;
        if (
          investment.plan.id.toLowerCase() === wanted && investment.created >= earliest &&
          compareDecimal(investment.amount, amount) === 0 &&
          (best === null ||
            Math.abs(investment.created - attempted) < Math.abs(best.created - attempted))
        ) {
          best = investment;
        }
      }
      // The whole history read, or newest first and back past the attempt.
      if (records.length < MAX_LIMIT || (newestFirst && previous < earliest)) return best;
      if (offset === MAX_OFFSET) {
        throw new RangeError(
          `Cannot find investment: WhiteBIT serves too little history to tell since ${
            new Date(earliest * 1000).toISOString()
          }: the outcome is unknown, not "not found"`,
        );
      }
    }
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
    const started = this.#now();
    const time = await this.#exchange({ requestPath: TIME_PATH }, { method: "GET" }, {
      signal: options.signal,
      read: readServerTime,
    });
    const finished = this.#now();
    // WhiteBIT answers whole seconds: the true time is in [time, time + 1).
    this.#clockOffsetMs = Math.round(
      time * 1000 + 500 - (started + finished) / 2,
    );
    return this.#clockOffsetMs;
  }

  /** What the client shows of itself: never the secret or the API key. */
  toJSON(): { baseUrl: string; nonceWindow: boolean } {
    return { baseUrl: this.baseUrl, nonceWindow: this.nonceWindow };
  }

  /** Checks a read call's parameters, sends it and reads its answer. */
  async #read<T>(
    path: string,
    params: object,
    keys: readonly string[],
    read: (result: unknown) => T,
    options: CallOptions,
  ): Promise<T> {
    return await this.#post(path, this.#query(params, keys), {
      signal: options.signal,
      stateChanging: false,
      read,
    });
  }

  /** The parameters of `keys` that are set, each checked by its rule. */
  #query(params: object, keys: readonly string[]): Record<string, unknown> {
    if (!isRecord(params)) {
      throw new TypeError(mustBe("use the parameters", "they", "an object", params));
    }
    const query: Record<string, unknown> = {};
    for (const key of keys) {
      if (params[key] === undefined) continue;
      QUERY_RULES[key](params[key], key);
      query[key] = params[key];
    }
    return query;
  }

  /**
   * Yields every record from `start.offset` on, a page of `start.limit` at a
   * time, up to WhiteBIT's last offset; the last page's offset is pulled back
   * to 10 000 and the records seen already are skipped.
   */
  async *#walk<T>(
    readPage: (page: { limit: number; offset: number }) => Promise<Page<T>>,
    start: { limit?: number; offset?: number },
  ): AsyncGenerator<T, void, undefined> {
    const limit = start.limit ?? MAX_LIMIT;
    let offset = start.offset ?? 0;
    let seen = 0;
    for (;;) {
      const { records } = await readPage({ limit, offset });
      yield* records.slice(seen);
      if (records.length < limit) return;
      if (offset === MAX_OFFSET) {
        throw new RangeError(
          `Cannot read past offset ${MAX_OFFSET}: WhiteBIT serves no more of this history (narrow it with filters)`,
        );
      }
      seen = Math.max(0, offset + limit - MAX_OFFSET);
      offset = Math.min(offset + limit, MAX_OFFSET);
    }
  }

  /**
   * Checks that the plan would take the amount: one read of the plans, and
   * exact decimal comparisons. Errors of the lookup that say it was refused
   * pass through; one without a clear answer becomes a
   * {@linkcode PreflightError}, as nothing was invested either way.
   */
  async #preflight(
    params: { planId: string; amount: string },
    signal: AbortSignal | undefined,
  ): Promise<void> {
    let plans: FixedPlan[] | undefined;
    let cause: unknown;
    try {
      plans = await this.plans({}, { signal });
    } catch (error) {
      if (!(error instanceof WhiteBitError) || error.outcome !== "unknown") throw error;
      cause = error;
    }
    const plan = plans?.find((candidate) => candidate.id === params.planId);
    const refusal: Refusal | undefined = plans
      ? refusalOf(plan, params.amount)
      : ["plan_lookup_failed", "the plan lookup got no clear answer"];
    if (refusal) {
      throw new PreflightError(
        `Cannot invest ${params.amount} in plan ${params.planId}: ${refusal[1]}. Nothing was sent.`,
        {
          requestPath: INVEST_PATH,
          params,
          outcome: "not_executed",
          reason: refusal[0],
          plan,
          cause,
        },
      );
    }
  }

  /** Signs and sends one private call and reads its answer, retrying only 429s (never executed). */
  async #post<T>(
    path: string,
    params: Record<string, unknown>,
    options: SendOptions<T>,
  ): Promise<T> {
    for (let attempt = 0;; attempt++) {
      try {
        return await this.#attempt(path, params, options);
      } catch (error) {
        const retryable = (error instanceof NonceError || error instanceof RateLimitError) &&
          error.status === 429 && attempt < this.#maxRetries;
        if (!retryable) throw error;
        const delay = Math.min(this.#maxRetryDelayMs, this.#retryDelayMs * 2 ** attempt);
        await sleep(delay / 2 + Math.random() * delay / 2, options.signal);
      }
    }
  }

  async #attempt<T>(
    path: string,
    params: Record<string, unknown>,
    options: SendOptions<T>,
  ): Promise<T> {
    const { signal } = options;
    signal?.throwIfAborted();
    if (this.#dryRun) {
      const { request, headers, body } = await this.#sign(path, params);
      throw new DryRunError(`Dry run: the request to ${path} was signed but not sent.`, {
        ...request,
        outcome: "not_executed",
        request: {
          method: "POST",
          url: this.baseUrl + path,
          headers: redactHeaders(headers),
          body,
        },
      });
    }
    const releaseSlot = await this.#rateLimiter.acquire(signal);
    try {
      const releaseTurn = await this.#sequencer?.acquire(signal);
      try {
        const { request, headers, body } = await this.#sign(path, params);
        return await this.#exchange(request, {
          method: "POST",
          headers,
          // Deno's fetch was measured re-sending a string body on a new
          // connection when a reused keep-alive connection closed before the
          // answer; a Blob body is never replayed, and keeps Content-Length.
          body: options.stateChanging ? new Blob([body], { type: "application/json" }) : body,
        }, options);
      } finally {
        releaseTurn?.();
      }
    } finally {
      releaseSlot();
    }
  }

  /** Builds the body with a fresh nonce and signs it, at the moment of sending. */
  async #sign(
    path: string,
    params: Record<string, unknown>,
  ): Promise<{ request: RequestFacts; headers: Record<string, string>; body: string }> {
    const attemptedAt = Math.floor(this.#now() + this.#clockOffsetMs);
    const nonce = Math.max(attemptedAt, this.#lastNonce + 1);
    this.#lastNonce = nonce;
    const body = JSON.stringify({
      request: path,
      nonce,
      ...(this.nonceWindow ? { nonceWindow: true } : {}),
      ...params,
    });
    this.#key ??= typeof this.#secret === "string"
      ? importApiSecret(this.#secret)
      : Promise.resolve(this.#secret);
    const { payload, signature } = await signBody(await this.#key, body);
    return {
      request: { requestPath: path, nonce, params, attemptedAt },
      headers: {
        "Content-Type": "application/json",
        "X-TXC-APIKEY": this.#apiKey,
        "X-TXC-PAYLOAD": payload,
        "X-TXC-SIGNATURE": signature,
      },
      body,
    };
  }

  /**
   * Sends one request, receives its whole answer within the timeout and
   * reads it. Rejects with the signal's reason if it is already aborted
   * (nothing sent); with an error of outcome `"unknown"` if the request left
   * but no answer came back, or the answer is a success that is not as
   * documented; with {@linkcode errorFromResponse}'s error for a failure.
   */
  async #exchange<T>(
    request: RequestFacts,
    init: RequestInit,
    options: Pick<SendOptions<T>, "signal" | "read">,
  ): Promise<T> {
    const { signal } = options;
    const path = request.requestPath;
    signal?.throwIfAborted();
    // AbortSignal.timeout, not setTimeout: Deno's first setTimeout costs ~8 ms of cold start.
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const send = this.#fetch;
    let response: Response;
    let text: string;
    try {
      response = await send(this.baseUrl + path, {
        ...init,
        redirect: "manual",
        signal: combined,
      });
      text = await response.text();
    } catch (error) {
      // The request may have left: which error it is, and its cause (the
      // signal's reason after an abort, none after a timeout).
      const [ErrorClass, what, cause]: [typeof WhiteBitError, string, unknown] =
        combined.reason === timeout.reason && timeout.aborted
          ? [TimeoutError, `got no answer within ${this.#timeoutMs} ms`, undefined]
          : signal?.aborted
          ? [AbortedError, "was aborted after it was sent", signal.reason]
          : [NetworkError, `failed without an answer (${describeCause(error)})`, error];
      throw new ErrorClass(`The request to ${path} ${what}. ${MAY_HAVE_RUN}`, {
        ...request,
        outcome: "unknown",
        cause,
      });
    }
    const answered = { ...request, status: response.status, requestId: requestIdOf(response) };
    if (!response.ok) throw errorFromResponse({ ...answered, text });
    try {
      return options.read(JSON.parse(text));
    } catch (cause) {
      throw new WhiteBitError(
        `WhiteBIT answered ${response.status} to ${path}, but not as documented (${
          describeCause(cause)
        }). ${MAY_HAVE_RUN}`,
        { ...answered, outcome: "unknown", responseText: text, cause },
      );
    }
  }
}

/** Why a plan would refuse an investment, and what it says. */
type Refusal = [PreflightRejectionReason, string];

/** Why `plan` (as listed, if it is) would refuse `amount`, if it would. */
function refusalOf(plan: FixedPlan | undefined, amount: string): Refusal | undefined {
  if (!plan) return ["plan_not_offered", "it is not offered to this account"];
  if (plan.status !== PLAN_STATUS.Active) {
    return ["plan_not_active", `its status is ${plan.status}, not 1 (active)`];
  }
  if (compareDecimal(amount, plan.minInvestment) < 0) {
    return ["amount_below_minimum", `the minimum is ${plan.minInvestment}`];
  }
  if (compareDecimal(amount, plan.maxInvestment) > 0) {
    return ["amount_above_maximum", `the maximum is ${plan.maxInvestment}`];
  }
  if (compareDecimal(amount, plan.maxPossibleInvestment) > 0) {
    return ["amount_above_available", `only ${plan.maxPossibleInvestment} is left in it`];
  }
}

function parseBaseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === "https:" || url.protocol === "http:") return url.href.replace(/\/+$/, "");
  } catch {
    // refused below
  }
  throw new TypeError(mustBe("create client", '"baseUrl"', "an http(s) URL", value));
}

function positive(name: string, value: number): number {
  if (value > 0 && Number.isFinite(value)) return value;
  throw new RangeError(mustBe("create client", `"${name}"`, "a positive number", value));
}

function requestIdOf(response: Response): string | undefined {
  return response.headers.get("x-request-id") ??
    response.headers.get("cf-ray") ?? undefined;
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

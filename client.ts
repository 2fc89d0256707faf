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

import { compareDecimal } from "./client/_decimal.ts";
import {
  AbortedError,
  DryRunError,
  errorFromResponse,
  MAY_HAVE_RUN,
  NetworkError,
  NonceError,
  NOT_SENT,
  type Outcome,
  PreflightError,
  type PreflightRejectionReason,
  RateLimitError,
  READ_ONLY,
  TimeoutError,
  WhiteBitError,
  type WhiteBitErrorOptions,
} from "./client/errors.ts";
import {
  readInterestPaymentsPage,
  readInvestmentsPage,
  readInvestResult,
  readPlans,
  readServerTime,
} from "./client/_parse.ts";
import {
  CLOSE_PATH,
  INTEREST_PATH,
  INVEST_PATH,
  INVESTMENTS_PATH,
  MAX_LIMIT,
  MAX_OFFSET,
  PLANS_PATH,
  TIME_PATH,
} from "./client/_paths.ts";
import { RateLimiter } from "./client/rate_limiter.ts";
import { redactHeaders } from "./client/_redact.ts";
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
} from "./client/types.ts";
import {
  assertDecimalAmount,
  assertDelay,
  assertIdentifier,
  isRecord,
  mustBe,
  QUERY_RULES,
} from "./client/_validate.ts";

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
  /**
   * `https://whitebit.com` (default), `https://whitebit.eu`, or any URL such
   * as a sandbox's. Plain `http:` only for a loopback host (`127.0.0.1`,
   * `::1`, `localhost`) or with a custom `fetch`: the signed request would
   * otherwise travel in clear text. Never with credentials in it.
   */
  baseUrl?: string;
  /**
   * `true` (default): nonces are timestamps checked within ±5 s, so several
   * processes may share the key. `false`: each nonce must exceed the key's
   * last one, so this client sends one request at a time.
   */
  nonceWindow?: boolean;
  /** Milliseconds from sending a request to its complete answer (1 to 2^31 − 1). Default 10 000. */
  timeoutMs?: number;
  /** How often a 429 (never executed) is retried with a fresh nonce. Default 2. */
  maxRetries?: number;
  /** The first retry's delay in milliseconds (1 to 2^31 − 1), doubled each time. Default 1000. */
  retryDelayMs?: number;
  /**
   * The cap on a retry's delay in milliseconds (1 to 2^31 − 1), also on a
   * 429's `Retry-After`. Default 30 000.
   */
  maxRetryDelayMs?: number;
  /**
   * The longest a call waits for its turn (a rate-limit slot, and in strict
   * mode the previous request) before it fails with a
   * {@linkcode RateLimitError} whose `outcome` is `"not_executed"`: nothing
   * was sent. 0 to 2^31 − 1; per call with {@linkcode CallOptions.maxWaitMs}.
   * Default 60 000.
   */
  maxWaitMs?: number;
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
  /**
   * Cancels the call only while it waits for its turn, never once its
   * request is sent: the call then rejects with the signal's reason and
   * nothing is sent. For a caller who would rather not send than stop a
   * request in flight, such as a server whose client hung up.
   */
  waitSignal?: AbortSignal;
  /**
   * The longest this call waits for its turn; see
   * {@linkcode WhiteBitClientOptions.maxWaitMs}. Default: the client's.
   */
  maxWaitMs?: number;
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
  /** The caller's signals and wait bound. */
  call: CallOptions;
  /**
   * Whether the call can change anything at WhiteBIT: then its body is never
   * replayed, and a failure after sending may mean funds moved.
   */
  stateChanging: boolean;
  /** Reads the parsed answer; throws if it is not as documented. Absent: any 2xx will do. */
  read?: (result: unknown) => T;
}

/** The parameters each read call takes, in the order they are sent. */
const PLANS_KEYS = ["ticker"];
const INVESTMENTS_KEYS = ["id", "ticker", "status", "limit", "offset"];
const INTEREST_KEYS = ["planId", "ticker", "limit", "offset"];

/** How each parameter of the read calls is checked before anything is sent. */

const DEFAULT_TOLERANCE_MS = 60_000;

/** WhiteBIT's largest answer, a 100-record history page, is far below this. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** WhiteBIT's nonce window: ±5 s around its clock. */
const NONCE_WINDOW_MS = 5_000;

/**
 * The nonces sent are millisecond times from 2001 to 2286: never seconds,
 * micro- or nanoseconds (which would stick a strict-mode key above every
 * millisecond time).
 */
const MIN_NONCE = 1_000_000_000_000;
const MAX_NONCE = 9_999_999_999_999;

/** A server time above this is milliseconds, not seconds (it would be after the year 5138). */
const MAX_UNIX_SECONDS = 99_999_999_999;

/** `syncTime()` refuses a server time further than this from the local clock. */
const MAX_CLOCK_OFFSET_MS = 24 * 60 * 60 * 1000;

/** What an API key may hold: it travels in a header, and is never echoed. */
const API_KEY = /^[\x21-\x7e]{1,256}$/;

/** Hosts that plain `http:` may reach: the signed request never leaves the machine. */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Error names the runtime throws before opening any connection, such as
 * Deno's missing network permission: the request provably never left.
 */
const NOT_SENT_ERRORS: ReadonlySet<string> = new Set(["NotCapable", "PermissionDenied"]);

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
  readonly #maxWaitMs: number;
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
    if (typeof apiKey !== "string" || !API_KEY.test(apiKey)) {
      throw new TypeError(
        `Cannot create client: "apiKey" must be 1 to 256 visible ASCII characters (the key is not shown)`,
      );
    }
    if (apiSecret instanceof CryptoKey) {
      assertSigningKey(apiSecret);
    } else if (typeof apiSecret !== "string" || apiSecret === "") {
      throw new TypeError(
        `Cannot create client: "apiSecret" must be a non-empty string or a CryptoKey`,
      );
    }
    this.#fetch = options.fetch ?? defaultFetch;
    this.baseUrl = parseBaseUrl(options.baseUrl ?? "https://whitebit.com", options.fetch);
    this.nonceWindow = options.nonceWindow ?? true;
    this.#apiKey = apiKey;
    this.#secret = apiSecret;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = delay("timeoutMs", options.timeoutMs ?? 10_000, 1);
    this.#maxRetries = options.maxRetries ?? 2;
    if (!Number.isInteger(this.#maxRetries) || this.#maxRetries < 0) {
      throw new RangeError(
        mustBe("create client", '"maxRetries"', "a whole number >= 0", this.#maxRetries),
      );
    }
    this.#retryDelayMs = delay("retryDelayMs", options.retryDelayMs ?? 1000, 1);
    this.#maxRetryDelayMs = delay("maxRetryDelayMs", options.maxRetryDelayMs ?? 30_000, 1);
    this.#maxWaitMs = delay("maxWaitMs", options.maxWaitMs ?? 60_000, 0);
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
    // Each parameter is read once: a getter cannot sign what was not checked.
    const { planId, amount } = params ?? {};
    assertIdentifier(planId, "planId");
    assertDecimalAmount(amount, "amount");
    const body = { planId, amount };
    if (options.preflight) await this.#preflight(body, options);
    return await this.#post(INVEST_PATH, body, {
      call: options,
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
    // WhiteBIT answers `[]`; any 2xx (`{}`, an empty body, 204) means closed.
    await this.#post(CLOSE_PATH, { id }, { call: options, stateChanging: true });
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
    const request: RequestFacts = { requestPath: TIME_PATH };
    const init: RequestInit = { method: "GET" };
    if (this.#dryRun) throw this.#dryRunError(request, init);
    const started = this.#now();
    const time = await this.#exchange(request, init, {
      call: options,
      stateChanging: false,
      read: readServerTime,
    });
    const finished = this.#now();
    // WhiteBIT answers whole seconds: the true time is in [time, time + 1).
    const offset = Math.round(time * 1000 + 500 - (started + finished) / 2);
    // Seconds, not milliseconds, and within a day of this clock: anything
    // else is a broken or hostile answer, and the old offset stays.
    if (time > MAX_UNIX_SECONDS || !(Math.abs(offset) <= MAX_CLOCK_OFFSET_MS)) {
      throw new WhiteBitError(
        `Cannot sync time: WhiteBIT's time ${time} is not plausible (${
          time > MAX_UNIX_SECONDS
            ? "milliseconds, not seconds"
            : "more than a day from this machine's clock"
        }); the clock offset stays ${this.#clockOffsetMs} ms. ${READ_ONLY}`,
        { ...request, status: 200, outcome: "not_executed" },
      );
    }
    this.#clockOffsetMs = offset;
    return offset;
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
      call: options,
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
      const value = params[key]; // read once: a getter cannot send what was not checked
      if (value === undefined) continue;
      QUERY_RULES[key](value, key);
      query[key] = value;
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
   * pass through (a 4xx); one without a clear answer becomes a
   * {@linkcode PreflightError}, as nothing was invested either way.
   */
  async #preflight(
    params: { planId: string; amount: string },
    call: CallOptions,
  ): Promise<void> {
    let plans: FixedPlan[] | undefined;
    let cause: unknown;
    try {
      plans = await this.plans({}, call);
    } catch (error) {
      if (!(error instanceof WhiteBitError) || isRefusal(error.status)) throw error;
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
        const backoff = Math.min(this.#maxRetryDelayMs, this.#retryDelayMs * 2 ** attempt);
        const jittered = backoff / 2 + Math.random() * backoff / 2;
        // WhiteBIT's Retry-After, when it sends one, is honoured up to the cap.
        const wait = Math.min(this.#maxRetryDelayMs, Math.max(jittered, error.retryAfterMs ?? 0));
        await sleep(wait, options.call.signal);
      }
    }
  }

  /** One attempt: waits for its turn, signs at the last moment, sends, reads the answer. */
  async #attempt<T>(
    path: string,
    params: Record<string, unknown>,
    options: SendOptions<T>,
  ): Promise<T> {
    const { signal } = options.call;
    signal?.throwIfAborted();
    if (this.#dryRun) {
      const { request, headers, body } = await this.#sign(path, params);
      throw this.#dryRunError(request, { method: "POST", headers, body });
    }
    const waiting = this.#waitFor(path, options.call);
    const releaseSlot = await waiting.turn(this.#rateLimiter);
    try {
      const releaseTurn = this.#sequencer && await waiting.turn(this.#sequencer);
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

  /**
   * How a call waits for its turns: the caller's `signal` and `waitSignal`
   * abort the wait; past `maxWaitMs` in all, it fails with a
   * {@linkcode RateLimitError} whose `outcome` is `"not_executed"`.
   */
  #waitFor(path: string, call: CallOptions): { turn(limiter: RateLimiter): Promise<() => void> } {
    const maxWaitMs = call.maxWaitMs ?? this.#maxWaitMs;
    if (call.maxWaitMs !== undefined) delay("maxWaitMs", maxWaitMs, 0);
    const signals = [call.signal, call.waitSignal].filter((s) => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const since = performance.now();
    return {
      turn: async (limiter) => {
        const left = Math.max(0, Math.ceil(maxWaitMs - (performance.now() - since)));
        try {
          return await limiter.acquire({ signal, maxWaitMs: left });
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          throw new RateLimitError(
            `No turn to send came within ${maxWaitMs} ms (the client's rate limit${
              this.#sequencer ? " and strict nonce order" : ""
            }). Nothing was sent.`,
            { requestPath: path, outcome: "not_executed", cause: error },
          );
        }
      },
    };
  }

  /** The error of a dry run: the request, signed but never sent, with its secrets redacted. */
  #dryRunError(request: RequestFacts, init: RequestInit): DryRunError {
    const path = request.requestPath;
    return new DryRunError(`Dry run: the request to ${path} was prepared but not sent.`, {
      ...request,
      outcome: "not_executed",
      request: {
        method: init.method ?? "GET",
        url: this.baseUrl + path,
        headers: redactHeaders((init.headers ?? {}) as Record<string, string>),
        body: typeof init.body === "string" ? init.body : "",
      },
    });
  }

  /**
   * The next nonce, as late as possible: a millisecond timestamp on the
   * corrected clock.
   *
   * - Strict mode: `max(now, last + 1)`, never lower. WhiteBIT keeps the
   *   key's highest nonce and refuses anything not above it, so a nonce
   *   that came down would be refused until the clock caught up again.
   * - Window mode: WhiteBIT wants each nonce within ±5 s of its clock and
   *   unique, not rising. Nonces still rise (`last + 1`) while that stays
   *   in the window; once `last + 1` is more than the window ahead of the
   *   corrected clock (the clock was fast and `syncTime()` corrected it, or
   *   it jumped and came back), those nonces were all refused anyway, so
   *   they restart from the corrected clock instead of staying out of the
   *   window for ever.
   *
   * A clock that gives no plausible millisecond time never reaches the wire.
   */
  #nextNonce(): { nonce: number; attemptedAt: number } {
    const attemptedAt = Math.floor(this.#now() + this.#clockOffsetMs);
    const next = this.#lastNonce + 1;
    const nonce = this.nonceWindow && next > attemptedAt + NONCE_WINDOW_MS
      ? attemptedAt
      : Math.max(attemptedAt, next);
    if (!(nonce >= MIN_NONCE && nonce <= MAX_NONCE)) {
      throw new RangeError(
        mustBe(
          "sign the request",
          "the nonce (the clock in Unix milliseconds)",
          `a whole number from ${MIN_NONCE} to ${MAX_NONCE}`,
          nonce,
        ) + ". Nothing was sent.",
      );
    }
    this.#lastNonce = nonce;
    return { nonce, attemptedAt };
  }

  /** Builds and signs the body of one request, taking its nonce now. */
  async #sign(
    path: string,
    params: Record<string, unknown>,
  ): Promise<{ request: RequestFacts; headers: Record<string, string>; body: string }> {
    const { nonce, attemptedAt } = this.#nextNonce();
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
   * Sends one request and reads its answer, at most {@linkcode MAX_ANSWER_BYTES}
   * of it. Every failure says whether the request may have run: a refusal
   * before sending is `"not_executed"`; after sending, a state-changing
   * call's failure is `"unknown"`, a read's `"not_executed"` (it moves no
   * funds).
   */
  async #exchange<T>(
    request: RequestFacts,
    init: RequestInit,
    options: SendOptions<T>,
  ): Promise<T> {
    const { signal } = options.call;
    const path = request.requestPath;
    const sent = options.stateChanging ? MAY_HAVE_RUN : READ_ONLY;
    const failed = (
      ErrorClass: typeof WhiteBitError,
      what: string,
      details: Partial<WhiteBitErrorOptions> & { outcome?: Outcome } = {},
    ) =>
      new ErrorClass(`The request to ${path} ${what}. ${details.outcome ? NOT_SENT : sent}`, {
        ...request,
        outcome: options.stateChanging ? "unknown" : "not_executed",
        ...details,
      });
    signal?.throwIfAborted();
    // AbortSignal.timeout, not setTimeout: Deno's first setTimeout costs ~8 ms of cold start.
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const send = this.#fetch;
    let response: Response;
    let answer: { text: string; cut: boolean };
    try {
      response = await send(this.baseUrl + path, {
        ...init,
        redirect: "manual",
        signal: combined,
      });
      answer = await readCapped(response);
    } catch (error) {
      // Which error it is, and its cause (the signal's reason after an
      // abort, none after a timeout). A refusal of the runtime before any
      // connection (no network permission) is provably not sent.
      throw timeout.aborted && combined.reason === timeout.reason
        ? failed(TimeoutError, `got no answer within ${this.#timeoutMs} ms`)
        : signal?.aborted
        ? failed(AbortedError, "was aborted after it was sent", { cause: signal.reason })
        : NOT_SENT_ERRORS.has((error as Error)?.name)
        ? failed(NetworkError, `was refused before sending (${describeCause(error)})`, {
          outcome: "not_executed",
          cause: error,
        })
        : failed(NetworkError, `failed without an answer (${describeCause(error)})`, {
          cause: error,
        });
    }
    const { text, cut } = answer;
    const answered = { ...request, status: response.status, requestId: requestIdOf(response) };
    if (cut && response.ok) {
      throw failed(
        WhiteBitError,
        `was answered ${response.status} with more than ${MAX_ANSWER_BYTES} bytes; the rest was not read`,
        { ...answered, responseText: text },
      );
    }
    if (!response.ok) {
      throw errorFromResponse({
        ...answered,
        text,
        stateChanging: options.stateChanging,
        retryAfter: response.headers.get("retry-after") ?? undefined,
      });
    }
    if (!options.read) return undefined as T;
    try {
      return options.read(JSON.parse(text));
    } catch (cause) {
      throw failed(
        WhiteBitError,
        `was answered ${response.status}, but not as documented (${describeCause(cause)})`,
        { ...answered, responseText: text, cause },
      );
    }
  }
}

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

/**
 * The base URL without a trailing slash: `https:`, or plain `http:` to a
 * loopback host or through a custom `fetch` (the signed request would
 * otherwise cross the network in clear text), and never with credentials.
 */
function parseBaseUrl(value: string, customFetch: FetchLike | undefined): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // refused below
  }
  if (url && (url.username || url.password)) {
    throw new TypeError(
      `Cannot create client: "baseUrl" must not hold a user name or password (it is not shown)`,
    );
  }
  if (
    url?.protocol === "https:" ||
    (url?.protocol === "http:" && (customFetch || LOOPBACK.test(url.hostname)))
  ) {
    return url.href.replace(/\/+$/, "");
  }
  throw new TypeError(
    mustBe(
      "create client",
      '"baseUrl"',
      "an https: URL (plain http: only to 127.0.0.1, ::1 or localhost, or with a custom fetch)",
      value,
    ),
  );
}

/** A delay option in milliseconds, from `min` to 2^31 − 1 (a longer one would fire at once). */
function delay(name: string, value: number, min: number): number {
  assertDelay(value, "create client", name, min);
  return value;
}

/** Whether a status says WhiteBIT refused the call (a 4xx), as opposed to no clear answer. */
function isRefusal(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * Reads at most {@linkcode MAX_ANSWER_BYTES} of an answer; past that it
 * stops reading, cancels the rest (closing the connection) and says the text
 * was cut. What was read stays the evidence.
 */
async function readCapped(response: Response): Promise<{ text: string; cut: boolean }> {
  if (!response.body) return { text: "", cut: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  let cut = false;
  while (!cut) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), cut };
    size += value.byteLength;
    cut = size > MAX_ANSWER_BYTES;
    text += decoder.decode(
      cut ? value.subarray(0, value.byteLength - size + MAX_ANSWER_BYTES) : value,
      { stream: !cut },
    );
  }
  reader.cancel().catch(() => {}); // closes the connection; a hostile peer is not waited for
  return { text, cut };
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

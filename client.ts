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

import {
  AbortedError,
  errorFromResponse,
  NetworkError,
  NonceError,
  RateLimitError,
  TimeoutError,
  WhiteBitError,
} from "./errors.ts";
import { RateLimiter } from "./rate_limiter.ts";
import { assertSigningKey, importApiSecret, signBody } from "./sign.ts";
import { assertDecimalAmount, assertIdentifier, isRecord } from "./validate.ts";

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

const INVEST_PATH = "/api/v4/main-account/smart/investment";
const TIME_PATH = "/api/v4/public/time";
const TIMED_OUT: unique symbol = Symbol("timed out");

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
    if (typeof apiKey !== "string" || apiKey.length === 0) {
      throw new TypeError(
        `Cannot create client: "apiKey" must be a non-empty string: current type is ${typeof apiKey}`,
      );
    }
    if (typeof apiSecret === "string") {
      if (apiSecret.length === 0) {
        throw new TypeError(
          `Cannot create client: "apiSecret" must not be empty`,
        );
      }
    } else if (apiSecret instanceof CryptoKey) {
      assertSigningKey(apiSecret);
    } else {
      throw new TypeError(
        `Cannot create client: "apiSecret" must be a string or a CryptoKey: current type is ${typeof apiSecret}`,
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
        `Cannot create client: "maxRetries" must be a whole number >= 0: current value is ${this.#maxRetries}`,
      );
    }
    this.#retryDelayMs = positive("retryDelayMs", options.retryDelayMs ?? 1000);
    this.#maxRetryDelayMs = positive(
      "maxRetryDelayMs",
      options.maxRetryDelayMs ?? 30_000,
    );
    this.#rateLimiter = options.rateLimiter ?? new RateLimiter();
    this.#sequencer = this.nonceWindow ? undefined : new RateLimiter({ limit: 1, windowMs: 0 });
  }

  /** The correction applied to the local clock, in milliseconds, from {@linkcode WhiteBitClient.syncTime}. */
  get clockOffsetMs(): number {
    return this.#clockOffsetMs;
  }

  /**
   * Creates a fixed-term investment (`POST /api/v4/main-account/smart/investment`).
   *
   * WhiteBIT has no idempotency key, so this is never retried once it may
   * have run: a failure with `outcome: "unknown"` must be reconciled against
   * the investments history before investing again.
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
   * @param params The plan id and the amount as a decimal string.
   * @param options A signal to cancel the call.
   * @returns The new investment's id.
   * @throws {TypeError} If `planId` or `amount` is not a string; nothing is sent.
   * @throws {RangeError} If `amount` is not a plain positive decimal; nothing is sent.
   * @throws {WhiteBitError} If WhiteBIT refused the investment or gave no clear answer.
   */
  async invest(
    params: InvestParams,
    options: CallOptions = {},
  ): Promise<InvestResult> {
    assertIdentifier(params?.planId, "planId");
    assertDecimalAmount(params.amount, "amount");
    const { result, nonce } = await this.#post(
      INVEST_PATH,
      { planId: params.planId, amount: params.amount },
      { signal: options.signal, stateChanging: true },
    );
    if (
      isRecord(result) && typeof result.id === "string" && result.id.length > 0
    ) {
      return { id: result.id };
    }
    throw new WhiteBitError(
      `WhiteBIT accepted the investment but its answer has no "id". The investment was probably created: reconcile before investing again.`,
      {
        outcome: "unknown",
        requestPath: INVEST_PATH,
        nonce,
        responseText: JSON.stringify(result),
      },
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
    const started = this.#now();
    const { response, text } = await this.#exchange(
      TIME_PATH,
      undefined,
      { method: "GET" },
      options.signal,
    );
    const finished = this.#now();
    let time: unknown;
    try {
      time = (JSON.parse(text) as { time?: unknown }).time;
    } catch {
      // handled below
    }
    if (!response.ok || typeof time !== "number" || !Number.isFinite(time)) {
      throw response.ok
        ? new WhiteBitError(`WhiteBIT's time answer has no "time" number`, {
          status: response.status,
          outcome: "not_executed",
          requestPath: TIME_PATH,
          responseText: text,
        })
        : errorFromResponse({
          requestPath: TIME_PATH,
          status: response.status,
          text,
        });
    }
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

  /** Signs and sends one private call, retrying only 429s (never executed). */
  async #post(
    path: string,
    params: Record<string, unknown>,
    options: { signal: AbortSignal | undefined; stateChanging: boolean },
  ): Promise<{ result: unknown; nonce: number }> {
    for (let attempt = 0;; attempt++) {
      try {
        return await this.#attempt(path, params, options);
      } catch (error) {
        const retryable = (error instanceof NonceError || error instanceof RateLimitError) &&
          error.status === 429 && attempt < this.#maxRetries;
        if (!retryable) throw error;
        const delay = Math.min(
          this.#maxRetryDelayMs,
          this.#retryDelayMs * 2 ** attempt,
        );
        await sleep(delay / 2 + Math.random() * delay / 2, options.signal);
      }
    }
  }

  async #attempt(
    path: string,
    params: Record<string, unknown>,
    options: { signal: AbortSignal | undefined; stateChanging: boolean },
  ): Promise<{ result: unknown; nonce: number }> {
    const { signal } = options;
    signal?.throwIfAborted();
    const releaseSlot = await this.#rateLimiter.acquire(signal);
    try {
      const releaseTurn = await this.#sequencer?.acquire(signal);
      try {
        const nonce = this.#nextNonce();
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
        const { response, text } = await this.#exchange(path, nonce, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "X-TXC-APIKEY": this.#apiKey,
            "X-TXC-PAYLOAD": payload,
            "X-TXC-SIGNATURE": signature,
          },
          // Deno's fetch was measured re-sending a string body on a new
          // connection when a reused keep-alive connection closed before the
          // answer; a Blob body is never replayed, and keeps Content-Length.
          body: options.stateChanging ? new Blob([body], { type: "application/json" }) : body,
        }, signal);
        if (!response.ok) {
          throw errorFromResponse({
            requestPath: path,
            nonce,
            status: response.status,
            text,
            requestId: requestIdOf(response),
          });
        }
        try {
          return { result: JSON.parse(text), nonce };
        } catch (cause) {
          throw new WhiteBitError(
            `WhiteBIT answered ${response.status} to ${path} with a body that is not JSON. The request was probably carried out: reconcile before sending it again.`,
            {
              status: response.status,
              outcome: "unknown",
              requestPath: path,
              nonce,
              responseText: text,
              requestId: requestIdOf(response),
              cause,
            },
          );
        }
      } finally {
        releaseTurn?.();
      }
    } finally {
      releaseSlot();
    }
  }

  /**
   * Sends one request and reads its whole answer within the timeout. Rejects
   * with the signal's reason if it is already aborted (nothing sent), and
   * with a {@linkcode WhiteBitError} of outcome `"unknown"` if the request
   * left but no answer came back.
   */
  async #exchange(
    path: string,
    nonce: number | undefined,
    init: RequestInit,
    signal: AbortSignal | undefined,
  ): Promise<{ response: Response; text: string }> {
    signal?.throwIfAborted();
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(TIMED_OUT),
      this.#timeoutMs,
    );
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const send = this.#fetch;
    try {
      const response = await send(this.baseUrl + path, {
        ...init,
        redirect: "manual",
        signal: controller.signal,
      });
      return { response, text: await response.text() };
    } catch (cause) {
      const details = {
        outcome: "unknown" as const,
        requestPath: path,
        nonce,
        cause,
      };
      if (controller.signal.reason === TIMED_OUT) {
        throw new TimeoutError(
          `No answer from WhiteBIT to ${path} within ${this.#timeoutMs} ms. The request may have been carried out: reconcile before sending it again.`,
          { ...details, cause: undefined },
        );
      }
      if (signal?.aborted) {
        throw new AbortedError(
          `The call to ${path} was aborted after it was sent. The request may have been carried out: reconcile before sending it again.`,
          { ...details, cause: signal.reason },
        );
      }
      throw new NetworkError(
        `The request to ${path} failed without an answer (${
          describeCause(cause)
        }). It may have been carried out: reconcile before sending it again.`,
        details,
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  #nextNonce(): number {
    const nonce = Math.max(
      Math.floor(this.#now() + this.#clockOffsetMs),
      this.#lastNonce + 1,
    );
    this.#lastNonce = nonce;
    return nonce;
  }
}

function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(
      `Cannot create client: "baseUrl" must be a URL: current value is ${JSON.stringify(value)}`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(
      `Cannot create client: "baseUrl" must be http(s): current value is ${JSON.stringify(value)}`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot create client: "${name}" must be a positive number: current value is ${value}`,
    );
  }
  return value;
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

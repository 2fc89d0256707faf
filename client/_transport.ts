/**
 * How one WhiteBIT call travels: it waits for its turn (rate limit, and in
 * strict nonce mode the previous request), is signed at the last moment,
 * sent at most once (a state-changing body as a `Blob`, which Deno's fetch
 * never replays), and its answer read with a cap. Only a 429 — never
 * executed — is tried again. Every failure says truthfully whether funds
 * may have moved.
 *
 * @example
 * ```ts
 * import { Transport } from "./_transport.ts";
 * import { ENDPOINTS } from "./_endpoints.ts";
 * import { WhiteBitSandbox } from "../testing.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const transport = new Transport({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const plans = await transport.call(ENDPOINTS.plans, {}, {});
 * strictEqual(plans.length > 0, true);
 * ```
 *
 * @module
 */

import type { Endpoint } from "./_endpoints.ts";
import {
  AbortedError,
  DryRunError,
  MAY_HAVE_RUN,
  NetworkError,
  NonceError,
  NOT_SENT,
  type Outcome,
  RateLimitError,
  READ_ONLY,
  TimeoutError,
  WhiteBitError,
  type WhiteBitErrorOptions,
} from "./errors.ts";
import { errorFromResponse } from "./_answer_errors.ts";
import { NonceClock } from "./_nonces.ts";
import type { CallOptions, WhiteBitClientOptions, WhiteBitEvent } from "./options.ts";
import { readServerTime } from "./_parse.ts";
import { TIME_PATH } from "./_paths.ts";
import { RateLimiter } from "./rate_limiter.ts";
import { redactHeaders } from "./_redact.ts";
import { assertSigningKey, importApiSecret, signBody } from "./sign.ts";
import { assertDelay, mustBe } from "./_validate.ts";

/** A `fetch`-compatible function. */
type FetchLike = NonNullable<WhiteBitClientOptions["fetch"]>;

/** What an error about one request says about it. */
interface RequestFacts {
  requestPath: string;
  nonce?: number;
  params?: Record<string, unknown>;
  attemptedAt?: number;
}

/** How one request is sent and its answer read. */
interface Exchange<T> {
  call: CallOptions;
  stateChanging: boolean;
  read?: (value: unknown) => T;
}

/** WhiteBIT's largest answer, a 100-record history page, is far below this. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** What an API key may hold: it travels in a header, and is never echoed. */
const API_KEY = /^[\x21-\x7e]{1,256}$/;

/** Hosts that plain `http:` may reach: the signed request never leaves the machine. */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Error names the runtime throws before opening any connection, such as
 * Deno's missing network permission: the request provably never left.
 */
const NOT_SENT_ERRORS: ReadonlySet<string> = new Set(["NotCapable", "PermissionDenied"]);

/** Sends the calls of one client: its credentials, clock, limits and transport. */
export class Transport {
  /** Where requests go, without a trailing slash. */
  readonly baseUrl: string;
  /** The nonce clock, corrected by `syncTime()`. */
  readonly clock: NonceClock;
  /** Whether requests are only signed, never sent. */
  readonly dryRun: boolean;
  readonly #apiKey: string;
  readonly #secret: string | CryptoKey;
  #key: Promise<CryptoKey> | undefined;
  readonly #fetch: FetchLike;
  readonly #onEvent: ((event: WhiteBitEvent) => void) | undefined;
  /** How long a request may wait for its whole answer, in milliseconds. */
  readonly timeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;
  readonly #maxWaitMs: number;
  readonly #rateLimiter: RateLimiter;
  /** One request at a time in strict nonce mode: a limiter of 1 with no window is a lock. */
  readonly #sequencer: RateLimiter | undefined;

  /**
   * @param options The client's options.
   * @throws {TypeError} If a credential or the base URL is unusable (never shown).
   * @throws {RangeError} If a number option is out of range.
   */
  constructor(options: WhiteBitClientOptions) {
    const { apiKey, apiSecret } = options;
    // The credentials are never shown, not even in these messages.
    if (typeof apiKey !== "string" || !API_KEY.test(apiKey)) {
      throw new TypeError(
        `Cannot create client: "apiKey" must be 1 to 256 visible ASCII characters (not shown)`,
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
    this.#onEvent = options.onEvent;
    this.baseUrl = parseBaseUrl(options.baseUrl ?? "https://whitebit.com", options.fetch);
    const window = options.nonceWindow ?? true;
    this.clock = new NonceClock({ now: options.now ?? Date.now, window, lane: options.nonceLane });
    this.#apiKey = apiKey;
    this.#secret = apiSecret;
    this.timeoutMs = delay("timeoutMs", options.timeoutMs ?? 10_000, 1);
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
    this.#sequencer = window ? undefined : new RateLimiter({ limit: 1, windowMs: 0 });
    this.dryRun = options.dryRun ?? false;
  }

  /**
   * Signs and sends one call of `endpoint` with `params` (already checked)
   * and reads its answer, trying again only after a 429 (never executed).
   */
  async call<T>(
    endpoint: Endpoint<T>,
    params: Record<string, unknown>,
    call: CallOptions,
  ): Promise<T> {
    const exchange = { call, stateChanging: endpoint.stateChanging, read: endpoint.read };
    for (let attempt = 0;; attempt++) {
      try {
        return await this.#attempt(endpoint.path, params, exchange);
      } catch (error) {
        const retryable = (error instanceof NonceError || error instanceof RateLimitError) &&
          error.status === 429 && attempt < this.#maxRetries;
        if (!retryable) throw error;
        const backoff = Math.min(this.#maxRetryDelayMs, this.#retryDelayMs * 2 ** attempt);
        const jittered = backoff / 2 + Math.random() * backoff / 2;
        // WhiteBIT's Retry-After, when it sends one, is honoured up to the cap.
        const wait = Math.min(this.#maxRetryDelayMs, Math.max(jittered, error.retryAfterMs ?? 0));
        await sleep(wait, call.signal);
      }
    }
  }

  /**
   * WhiteBIT's time (`GET /api/v4/public/time`), in Unix seconds, with the
   * local clock read just before and after asking.
   */
  async time(call: CallOptions): Promise<{ time: number; started: number; finished: number }> {
    const request: RequestFacts = { requestPath: TIME_PATH };
    const init: RequestInit = { method: "GET" };
    if (this.dryRun) throw this.#dryRunError(request, init);
    const started = this.clock.now();
    const time = await this.#exchange(request, init, {
      call,
      stateChanging: false,
      read: readServerTime,
    });
    return { time, started, finished: this.clock.now() };
  }

  /** One attempt: waits for its turn, signs at the last moment, sends, reads the answer. */
  async #attempt<T>(
    path: string,
    params: Record<string, unknown>,
    exchange: Exchange<T>,
  ): Promise<T> {
    exchange.call.signal?.throwIfAborted();
    if (this.dryRun) {
      const { request, headers, body } = await this.#sign(path, params, this.clock.next());
      throw this.#dryRunError(request, { method: "POST", headers, body });
    }
    const waiting = this.#waitFor(path, exchange.call);
    const releaseSlot = await waiting.turn(this.#rateLimiter);
    try {
      const releaseTurn = this.#sequencer && await waiting.turn(this.#sequencer);
      try {
        const nonce = this.clock.next();
        if (nonce.waitMs > 0) await waiting.pause(nonce.waitMs);
        const { request, headers, body } = await this.#sign(path, params, nonce);
        exchange.call.beforeSend?.(nonce.nonce);
        return await this.#exchange(request, {
          method: "POST",
          headers,
          // Deno's fetch was measured re-sending a string body on a new
          // connection when a reused keep-alive connection closed before the
          // answer; a Blob body is never replayed, and keeps Content-Length.
          body: exchange.stateChanging ? new Blob([body], { type: "application/json" }) : body,
        }, exchange);
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
  #waitFor(path: string, call: CallOptions): {
    turn(limiter: RateLimiter): Promise<() => void>;
    pause(ms: number): Promise<void>;
  } {
    const maxWaitMs = call.maxWaitMs ?? this.#maxWaitMs;
    if (call.maxWaitMs !== undefined) delay("maxWaitMs", maxWaitMs, 0);
    const signals = [call.signal, call.waitSignal].filter((s) => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const since = performance.now();
    const left = () => Math.max(0, Math.ceil(maxWaitMs - (performance.now() - since)));
    const tooLong = (cause?: unknown) =>
      new RateLimitError(
        `No turn to send came within ${maxWaitMs} ms (the client's rate limit${
          this.#sequencer ? " and strict nonce order" : ", nonces ahead of the clock"
        }). ${NOT_SENT}`,
        { requestPath: path, outcome: "not_executed", cause },
      );
    return {
      turn: async (limiter) => {
        try {
          return await limiter.acquire({ signal, maxWaitMs: left() });
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          throw tooLong(error);
        }
      },
      // A window nonce too far ahead of the clock waits for it (it was reserved: order holds).
      pause: async (ms) => {
        if (ms > left()) throw tooLong();
        await sleep(ms, signal);
      },
    };
  }

  /** The error of a dry run: the request, prepared but never sent, with its secrets redacted. */
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

  /** Builds and signs the body of one request with its nonce; `attemptedAt` is now. */
  async #sign(
    path: string,
    params: Record<string, unknown>,
    { nonce }: { nonce: number },
  ): Promise<{ request: RequestFacts; headers: Record<string, string>; body: string }> {
    const attemptedAt = Math.floor(this.clock.now() + this.clock.offsetMs);
    const body = JSON.stringify({
      request: path,
      nonce,
      ...(this.#sequencer ? {} : { nonceWindow: true }),
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
   * of it. A refusal before sending is `"not_executed"`; after sending, a
   * state-changing call's failure is `"unknown"`, a read's `"not_executed"`
   * (it moves no funds).
   */
  async #exchange<T>(
    request: RequestFacts,
    init: RequestInit,
    exchange: Exchange<T>,
  ): Promise<T> {
    const hooks = [this.#onEvent, exchange.call.onEvent].filter((hook) => hook !== undefined);
    if (!hooks.length) return await this.#send(request, init, exchange);
    const { requestPath, nonce } = request;
    const started = performance.now();
    // Each hook its own copy: one that edits its event (a redacting logger) cannot change what is
    // signed, reconciled or seen by the other; what a hook throws never reaches the call.
    const emit = (event: WhiteBitEvent) => {
      for (const hook of hooks) {
        try {
          hook(structuredClone(event));
        } catch {
          // an audit hook must not change a call's result
        }
      }
    };
    emit({
      type: "request",
      method: init.method ?? "GET",
      ...request,
      params: request.params ?? {},
    });
    try {
      return await this.#send(request, init, exchange, emit, started);
    } catch (error) {
      const { name, outcome, status } = error as WhiteBitError;
      emit({
        type: "error",
        requestPath,
        nonce,
        error: name ?? String(error),
        outcome,
        status,
        durationMs: performance.now() - started,
      });
      throw error;
    }
  }

  /** Sends one request and reads its answer; `emit` and `started` are set when events are on. */
  async #send<T>(
    request: RequestFacts,
    init: RequestInit,
    exchange: Exchange<T>,
    emit?: (event: WhiteBitEvent) => void,
    started = 0,
  ): Promise<T> {
    const { signal } = exchange.call;
    const path = request.requestPath;
    const sent = exchange.stateChanging ? MAY_HAVE_RUN : READ_ONLY;
    const failed = (
      ErrorClass: typeof WhiteBitError,
      what: string,
      details: Partial<WhiteBitErrorOptions> & { outcome?: Outcome } = {},
    ) =>
      new ErrorClass(`The request to ${path} ${what}. ${details.outcome ? NOT_SENT : sent}`, {
        ...request,
        outcome: exchange.stateChanging ? "unknown" : "not_executed",
        ...details,
      });
    signal?.throwIfAborted();
    // AbortSignal.timeout, not setTimeout: Deno's first setTimeout costs ~8 ms
    // of cold start. The timer stays pending for the whole timeout, so fetch
    // gets a signal of its own, unlinked once the answer is read: the pending
    // timer then holds an empty signal, not the request.
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const controller = new AbortController();
    const abort = () => controller.abort();
    timeout.addEventListener("abort", abort);
    signal?.addEventListener("abort", abort);
    const send = this.#fetch;
    let response: Response;
    let answer: { text: string; cut: boolean };
    try {
      response = await send(this.baseUrl + path, {
        ...init,
        redirect: "manual",
        signal: controller.signal,
      });
      answer = await readCapped(response);
    } catch (error) {
      // Which error it is, and its cause (the signal's reason after an
      // abort, none after a timeout). A refusal of the runtime before any
      // connection (no network permission) is provably not sent.
      throw timeout.aborted && !signal?.aborted
        ? failed(TimeoutError, `got no answer within ${this.timeoutMs} ms`)
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
    } finally {
      timeout.removeEventListener("abort", abort);
      signal?.removeEventListener("abort", abort);
    }
    const { text, cut } = answer;
    const answered = { ...request, status: response.status, requestId: requestIdOf(response) };
    emit?.({
      type: "response",
      requestPath: path,
      nonce: request.nonce,
      status: answered.status,
      requestId: answered.requestId,
      durationMs: performance.now() - started,
    });
    if (cut && response.ok) {
      throw failed(
        WhiteBitError,
        `was answered ${response.status} with over ${MAX_ANSWER_BYTES} bytes, not read`,
        { ...answered, responseText: text },
      );
    }
    if (!response.ok) {
      throw errorFromResponse({
        ...answered,
        text,
        stateChanging: exchange.stateChanging,
        retryAfter: response.headers.get("retry-after") ?? undefined,
      });
    }
    if (!exchange.read) return undefined as T;
    try {
      return exchange.read(JSON.parse(text));
    } catch (cause) {
      throw failed(
        WhiteBitError,
        `was answered ${response.status}, but not as documented (${describeCause(cause)})`,
        { ...answered, responseText: text, cause },
      );
    }
  }
}

function defaultFetch(input: string, init: RequestInit): Promise<Response> {
  return fetch(input, init);
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
      `Cannot create client: "baseUrl" must hold no user name or password (not shown)`,
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
      "an https: URL (http: only to a loopback host, or with your own fetch)",
      value,
    ),
  );
}

/** A delay option in milliseconds, from `min` to 2^31 − 1 (a longer one would fire at once). */
function delay(name: string, value: number, min: number): number {
  assertDelay(value, "create client", name, min);
  return value;
}

/**
 * Reads at most {@linkcode MAX_ANSWER_BYTES} of an answer; past that it
 * stops reading, cancels the rest (closing the connection) and says the text
 * was cut. What was read stays the evidence.
 */
async function readCapped(response: Response): Promise<{ text: string; cut: boolean }> {
  if (!response.body) return { text: "", cut: false };
  // A declared length within the cap is all fetch will deliver, unless it is
  // the length of a compressed body: then only the decoded bytes count.
  const declared = Number(response.headers.get("content-length") ?? NaN);
  const encoded = /[^\s,]/.test(
    (response.headers.get("content-encoding") ?? "").replace(/identity/gi, ""),
  );
  if (declared <= MAX_ANSWER_BYTES && !encoded) return { text: await response.text(), cut: false };
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

/**
 * Resolves after `ms`, or rejects with `signal`'s reason once it aborts.
 *
 * @param ms How long, in milliseconds (at most 2^31 − 1).
 * @param signal What ends the wait early.
 */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
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

/**
 * What a {@linkcode WhiteBitClient} takes: its options, and the options of
 * each call.
 *
 * @example A client that gives up waiting after five seconds
 * ```ts
 * import { WhiteBitClient, type WhiteBitClientOptions } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 *
 * const sandbox = new WhiteBitSandbox();
 * const options: WhiteBitClientOptions = { ...sandbox.credentials, fetch: sandbox.fetch, maxWaitMs: 5_000 };
 * await new WhiteBitClient(options).plans();
 * ```
 *
 * @module
 */

import type { Outcome, WhiteBitErrorName } from "./errors.ts";
import type { RateLimiter } from "./rate_limiter.ts";

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
  /**
   * Window mode only: this client's share of the key's nonces, those ≡
   * `index` (mod `count`), so that up to `count` instances on one key (each
   * with its own `index`) can never pick the same nonce. `0 ≤ index < count ≤
   * 1000`. Each lane has `1000 / count` nonces per second; a faster burst
   * waits for the clock. Default: the whole key.
   */
  nonceLane?: { index: number; count: number };
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
  /**
   * The `fetch` to send requests with, such as a logging wrapper or an
   * in-process sandbox's. Default: the global `fetch`.
   */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
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
  /**
   * Called with an event for every request sent (path, nonce, parameters,
   * never credentials), every answer (status, request id, milliseconds) and
   * every failure (error class, `outcome`): an audit log or traces without a
   * dependency. Called synchronously; what it throws is ignored, so it can
   * never change a call's result.
   */
  onEvent?: (event: WhiteBitEvent) => void;
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
  /**
   * Called with this call's events, after the client's own `onEvent`: for
   * a log that groups events by operation, such as a server's line per
   * request. What it throws is ignored.
   */
  onEvent?: (event: WhiteBitEvent) => void;
  /**
   * Called synchronously on every attempt, after the request is signed and
   * immediately before it is sent, with the nonce it was signed with. If it
   * throws, nothing is sent and the call rejects with what it threw: the
   * last check that the caller may still send, such as a lease that must
   * not have run out. WhiteBIT carries a window-mode request out only
   * within ±5 s of its nonce, so checking the nonce bounds when it can run.
   */
  beforeSend?: (nonce: number) => void;
}

/**
 * The `fetch` a client sends with (its `fetch` option), for wrappers and tests.
 *
 * @example
 * ```ts
 * import type { FetchLike } from "./options.ts";
 *
 * const logged: FetchLike = (input, init) => {
 *   console.log(init.method, input);
 *   return fetch(input, init);
 * };
 * ```
 */
export type FetchLike = NonNullable<WhiteBitClientOptions["fetch"]>;

/**
 * What a client's `onEvent` hook receives: a request as it is sent, its
 * answer, or its failure. Never credentials: no API key, secret, payload or
 * signature.
 *
 * @example A JSON audit log
 * ```ts
 * import { WhiteBitClient, type WhiteBitEvent } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const events: WhiteBitEvent[] = [];
 * const client = new WhiteBitClient({
 *   ...sandbox.credentials,
 *   fetch: sandbox.fetch,
 *   onEvent: (event) => events.push(event), // or console.log(JSON.stringify(event))
 * });
 * await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * deepStrictEqual(events.map((event) => event.type), ["request", "response"]);
 * ```
 */
export type WhiteBitEvent =
  | {
    type: "request";
    method: string;
    /** WhiteBIT's path. */
    requestPath: string;
    /** The nonce it was signed with (none for the unsigned time request). */
    nonce?: number;
    /** The call's parameters as sent. */
    params: Readonly<Record<string, unknown>>;
    /** When it was signed, Unix ms on the corrected clock. */
    attemptedAt?: number;
  }
  | {
    type: "response";
    requestPath: string;
    nonce?: number;
    /** The HTTP status, any status (a refusal is an answer too). */
    status: number;
    /** WhiteBIT's request id, if it sent one. */
    requestId?: string;
    /** From sending to the answer read. */
    durationMs: number;
  }
  | {
    type: "error";
    requestPath: string;
    nonce?: number;
    /** The error's class (`WhiteBitErrorName`), or another error's name. */
    error: WhiteBitErrorName | string;
    /** Whether funds may have moved, for this package's errors. */
    outcome?: Outcome;
    /** The HTTP status, if WhiteBIT answered. */
    status?: number;
    durationMs: number;
  };

/**
 * A client-side limit on requests per time window, sized by default to
 * WhiteBIT's 1000 requests per 10 s on `/api/v4/main-account/*`.
 *
 * A slot is taken when a request is sent and counts until `windowMs` after
 * its answer arrived. WhiteBIT counts a request somewhere between those two
 * moments, so no window of WhiteBIT's can ever see more than `limit`
 * requests, whatever the latency. Share one limiter between all clients that
 * use the same IP.
 *
 * @example Two clients on one IP share one budget
 * ```ts
 * import { RateLimiter, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 *
 * const sandbox = new WhiteBitSandbox();
 * const rateLimiter = new RateLimiter(); // 1000 per 10 s
 * const a = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, rateLimiter });
 * const b = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, rateLimiter });
 * ```
 *
 * @module
 */

import { assertDelay, mustBe } from "./_validate.ts";

/**
 * Options of {@linkcode RateLimiter}.
 *
 * @example
 * ```ts
 * import { RateLimiter, type RateLimiterOptions, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * // Leave room for another process on the same IP: half of WhiteBIT's 1000 per 10 s.
 * const options: RateLimiterOptions = { limit: 500, windowMs: 10_000 };
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({
 *   ...sandbox.credentials,
 *   fetch: sandbox.fetch,
 *   rateLimiter: new RateLimiter(options),
 * });
 * await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * strictEqual(sandbox.investments.length, 1);
 * ```
 */
export interface RateLimiterOptions {
  /** Requests allowed per window. Default 1000. */
  limit?: number;
  /** The window in milliseconds. Default 10 000. */
  windowMs?: number;
}

/** Hands a waiting caller its slot's release function. */
type Grant = (release: () => void) => void;

/**
 * Limits requests to `limit` per `windowMs`; excess callers wait in order.
 *
 * @example
 * ```ts
 * import { RateLimiter } from "@lending/whitebit";
 *
 * const limiter = new RateLimiter({ limit: 2, windowMs: 50 });
 * const release = await limiter.acquire();
 * try {
 *   // send one request here
 * } finally {
 *   release();
 * }
 * ```
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  #inFlight = 0;
  /** When each finished request stops counting, oldest first. */
  readonly #expiries: number[] = [];
  /** The callers waiting for a slot, first come first served, from `#next` on. */
  readonly #waiters: Grant[] = [];
  #next = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Creates a limiter with its own budget.
   *
   * @param options The limit and window; WhiteBIT's by default.
   * @throws {RangeError} If `limit` is below 1 or `windowMs` is negative.
   */
  constructor(options: RateLimiterOptions = {}) {
    const { limit = 1000, windowMs = 10_000 } = options;
    if (!(limit >= 1)) {
      throw new RangeError(mustBe("create rate limiter", '"limit"', "at least 1", limit));
    }
    if (!(windowMs >= 0) || !Number.isFinite(windowMs)) {
      throw new RangeError(
        mustBe("create rate limiter", '"windowMs"', "a finite number >= 0", windowMs),
      );
    }
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /**
   * Waits for a slot. Call the returned function once the request's answer
   * (or failure) has arrived.
   *
   * @example Wait at most one second
   * ```ts
   * import { RateLimiter } from "@lending/whitebit";
   *
   * const release = await new RateLimiter().acquire({ maxWaitMs: 1_000 });
   * release();
   * ```
   *
   * @param options An `AbortSignal` that aborts the wait (the promise then
   * rejects with its reason), or `{ signal, maxWaitMs }`.
   * @returns A function that frees the slot `windowMs` from now.
   * @throws {RangeError} If `maxWaitMs` is not a whole number from 0 to 2^31 − 1.
   */
  acquire(
    options: AbortSignal | {
      /** Aborts the wait; the promise then rejects with its reason. */
      signal?: AbortSignal;
      /**
       * The longest wait in milliseconds (0 to 2^31 − 1). Past it the promise
       * rejects with a `DOMException` named `"TimeoutError"`. Default: no limit.
       */
      maxWaitMs?: number;
    } = {},
  ): Promise<() => void> {
    const { signal, maxWaitMs } = options instanceof AbortSignal ? { signal: options } : options;
    if (maxWaitMs !== undefined) assertDelay(maxWaitMs, "acquire a slot", "maxWaitMs");
    return new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      let granted = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grant: Grant = (release) => {
        granted = true;
        signal?.removeEventListener("abort", onAbort);
        if (timer !== undefined) clearTimeout(timer);
        resolve(release);
      };
      const leave = (reason: unknown) => {
        this.#waiters.splice(this.#waiters.indexOf(grant, this.#next), 1);
        signal?.removeEventListener("abort", onAbort);
        if (timer !== undefined) clearTimeout(timer);
        reject(reason);
        this.#drain();
      };
      const onAbort = () => leave(signal!.reason);
      this.#waiters.push(grant);
      this.#drain();
      if (granted) return; // a free slot: no listener, no timer
      signal?.addEventListener("abort", onAbort, { once: true });
      if (maxWaitMs !== undefined) {
        timer = setTimeout(
          () => leave(new DOMException(`No slot was free within ${maxWaitMs} ms`, "TimeoutError")),
          maxWaitMs,
        );
      }
    });
  }

  /** Gives free slots to the first waiters, and wakes up when the next slot frees. */
  #drain(): void {
    const now = performance.now();
    while (this.#expiries[0] <= now) this.#expiries.shift();
    // Taken by index, not shift(): a long queue would be moved at each step.
    while (
      this.#next < this.#waiters.length && this.#inFlight + this.#expiries.length < this.#limit
    ) {
      this.#inFlight++;
      this.#waiters[this.#next++](this.#release());
    }
    if (this.#next === this.#waiters.length) this.#waiters.length = this.#next = 0;
    // Guarded: Deno loads its Node-compatible timers (~8 ms) on the first clearTimeout call.
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#waiters.length > 0 && this.#expiries.length > 0) {
      this.#timer = setTimeout(() => this.#drain(), this.#expiries[0] - now);
    }
  }

  /** The release function of a slot just taken; calls after the first do nothing. */
  #release(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight--;
      this.#expiries.push(performance.now() + this.#windowMs);
      this.#drain();
    };
  }
}

/**
 * Keeps a server's requests inside WhiteBIT's ±5 s nonce window without an
 * operator: a request refused as outside the window (a 400, so provably not
 * carried out) re-reads WhiteBIT's time with `client.syncTime()` and is
 * sent once more. Concurrent refusals share one time read.
 *
 * @example
 * ```ts
 * import { NonceWindowHealer } from "./_nonce_window.ts";
 * import { WhiteBitClient } from "../client.ts";
 * import { WhiteBitSandbox } from "../testing.ts";
 * import { ok } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox({ now: () => Date.now() + 30_000 }); // WhiteBIT 30 s ahead
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const healer = new NonceWindowHealer(client);
 * const plan = sandbox.plans[0].id;
 * await healer.call(() => client.invest({ planId: plan, amount: "100" }));
 * ok(healer.offsetMs! > 28_000);
 * ```
 *
 * @module
 */

import type { WhiteBitClient } from "../client.ts";
import { NonceError } from "../client/errors.ts";

/**
 * Whether `error` is WhiteBIT refusing a nonce outside its window: a
 * {@linkcode NonceError} with a 400 (a 429 is a repeated nonce, which the
 * client retries itself). Never carried out, so it may be sent again.
 *
 * @example
 * ```ts
 * import { isNonceWindowError } from "./_nonce_window.ts";
 * import { errorFromResponse } from "../client/_answer_errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const text = '{"code":0,"message":"Your nonce is more than 5 seconds lesser than the current nonce."}';
 * const requestPath = "/api/v4/main-account/smart/investment";
 * strictEqual(isNonceWindowError(errorFromResponse({ requestPath, status: 400, text })), true);
 * strictEqual(isNonceWindowError(errorFromResponse({ requestPath, status: 429, text })), false);
 * ```
 *
 * @param error What a call threw.
 * @returns Whether it may be sent again after `syncTime()`.
 */
export function isNonceWindowError(error: unknown): error is NonceError {
  return error instanceof NonceError && error.status !== 429 && error.outcome === "not_executed";
}

/**
 * Resends a call refused for its nonce window once, after one shared
 * `syncTime()`.
 *
 * @example
 * ```ts
 * import { NonceWindowHealer } from "./_nonce_window.ts";
 * import { WhiteBitClient } from "../client.ts";
 * import { WhiteBitSandbox } from "../testing.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox({
 *   now: () => Date.now() - 30_000, // WhiteBIT 30 s behind this host
 *   accounts: [{ apiKey: "k", apiSecret: "s", balances: { USDT: "1000" }, multipleInvestments: true }],
 * });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const healer = new NonceWindowHealer(client);
 * const planId = sandbox.plans[0].id;
 * await Promise.all(
 *   ["10", "20", "30"].map((amount) => healer.call(() => client.invest({ planId, amount }))),
 * );
 * strictEqual(sandbox.requests.filter((r) => r.path === "/api/v4/public/time").length, 1);
 * ```
 */
export class NonceWindowHealer {
  readonly #client: Pick<WhiteBitClient, "syncTime">;
  /** The time read in progress, if one is. */
  #sync: Promise<boolean> | undefined;
  /** How many time reads have finished, and whether the last one succeeded. */
  #finished = 0;
  #lastSucceeded = false;
  /** WhiteBIT's clock minus this host's, in milliseconds, as last measured. */
  offsetMs: number | undefined;
  /** Why the last time read failed, or `undefined` if it did not. */
  syncFailure: string | undefined;

  /**
   * Heals the nonce window of one client.
   *
   * @param client The client whose clock is corrected.
   */
  constructor(client: Pick<WhiteBitClient, "syncTime">) {
    this.#client = client;
  }

  /**
   * Runs `send`; if WhiteBIT refuses its nonce as outside the window, makes
   * sure the clock was corrected after `send` began (by a time read that
   * finished since, the one in progress, or a new one), runs `beforeResend`
   * and runs `send` once more. A second refusal is thrown, as is a refusal
   * when the time could not be read, and what `beforeResend` throws.
   *
   * @param send One call of the client; run at most twice.
   * @param beforeResend What must happen on the corrected clock before it is sent again.
   * @returns What `send` returns.
   */
  async call<T>(send: () => Promise<T>, beforeResend?: () => Promise<void>): Promise<T> {
    const finishedBefore = this.#finished;
    try {
      return await send();
    } catch (error) {
      if (!isNonceWindowError(error) || !(await this.#synced(finishedBefore))) throw error;
    }
    await beforeResend?.();
    return await send();
  }

  /**
   * Corrects the clock now: joins the time read under way, or starts one.
   *
   * @returns Whether it succeeded (else `syncFailure` says why).
   */
  sync(): Promise<boolean> {
    return this.#synced(this.#finished);
  }

  /** Whether a time read that finished after `finishedBefore` reads succeeded; starts one if none is under way. */
  #synced(finishedBefore: number): Promise<boolean> {
    if (this.#finished > finishedBefore) return Promise.resolve(this.#lastSucceeded);
    this.#sync ??= this.#client.syncTime().then(
      (offsetMs) => this.#done(true, offsetMs, undefined),
      (error) =>
        this.#done(false, this.offsetMs, error instanceof Error ? error.message : String(error)),
    );
    return this.#sync;
  }

  #done(succeeded: boolean, offsetMs: number | undefined, failure: string | undefined): boolean {
    this.#sync = undefined;
    this.#finished++;
    this.#lastSucceeded = succeeded;
    this.offsetMs = offsetMs;
    this.syncFailure = failure;
    return succeeded;
  }
}

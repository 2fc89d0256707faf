/**
 * When the request holding an `Idempotency-Key` may send: only requests
 * whose nonce lies from 50 s before its claim to 15 s before its lease
 * ends, both on WhiteBIT's clock as the server's client corrects it (the
 * lease's own clock), and only while a monotonic clock says that less than
 * the lease less 15 s has passed since the claim. WhiteBIT carries a
 * request out only within ±5 s of its nonce, whatever any host's clock
 * says, so every request of the key runs from 55 s before the recorded
 * attempt time (reconciliation searches from 60 s before it) to 10 s
 * before the lease ends (a taker, whose clock is checked against
 * WhiteBIT's before it reconciles, comes after). The monotonic clock stops
 * a host clock that steps back from stretching the deadline. After the
 * server corrects its clock (WhiteBIT refused a nonce for its window, so
 * that request did nothing), the lease is renewed on the corrected clock
 * before the request is sent again, and the window starts over from then.
 *
 * @example
 * ```ts
 * import { SendWindow } from "./_send_window.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * let monotonic = 0;
 * const claimed = 1_800_000_000_000; // WhiteBIT's clock at the claim
 * const window = new SendWindow({
 *   leaseMs: 60_000,
 *   since: claimed,
 *   renewLease: () => Promise.resolve(true),
 *   monotonic: () => monotonic,
 * });
 * strictEqual(window.allows(claimed + 1_000), true);
 * strictEqual(window.allows(claimed + 45_000), false); // its lease's last 15 s
 * strictEqual(window.allows(claimed - 60_000), false); // before the attempt reconciliation reads from
 * monotonic = 45_000; // a host clock stepped back: the nonce says "early", the time passed says no
 * strictEqual(window.allows(claimed + 1_000), false);
 * ```
 *
 * @module
 */

/**
 * A key's holder sends no request whose nonce is later than this before its
 * lease runs out: WhiteBIT carries a request out only within 5 s of its
 * nonce, so the holder's last one runs at least 10 s before the lease ends;
 * a taker checks its own clock against WhiteBIT's (to within a second or so)
 * before it reconciles. Reconciliation after the lease therefore sees all
 * the holder did.
 */
export const SEND_MARGIN_MS = 15_000;

/** How far from its nonce WhiteBIT carries a request out (window mode), in milliseconds. */
export const NONCE_WINDOW_MS = 5_000;

/**
 * The last moment, on WhiteBIT's clock, a request of the key's holder can
 * have been carried out: its lease's end less {@linkcode SEND_MARGIN_MS},
 * plus WhiteBIT's {@linkcode NONCE_WINDOW_MS}. Reconciliation takes nothing
 * made later as the holder's.
 *
 * @param expiresAt When the holder's lease runs out (Unix ms, the lease's clock).
 * @returns The moment, in Unix ms.
 */
export function lastRun(expiresAt: number): number {
  return expiresAt - SEND_MARGIN_MS + NONCE_WINDOW_MS;
}

/**
 * How long before the attempt time its record keeps a request's nonce may
 * lie: reconciliation reads WhiteBIT's history from 60 s before it, and
 * WhiteBIT takes a nonce only within 5 s of its clock.
 */
export const ATTEMPT_SLACK_MS = 50_000;

/** What a {@linkcode SendWindow} starts from. */
export interface SendWindowOptions {
  /** The lease, in milliseconds. */
  leaseMs: number;
  /** WhiteBIT's clock (as corrected) when the key was claimed: the lease's `now`. */
  since: number;
  /**
   * Renews the key's lease in the store from `since` (WhiteBIT's corrected
   * clock): whether it is still this request's. A failure counts as `false`.
   */
  renewLease: (since: number) => Promise<boolean>;
  /** A monotonic clock, in milliseconds. Default `performance.now`. */
  monotonic?: () => number;
}

/** The nonces, and the time, a key's holder may send in. */
export class SendWindow {
  readonly #options: SendWindowOptions;
  readonly #monotonic: () => number;
  #since: number;
  #sinceMonotonic: number;

  /** @param options The lease, when it was claimed, how to renew it, and the monotonic clock (read now). */
  constructor(options: SendWindowOptions) {
    this.#options = options;
    this.#monotonic = options.monotonic ?? (() => performance.now());
    this.#since = options.since;
    this.#sinceMonotonic = this.#monotonic();
  }

  /**
   * Whether a request signed with `nonce` may leave now.
   *
   * @param nonce The nonce it was signed with (a millisecond time on WhiteBIT's corrected clock).
   * @returns Whether it lies in the window, and the lease's time is not up.
   */
  allows(nonce: number): boolean {
    const lastMs = this.#options.leaseMs - SEND_MARGIN_MS;
    return this.#monotonic() - this.#sinceMonotonic < lastMs &&
      nonce < this.#since + lastMs && nonce >= this.#since - ATTEMPT_SLACK_MS;
  }

  /**
   * How far `now` is from the clock the window started on, carried forward
   * on the monotonic clock: how much that clock was corrected (or stepped)
   * since.
   *
   * @param now WhiteBIT's clock, as corrected now.
   * @returns The difference, in milliseconds, either way.
   */
  drift(now: number): number {
    return Math.abs(now - this.#since - (this.#monotonic() - this.#sinceMonotonic));
  }

  /**
   * Renews the lease from `since` and, if it is still this request's,
   * starts the window over from then (on the monotonic clock, from before
   * the store was asked).
   *
   * @param since WhiteBIT's clock, as just corrected.
   * @returns Whether the lease was renewed.
   */
  async renew(since: number): Promise<boolean> {
    const mark = this.#monotonic();
    const renewed = await this.#options.renewLease(since).catch(() => false);
    if (renewed) {
      this.#since = since;
      this.#sinceMonotonic = mark;
    }
    return renewed;
  }
}

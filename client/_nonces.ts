/**
 * Nonces: millisecond times on a clock corrected by WhiteBIT's, by the rule
 * of each nonce mode, and never anything else on the wire.
 *
 * - **Strict mode**: `max(now, last + 1)`, never lower. WhiteBIT keeps the
 *   key's highest nonce and refuses anything not above it, so a nonce that
 *   came down would be refused until the clock caught up again.
 * - **Window mode**: WhiteBIT wants each nonce within ±5 s of its clock and
 *   unique, not rising. Nonces still rise (`last + 1`) while that stays in
 *   the window; once `last + 1` is more than the window ahead of the
 *   corrected clock (the clock was fast and `syncTime()` corrected it, or it
 *   jumped and came back), those nonces were all refused anyway, so they
 *   restart from the corrected clock instead of staying out of the window
 *   for ever. A nonce is never sent more than 4 s ahead of the clock: a
 *   burst faster than one nonce per millisecond waits for the clock instead
 *   of drifting out of the window.
 * - **Lanes** (window mode): with `lane: { index, count }`, every nonce is
 *   ≡ `index` (mod `count`), still a millisecond time rising within its
 *   lane, so instances with different lanes can never pick the same nonce.
 *
 * @example A clock 30 s fast, corrected
 * ```ts
 * import { NonceClock } from "./_nonces.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const serverNow = 1_800_000_000_000;
 * const clock = new NonceClock({ now: () => serverNow + 30_000, window: true });
 * strictEqual(clock.next().nonce, serverNow + 30_000); // refused by WhiteBIT: outside ±5 s
 * clock.correct(serverNow / 1000, serverNow + 30_000, serverNow + 30_000);
 * strictEqual(clock.next().nonce, serverNow + 500); // back in the window
 * ```
 *
 * @module
 */

import { mustBe } from "./_validate.ts";

/** WhiteBIT's nonce window: ±5 s around its clock. */
const WINDOW_MS = 5_000;

/**
 * Nonces are millisecond times from 2001 to 2286: never seconds, micro- or
 * nanoseconds (which would stick a strict-mode key above every millisecond
 * time).
 */
const MIN_NONCE = 1_000_000_000_000;
const MAX_NONCE = 9_999_999_999_999;

/** How far ahead of the clock a window nonce may be sent: the window less a second of margin. */
const MAX_AHEAD_MS = WINDOW_MS - 1_000;

/** The most lanes a key can be split into: each lane then gets one nonce per second. */
export const MAX_LANES = 1000;

/** A share of one key's nonces: those ≡ `index` (mod `count`). */
export interface NonceLane {
  index: number;
  count: number;
}

/** A server time above this is milliseconds, not seconds (it would be after the year 5138). */
const MAX_UNIX_SECONDS = 99_999_999_999;

/** A server time further than this from the local clock is refused. */
const MAX_OFFSET_MS = 24 * 60 * 60 * 1000;

/** The clock nonces are taken from, and the last nonce taken. */
export class NonceClock {
  /** Milliseconds added to the local clock to get WhiteBIT's. */
  offsetMs = 0;
  readonly #now: () => number;
  readonly #window: boolean;
  readonly #lane: NonceLane;
  #last = 0;

  /**
   * @param options The local clock (Unix ms), whether nonces are in window
   *   mode, and the lane (window mode only; default: the whole key).
   * @throws {RangeError} If the lane is not `0 ≤ index < count ≤ 1000`, or
   *   is given in strict mode.
   */
  constructor(options: { now: () => number; window: boolean; lane?: NonceLane }) {
    this.#now = options.now;
    this.#window = options.window;
    const lane = options.lane ?? { index: 0, count: 1 };
    const { index, count } = lane;
    if (
      !Number.isInteger(count) || !Number.isInteger(index) || count < 1 || count > MAX_LANES ||
      index < 0 || index >= count
    ) {
      throw new RangeError(
        mustBe(
          "create client",
          '"nonceLane"',
          `{ index, count } with whole numbers 0 ≤ index < count ≤ ${MAX_LANES}`,
          `${index}/${count}`,
        ),
      );
    }
    if (count > 1 && !options.window) {
      throw new RangeError(
        'Cannot create client: "nonceLane" needs window mode: strict nonces must rise across the whole key',
      );
    }
    this.#lane = { index, count };
  }

  /** The local clock, in Unix milliseconds. */
  now(): number {
    return this.#now();
  }

  /**
   * The next nonce, when it was taken on the corrected clock, and how long
   * to wait before sending it (window mode: until it is at most 4 s ahead
   * of the clock).
   *
   * @throws {RangeError} If the clock gives no plausible millisecond time.
   */
  next(): { nonce: number; attemptedAt: number; waitMs: number } {
    const attemptedAt = Math.floor(this.#now() + this.offsetMs);
    const next = this.#last + 1;
    const { index, count } = this.#lane;
    const candidate = this.#window && next > attemptedAt + WINDOW_MS
      ? attemptedAt
      : Math.max(attemptedAt, next);
    const nonce = candidate + ((index - candidate % count) % count + count) % count;
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
    this.#last = nonce;
    const ahead = nonce - attemptedAt - MAX_AHEAD_MS;
    return { nonce, attemptedAt, waitMs: this.#window && ahead > 0 ? ahead : 0 };
  }

  /**
   * Corrects the clock from WhiteBIT's time, asked for between `started` and
   * `finished` (local Unix ms). WhiteBIT answers whole seconds, so the true
   * time is in `[time, time + 1)`.
   *
   * @returns The new offset in milliseconds.
   * @throws {RangeError} If `time` is not plausible (milliseconds, or more
   *   than a day from the local clock); the offset stays as it was.
   */
  correct(time: number, started: number, finished: number): number {
    const offset = Math.round(time * 1000 + 500 - (started + finished) / 2);
    if (time > MAX_UNIX_SECONDS || !(Math.abs(offset) <= MAX_OFFSET_MS)) {
      throw new RangeError(
        `WhiteBIT's time ${time} is not plausible (${
          time > MAX_UNIX_SECONDS ? "milliseconds, not seconds" : "more than a day from this clock"
        }); the clock offset stays ${this.offsetMs} ms`,
      );
    }
    return this.offsetMs = offset;
  }
}

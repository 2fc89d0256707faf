/**
 * One app instance's leased nonce lane: taken from the shared store when
 * first needed, renewed while the instance lives (on requests, and every
 * third of the lease by a timer), given up by `close()` (also when it
 * comes while the lane is being taken). The instance signs with the lane
 * only until 2 s before its lease would run out as last renewed, measured
 * from before it asked both on its clock (WhiteBIT's as corrected: a
 * correction forward ends it sooner) and on a monotonic one (a host clock
 * stepping back cannot stretch it): a lease it cannot renew is never
 * overrun, and a lane lost to another holder is never signed with again.
 * The store stamps and judges every lease on that clock (read afresh from
 * WhiteBIT before a lane is taken), not on its own host's.
 *
 * @example
 * ```ts
 * import { LaneKeeper } from "./_lane_keeper.ts";
 * import { MemoryNonceLaneStore } from "./nonce_lanes.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * let now = 1_800_000_000_000;
 * const store = new MemoryNonceLaneStore({ now: () => now });
 * const options = { store, scope: Promise.resolve("key"), count: 1, leaseMs: 30_000, now: () => now };
 * const first = new LaneKeeper({ ...options, holder: "a" });
 * const second = new LaneKeeper({ ...options, holder: "b" });
 * strictEqual(await first.lane(), 0);
 * strictEqual(await second.lane(), undefined); // one lane, already held
 * await first.close(); // given up: free 6 s later
 * now += 6_000;
 * strictEqual(await second.lane(), 0);
 * await second.close();
 * ```
 *
 * @module
 */

import type { NonceLaneStore } from "./nonce_lanes.ts";

/** How far `now` may move against the monotonic clock before it is corrected again. */
const CLOCK_STEP_MS = 1_000;

/** The lane is used until this long before its lease would run out. */
export const NONCE_LANE_GUARD_MS = 2_000;

/** What a {@linkcode LaneKeeper} needs. */
export interface LaneKeeperOptions {
  store: NonceLaneStore;
  /** The key's lanes (the account's digest). */
  scope: Promise<string>;
  count: number;
  leaseMs: number;
  /** This instance. */
  holder: string;
  /** The clock, in Unix milliseconds: WhiteBIT's as the app's client corrects it. */
  now: () => number;
  /**
   * Corrects `now` (reads WhiteBIT's time; rejects if it cannot), so that
   * the leases of instances whose host clocks differ are judged on one
   * clock: before a lane is taken or renewed, if `now` was never corrected,
   * was corrected a lease ago or more, or moved against the monotonic clock
   * since (a host clock stepped). A lane is never taken on a clock that
   * could not be corrected.
   */
  correct?: () => Promise<unknown>;
  /** A monotonic clock, in milliseconds. Default `performance.now`. */
  monotonic?: () => number;
}

/** A lane held, and until when it may be signed with: on the clock, and on the monotonic clock. */
interface HeldLane {
  index: number;
  until: number;
  untilMonotonic: number;
}

/** Holds at most one lane for one instance. */
export class LaneKeeper {
  readonly #options: LaneKeeperOptions;
  readonly #monotonic: () => number;
  /** The lane held, and until when it may be signed with. */
  #held: HeldLane | undefined;
  /** The store operation under way: one at a time. */
  #busy: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** When `now` was last corrected: on it, and on the monotonic clock. */
  #corrected: { at: number; monotonic: number } | undefined;

  /** @param options The store, the key, the count, the lease, this instance and the clock. */
  constructor(options: LaneKeeperOptions) {
    this.#options = options;
    this.#monotonic = options.monotonic ?? (() => performance.now());
  }

  /** The lane's count. */
  get count(): number {
    return this.#options.count;
  }

  /**
   * The lane this instance may sign with now: the one held (renewed first
   * when less than a third of its lease is left, in the background when
   * less than two thirds), or a new one; `undefined` if none is free.
   *
   * @throws {RangeError} If instances on this key hold lanes of another count.
   * @throws {Error} If the store failed and no lane is held.
   */
  async lane(): Promise<number | undefined> {
    if (this.#closed) return undefined;
    this.#schedule();
    const { leaseMs } = this.#options;
    for (let tries = 0; tries < 2; tries++) {
      const left = this.#held ? this.#left(this.#held) : 0;
      if (left > 0) {
        if (left < (leaseMs * 2) / 3) {
          const renewal = this.#exclusive(() => this.#renew());
          if (left < leaseMs / 3) await renewal.catch(() => {});
          else renewal.catch(() => {});
        }
        if (this.#held && !this.#closed) return this.#held.index;
      }
      await this.#exclusive(() => this.#acquire());
    }
    return this.#held && this.holds(this.#held.index) ? this.#held.index : undefined;
  }

  /**
   * Whether lane `index` may be signed with at this moment: checked just
   * before each request leaves.
   *
   * @param index The lane a client signs with.
   * @returns Whether it is still held, short of its guard.
   */
  holds(index: number): boolean {
    return !this.#closed && this.#held?.index === index && this.#left(this.#held) > 0;
  }

  /** Stops renewing and gives the lane up; nothing is signed with it afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#busy?.catch(() => {});
    const held = this.#held;
    this.#held = undefined;
    if (held) {
      const { store, scope, holder } = this.#options;
      // WhiteBIT's time unread: the later of the clock and the last correction carried forward on
      // the monotonic clock (a release dated too early would free the lane too soon).
      const now = await this.#correctedNow().catch(() => this.#carriedNow());
      await store.release({ scope: await scope, holder, index: held.index, now });
    }
  }

  /** Runs one store operation at a time: a caller finding one under way waits for it instead. */
  #exclusive(operation: () => Promise<void>): Promise<void> {
    return this.#busy ??= operation().finally(() => this.#busy = undefined);
  }

  /** How long lane `held` may still be signed with: the lesser of what each clock says. */
  #left(held: HeldLane): number {
    return Math.min(held.until - this.#options.now(), held.untilMonotonic - this.#monotonic());
  }

  /** A lease asked for now: the lane held from it, once the store gives one. */
  #asked(): (index: number) => HeldLane {
    const usable = this.#options.leaseMs - NONCE_LANE_GUARD_MS;
    const until = this.#options.now() + usable;
    const untilMonotonic = this.#monotonic() + usable;
    return (index) => ({ index, until, untilMonotonic });
  }

  // Both keep what the store gave even once close() began: close() waits for them, then gives
  // it up (`holds` is false once closed, so nothing is signed with it meanwhile).
  async #acquire(): Promise<void> {
    if (this.#closed || (this.#held && this.holds(this.#held.index))) return;
    const { store, scope, holder, count, leaseMs } = this.#options;
    const now = await this.#correctedNow();
    const lease = this.#asked();
    const index = await store.acquire({ scope: await scope, holder, count, leaseMs, now });
    this.#held = index === undefined ? undefined : lease(index);
  }

  /** `now`, or the last correction carried forward on the monotonic clock if that is later. */
  #carriedNow(): number {
    const last = this.#corrected;
    const now = this.#options.now();
    return last ? Math.max(now, last.at + this.#monotonic() - last.monotonic) : now;
  }

  /** `now`, corrected first when it must be (see {@linkcode LaneKeeperOptions.correct}). */
  async #correctedNow(): Promise<number> {
    const { correct, now, leaseMs } = this.#options;
    const last = this.#corrected;
    const since = last ? this.#monotonic() - last.monotonic : Infinity;
    if (
      correct &&
      (since >= leaseMs || Math.abs(now() - last!.at - since) > CLOCK_STEP_MS)
    ) {
      try {
        await correct();
      } catch (error) {
        throw new Error(
          `WhiteBIT's time could not be read, so no lane's lease can be judged (${
            error instanceof Error ? error.message : String(error)
          }).`,
        );
      }
      this.#corrected = { at: now(), monotonic: this.#monotonic() };
    }
    return now();
  }

  async #renew(): Promise<void> {
    const held = this.#held;
    if (!held || this.#closed) return;
    const { store, scope, holder, count, leaseMs } = this.#options;
    const now = await this.#correctedNow();
    const lease = this.#asked();
    const renewed = await store.renew({
      scope: await scope,
      holder,
      count,
      leaseMs,
      index: held.index,
      now,
    });
    if (this.#held !== held) return;
    // Lost to another holder: never signed with again.
    this.#held = renewed ? lease(held.index) : undefined;
  }

  /** Renews (or retakes) the lane every third of the lease while the instance runs. */
  #schedule(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.lane().catch(() => {});
    }, this.#options.leaseMs / 3);
    // Where timers can be unreferenced (Deno, Node, Bun), renewing never keeps a process alive
    // by itself. Stopping is `close()`'s: the default export drains the requests in flight on
    // SIGTERM, then gives the lane up before it exits (`_deno.ts`).
    (this.#timer as { unref?: () => void }).unref?.();
  }
}

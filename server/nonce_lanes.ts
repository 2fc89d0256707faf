/**
 * Leased nonce lanes, for an autoscaled fleet on one WhiteBIT key: each
 * instance takes a free lane of the key's `count` from a shared store,
 * with a lease it renews while it lives and gives up when it stops, so no
 * two instances ever sign with the same lane (the client's `nonceLane`).
 * A lane whose lease ran out or was given up stays unused for 6 s: its
 * last holder's nonces (up to 4 s ahead of its clock) must leave WhiteBIT's
 * window first.
 *
 * @example
 * ```ts
 * import { MemoryNonceLaneStore } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = new MemoryNonceLaneStore();
 * const ask = (holder: string) => store.acquire({ scope: "key", holder, count: 2, leaseMs: 30_000 });
 * strictEqual(await ask("a"), 0);
 * strictEqual(await ask("b"), 1);
 * strictEqual(await ask("c"), undefined); // the fleet is larger than the key's lanes
 * ```
 *
 * @module
 */

import { type LaneEntry, pickLane } from "./_records.ts";

/**
 * What an instance asks a {@linkcode NonceLaneStore} for.
 *
 * @example
 * ```ts
 * import type { NonceLaneRequest } from "@lending/whitebit/server";
 *
 * const request: NonceLaneRequest = { scope: "account", holder: crypto.randomUUID(), count: 8, leaseMs: 30_000 };
 * ```
 */
export interface NonceLaneRequest {
  /** The key's lanes: one key space per WhiteBIT account (a digest, never the key). */
  scope: string;
  /** Who asks: one app instance. */
  holder: string;
  /** How many lanes the key is split into (at most 1000): every instance must say the same. */
  count: number;
  /** How long a lease lasts from now, in milliseconds. */
  leaseMs: number;
  /**
   * The asker's clock now, in Unix ms: WhiteBIT's, as the server's client
   * corrects it. Leases are stamped and judged on it, so instances whose
   * host clocks differ agree; without it, on the store's clock.
   */
  now?: number;
}

/**
 * Where nonce lanes are leased. Each operation must be atomic: two
 * instances never get the same lane.
 *
 * @example
 * ```ts
 * import { createApp, MemoryNonceLaneStore, type NonceLaneStore } from "@lending/whitebit/server";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 *
 * const sandbox = new WhiteBitSandbox();
 * const store: NonceLaneStore = new MemoryNonceLaneStore(); // Deno KV or a Durable Object for a fleet
 * const app = createApp({
 *   client: { ...sandbox.credentials, fetch: sandbox.fetch },
 *   tokens: ["t"],
 *   nonceLanes: { count: 8, store },
 *   log: false,
 * });
 * await app.close();
 * ```
 */
export interface NonceLaneStore {
  /**
   * Takes a lane for `holder`: the one it holds, or the lowest one never
   * held or unused for 6 s since its lease ended.
   *
   * @returns The lane's index, or `undefined` if every lane is taken.
   * @throws {RangeError} If instances hold lanes of another count.
   */
  acquire(request: NonceLaneRequest): Promise<number | undefined>;
  /**
   * Extends `holder`'s lease of lane `index` by `leaseMs` from now.
   *
   * @returns `false` if another holder has it now: it was lost.
   */
  renew(request: NonceLaneRequest & { index: number }): Promise<boolean>;
  /** Gives lane `index` up, if `holder` still holds it: free for others 6 s from now (`now`, or the store's clock). */
  release(request: { scope: string; holder: string; index: number; now?: number }): Promise<void>;
}

/**
 * Options of {@linkcode MemoryNonceLaneStore}.
 *
 * @example
 * ```ts
 * import { MemoryNonceLaneStore, type MemoryNonceLaneStoreOptions } from "@lending/whitebit/server";
 *
 * const options: MemoryNonceLaneStoreOptions = { now: Date.now };
 * const store = new MemoryNonceLaneStore(options);
 * ```
 */
export interface MemoryNonceLaneStoreOptions {
  /** The clock, in Unix milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * Nonce lanes in this isolate's memory: for several apps in one process,
 * and for tests. A fleet needs a shared store (Deno KV, a Durable Object).
 *
 * @example
 * ```ts
 * import { MemoryNonceLaneStore } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = new MemoryNonceLaneStore();
 * const lane = { scope: "key", count: 4, leaseMs: 30_000 };
 * const index = await store.acquire({ ...lane, holder: "a" });
 * strictEqual(await store.renew({ ...lane, holder: "a", index: index! }), true);
 * strictEqual(await store.renew({ ...lane, holder: "b", index: index! }), false);
 * ```
 */
export class MemoryNonceLaneStore implements NonceLaneStore {
  readonly #scopes = new Map<string, { count: number; lanes: Map<number, LaneEntry> }>();
  readonly #now: () => number;

  /**
   * Creates an empty store.
   *
   * @param options The clock.
   */
  constructor(options: MemoryNonceLaneStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /**
   * Takes a lane (see {@linkcode NonceLaneStore.acquire}).
   *
   * @example
   * ```ts
   * import { MemoryNonceLaneStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * const store = new MemoryNonceLaneStore();
   * strictEqual(await store.acquire({ scope: "key", holder: "a", count: 1, leaseMs: 1000 }), 0);
   * ```
   *
   * @param request The key, the holder, the count and the lease.
   * @returns The lane, or `undefined` if every lane is taken.
   * @throws {RangeError} If lanes of another count are held.
   */
  acquire(request: NonceLaneRequest): Promise<number | undefined> {
    const now = request.now ?? this.#now();
    const scope = this.#scopes.get(request.scope);
    let index;
    try {
      index = pickLane(request.count, scope?.count, scope?.lanes ?? new Map(), request.holder, now);
    } catch (error) {
      return Promise.reject(error);
    }
    if (index === undefined) return Promise.resolve(undefined);
    const lanes = scope?.count === request.count ? scope.lanes : new Map<number, LaneEntry>();
    lanes.set(index, { holder: request.holder, expires: now + request.leaseMs });
    this.#scopes.set(request.scope, { count: request.count, lanes });
    return Promise.resolve(index);
  }

  /**
   * Renews a lease (see {@linkcode NonceLaneStore.renew}).
   *
   * @example
   * ```ts
   * import { MemoryNonceLaneStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * const store = new MemoryNonceLaneStore();
   * const lane = { scope: "key", holder: "a", count: 1, leaseMs: 1000 };
   * strictEqual(await store.renew({ ...lane, index: 0 }), false); // never taken
   * ```
   *
   * @param request The key, the holder, the lane and the lease.
   * @returns Whether the holder still holds it.
   */
  renew(request: NonceLaneRequest & { index: number }): Promise<boolean> {
    const entry = this.#scopes.get(request.scope)?.lanes.get(request.index);
    if (entry?.holder !== request.holder) return Promise.resolve(false);
    entry.expires = (request.now ?? this.#now()) + request.leaseMs;
    return Promise.resolve(true);
  }

  /**
   * Gives a lane up (see {@linkcode NonceLaneStore.release}).
   *
   * @example
   * ```ts
   * import { MemoryNonceLaneStore } from "@lending/whitebit/server";
   *
   * const store = new MemoryNonceLaneStore();
   * const index = await store.acquire({ scope: "key", holder: "a", count: 1, leaseMs: 1000 });
   * await store.release({ scope: "key", holder: "a", index: index! });
   * ```
   *
   * @param request The key, the holder and the lane.
   */
  release(request: { scope: string; holder: string; index: number; now?: number }): Promise<void> {
    const entry = this.#scopes.get(request.scope)?.lanes.get(request.index);
    if (entry?.holder === request.holder) {
      entry.expires = Math.min(entry.expires, request.now ?? this.#now());
    }
    return Promise.resolve();
  }
}

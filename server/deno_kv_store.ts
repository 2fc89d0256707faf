/**
 * Idempotency records and nonce lanes in Deno KV, for a server that runs as
 * several isolates or instances (Deno Deploy, or `deno serve` processes
 * sharing one KV file): claims and leases are atomic across all of them.
 *
 * @example
 * ```ts
 * import { createApp, DenoKvIdempotencyStore } from "@lending/whitebit/server";
 *
 * using kv = await Deno.openKv(":memory:"); // on Deno Deploy: await Deno.openKv()
 * const app = createApp({ tokens: ["t"], idempotencyStore: new DenoKvIdempotencyStore(kv) });
 * ```
 *
 * @module
 */

import type {
  IdempotencyLeaseRequest,
  IdempotencyRecord,
  IdempotencyStore,
  StoredResponse,
} from "./idempotency.ts";
import type { NonceLaneRequest, NonceLaneStore } from "./nonce_lanes.ts";
import {
  claimEntry,
  completeEntry,
  holds,
  type LaneEntry,
  pickLane,
  type RecordEntry,
  recordOf,
  renewEntry,
} from "./_records.ts";

/** How long a step waits in all for a database that another process holds locked. */
const LOCKED_WAIT_MS = 10_000;

/**
 * Runs one read-decide-write step until it commits (`undefined`: a check
 * failed because another writer came first, so it reads again). A local KV
 * file shared by several processes answers "database is locked" while
 * another writes (SQLite's busy signal: nothing was written); the step is
 * tried again after a short random pause, for at most 10 s in all, then the
 * error is thrown (the server answers 503, nothing sent).
 */
async function transact<T>(step: () => Promise<{ value: T } | undefined>): Promise<T> {
  const since = Date.now();
  for (let tries = 0;; tries++) {
    try {
      const done = await step();
      if (done) return done.value;
    } catch (error) {
      const locked = error instanceof Error && /database is locked/i.test(error.message);
      if (!locked || Date.now() - since > LOCKED_WAIT_MS) throw error;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * Math.min(50, 2 ** Math.min(tries, 6)))
      );
    }
  }
}

/**
 * Options of {@linkcode DenoKvIdempotencyStore}.
 *
 * @example
 * ```ts
 * import { DenoKvIdempotencyStore, type DenoKvIdempotencyStoreOptions } from "@lending/whitebit/server";
 *
 * using kv = await Deno.openKv(":memory:");
 * const options: DenoKvIdempotencyStoreOptions = { prefix: ["my-app", "idempotency"] };
 * const store = new DenoKvIdempotencyStore(kv, options);
 * ```
 */
export interface DenoKvIdempotencyStoreOptions {
  /** The key prefix. Default `["lending-whitebit", "idempotency"]`. */
  prefix?: Deno.KvKey;
  /** The clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * An {@linkcode IdempotencyStore} on Deno KV. A KV value holds at most
 * 64 KiB: the server keeps at most 16 KiB of an answer's body, so a record
 * stays far below it, and if a write still fails it keeps a 1 KiB record
 * instead (never freeing the key).
 *
 * @example
 * ```ts
 * import { DenoKvIdempotencyStore } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * using kv = await Deno.openKv(":memory:");
 * const store = new DenoKvIdempotencyStore(kv);
 * const claims = await Promise.all([store.claim("k", "f", 60_000), store.claim("k", "f", 60_000)]);
 * strictEqual(claims.filter((claim) => claim === undefined).length, 1);
 * ```
 */
export class DenoKvIdempotencyStore implements IdempotencyStore {
  readonly #kv: Deno.Kv;
  readonly #prefix: Deno.KvKey;
  readonly #now: () => number;

  /**
   * Uses an open KV database.
   *
   * @param kv From `Deno.openKv()`.
   * @param options The key prefix and clock.
   */
  constructor(kv: Deno.Kv, options: DenoKvIdempotencyStoreOptions = {}) {
    this.#kv = kv;
    this.#prefix = options.prefix ?? ["lending-whitebit", "idempotency"];
    this.#now = options.now ?? Date.now;
  }

  /**
   * Claims a key atomically (see {@linkcode IdempotencyStore.claim}).
   *
   * @example
   * ```ts
   * import { DenoKvIdempotencyStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * using kv = await Deno.openKv(":memory:");
   * strictEqual(await new DenoKvIdempotencyStore(kv).claim("k", "f", 1000), undefined);
   * ```
   *
   * @param key The scoped idempotency key.
   * @param fingerprint The canonical request (method, path and validated body).
   * @param ttlMs How long the claim lasts.
   * @param lease The claimer's lease: kept in the record, and a key whose lease ran out is taken over.
   * @returns `undefined` if claimed now, `taken_over` if taken over now, else the existing record.
   */
  async claim(
    key: string,
    fingerprint: string,
    ttlMs: number,
    lease?: IdempotencyLeaseRequest,
  ): Promise<IdempotencyRecord | undefined> {
    const kvKey = [...this.#prefix, key];
    return await transact(async () => {
      const current = await this.#kv.get<RecordEntry>(kvKey);
      const { answer, write } = claimEntry(
        current.value ?? undefined,
        fingerprint,
        ttlMs,
        lease,
        this.#now(),
      );
      if (!write) return { value: answer };
      const result = await this.#kv.atomic()
        .check(current)
        .set(kvKey, write, { expireIn: ttlMs })
        .commit();
      return result.ok ? { value: answer } : undefined;
    });
  }

  /**
   * Stores the answer for a key.
   *
   * @example
   * ```ts
   * import { DenoKvIdempotencyStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * using kv = await Deno.openKv(":memory:");
   * const store = new DenoKvIdempotencyStore(kv);
   * await store.complete("k", "f", { status: 201, body: "{}", contentType: "application/json" }, 1000);
   * strictEqual((await store.claim("k", "f", 1000))?.state, "done");
   * ```
   *
   * @param key The scoped idempotency key.
   * @param fingerprint The canonical request (method, path and validated body).
   * @param response The answer to replay.
   * @param ttlMs How long to keep it.
   * @param holder Who completes it: then only while it still holds the key.
   * @returns Whether it was stored.
   */
  async complete(
    key: string,
    fingerprint: string,
    response: StoredResponse,
    ttlMs: number,
    holder?: string,
  ): Promise<boolean> {
    const kvKey = [...this.#prefix, key];
    return await transact(async () => {
      const current = await this.#kv.get<RecordEntry>(kvKey);
      const entry = completeEntry(
        current.value ?? undefined,
        fingerprint,
        response,
        ttlMs,
        holder,
        this.#now(),
      );
      if (!entry) return { value: false };
      const result = await this.#kv.atomic()
        .check(current)
        .set(kvKey, entry, { expireIn: ttlMs })
        .commit();
      return result.ok ? { value: true } : undefined;
    });
  }

  /**
   * Frees a key.
   *
   * @example
   * ```ts
   * import { DenoKvIdempotencyStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * using kv = await Deno.openKv(":memory:");
   * const store = new DenoKvIdempotencyStore(kv);
   * await store.claim("k", "f", 1000);
   * await store.release("k");
   * strictEqual(await store.claim("k", "f", 1000), undefined);
   * ```
   *
   * @param key The scoped idempotency key.
   * @param holder Who frees it: then only while it still holds the key.
   * @returns Whether it was freed.
   */
  async release(key: string, holder?: string): Promise<boolean> {
    const kvKey = [...this.#prefix, key];
    return await transact(async () => {
      const current = await this.#kv.get<RecordEntry>(kvKey);
      if (!holds(current.value ?? undefined, holder)) return { value: false };
      const result = await this.#kv.atomic().check(current).delete(kvKey).commit();
      return result.ok ? { value: true } : undefined;
    });
  }

  /**
   * Reads a key's record (see {@linkcode IdempotencyStore.get}).
   *
   * @example
   * ```ts
   * import { DenoKvIdempotencyStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * using kv = await Deno.openKv(":memory:");
   * const store = new DenoKvIdempotencyStore(kv);
   * await store.claim("k", "f", 60_000);
   * strictEqual((await store.get("k"))?.fingerprint, "f");
   * ```
   *
   * @param key The key.
   * @returns Its record, unless there is none or it expired.
   */
  async get(key: string): Promise<IdempotencyRecord | undefined> {
    const current = await this.#kv.get<RecordEntry>([...this.#prefix, key]);
    return recordOf(current.value ?? undefined, this.#now());
  }

  /**
   * Renews a holder's lease atomically (see {@linkcode IdempotencyStore.renew}).
   *
   * @example
   * ```ts
   * import { DenoKvIdempotencyStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * using kv = await Deno.openKv(":memory:");
   * const store = new DenoKvIdempotencyStore(kv);
   * const lease = { holder: "a", endpoint: "invest", params: {}, leaseMs: 60_000 };
   * await store.claim("k", "f", 86_400_000, lease);
   * strictEqual(await store.renew("k", lease), true);
   * ```
   *
   * @param key The scoped idempotency key.
   * @param lease The holder's lease, from `lease.now`.
   * @returns Whether the holder still held the key, and its lease was renewed.
   */
  async renew(key: string, lease: IdempotencyLeaseRequest): Promise<boolean> {
    const kvKey = [...this.#prefix, key];
    return await transact(async () => {
      const current = await this.#kv.get<RecordEntry>(kvKey);
      const now = this.#now();
      const entry = renewEntry(current.value ?? undefined, lease, now);
      if (!entry) return { value: false };
      const result = await this.#kv.atomic()
        .check(current)
        .set(kvKey, entry, { expireIn: Math.max(1, entry.expires - now) })
        .commit();
      return result.ok ? { value: true } : undefined;
    });
  }
}

/**
 * Options of {@linkcode DenoKvNonceLaneStore}.
 *
 * @example
 * ```ts
 * import { DenoKvNonceLaneStore, type DenoKvNonceLaneStoreOptions } from "@lending/whitebit/server";
 *
 * using kv = await Deno.openKv(":memory:");
 * const options: DenoKvNonceLaneStoreOptions = { prefix: ["my-app", "lanes"] };
 * const store = new DenoKvNonceLaneStore(kv, options);
 * ```
 */
export interface DenoKvNonceLaneStoreOptions {
  /** The key prefix. Default `["lending-whitebit", "nonce-lanes"]`. */
  prefix?: Deno.KvKey;
  /** The clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * A {@linkcode NonceLaneStore} on Deno KV, for a fleet on Deno Deploy or
 * `deno serve` processes sharing one KV file: each lane's lease is one KV
 * entry, and every acquire rewrites the key's lane count in the same atomic
 * operation, so two acquires never interleave.
 *
 * @example
 * ```ts
 * import { DenoKvNonceLaneStore } from "@lending/whitebit/server";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * using kv = await Deno.openKv(":memory:");
 * const store = new DenoKvNonceLaneStore(kv);
 * const lanes = await Promise.all(
 *   ["a", "b", "c"].map((holder) => store.acquire({ scope: "key", holder, count: 2, leaseMs: 30_000 })),
 * );
 * deepStrictEqual(lanes.sort(), [0, 1, undefined]);
 * ```
 */
export class DenoKvNonceLaneStore implements NonceLaneStore {
  readonly #kv: Deno.Kv;
  readonly #prefix: Deno.KvKey;
  readonly #now: () => number;

  /**
   * Uses an open KV database.
   *
   * @param kv From `Deno.openKv()`.
   * @param options The key prefix and clock.
   */
  constructor(kv: Deno.Kv, options: DenoKvNonceLaneStoreOptions = {}) {
    this.#kv = kv;
    this.#prefix = options.prefix ?? ["lending-whitebit", "nonce-lanes"];
    this.#now = options.now ?? Date.now;
  }

  /**
   * Takes a lane (see {@linkcode NonceLaneStore.acquire}).
   *
   * @example
   * ```ts
   * import { DenoKvNonceLaneStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * using kv = await Deno.openKv(":memory:");
   * strictEqual(await new DenoKvNonceLaneStore(kv).acquire({ scope: "k", holder: "a", count: 4, leaseMs: 1000 }), 0);
   * ```
   *
   * @param request The key, the holder, the count and the lease.
   * @returns The lane, or `undefined` if every lane is taken.
   * @throws {RangeError} If lanes of another count are held.
   */
  async acquire(request: NonceLaneRequest): Promise<number | undefined> {
    const meta = [...this.#prefix, request.scope, "count"];
    const lanePrefix = [...this.#prefix, request.scope, "lane"];
    return await transact(async () => {
      const count = await this.#kv.get<number>(meta);
      const entries = new Map<number, Deno.KvEntry<LaneEntry>>();
      for await (const entry of this.#kv.list<LaneEntry>({ prefix: lanePrefix })) {
        entries.set(entry.key.at(-1) as number, entry);
      }
      const lanes = new Map([...entries].map(([index, entry]) => [index, entry.value]));
      const now = request.now ?? this.#now();
      const index = pickLane(request.count, count.value ?? undefined, lanes, request.holder, now);
      if (index === undefined) return { value: undefined };
      const key = [...lanePrefix, index];
      // Every acquire rewrites the count, so acquires never interleave; the
      // lane's own entry is checked against a renewal meanwhile.
      const result = await this.#kv.atomic()
        .check(count)
        .check(entries.get(index) ?? { key, versionstamp: null })
        .set(meta, request.count)
        .set(key, { holder: request.holder, expires: now + request.leaseMs })
        .commit();
      return result.ok ? { value: index } : undefined;
    });
  }

  /**
   * Renews a lease (see {@linkcode NonceLaneStore.renew}).
   *
   * @example
   * ```ts
   * import { DenoKvNonceLaneStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * using kv = await Deno.openKv(":memory:");
   * const store = new DenoKvNonceLaneStore(kv);
   * const lane = { scope: "k", holder: "a", count: 4, leaseMs: 1000 };
   * const index = await store.acquire(lane);
   * strictEqual(await store.renew({ ...lane, index: index! }), true);
   * ```
   *
   * @param request The key, the holder, the lane and the lease.
   * @returns Whether the holder still holds it.
   */
  async renew(request: NonceLaneRequest & { index: number }): Promise<boolean> {
    return await this.#update(request, () => (request.now ?? this.#now()) + request.leaseMs);
  }

  /**
   * Gives a lane up (see {@linkcode NonceLaneStore.release}).
   *
   * @example
   * ```ts
   * import { DenoKvNonceLaneStore } from "@lending/whitebit/server";
   *
   * using kv = await Deno.openKv(":memory:");
   * const store = new DenoKvNonceLaneStore(kv);
   * const index = await store.acquire({ scope: "k", holder: "a", count: 4, leaseMs: 1000 });
   * await store.release({ scope: "k", holder: "a", index: index! });
   * ```
   *
   * @param request The key, the holder and the lane.
   */
  async release(
    request: { scope: string; holder: string; index: number; now?: number },
  ): Promise<void> {
    await this.#update(request, (entry) => Math.min(entry.expires, request.now ?? this.#now()));
  }

  /** Sets the lease's end, if `holder` still holds the lane; whether it does. */
  async #update(
    request: { scope: string; holder: string; index: number; now?: number },
    expires: (entry: LaneEntry) => number,
  ): Promise<boolean> {
    const key = [...this.#prefix, request.scope, "lane", request.index];
    return await transact(async () => {
      const current = await this.#kv.get<LaneEntry>(key);
      if (current.value?.holder !== request.holder) return { value: false };
      const result = await this.#kv.atomic()
        .check(current)
        .set(key, { holder: request.holder, expires: expires(current.value) })
        .commit();
      return result.ok ? { value: true } : undefined;
    });
  }
}

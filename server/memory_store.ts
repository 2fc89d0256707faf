/**
 * Idempotency records in this isolate's memory (`MemoryIdempotencyStore`):
 * right for one process, not for several isolates or instances.
 *
 * @example
 * ```ts
 * import { MemoryIdempotencyStore } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = new MemoryIdempotencyStore();
 * strictEqual(await store.claim("key", "fingerprint", 60_000), undefined); // claimed
 * strictEqual((await store.claim("key", "fingerprint", 60_000))?.state, "in_flight");
 * ```
 *
 * @module
 */

import { mustBe } from "../client/_validate.ts";
import {
  claimEntry,
  completeEntry,
  holds,
  type RecordEntry,
  recordOf,
  renewEntry,
} from "./_records.ts";
import {
  type IdempotencyLeaseRequest,
  type IdempotencyRecord,
  type IdempotencyStore,
  IdempotencyStoreFullError,
  type StoredResponse,
} from "./idempotency.ts";

/**
 * Options of {@linkcode MemoryIdempotencyStore}.
 *
 * @example
 * ```ts
 * import { MemoryIdempotencyStore, type MemoryIdempotencyStoreOptions } from "@lending/whitebit/server";
 *
 * const options: MemoryIdempotencyStoreOptions = { maxRecords: 10_000 };
 * const store = new MemoryIdempotencyStore(options);
 * ```
 */
export interface MemoryIdempotencyStoreOptions {
  /**
   * The most records kept. When that many are in flight or unexpired, a new
   * key is refused (never an old one forgotten). Default 100 000.
   */
  maxRecords?: number;
  /** The clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * Idempotency records in this isolate's memory: right for one process, not
 * for several isolates or instances, which each have their own.
 *
 * @example
 * ```ts
 * import { createApp, MemoryIdempotencyStore } from "@lending/whitebit/server";
 *
 * const app = createApp({ tokens: ["t"], idempotencyStore: new MemoryIdempotencyStore() });
 * ```
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, RecordEntry>();
  readonly #maxRecords: number;
  readonly #now: () => number;
  /** No record expires before this: until then a full store has nothing to sweep. */
  #nextExpiry = Infinity;

  /**
   * Creates an empty store.
   *
   * @param options The size bound and clock.
   * @throws {RangeError} If `maxRecords` is not a whole number of at least 1.
   */
  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    this.#maxRecords = options.maxRecords ?? 100_000;
    if (!Number.isSafeInteger(this.#maxRecords) || this.#maxRecords < 1) {
      throw new RangeError(
        mustBe("create store", '"maxRecords"', "a whole number >= 1", this.#maxRecords),
      );
    }
    this.#now = options.now ?? Date.now;
  }

  /**
   * Claims a key (see {@linkcode IdempotencyStore.claim}). When the store
   * is full, expired records are dropped; if none has expired, the claim is
   * refused: a record in flight or kept for replay is never forgotten.
   *
   * @example
   * ```ts
   * import { MemoryIdempotencyStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * const store = new MemoryIdempotencyStore();
   * strictEqual(await store.claim("k", "f", 1000), undefined);
   * ```
   *
   * @param key The scoped idempotency key.
   * @param fingerprint The canonical request (method, path and validated body).
   * @param ttlMs How long the claim lasts.
   * @param lease The claimer's lease: kept in the record, and a key whose lease ran out is taken over.
   * @returns `undefined` if claimed now, `taken_over` if taken over now, else the existing record.
   * @throws {IdempotencyStoreFullError} If the key is new and the store is full.
   */
  claim(
    key: string,
    fingerprint: string,
    ttlMs: number,
    lease?: IdempotencyLeaseRequest,
  ): Promise<IdempotencyRecord | undefined> {
    const now = this.#now();
    const existing = this.#records.get(key);
    const { answer, write } = claimEntry(existing, fingerprint, ttlMs, lease, now);
    if (!write) return Promise.resolve(answer);
    // A key taken over keeps its place; only a new one needs room.
    if (answer === undefined) {
      this.#records.delete(key);
      if (this.#records.size >= this.#maxRecords) this.#sweep(now);
      if (this.#records.size >= this.#maxRecords) {
        return Promise.reject(
          new IdempotencyStoreFullError(
            `Cannot claim an idempotency key: the store holds its maximum of ${this.#maxRecords} records, all in flight or unexpired`,
            { retryAfterMs: Math.max(0, this.#nextExpiry - now) },
          ),
        );
      }
    }
    this.#set(key, write);
    return Promise.resolve(answer);
  }

  /**
   * Stores the answer for a key.
   *
   * @example
   * ```ts
   * import { MemoryIdempotencyStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * const store = new MemoryIdempotencyStore();
   * await store.claim("k", "f", 1000);
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
  complete(
    key: string,
    fingerprint: string,
    response: StoredResponse,
    ttlMs: number,
    holder?: string,
  ): Promise<boolean> {
    const entry = completeEntry(
      this.#records.get(key),
      fingerprint,
      response,
      ttlMs,
      holder,
      this.#now(),
    );
    // It replaces the key's claim, so it needs no room of its own.
    if (entry) this.#set(key, entry);
    return Promise.resolve(entry !== undefined);
  }

  /**
   * Frees a key.
   *
   * @example
   * ```ts
   * import { MemoryIdempotencyStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * const store = new MemoryIdempotencyStore();
   * await store.claim("k", "f", 1000);
   * await store.release("k");
   * strictEqual(await store.claim("k", "f", 1000), undefined);
   * ```
   *
   * @param key The scoped idempotency key.
   * @param holder Who frees it: then only while it still holds the key.
   * @returns Whether it was freed.
   */
  release(key: string, holder?: string): Promise<boolean> {
    const freed = holds(this.#records.get(key), holder);
    if (freed) this.#records.delete(key);
    return Promise.resolve(freed);
  }

  /**
   * Renews a holder's lease (see {@linkcode IdempotencyStore.renew}).
   *
   * @example
   * ```ts
   * import { MemoryIdempotencyStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * const store = new MemoryIdempotencyStore();
   * const lease = { holder: "a", endpoint: "invest", params: {}, leaseMs: 60_000, now: 1_000 };
   * await store.claim("k", "f", 86_400_000, lease);
   * strictEqual(await store.renew("k", { ...lease, now: 5_000 }), true);
   * strictEqual(await store.renew("k", { ...lease, holder: "b" }), false); // not its holder
   * ```
   *
   * @param key The scoped idempotency key.
   * @param lease The holder's lease, from `lease.now`.
   * @returns Whether the holder still held the key, and its lease was renewed.
   */
  renew(key: string, lease: IdempotencyLeaseRequest): Promise<boolean> {
    const entry = renewEntry(this.#records.get(key), lease, this.#now());
    if (entry) this.#records.set(key, entry);
    return Promise.resolve(entry !== undefined);
  }

  /**
   * Reads a key's record (see {@linkcode IdempotencyStore.get}).
   *
   * @example
   * ```ts
   * import { MemoryIdempotencyStore } from "@lending/whitebit/server";
   * import { strictEqual } from "node:assert/strict";
   *
   * const store = new MemoryIdempotencyStore();
   * await store.claim("k", "f", 1000);
   * strictEqual((await store.get("k"))?.fingerprint, "f");
   * strictEqual(await store.get("other"), undefined);
   * ```
   *
   * @param key The key.
   * @returns Its record, unless there is none or it expired.
   */
  get(key: string): Promise<IdempotencyRecord | undefined> {
    return Promise.resolve(recordOf(this.#records.get(key), this.#now()));
  }

  #set(key: string, entry: RecordEntry): void {
    this.#records.delete(key);
    this.#records.set(key, entry);
    this.#nextExpiry = Math.min(this.#nextExpiry, entry.expires);
  }

  /** Drops the expired records; at most one pass each time the earliest expiry comes due. */
  #sweep(now: number): void {
    if (now < this.#nextExpiry) return;
    let next = Infinity;
    for (const [key, { expires }] of this.#records) {
      if (expires <= now) this.#records.delete(key);
      else next = Math.min(next, expires);
    }
    this.#nextExpiry = next;
  }
}

/**
 * Idempotency for the HTTP server: WhiteBIT has no idempotency key, so the
 * server keeps one. A stored record says a key is in flight, or holds the
 * answer to replay. Records of one isolate are enough for one process; for
 * several isolates or instances use one shared store (see
 * `DenoKvIdempotencyStore`).
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

/**
 * An answer kept for replay.
 *
 * @example
 * ```ts
 * import type { StoredResponse } from "@lending/whitebit/server";
 *
 * const created: StoredResponse = { status: 201, body: '{"id":"x"}', contentType: "application/json" };
 * ```
 */
export interface StoredResponse {
  /** The HTTP status. */
  status: number;
  /** The body text. */
  body: string;
  /** The `Content-Type`. */
  contentType: string;
}

/**
 * What a store holds for one key.
 *
 * @example
 * ```ts
 * import { type IdempotencyRecord, MemoryIdempotencyStore } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = new MemoryIdempotencyStore();
 * await store.claim("key", "fingerprint", 60_000);
 * const record: IdempotencyRecord | undefined = await store.claim("key", "fingerprint", 60_000);
 * strictEqual(record?.state, "in_flight");
 * ```
 */
export type IdempotencyRecord =
  | { state: "in_flight"; fingerprint: string }
  | { state: "done"; fingerprint: string; response: StoredResponse };

/**
 * Where idempotency records live. `claim` must be atomic: of two concurrent
 * claims of one key, exactly one gets `undefined`. A store must never drop
 * a record before its time: not one in flight, not an answer kept for
 * replay. A store that cannot take a new key throws from `claim` (an
 * {@linkcode IdempotencyStoreFullError} when it is full), and the server
 * answers 503 without sending anything.
 *
 * @example
 * ```ts
 * import { createApp, type IdempotencyStore, MemoryIdempotencyStore } from "@lending/whitebit/server";
 *
 * // Any store with atomic claims will do; this one wraps the memory store and counts claims.
 * const inner = new MemoryIdempotencyStore();
 * let claims = 0;
 * const counting: IdempotencyStore = {
 *   claim: (key, fingerprint, ttlMs) => (claims++, inner.claim(key, fingerprint, ttlMs)),
 *   complete: (key, fingerprint, response, ttlMs) => inner.complete(key, fingerprint, response, ttlMs),
 *   release: (key) => inner.release(key),
 * };
 * const app = createApp({ tokens: ["t"], idempotencyStore: counting, log: false });
 * ```
 */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request whose body has `fingerprint`.
   *
   * @returns `undefined` if the key was free and is now in flight, else the record already there.
   * @throws {IdempotencyStoreFullError} If the key is free but the store has no room for it.
   */
  claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyRecord | undefined>;
  /** Stores the answer to replay for `key`. */
  complete(
    key: string,
    fingerprint: string,
    response: StoredResponse,
    ttlMs: number,
  ): Promise<void>;
  /** Frees `key`, so the same request may be sent again (its first try did nothing). */
  release(key: string): Promise<void>;
}

/**
 * Thrown by {@linkcode IdempotencyStore.claim} when a new key finds no room:
 * every record is in flight or not yet expired, and none may be forgotten
 * (that would let a duplicate invest twice). Nothing was claimed; the server
 * answers 503 `idempotency-store-full` with `Retry-After`, and sends nothing.
 *
 * @example
 * ```ts
 * import { IdempotencyStoreFullError, MemoryIdempotencyStore } from "@lending/whitebit/server";
 * import { rejects } from "node:assert/strict";
 *
 * const store = new MemoryIdempotencyStore({ maxRecords: 1 });
 * await store.claim("first", "fingerprint", 60_000);
 * await rejects(store.claim("second", "fingerprint", 60_000), IdempotencyStoreFullError);
 * ```
 */
export class IdempotencyStoreFullError extends Error {
  /** Always `"IdempotencyStoreFullError"`. */
  override name = "IdempotencyStoreFullError";
  /** Milliseconds until the first record expires, at the earliest. */
  readonly retryAfterMs: number;

  /**
   * Creates the error.
   *
   * @param message What is full.
   * @param options When room may come free.
   */
  constructor(message: string, options: { retryAfterMs: number }) {
    super(message);
    this.retryAfterMs = options.retryAfterMs;
  }
}

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
  readonly #records = new Map<string, { record: IdempotencyRecord; expires: number }>();
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
   * @returns `undefined` if claimed now, else the existing record.
   * @throws {IdempotencyStoreFullError} If the key is new and the store is full.
   */
  claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyRecord | undefined> {
    const now = this.#now();
    const existing = this.#records.get(key);
    if (existing && existing.expires > now) return Promise.resolve(existing.record);
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
    this.#set(key, { state: "in_flight", fingerprint }, now + ttlMs);
    return Promise.resolve(undefined);
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
   */
  complete(
    key: string,
    fingerprint: string,
    response: StoredResponse,
    ttlMs: number,
  ): Promise<void> {
    // It replaces the key's claim, so it needs no room of its own.
    this.#records.delete(key);
    this.#set(key, { state: "done", fingerprint, response }, this.#now() + ttlMs);
    return Promise.resolve();
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
   */
  release(key: string): Promise<void> {
    this.#records.delete(key);
    return Promise.resolve();
  }

  #set(key: string, record: IdempotencyRecord, expires: number): void {
    this.#records.set(key, { record, expires });
    this.#nextExpiry = Math.min(this.#nextExpiry, expires);
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

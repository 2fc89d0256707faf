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
import { claimEntry, completeEntry, holds, type RecordEntry } from "./_records.ts";

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
 * What the holder of an in-flight key leaves for whoever must reconcile it
 * should the holder die mid-call: the call, when it was claimed, who holds
 * it and until when.
 *
 * @example
 * ```ts
 * import { type IdempotencyLease, MemoryIdempotencyStore } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * let now = 0;
 * const store = new MemoryIdempotencyStore({ now: () => now });
 * const lease = { holder: "a", endpoint: "invest", params: { planId: "p", amount: "1" }, leaseMs: 60_000 };
 * await store.claim("k", "f", 86_400_000, lease);
 * now = 60_000; // the holder died: its lease ran out
 * const found = await store.claim("k", "f", 86_400_000, { ...lease, holder: "b" });
 * const old: IdempotencyLease | undefined = found?.state === "taken_over" ? found.lease : undefined;
 * strictEqual(old?.holder, "a");
 * ```
 */
export interface IdempotencyLease {
  /** Who holds the key: one app instance (a random id per process or isolate). */
  holder: string;
  /** The route's WhiteBIT endpoint (`"invest"`, `"close"`…): whose reconciliation applies. */
  endpoint: string;
  /** The call's parameters, as checked. */
  params: Record<string, unknown>;
  /**
   * When the key was first claimed, in Unix ms on the store's clock (a
   * takeover keeps it): every call made for the key was signed at or after
   * it, so it is the attempt time reconciliation searches from.
   */
  attemptedAt: number;
  /** When the lease runs out, in Unix ms on the store's clock: then the key may be taken over. */
  expiresAt: number;
}

/**
 * What a claim with a lease says of it; the store stamps the times.
 *
 * @example
 * ```ts
 * import { type IdempotencyLeaseRequest, MemoryIdempotencyStore } from "@lending/whitebit/server";
 *
 * const lease: IdempotencyLeaseRequest = {
 *   holder: crypto.randomUUID(),
 *   endpoint: "invest",
 *   params: { planId: "p", amount: "100" },
 *   leaseMs: 60_000,
 * };
 * await new MemoryIdempotencyStore().claim("k", "f", 86_400_000, lease);
 * ```
 */
export interface IdempotencyLeaseRequest {
  /** Who claims: see {@linkcode IdempotencyLease.holder}. */
  holder: string;
  /** See {@linkcode IdempotencyLease.endpoint}. */
  endpoint: string;
  /** See {@linkcode IdempotencyLease.params}. */
  params: Record<string, unknown>;
  /** How long the lease lasts from the claim, in milliseconds. */
  leaseMs: number;
}

/**
 * What a store holds for one key, as `claim` returns it: in flight (with
 * its holder's lease, if claimed with one), done (the answer to replay), or
 * just taken over by this claim from a holder whose lease ran out (`lease`
 * is that holder's: reconcile it).
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
  | { state: "in_flight"; fingerprint: string; lease?: IdempotencyLease }
  | { state: "done"; fingerprint: string; response: StoredResponse }
  | { state: "taken_over"; fingerprint: string; lease: IdempotencyLease };

/**
 * Where idempotency records live. `claim` must be atomic: of two concurrent
 * claims of one key, exactly one gets `undefined` (or `taken_over`). A
 * store must never drop a record before its time: not one in flight, not an
 * answer kept for replay. A store that cannot take a new key throws from
 * `claim` (an {@linkcode IdempotencyStoreFullError} when it is full), and
 * the server answers 503 without sending anything.
 *
 * Crash recovery needs the optional arguments: `claim` keeps the `lease`
 * in the record and, when a key in flight for the same request has a lease
 * that ran out, atomically makes the claimer its holder and answers
 * `taken_over`; `complete` and `release` given a `holder` change nothing
 * (and resolve `false`) unless that holder still holds the key in flight.
 * A store that ignores them still works: its keys in flight answer 409
 * until they expire.
 *
 * @example
 * ```ts
 * import { createApp, type IdempotencyStore, MemoryIdempotencyStore } from "@lending/whitebit/server";
 *
 * // Any store with atomic claims will do; this one wraps the memory store and counts claims.
 * const inner = new MemoryIdempotencyStore();
 * let claims = 0;
 * const counting: IdempotencyStore = {
 *   claim: (key, fingerprint, ttlMs, lease) => (claims++, inner.claim(key, fingerprint, ttlMs, lease)),
 *   complete: (key, fingerprint, response, ttlMs, holder) =>
 *     inner.complete(key, fingerprint, response, ttlMs, holder),
 *   release: (key, holder) => inner.release(key, holder),
 * };
 * const app = createApp({ tokens: ["t"], idempotencyStore: counting, log: false });
 * ```
 */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request whose body has `fingerprint`.
   *
   * @returns `undefined` if the key was free and is now in flight, `taken_over` if it was in
   *   flight for this request under a lease that ran out and is now the claimer's, else the
   *   record already there.
   * @throws {IdempotencyStoreFullError} If the key is free but the store has no room for it.
   */
  claim(
    key: string,
    fingerprint: string,
    ttlMs: number,
    lease?: IdempotencyLeaseRequest,
  ): Promise<IdempotencyRecord | undefined>;
  /**
   * Stores the answer to replay for `key`.
   *
   * @returns `false` if `holder` is given and no longer holds the key: nothing was stored.
   */
  complete(
    key: string,
    fingerprint: string,
    response: StoredResponse,
    ttlMs: number,
    holder?: string,
  ): Promise<boolean | void>;
  /**
   * Frees `key`, so the same request may be sent again (its first try did nothing).
   *
   * @returns `false` if `holder` is given and no longer holds the key: nothing was freed.
   */
  release(key: string, holder?: string): Promise<boolean | void>;
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

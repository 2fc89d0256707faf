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
 * claims of one key, exactly one gets `undefined`.
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
  /** The most records kept; the oldest go first when full. Default 100 000. */
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

  /**
   * Creates an empty store.
   *
   * @param options The size bound and clock.
   */
  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    this.#maxRecords = options.maxRecords ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Claims a key (see {@linkcode IdempotencyStore.claim}).
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
   */
  claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyRecord | undefined> {
    const now = this.#now();
    const existing = this.#records.get(key);
    if (existing && existing.expires > now) return Promise.resolve(existing.record);
    this.#records.delete(key);
    this.#evict(now);
    this.#records.set(key, { record: { state: "in_flight", fingerprint }, expires: now + ttlMs });
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
    this.#records.delete(key);
    this.#records.set(key, {
      record: { state: "done", fingerprint, response },
      expires: this.#now() + ttlMs,
    });
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

  #evict(now: number): void {
    if (this.#records.size < this.#maxRecords) return;
    for (const [key, { expires }] of this.#records) {
      if (expires <= now || this.#records.size >= this.#maxRecords) this.#records.delete(key);
      else break;
    }
  }
}

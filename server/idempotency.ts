/**
 * Idempotency for the HTTP server: WhiteBIT has no idempotency key, so the
 * server keeps one. This is the contract of a store (`IdempotencyStore`)
 * and what it keeps: a record says a key is in flight, or holds the answer
 * to replay. The stores are `memory_store.ts` (one process),
 * `deno_kv_store.ts` and `durable_object.ts` (shared by instances).
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
   * When the key was first claimed, in Unix ms on the claimer's clock
   * (WhiteBIT's, as the server's client corrects it; the store's if the
   * claim gave none). A takeover keeps it, and a renewal only moves it
   * earlier; the server never sends a request for the key whose nonce is
   * more than 50 s before it, so it is the attempt time reconciliation
   * searches from (less 60 s).
   */
  attemptedAt: number;
  /**
   * When the lease runs out, in Unix ms on the same clock: then the key may
   * be taken over, by a claim whose own clock says so.
   */
  expiresAt: number;
}

/**
 * What a claim with a lease says of it; the store stamps the times, on
 * `now` when it is given.
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
  /**
   * The claimer's clock at the claim, in Unix ms: WhiteBIT's, as the
   * server's client corrects it with `syncTime()`. The lease's times are
   * stamped on it, and a lease found is judged on it, so instances whose
   * host clocks differ agree; without it, on the store's clock. A record's
   * time to live is always on the store's clock.
   */
  now?: number;
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
 * Leases are stamped and judged on the claimer's `lease.now` (WhiteBIT's
 * clock as the server corrects it), and `renew` re-stamps a holder's lease.
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
 *   renew: (key, lease) => inner.renew(key, lease),
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
  /**
   * Renews `lease.holder`'s lease of `key`, if it still holds it in flight:
   * the lease's end moves to `leaseMs` from `lease.now` (else the store's
   * clock), its attempt time to then if that is earlier. The server renews
   * before it sends a request again after correcting its clock (WhiteBIT
   * refused the first for its nonce window, so it did nothing): the lease
   * is then on the corrected clock. Optional: without it, such a request
   * is answered 503 with nothing sent, and sent again by the caller.
   *
   * @returns `false` if the holder no longer holds the key: nothing changed.
   */
  renew?(key: string, lease: IdempotencyLeaseRequest): Promise<boolean>;
  /**
   * The record of `key`, unless there is none or it expired; changes
   * nothing. Reconciliation reads with it whether an investment it found
   * is already another request's answer. Optional: without it, a recent
   * one is waited for (up to `maxWaitMs`) or answered 503, outcome unknown.
   */
  get?(key: string): Promise<IdempotencyRecord | undefined>;
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

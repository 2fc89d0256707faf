/**
 * Idempotency records in Deno KV, for a server that runs as several isolates
 * or instances (Deno Deploy): claims are atomic across all of them.
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

import type { IdempotencyRecord, IdempotencyStore, StoredResponse } from "./idempotency.ts";

interface Entry {
  record: IdempotencyRecord;
  expires: number;
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
   * @returns `undefined` if claimed now, else the existing record.
   */
  async claim(
    key: string,
    fingerprint: string,
    ttlMs: number,
  ): Promise<IdempotencyRecord | undefined> {
    const kvKey = [...this.#prefix, key];
    while (true) {
      const current = await this.#kv.get<Entry>(kvKey);
      const now = this.#now();
      if (current.value && current.value.expires > now) return current.value.record;
      const entry: Entry = { record: { state: "in_flight", fingerprint }, expires: now + ttlMs };
      const result = await this.#kv.atomic()
        .check(current)
        .set(kvKey, entry, { expireIn: ttlMs })
        .commit();
      if (result.ok) return undefined;
    }
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
   */
  async complete(
    key: string,
    fingerprint: string,
    response: StoredResponse,
    ttlMs: number,
  ): Promise<void> {
    const entry: Entry = {
      record: { state: "done", fingerprint, response },
      expires: this.#now() + ttlMs,
    };
    await this.#kv.set([...this.#prefix, key], entry, { expireIn: ttlMs });
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
   */
  async release(key: string): Promise<void> {
    await this.#kv.delete([...this.#prefix, key]);
  }
}

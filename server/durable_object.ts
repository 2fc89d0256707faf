/**
 * Idempotency records and nonce lanes in a Cloudflare Durable Object, for
 * the server on Workers, where every isolate has its own memory: one object
 * per `Idempotency-Key` (and one per WhiteBIT key for its nonce lanes), in
 * SQLite storage, each operation one synchronous step (so claims are
 * atomic), records removed by an alarm when they expire.
 *
 * `server.ts` exports {@linkcode IdempotencyDurableObject}; its default
 * export uses it whenever the Worker has a Durable Object binding named
 * `LENDING_IDEMPOTENCY`. `wrangler.toml`:
 *
 * ```toml
 * [[durable_objects.bindings]]
 * name = "LENDING_IDEMPOTENCY"
 * class_name = "IdempotencyDurableObject"
 *
 * [[migrations]]
 * tag = "v1"
 * new_sqlite_classes = ["IdempotencyDurableObject"]
 * ```
 *
 * @example The Worker's entry
 * ```ts
 * // worker.ts, bundled and deployed with wrangler
 * export { default, IdempotencyDurableObject } from "@lending/whitebit/server";
 * ```
 *
 * @module
 */

import { isRecord } from "../client/_validate.ts";
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

/**
 * The part of a Durable Object's state the class uses (`DurableObjectState`
 * in `@cloudflare/workers-types`): its SQLite storage and alarm.
 *
 * @example
 * ```ts
 * import type { DurableObjectStateLike } from "@lending/whitebit/server";
 *
 * const uses: (keyof DurableObjectStateLike["storage"])[] = ["sql", "setAlarm", "deleteAll"];
 * ```
 */
export interface DurableObjectStateLike {
  /** The object's storage: SQLite (a `new_sqlite_classes` migration) and its alarm. */
  storage: {
    sql: {
      exec(query: string, ...bindings: (string | number | null)[]): {
        toArray(): Record<string, unknown>[];
      };
    };
    setAlarm(scheduledTime: number): Promise<void>;
    deleteAll(): Promise<void>;
  };
}

/**
 * The part of a Durable Object namespace binding the stores use
 * (`DurableObjectNamespace` in `@cloudflare/workers-types`).
 *
 * @example
 * ```ts
 * import {
 *   type DurableObjectNamespaceLike,
 *   DurableObjectIdempotencyStore,
 * } from "@lending/whitebit/server";
 *
 * // The store on a Worker's binding.
 * function storeOf(env: { LENDING_IDEMPOTENCY: DurableObjectNamespaceLike }) {
 *   return new DurableObjectIdempotencyStore(env.LENDING_IDEMPOTENCY);
 * }
 * ```
 */
export interface DurableObjectNamespaceLike {
  /** The id of the object named `name`: the same name, the same object, everywhere. */
  idFromName(name: string): unknown;
  /** A stub that sends requests to the object of `id`. */
  get(id: unknown): { fetch(input: string, init?: RequestInit): Promise<Response> };
}

/**
 * The Durable Object namespace bound as `LENDING_IDEMPOTENCY` in Workers
 * bindings, if there is one.
 *
 * @param env Workers bindings, or anything else.
 * @returns The namespace, or `undefined`.
 */
export function idempotencyNamespaceOf(env: unknown): DurableObjectNamespaceLike | undefined {
  const binding = isRecord(env) ? env.LENDING_IDEMPOTENCY : undefined;
  return isRecord(binding) && typeof binding.idFromName === "function" &&
      typeof binding.get === "function"
    ? binding as unknown as DurableObjectNamespaceLike
    : undefined;
}

/** One operation on an object, as the stores send it. */
type Message =
  | {
    op: "claim";
    key: string;
    fingerprint: string;
    ttlMs: number;
    lease?: IdempotencyLeaseRequest;
  }
  | {
    op: "complete";
    key: string;
    fingerprint: string;
    response: StoredResponse;
    ttlMs: number;
    holder?: string;
  }
  | { op: "release"; key: string; holder?: string }
  | { op: "get"; key: string }
  | { op: "renew"; key: string; lease: IdempotencyLeaseRequest }
  | { op: "acquireLane"; request: NonceLaneRequest }
  | { op: "renewLane"; request: NonceLaneRequest & { index: number } }
  | { op: "releaseLane"; request: { scope: string; holder: string; index: number; now?: number } };

/** What an object answers: the operation's result, or the message of a refusal. */
type Reply = { result?: unknown; refused?: string };

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, entry TEXT NOT NULL, expires INTEGER NOT NULL)",
  "CREATE TABLE IF NOT EXISTS lanes (lane INTEGER PRIMARY KEY, holder TEXT NOT NULL, expires INTEGER NOT NULL)",
  "CREATE TABLE IF NOT EXISTS lane_count (id INTEGER PRIMARY KEY CHECK (id = 0), count INTEGER NOT NULL)",
];

/**
 * The Durable Object class: export it from the Worker's entry (as
 * `server.ts` does) and bind it as `LENDING_IDEMPOTENCY` with a
 * `new_sqlite_classes` migration. Each object holds one idempotency record
 * (or one key's nonce lanes) in SQLite; every operation reads and writes in
 * one synchronous step after its request is read, so two claims of one key
 * can never both win; an alarm at the earliest expiry removes expired
 * records, and the whole object once nothing is left.
 *
 * @example
 * ```ts
 * import { IdempotencyDurableObject } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(typeof IdempotencyDurableObject.prototype.alarm, "function");
 * ```
 */
export class IdempotencyDurableObject {
  readonly #storage: DurableObjectStateLike["storage"];
  /** Whether the tables exist: not after the alarm deleted everything. */
  #tables = false;

  /**
   * Called by the Workers runtime.
   *
   * @param state The object's state: its SQLite storage.
   * @param _env The Worker's bindings (unused).
   */
  constructor(state: DurableObjectStateLike, _env?: unknown) {
    this.#storage = state.storage;
  }

  /**
   * Runs one operation sent by a store.
   *
   * @param request A POST whose body is the operation, as JSON.
   * @returns The operation's result, as JSON.
   */
  async fetch(request: Request): Promise<Response> {
    let message: Message;
    try {
      message = await request.json();
    } catch {
      return new Response("Not an operation", { status: 400 });
    }
    let reply: Reply;
    try {
      reply = { result: this.#run(message) };
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      reply = { refused: error.message };
    }
    await this.#schedule();
    return Response.json(reply);
  }

  /** Removes expired records; the object's storage entirely once nothing is left. */
  async alarm(): Promise<void> {
    this.#sql("DELETE FROM records WHERE expires <= ?", this.now());
    if (this.#sql("SELECT 1 FROM records UNION ALL SELECT 1 FROM lanes LIMIT 1").length === 0) {
      this.#tables = false; // the same instance may serve the next request
      await this.#storage.deleteAll();
      return;
    }
    await this.#schedule();
  }

  /** The object's clock, in Unix milliseconds. */
  protected now(): number {
    return Date.now();
  }

  /** One operation, in one synchronous step: nothing else runs on this object meanwhile. */
  #run(message: Message): unknown {
    const now = this.now();
    switch (message.op) {
      case "claim": {
        const { key, fingerprint, ttlMs, lease } = message;
        const { answer, write } = claimEntry(this.#record(key), fingerprint, ttlMs, lease, now);
        if (write) this.#write(key, write);
        return answer ?? null;
      }
      case "complete": {
        const { key, fingerprint, response, ttlMs, holder } = message;
        const entry = completeEntry(this.#record(key), fingerprint, response, ttlMs, holder, now);
        if (entry) this.#write(key, entry);
        return entry !== undefined;
      }
      case "release": {
        const freed = holds(this.#record(message.key), message.holder);
        if (freed) this.#sql("DELETE FROM records WHERE key = ?", message.key);
        return freed;
      }
      case "get":
        return recordOf(this.#record(message.key), now) ?? null;
      case "renew": {
        const entry = renewEntry(this.#record(message.key), message.lease, now);
        if (entry) this.#write(message.key, entry);
        return entry !== undefined;
      }
      case "acquireLane": {
        const { count, holder, leaseMs, now: at = now } = message.request;
        const stored = this.#sql("SELECT count FROM lane_count")[0]?.count as number | undefined;
        const lanes = new Map(
          this.#sql("SELECT lane, holder, expires FROM lanes").map((row) => [
            row.lane as number,
            { holder: row.holder as string, expires: row.expires as number },
          ]),
        );
        const index = pickLane(count, stored, lanes, holder, at);
        if (index === undefined) return null;
        this.#sql("INSERT OR REPLACE INTO lane_count (id, count) VALUES (0, ?)", count);
        this.#sql(
          "INSERT OR REPLACE INTO lanes (lane, holder, expires) VALUES (?, ?, ?)",
          index,
          holder,
          at + leaseMs,
        );
        return index;
      }
      case "renewLane": {
        const { index, holder, leaseMs, now: at = now } = message.request;
        return this.#updateLane(index, holder, () => at + leaseMs);
      }
      case "releaseLane": {
        const { index, holder, now: at = now } = message.request;
        return this.#updateLane(index, holder, (lane) => Math.min(lane.expires, at));
      }
    }
  }

  #record(key: string): RecordEntry | undefined {
    const row = this.#sql("SELECT entry FROM records WHERE key = ?", key)[0];
    return row ? JSON.parse(row.entry as string) : undefined;
  }

  #write(key: string, entry: RecordEntry): void {
    this.#sql(
      "INSERT OR REPLACE INTO records (key, entry, expires) VALUES (?, ?, ?)",
      key,
      JSON.stringify(entry),
      entry.expires,
    );
  }

  #updateLane(index: number, holder: string, expires: (lane: LaneEntry) => number): boolean {
    const row = this.#sql("SELECT holder, expires FROM lanes WHERE lane = ?", index)[0];
    if (row?.holder !== holder) return false;
    const lane = { holder, expires: row.expires as number };
    this.#sql("UPDATE lanes SET expires = ? WHERE lane = ?", expires(lane), index);
    return true;
  }

  /** The alarm at the earliest expiry of a record, if there is one. */
  async #schedule(): Promise<void> {
    const earliest = this.#sql("SELECT MIN(expires) AS earliest FROM records")[0]?.earliest;
    if (typeof earliest === "number") await this.#storage.setAlarm(earliest);
  }

  #sql(query: string, ...bindings: (string | number | null)[]): Record<string, unknown>[] {
    const { sql } = this.#storage;
    if (!this.#tables) {
      for (const statement of SCHEMA) sql.exec(statement);
      this.#tables = true;
    }
    return sql.exec(query, ...bindings).toArray();
  }
}

/** Sends one operation to the object named `name`. */
async function ask(
  namespace: DurableObjectNamespaceLike,
  name: string,
  message: Message,
): Promise<unknown> {
  const stub = namespace.get(namespace.idFromName(name));
  const response = await stub.fetch("https://lending-idempotency.internal/", {
    method: "POST",
    body: JSON.stringify(message),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`The Durable Object answered ${response.status}`);
  }
  const reply: unknown = await response.json();
  if (!isRecord(reply)) throw new Error("The Durable Object's answer is not an object");
  if (typeof reply.refused === "string") throw new RangeError(reply.refused);
  return reply.result;
}

/**
 * An {@linkcode IdempotencyStore} on {@linkcode IdempotencyDurableObject}:
 * one object per key, so claims are atomic across every isolate and
 * location of the Worker. What the default export uses on Workers when the
 * binding `LENDING_IDEMPOTENCY` is present.
 *
 * @example
 * ```ts
 * import {
 *   createApp,
 *   DurableObjectIdempotencyStore,
 *   type DurableObjectNamespaceLike,
 *   type LendingApp,
 * } from "@lending/whitebit/server";
 *
 * // A Worker's fetch handler: one app per isolate, its keys in the Durable Object.
 * let app: LendingApp | undefined;
 * function handle(request: Request, env: { LENDING_IDEMPOTENCY: DurableObjectNamespaceLike }) {
 *   app ??= createApp({
 *     tokens: ["t"],
 *     idempotencyStore: new DurableObjectIdempotencyStore(env.LENDING_IDEMPOTENCY),
 *   });
 *   return app.fetch(request);
 * }
 * ```
 */
export class DurableObjectIdempotencyStore implements IdempotencyStore {
  readonly #namespace: DurableObjectNamespaceLike;

  /**
   * Uses a Durable Object namespace bound to {@linkcode IdempotencyDurableObject}.
   *
   * @param namespace The binding, such as `env.LENDING_IDEMPOTENCY`.
   */
  constructor(namespace: DurableObjectNamespaceLike) {
    this.#namespace = namespace;
  }

  /**
   * Claims a key atomically (see {@linkcode IdempotencyStore.claim}).
   *
   * @example
   * ```ts
   * import { DurableObjectIdempotencyStore } from "@lending/whitebit/server";
   *
   * const claim: DurableObjectIdempotencyStore["claim"] = DurableObjectIdempotencyStore.prototype.claim;
   * ```
   *
   * @param key The scoped idempotency key.
   * @param fingerprint The canonical request.
   * @param ttlMs How long the claim lasts.
   * @param lease The claimer's lease.
   * @returns `undefined` if claimed now, `taken_over` if taken over now, else the existing record.
   */
  async claim(
    key: string,
    fingerprint: string,
    ttlMs: number,
    lease?: IdempotencyLeaseRequest,
  ): Promise<IdempotencyRecord | undefined> {
    const record = await ask(this.#namespace, key, { op: "claim", key, fingerprint, ttlMs, lease });
    return (record ?? undefined) as IdempotencyRecord | undefined;
  }

  /**
   * Stores the answer for a key (see {@linkcode IdempotencyStore.complete}).
   *
   * @example
   * ```ts
   * import { DurableObjectIdempotencyStore } from "@lending/whitebit/server";
   *
   * const complete: DurableObjectIdempotencyStore["complete"] =
   *   DurableObjectIdempotencyStore.prototype.complete;
   * ```
   *
   * @param key The scoped idempotency key.
   * @param fingerprint The canonical request.
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
    const message = { op: "complete", key, fingerprint, response, ttlMs, holder } as const;
    return await ask(this.#namespace, key, message) === true;
  }

  /**
   * Frees a key (see {@linkcode IdempotencyStore.release}).
   *
   * @example
   * ```ts
   * import { DurableObjectIdempotencyStore } from "@lending/whitebit/server";
   *
   * const release: DurableObjectIdempotencyStore["release"] = DurableObjectIdempotencyStore.prototype.release;
   * ```
   *
   * @param key The scoped idempotency key.
   * @param holder Who frees it: then only while it still holds the key.
   * @returns Whether it was freed.
   */
  async release(key: string, holder?: string): Promise<boolean> {
    return await ask(this.#namespace, key, { op: "release", key, holder }) === true;
  }

  /**
   * Renews a holder's lease (see {@linkcode IdempotencyStore.renew}).
   *
   * @example
   * ```ts
   * import { DurableObjectIdempotencyStore } from "@lending/whitebit/server";
   *
   * const renew: DurableObjectIdempotencyStore["renew"] = DurableObjectIdempotencyStore.prototype.renew;
   * ```
   *
   * @param key The scoped idempotency key.
   * @param lease The holder's lease, from `lease.now`.
   * @returns Whether the holder still held the key, and its lease was renewed.
   */
  async renew(key: string, lease: IdempotencyLeaseRequest): Promise<boolean> {
    return await ask(this.#namespace, key, { op: "renew", key, lease }) === true;
  }

  /**
   * Reads a key's record (see {@linkcode IdempotencyStore.get}).
   *
   * @example
   * ```ts
   * import { DurableObjectIdempotencyStore } from "@lending/whitebit/server";
   *
   * const get: DurableObjectIdempotencyStore["get"] = DurableObjectIdempotencyStore.prototype.get;
   * ```
   *
   * @param key The scoped idempotency key.
   * @returns Its record, unless there is none or it expired.
   */
  async get(key: string): Promise<IdempotencyRecord | undefined> {
    return (await ask(this.#namespace, key, { op: "get", key }) ?? undefined) as
      | IdempotencyRecord
      | undefined;
  }
}

/**
 * A {@linkcode NonceLaneStore} on {@linkcode IdempotencyDurableObject}: one
 * object per WhiteBIT key holds its lanes. What the default export uses on
 * Workers for `WHITEBIT_NONCE_LANE=auto/N` when the binding
 * `LENDING_IDEMPOTENCY` is present.
 *
 * @example
 * ```ts
 * import {
 *   createApp,
 *   DurableObjectIdempotencyStore,
 *   DurableObjectNonceLaneStore,
 *   type DurableObjectNamespaceLike,
 *   type LendingApp,
 * } from "@lending/whitebit/server";
 *
 * // A Worker's fetch handler: one app per isolate, its keys and lanes in the Durable Object.
 * let app: LendingApp | undefined;
 * function handle(request: Request, env: { LENDING_IDEMPOTENCY: DurableObjectNamespaceLike }) {
 *   app ??= createApp({
 *     client: { apiKey: "key", apiSecret: "secret" },
 *     tokens: ["t"],
 *     idempotencyStore: new DurableObjectIdempotencyStore(env.LENDING_IDEMPOTENCY),
 *     nonceLanes: { count: 8, store: new DurableObjectNonceLaneStore(env.LENDING_IDEMPOTENCY) },
 *   });
 *   return app.fetch(request);
 * }
 * ```
 */
export class DurableObjectNonceLaneStore implements NonceLaneStore {
  readonly #namespace: DurableObjectNamespaceLike;

  /**
   * Uses a Durable Object namespace bound to {@linkcode IdempotencyDurableObject}.
   *
   * @param namespace The binding, such as `env.LENDING_IDEMPOTENCY`.
   */
  constructor(namespace: DurableObjectNamespaceLike) {
    this.#namespace = namespace;
  }

  /**
   * Takes a lane (see {@linkcode NonceLaneStore.acquire}).
   *
   * @example
   * ```ts
   * import { DurableObjectNonceLaneStore } from "@lending/whitebit/server";
   *
   * const acquire: DurableObjectNonceLaneStore["acquire"] = DurableObjectNonceLaneStore.prototype.acquire;
   * ```
   *
   * @param request The key, the holder, the count and the lease.
   * @returns The lane, or `undefined` if every lane is taken.
   * @throws {RangeError} If lanes of another count are held.
   */
  async acquire(request: NonceLaneRequest): Promise<number | undefined> {
    const index = await this.#ask(request.scope, { op: "acquireLane", request });
    return typeof index === "number" ? index : undefined;
  }

  /**
   * Renews a lease (see {@linkcode NonceLaneStore.renew}).
   *
   * @example
   * ```ts
   * import { DurableObjectNonceLaneStore } from "@lending/whitebit/server";
   *
   * const renew: DurableObjectNonceLaneStore["renew"] = DurableObjectNonceLaneStore.prototype.renew;
   * ```
   *
   * @param request The key, the holder, the lane and the lease.
   * @returns Whether the holder still holds it.
   */
  async renew(request: NonceLaneRequest & { index: number }): Promise<boolean> {
    return await this.#ask(request.scope, { op: "renewLane", request }) === true;
  }

  /**
   * Gives a lane up (see {@linkcode NonceLaneStore.release}).
   *
   * @example
   * ```ts
   * import { DurableObjectNonceLaneStore } from "@lending/whitebit/server";
   *
   * const release: DurableObjectNonceLaneStore["release"] = DurableObjectNonceLaneStore.prototype.release;
   * ```
   *
   * @param request The key, the holder and the lane.
   */
  async release(
    request: { scope: string; holder: string; index: number; now?: number },
  ): Promise<void> {
    await this.#ask(request.scope, { op: "releaseLane", request });
  }

  #ask(scope: string, message: Message): Promise<unknown> {
    // A space: no Idempotency-Key's object can have this name.
    return ask(this.#namespace, `nonce lanes ${scope}`, message);
  }
}

/**
 * What every shared store does with idempotency records and nonce lanes,
 * as pure decisions over what it read: the memory store applies them to a
 * `Map`, Deno KV in an atomic check-and-set, the Durable Object in one
 * synchronous SQLite step. Each store only reads, asks, and writes what it
 * is told, so the rules live here once.
 *
 * @example
 * ```ts
 * import { claimEntry } from "./_records.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const lease = { holder: "a", endpoint: "invest", params: {}, leaseMs: 60_000 };
 * const first = claimEntry(undefined, "f", 1000, lease, 0);
 * strictEqual(first.answer, undefined); // claimed
 * const again = claimEntry(first.write, "f", 1000, { ...lease, holder: "b" }, 10);
 * strictEqual(again.answer?.state, "in_flight"); // held by "a"
 * ```
 *
 * @module
 */

import type {
  IdempotencyLease,
  IdempotencyLeaseRequest,
  IdempotencyRecord,
  StoredResponse,
} from "./idempotency.ts";

/** A stored record: in flight or done, and when it expires (Unix ms, the store's clock). */
export interface RecordEntry {
  record: Extract<IdempotencyRecord, { state: "in_flight" | "done" }>;
  expires: number;
}

/**
 * A claim of `fingerprint` on the entry there (if any): `answer` is what
 * `claim()` returns, `write` the entry to store in its place (none: leave
 * it). A key in flight whose lease has run out is taken over by a claim
 * with a lease for the same request: the answer is `taken_over` with the
 * old lease, and the claimer holds the key from now. Leases are stamped
 * and judged on the claimer's clock (`lease.now`, WhiteBIT's as its client
 * corrects it) when it gives one, else on the store's; a record lives
 * `ttlMs` on the store's clock.
 *
 * @param current The entry stored for the key.
 * @param fingerprint The request's fingerprint.
 * @param ttlMs How long a new entry lives.
 * @param lease The claimer's lease, if it holds keys with one.
 * @param now The store's clock.
 * @returns The answer and the entry to write.
 */
export function claimEntry(
  current: RecordEntry | undefined,
  fingerprint: string,
  ttlMs: number,
  lease: IdempotencyLeaseRequest | undefined,
  now: number,
): { answer: IdempotencyRecord | undefined; write?: RecordEntry } {
  const at = lease?.now ?? now;
  const claimed = (since = at): RecordEntry => ({
    record: {
      state: "in_flight",
      fingerprint,
      ...(lease ? { lease: leaseOf(lease, since, at) } : {}),
    },
    expires: now + ttlMs,
  });
  if (!current || current.expires <= now) return { answer: undefined, write: claimed() };
  const { record } = current;
  if (
    lease && record.state === "in_flight" && record.lease && record.lease.expiresAt <= at &&
    record.fingerprint === fingerprint
  ) {
    // The first attempt's time is kept: a taker that dies too must not narrow the next search.
    const since = Math.min(record.lease.attemptedAt, at);
    return {
      answer: { state: "taken_over", fingerprint, lease: record.lease },
      write: claimed(since),
    };
  }
  return { answer: record };
}

/**
 * The record an entry holds, unless it expired by `now` (the store's clock).
 *
 * @param current The entry stored for the key.
 * @param now The store's clock.
 * @returns The record, or `undefined`.
 */
export function recordOf(
  current: RecordEntry | undefined,
  now: number,
): IdempotencyRecord | undefined {
  return current && current.expires > now ? current.record : undefined;
}

/**
 * The entry that renews `lease.holder`'s lease of the key from `lease.now`
 * (else the store's clock): its end moves to `leaseMs` from then, its
 * attempt time to then if that is earlier (never later: the search must
 * still reach every earlier attempt). `undefined` when the holder no
 * longer holds the key in flight: then nothing may change.
 *
 * @param current The entry stored for the key.
 * @param lease The holder's lease, as claimed.
 * @param now The store's clock.
 * @returns The entry to write, or `undefined`.
 */
export function renewEntry(
  current: RecordEntry | undefined,
  lease: IdempotencyLeaseRequest,
  now: number,
): RecordEntry | undefined {
  const held = current?.record.state === "in_flight" ? current.record.lease : undefined;
  if (!current || current.expires <= now || held?.holder !== lease.holder) return undefined;
  const at = lease.now ?? now;
  const { fingerprint } = current.record;
  return {
    record: {
      state: "in_flight",
      fingerprint,
      lease: leaseOf(lease, Math.min(held.attemptedAt, at), at),
    },
    expires: current.expires,
  };
}

/**
 * The entry that keeps `response` for the key, or `undefined` when
 * `holder` is given and no longer holds the key (it was taken over, or
 * answered): then nothing may change.
 *
 * @param current The entry stored for the key.
 * @param fingerprint The request's fingerprint.
 * @param response The answer to keep.
 * @param ttlMs How long to keep it.
 * @param holder Who completes it, if it holds the key with a lease.
 * @param now The store's clock.
 * @returns The entry to write, or `undefined`.
 */
export function completeEntry(
  current: RecordEntry | undefined,
  fingerprint: string,
  response: StoredResponse,
  ttlMs: number,
  holder: string | undefined,
  now: number,
): RecordEntry | undefined {
  if (!holds(current, holder)) return undefined;
  return { record: { state: "done", fingerprint, response }, expires: now + ttlMs };
}

/**
 * Whether `holder` may change the key: always when no holder is named (a
 * store used without leases), else only while it holds it in flight.
 *
 * @param current The entry stored for the key.
 * @param holder Who asks.
 * @returns Whether it may.
 */
export function holds(current: RecordEntry | undefined, holder: string | undefined): boolean {
  return holder === undefined ||
    (current?.record.state === "in_flight" && current.record.lease?.holder === holder);
}

function leaseOf(
  request: IdempotencyLeaseRequest,
  attemptedAt: number,
  now: number,
): IdempotencyLease {
  return {
    holder: request.holder,
    endpoint: request.endpoint,
    params: request.params,
    attemptedAt,
    expiresAt: now + request.leaseMs,
  };
}

// Nonce lanes.

/**
 * How long a lane stays unused after its lease ran out or was given up: its
 * last holder may have signed nonces up to 4 s ahead of its clock, and
 * stopped 2 s before its lease ran out; 4 s more cover clocks that differ.
 */
export const NONCE_LANE_QUIET_MS = 6_000;

/** One lane's lease: who holds it, until when (Unix ms, the store's clock). */
export interface LaneEntry {
  holder: string;
  expires: number;
}

/**
 * The lane a holder may take of `count`, given the stored count and leases:
 * its own if it still holds one, else the lowest one never held or quiet
 * for {@linkcode NONCE_LANE_QUIET_MS} since its lease ended; `undefined` if
 * every lane is taken.
 *
 * @param count The lanes the key is split into, as the holder sees it.
 * @param storedCount The count the key's lanes were split into, if any.
 * @param lanes The stored leases, by lane.
 * @param holder Who asks.
 * @param now The store's clock.
 * @returns The lane, or `undefined`.
 * @throws {RangeError} If lanes of another count are held (or were, less
 *   than the quiet time ago): two splits of one key would overlap.
 */
export function pickLane(
  count: number,
  storedCount: number | undefined,
  lanes: ReadonlyMap<number, LaneEntry>,
  holder: string,
  now: number,
): number | undefined {
  const quiet = (entry: LaneEntry | undefined) =>
    !entry || entry.expires + NONCE_LANE_QUIET_MS <= now;
  if (storedCount !== undefined && storedCount !== count && ![...lanes.values()].every(quiet)) {
    throw new RangeError(
      `Cannot take a nonce lane: instances on this key hold lanes of ${storedCount}, not ${count}; their nonces would overlap. Give every instance the same count, or wait until theirs are given up.`,
    );
  }
  for (const [index, entry] of lanes) {
    if (index < count && entry.holder === holder && entry.expires > now) return index;
  }
  for (let index = 0; index < count; index++) {
    if (quiet(lanes.get(index))) return index;
  }
  return undefined;
}

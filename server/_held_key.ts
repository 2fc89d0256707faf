/**
 * What a request that holds an `Idempotency-Key` writes: the answer of its
 * call kept for replay (cut to fit, never dropped), or the key freed when
 * nothing was executed, and a success's id attributed to its key (a
 * success without a key: to no key), so that reconciliation never gives it
 * to another. A holder that lost its key to a takeover changes nothing, and
 * the access log says so.
 *
 * @example
 * ```ts
 * import { attributionKey } from "./_held_key.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * // A space is never part of an Idempotency-Key: no caller's key can take an attribution's place.
 * strictEqual(attributionKey("account", "invest", "id-1"), "account made invest id-1");
 * ```
 *
 * @module
 */

import type { Context } from "hono";
import { sleep } from "../client/_transport.ts";
import type { IdempotencyStore, StoredResponse } from "./idempotency.ts";
import { type Answer, problemResponse, send, type ServerEnv } from "./_answer.ts";
import type { Deps, Sender } from "./_call.ts";
import { problem, trimProblem } from "./_problem.ts";
import type { Route } from "./_routes.ts";
import type { SendWindow } from "./_send_window.ts";

/** How long a key's record lives. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** The most bytes of a body kept for replay: a record stays far below Deno KV's 64 KiB. */
const RECORD_BODY_LIMIT = 16 * 1024;
const encoder = new TextEncoder();

/**
 * How long an id stays attributed: longer than any key whose reconciliation
 * could come across it (a key lives 24 h; its attempt is searched from a
 * minute before it).
 */
export const ATTRIBUTION_TTL_MS: number = IDEMPOTENCY_TTL_MS + 60 * 60 * 1000;

/**
 * The store key that says which `Idempotency-Key` an id was the answer of.
 * It has spaces, which no `Idempotency-Key` holds, so it cannot collide
 * with a caller's key.
 *
 * @param scope The account's key space.
 * @param endpoint The route's endpoint.
 * @param id What the call made.
 * @returns The key.
 */
export function attributionKey(scope: string, endpoint: string, id: string): string {
  return `${scope} made ${endpoint} ${id}`;
}

/**
 * Gives `id` to the key `scoped`, unless another key has it.
 *
 * @param deps The app's store and key space.
 * @param scoped The scoped `Idempotency-Key`.
 * @param endpoint The route's endpoint.
 * @param id What the call made.
 * @returns Whether it is this key's.
 */
export async function attribute(
  deps: Pick<Deps, "store" | "scope">,
  scoped: string,
  endpoint: string,
  id: string,
): Promise<boolean> {
  const existing = await deps.store.claim(
    attributionKey(await deps.scope, endpoint, id),
    answerOf(scoped),
    ATTRIBUTION_TTL_MS,
  );
  return existing === undefined || existing.fingerprint === answerOf(scoped);
}

/** What an attribution record holds: the answer of which key (or of none). */
function answerOf(scoped: string): string {
  return `answer of ${scoped}`;
}

/**
 * Whose answer `id` already is, without attributing it: the key
 * `scoped`'s (`true`), another's or no key's (`false`), or nobody's yet or
 * unknown (`undefined`: the store cannot read, or failed).
 *
 * @param deps The app's store and key space.
 * @param scoped The scoped `Idempotency-Key`.
 * @param endpoint The route's endpoint.
 * @param id What the call made.
 * @returns Whether it is this key's, if that is known.
 */
export async function attributedTo(
  deps: Pick<Deps, "store" | "scope">,
  scoped: string,
  endpoint: string,
  id: string,
): Promise<boolean | undefined> {
  const { store } = deps;
  const key = attributionKey(await deps.scope, endpoint, id);
  let existing;
  try {
    existing = await store.get?.(key);
  } catch {
    return undefined; // a store that cannot read: unknown
  }
  return existing && existing.fingerprint === answerOf(scoped);
}

/** Before each try to attribute a success: the store may fail for a moment. */
const ATTRIBUTE_RETRIES_MS = [0, 100, 400];
/**
 * The last moment, after a success's answer, a try to attribute it may
 * start: with Deno KV's 10 s for a locked file, every try has ended within
 * 15 s (what reconciliation counts on: `_recover.ts`).
 */
export const ATTRIBUTE_TRIES_WITHIN_MS = 5_000;

/**
 * The owner of the ids of successes answered without an `Idempotency-Key`,
 * in place of a scoped key: it has spaces, so no key can be it.
 *
 * @param scope The account's key space.
 * @returns The owner.
 */
export function keyless(scope: string): string {
  return `${scope} without Idempotency-Key`;
}

/**
 * Attributes a success's id (if the route's answers have one) to the key
 * `scoped` (or {@linkcode keyless}), asking the store again after 100 and
 * 400 ms if it fails (an unattributed id could be taken by a dead holder's
 * reconciliation), as long as a try can start within
 * {@linkcode ATTRIBUTE_TRIES_WITHIN_MS}; if another key has it, or the
 * store still fails, the access log says so. The caller gets the answer
 * either way.
 *
 * @param c The request's context.
 * @param deps The app's store and key space.
 * @param route The route: what a success's id is.
 * @param scoped The scoped key, or the keyless owner.
 * @param result The call's answer.
 */
export async function attributeAnswer(
  c: Context<ServerEnv>,
  deps: Pick<Deps, "store" | "scope" | "clock">,
  route: Route,
  scoped: string,
  result: Answer,
): Promise<void> {
  const id = result.status < 300
    ? route.reconcile?.idOf?.(JSON.parse(result.body || "null"))
    : undefined;
  if (id === undefined) return;
  let ours: boolean | undefined;
  const start = { clock: deps.clock(), monotonic: performance.now() };
  const elapsed = () => Math.max(deps.clock() - start.clock, performance.now() - start.monotonic);
  for (const wait of ATTRIBUTE_RETRIES_MS) {
    // A try starts only in the first seconds (on either clock): reconciliation counts on it.
    if (elapsed() + wait > ATTRIBUTE_TRIES_WITHIN_MS) break;
    if (wait) await sleep(wait, undefined);
    ours = await attribute(deps, scoped, route.endpoint, id).catch(() => undefined);
    if (ours !== undefined) break;
  }
  if (ours !== true) {
    c.set(
      "warning",
      ours === false
        ? "this success's investment was already given to an Idempotency-Key by a reconciliation"
        : "this success's investment could not be attributed to its Idempotency-Key (or to none): the store failed (three tries, or no time for more); a dead holder's reconciliation of the same plan and amount could take it",
    );
  }
}

/**
 * A key this request holds: its record, the client it sends with, the
 * lease it claimed (renewed on a corrected clock) and when it may send.
 */
export interface Held {
  scoped: string;
  fingerprint: string;
  /** This request, as the key's holder. */
  holder: string;
  sender: Sender;
  window: SendWindow;
}

/**
 * Keeps the answer of the call this request made for the key it holds: an
 * answer saying nothing was executed frees the key, any other is kept for
 * replay (and a success's id attributed to this key). If the key was taken
 * over meanwhile, nothing changes and the access log says so. The caller
 * gets the answer either way.
 *
 * @param c The request's context.
 * @param deps The app's store and key space.
 * @param route The route: what a success's id is.
 * @param held The key this request holds.
 * @param result The call's answer.
 * @returns The response.
 */
export async function finish(
  c: Context<ServerEnv>,
  deps: Deps,
  route: Route,
  held: Held,
  result: Answer,
): Promise<Response> {
  const { store } = deps;
  const { holder } = held;
  if (result.outcome === "not_executed") {
    // Nothing happened, so the same request may be sent again. If the store
    // fails, the key stays in flight until it is reconciled: never a second investment.
    await release(c, store, held.scoped, holder);
    return send(c, result);
  }
  await attributeAnswer(c, deps, route, held.scoped, result);
  const kept = await keep(store, held.scoped, held.fingerprint, result, holder).catch(() => {
    c.set(
      "warning",
      "idempotency answer not kept: the key stays in flight (409, outcome unknown) until it is reconciled",
    );
    return true;
  });
  if (kept === false) {
    c.set(
      "warning",
      "idempotency answer not kept: the key was taken over and reconciled meanwhile",
    );
  }
  return send(c, result);
}

/**
 * Frees a key this request holds; a store failure or a takeover meanwhile is logged.
 *
 * @param c The request's context.
 * @param store The store.
 * @param scoped The scoped key.
 * @param holder This request, as the key's holder.
 */
export async function release(
  c: Context<ServerEnv>,
  store: IdempotencyStore,
  scoped: string,
  holder: string,
): Promise<void> {
  // Through a promise: a store that throws at once fails like one that rejects.
  const freed = await Promise.resolve().then(() => store.release(scoped, holder)).catch(() => {
    c.set("warning", "idempotency key not released: it stays in flight until it is reconciled");
    return true;
  });
  if (freed === false) {
    c.set("warning", "idempotency key not released: it was taken over and reconciled meanwhile");
  }
}

/**
 * Keeps an answer for replay, cut to fit; if the store refuses it, tries
 * once more with the smallest record that still says what happened.
 *
 * @param store The store.
 * @param key The scoped key.
 * @param fingerprint The request's fingerprint.
 * @param result The answer.
 * @param holder This request: the answer is kept only while it holds the key.
 * @returns `false` if the key was no longer this instance's.
 */
export async function keep(
  store: IdempotencyStore,
  key: string,
  fingerprint: string,
  result: Answer,
  holder: string,
): Promise<boolean | void> {
  try {
    return await store.complete(
      key,
      fingerprint,
      forRecord(result, RECORD_BODY_LIMIT),
      IDEMPOTENCY_TTL_MS,
      holder,
    );
  } catch {
    return await store.complete(
      key,
      fingerprint,
      forRecord(result, 1024),
      IDEMPOTENCY_TTL_MS,
      holder,
    );
  }
}

/**
 * The answer as kept for replay, its body at most `limit` bytes: a problem
 * loses its field messages and most of its detail, never its type, status,
 * outcome or what reconciling needs; a success too large to keep (such as
 * an absurdly long id) is replayed as an `unknown` outcome to reconcile.
 */
function forRecord(result: Answer, limit: number): StoredResponse {
  const { status, body, contentType } = result;
  if (encoder.encode(body).byteLength <= limit) return { status, body, contentType };
  const p = result.problem ?? problem(
    "upstream-error",
    `WhiteBIT's answer (${status}) to the first request with this Idempotency-Key was too large to keep for replay; it may have been carried out: reconcile (GET /v1/investments) before sending it again.`,
    { outcome: "unknown" },
  );
  return problemResponse(trimProblem(p, Math.floor(limit / 8)));
}

/**
 * Crash recovery for `Idempotency-Key`: a request that took a key over
 * from a holder whose lease ran out (its server died mid-call) reconciles
 * the holder's call with the route's own reconciliation (an investment:
 * its plan, amount and time in WhiteBIT's history; a close: the
 * investment's status) instead of answering 409. Found: the key is
 * completed with what the call made, answered as the call would have been.
 * Not found: the call is carried out now, under this request's lease —
 * safe, because the lease ended after the last moment the holder could
 * send, so "not found" is final. Either way the answer says
 * `Idempotent-Reconciled: found` or `not-found`.
 *
 * The lease is judged on this instance's corrected clock, which may be
 * wrong (never corrected yet, or the host's clock stepped since), so
 * reconciliation first reads WhiteBIT's time (one `syncTime()`, shared)
 * and goes on only if the lease has run out on it, renewing its own lease
 * on the corrected clock; its history reads, like every call, are sent
 * once more after a `syncTime()` if WhiteBIT refuses their nonce window.
 *
 * WhiteBIT's history has no request id, so an investment is recognised by
 * plan, amount and time, and is given to one key only: every success's id
 * and every id found is attributed to its key in the store first, and
 * reconciliation passes over ids attributed to other keys. It takes nothing
 * made after the holder's last moment (`lastRun`), and nothing made so
 * recently that another request's answer with it could still be on its way
 * (its client's `timeoutMs` and a few seconds): it waits for that (up to
 * `maxWaitMs`), or the outcome stays unknown (503) until it has settled.
 *
 * @example
 * ```ts
 * import { reconcile } from "./_recover.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(typeof reconcile, "function"); // see tests/server/crash_recovery_test.ts
 * ```
 *
 * @module
 */

import type { Context } from "hono";
import { sleep } from "../client/_transport.ts";
import type { IdempotencyLease } from "./idempotency.ts";
import { type Answer, problemResponse, send, type ServerEnv } from "./_answer.ts";
import { type Call, callOptions, type Deps, run } from "./_call.ts";
import {
  attribute,
  ATTRIBUTE_TRIES_WITHIN_MS,
  attributedTo,
  finish,
  type Held,
  keep,
} from "./_held_key.ts";
import type { NonceWindowHealer } from "./_nonce_window.ts";
import { problem } from "./_problem.ts";
import type { Made, Route } from "./_routes.ts";
import { lastRun, NONCE_WINDOW_MS } from "./_send_window.ts";

/**
 * How long after its answer came back a success is attributed to its key
 * (or to none): its last try starts within `ATTRIBUTE_TRIES_WITHIN_MS`,
 * and a Deno KV write gives up after 10 s of a locked file.
 */
const ATTRIBUTED_WITHIN_MS = ATTRIBUTE_TRIES_WITHIN_MS + 10_000;

/**
 * Reconciles the call of a holder whose lease ran out, for the request
 * that took its key over.
 *
 * @param c The request's context.
 * @param deps The app's store, key space and lease.
 * @param route The route: how to reconcile it.
 * @param held The key, now this request's, its client and send window.
 * @param previous The lease of the holder that died.
 * @param call The route's call, if it must be carried out now.
 * @returns The answer.
 */
export async function reconcile(
  c: Context<ServerEnv>,
  deps: Deps,
  route: Route,
  held: Held,
  previous: IdempotencyLease,
  call: Call,
): Promise<Response> {
  const { sender } = held;
  const { reconcile } = route;
  if (!reconcile) return send(c, failed(undefined, deps));
  const why = await clockCheck(deps, held, previous, sender.healer);
  if (why) return send(c, failed(new Error(why), deps));
  const options = callOptions(c, deps, sender);
  try {
    const made = await sender.healer.call(() =>
      reconcile.find(
        sender.client,
        previous.params,
        previous.attemptedAt,
        options,
      )
    );
    const until = lastRun(previous.expiresAt);
    const unsettled = (item: Made) => unsettledFor(item, deps.clock(), sender.client.timeoutMs);
    for (const item of made) {
      if (item.at !== undefined && item.at > until) continue; // made after the holder's last moment
      const ours = item.id === undefined
        ? undefined
        : await attributedTo(deps, held.scoped, route.endpoint, item.id);
      if (ours === false) continue; // already another key's answer, or no key's
      if (!ours) {
        // Made so recently that another request's answer with it may be on its way: wait for it,
        // again if the clock was corrected meanwhile, within maxWaitMs.
        const deadline = performance.now() + deps.maxWaitMs;
        let wait = unsettled(item);
        while (wait > 0 && performance.now() + wait <= deadline) {
          await sleep(wait, options.waitSignal);
          wait = unsettled(item);
        }
        if (wait > 0) {
          const why =
            `WhiteBIT made something that matches it too recently: another request's answer with it may still be on its way for ${
              Math.ceil(wait / 1000)
            } s`;
          return send(c, failed(new Error(why), deps));
        }
      }
      if (item.id !== undefined && !(await attribute(deps, held.scoped, route.endpoint, item.id))) {
        continue; // another key's answer
      }
      return await found(c, deps, route, held, item);
    }
  } catch (error) {
    return send(c, failed(error, deps));
  }
  c.set("reconciled", "not-found");
  c.header("Idempotent-Reconciled", "not-found");
  return await finish(c, deps, route, held, await run(c, deps, sender, call, held.window));
}

/**
 * How long before `item` could be told apart from another request's
 * success (0 once it can): a request WhiteBIT carried out at `item.at` was
 * sent at most a second (its whole-second time) and its nonce window
 * before, its answer came back within its client's `timeoutMs`, and was
 * attributed within {@linkcode ATTRIBUTED_WITHIN_MS}.
 */
function unsettledFor(item: Made, now: number, timeoutMs: number): number {
  if (item.at === undefined) return 0;
  return item.at + 1_000 + NONCE_WINDOW_MS + timeoutMs + ATTRIBUTED_WITHIN_MS - now;
}

/**
 * How far a clock corrected by `syncTime()` may be from WhiteBIT's: it
 * answers whole seconds (the correction takes the middle of the second,
 * and of the time read's round trip).
 */
const CORRECTED_WITHIN_MS = 1_000;

/**
 * Why the takeover cannot be reconciled now, or `undefined` if it can: the
 * clock is corrected with a fresh time read, the previous holder's lease
 * must have run out on it (its last request then ran at least 10 s before:
 * see `_send_window.ts`), and if the correction moved the clock this
 * request claimed on, its own lease is renewed on the corrected one.
 */
async function clockCheck(
  deps: Deps,
  held: Held,
  previous: IdempotencyLease,
  healer: NonceWindowHealer,
): Promise<string | undefined> {
  if (!(await healer.sync())) return `WhiteBIT's time could not be read: ${healer.syncFailure}`;
  const now = deps.clock();
  if (now < previous.expiresAt - CORRECTED_WITHIN_MS) {
    return `the lease of the server holding it had not run out on WhiteBIT's clock (${
      Math.ceil((previous.expiresAt - now) / 1000)
    } s were left): this server's clock was ahead of it`;
  }
  const corrected = held.window.drift(now) > CORRECTED_WITHIN_MS;
  if (corrected && deps.store.renew && !(await held.window.renew(now))) {
    return "this server could not renew its own lease of the key on WhiteBIT's clock";
  }
  return undefined;
}

/** Completes the key with what the call made, answered as its success would have been. */
async function found(
  c: Context<ServerEnv>,
  deps: Deps,
  route: Route,
  held: Held,
  item: Made,
): Promise<Response> {
  const response: Answer = route.status === 204
    ? { status: 204, body: "", contentType: "" }
    : { status: route.status, body: JSON.stringify(item.body), contentType: "application/json" };
  const kept = await keep(deps.store, held.scoped, held.fingerprint, response, held.holder)
    .catch(() => {
      c.set(
        "warning",
        "reconciled answer not kept: the key stays in flight until it is reconciled again",
      );
      return true;
    });
  if (kept === false) c.set("warning", "reconciled answer not kept: the key was taken over again");
  c.set("reconciled", "found");
  c.header("Idempotent-Reconciled", "found");
  return send(c, response);
}

/**
 * The 503 when reconciling failed (a read failed, or more history than
 * WhiteBIT serves would have to be read) or the route has no
 * reconciliation: the outcome stays unknown, and the key this instance now
 * holds is reconciled again once its lease runs out.
 */
function failed(error: unknown, deps: Deps): Answer {
  const why = error === undefined
    ? "this route has no reconciliation"
    : error instanceof Error
    ? error.message
    : String(error);
  return problemResponse(
    problem(
      "idempotency-reconciliation-failed",
      `The server that held this Idempotency-Key stopped before answering, and whether WhiteBIT acted on its request could not be told (${why}). Send it again with the same key after Retry-After; never with a new key before then.`,
      { outcome: "unknown" },
    ),
    String(Math.ceil(deps.leaseMs / 1000)),
  );
}

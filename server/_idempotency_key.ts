/**
 * The `Idempotency-Key` header, which WhiteBIT lacks: a request runs at
 * most once per WhiteBIT account and key. The same key and body replay the
 * kept answer; another body is refused; a duplicate during the first is
 * refused with `outcome: "unknown"`. Answers that say nothing was executed
 * free the key, so the same request can be sent again; any other answer is
 * kept, and if it cannot be, the key stays in flight (never freed: a retry
 * must not invest twice) while the caller still gets it. The instance that
 * claims a key holds it with a lease on WhiteBIT's clock as its client
 * corrects it (so instances whose host clocks differ agree on it), and
 * sends only inside the lease's send window (`_send_window.ts`); a
 * duplicate arriving after the lease ran out (its holder died mid-call)
 * takes the key over and reconciles it (`_recover.ts`). A success answered
 * without a key is attributed to no key, so no reconciliation takes it.
 *
 * @example
 * ```ts
 * import { idempotencyKeyOf } from "./_idempotency_key.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(idempotencyKeyOf("order-42"), "order-42");
 * strictEqual(idempotencyKeyOf('"order-42"'), "order-42"); // the IETF draft's quoted form
 * strictEqual(idempotencyKeyOf("two words"), undefined);
 * ```
 *
 * @module
 */

import type { Context } from "hono";
import { type IdempotencyLease, IdempotencyStoreFullError } from "./idempotency.ts";
import { type Answer, answer, problemResponse, send, type ServerEnv } from "./_answer.ts";
import { type Call, type Deps, run } from "./_call.ts";
import {
  attributeAnswer,
  finish,
  type Held,
  IDEMPOTENCY_TTL_MS,
  keyless,
  release,
} from "./_held_key.ts";
import type { Params } from "./_params.ts";
import { problem } from "./_problem.ts";
import { reconcile } from "./_recover.ts";
import type { Route } from "./_routes.ts";
import { SendWindow } from "./_send_window.ts";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** RFC 8941's sf-string, the IETF draft's form of the key: printable ASCII, `\"` and `\\` escaped. */
const QUOTED_KEY = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;
const encoder = new TextEncoder();

/**
 * Runs a route's `call` at most once per WhiteBIT account and
 * `Idempotency-Key`, or at once when the request has no key. A key whose
 * holder's lease ran out is reconciled (see `_recover.ts`) instead of
 * answering 409.
 *
 * @param c The request's context.
 * @param deps The app's store, key space, senders, lease and wait bound.
 * @param route The route: its endpoint and how to reconcile it.
 * @param read The request's checked parameters and their canonical form.
 * @param call The route's call.
 * @returns The answer: fresh, replayed, reconciled, or the problem with the key.
 */
export async function idempotent(
  c: Context<ServerEnv>,
  deps: Deps,
  route: Route,
  read: Params,
  call: Call,
): Promise<Response> {
  const header = c.req.header("idempotency-key");
  if (header === undefined) {
    const sender = await deps.senders.take();
    if ("type" in sender) return answer(c, sender);
    const result = await run(c, deps, sender, call);
    await attributeAnswer(c, deps, route, keyless(await deps.scope), result);
    return send(c, result);
  }
  const key = idempotencyKeyOf(header);
  if (key === undefined) {
    return answer(
      c,
      problem("invalid-request", "The Idempotency-Key header is invalid.", {
        outcome: "not_executed",
        fieldErrors: {
          "Idempotency-Key": [
            'Use 1 to 255 visible ASCII characters, bare or as a "quoted" string.',
          ],
        },
      }),
    );
  }
  const scoped = `${await deps.scope}:${key}`;
  const fingerprint = `${c.req.method} ${c.req.path}\n${read.canonical}`;
  const { store, leaseMs } = deps;
  // The lease is this request's: another request of this instance is another holder.
  const holder = `${deps.instance} ${crypto.randomUUID()}`;
  const lease = { holder, endpoint: route.endpoint, params: read.params, leaseMs };
  // On WhiteBIT's clock, the nonces' clock; the window starts before the claim, as the lease.
  const since = deps.clock();
  const window = new SendWindow({
    leaseMs,
    since,
    renewLease: async (now) => (await store.renew?.(scoped, { ...lease, now })) ?? false,
  });
  let existing;
  try {
    existing = await store.claim(scoped, fingerprint, IDEMPOTENCY_TTL_MS, { ...lease, now: since });
  } catch (error) {
    return send(c, storeProblem(error));
  }
  if (existing && existing.fingerprint !== fingerprint) {
    return answer(
      c,
      problem("idempotency-key-reused", "Use a new Idempotency-Key for a different request.", {
        outcome: "not_executed",
      }),
    );
  }
  if (existing?.state === "in_flight") return send(c, inFlight(existing.lease));
  if (existing?.state === "done") {
    c.header("Idempotent-Replayed", "true");
    return send(c, existing.response);
  }
  const sender = await deps.senders.take();
  if ("type" in sender) {
    if (existing?.state === "taken_over") {
      // Nothing can be read to reconcile with: the key stays this instance's until its lease ends.
      return send(c, inFlight(existing.lease));
    }
    await release(c, store, scoped, holder);
    return answer(c, sender);
  }
  const held: Held = { scoped, fingerprint, holder, sender, window };
  if (existing?.state === "taken_over") {
    return await reconcile(c, deps, route, held, existing.lease, call);
  }
  return await finish(c, deps, route, held, await run(c, deps, sender, call, window));
}

/**
 * The 409 for a key in flight. `Retry-After: 1`: the holder usually answers
 * within a second; if it died, a retry after its lease reconciles the key.
 */
function inFlight(lease: IdempotencyLease | undefined): Answer {
  return problemResponse(
    problem(
      "idempotency-key-in-flight",
      lease
        ? "A request with this Idempotency-Key is in progress: whether WhiteBIT acted on it is unknown until it answers. Send it again with the same key: once it answers you get its answer, and if its server stopped, the first retry after its lease reconciles it (reads WhiteBIT's history, answers with what the first request did, or carries it out if it did nothing). Never send it with a new key before then."
        : "A request with this Idempotency-Key is in progress, or its server stopped before its answer was kept: whether WhiteBIT acted on it is unknown until then. Send it again with the same key later; reconcile before using a new key.",
      { outcome: "unknown" },
    ),
  );
}

/** The 503 for a store that could not claim a key: nothing was sent. */
function storeProblem(error: unknown): Answer {
  if (error instanceof IdempotencyStoreFullError) {
    return problemResponse(
      problem(
        "idempotency-store-full",
        "Every Idempotency-Key record is in flight or not yet expired, and none may be forgotten. Nothing was sent to WhiteBIT: send the request again later.",
        { outcome: "not_executed" },
      ),
      String(Math.ceil(Math.min(IDEMPOTENCY_TTL_MS, Math.max(1000, error.retryAfterMs)) / 1000)),
    );
  }
  return problemResponse(
    problem(
      "idempotency-store-unavailable",
      "The Idempotency-Key store could not claim the key. Nothing was sent to WhiteBIT: send the request again.",
      { outcome: "not_executed" },
    ),
  );
}

/**
 * The key of an `Idempotency-Key` header: the value itself, or the content
 * of the IETF draft's quoted string (`"abc"` is the key `abc`); `undefined`
 * if it is not one.
 *
 * @param header The header's value.
 * @returns The key, or `undefined`.
 */
export function idempotencyKeyOf(header: string): string | undefined {
  const quoted = QUOTED_KEY.exec(header);
  if (!quoted && header.startsWith('"')) return undefined;
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, "$1") : header;
  return IDEMPOTENCY_KEY.test(key) ? key : undefined;
}

/**
 * The default key space of `Idempotency-Key`: a short digest naming a
 * WhiteBIT account (never its key), 16 bytes of SHA-256 in hex.
 *
 * @param parts What names the account: its base URL, and its API key where known.
 * @returns The digest.
 */
export async function accountDigest(parts: string[]): Promise<string> {
  const bytes = await crypto.subtle.digest(
    "SHA-256",
    encoder.encode(`lending-whitebit idempotency scope\n${parts.join("\n")}`),
  );
  return Array.from(
    new Uint8Array(bytes).subarray(0, 16),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
}

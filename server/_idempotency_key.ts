/**
 * The `Idempotency-Key` header, which WhiteBIT lacks: a request runs at
 * most once per WhiteBIT account and key. The same key and body replay the
 * kept answer; another body is refused; a duplicate during the first is
 * refused with `outcome: "unknown"`. Answers that say nothing was executed
 * free the key, so the same request can be sent again; any other answer is
 * kept, and if it cannot be, the key stays in flight (never freed: a retry
 * must not invest twice) while the caller still gets it.
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
import {
  type IdempotencyStore,
  IdempotencyStoreFullError,
  type StoredResponse,
} from "./idempotency.ts";
import { type Answer, answer, problemResponse, send, type ServerEnv } from "./_answer.ts";
import { type Call, type Deps, run } from "./_call.ts";
import { problem, trimProblem } from "./_problem.ts";

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** The most bytes of a body kept for replay: a record stays far below Deno KV's 64 KiB. */
const RECORD_BODY_LIMIT = 16 * 1024;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** RFC 8941's sf-string, the IETF draft's form of the key: printable ASCII, `\"` and `\\` escaped. */
const QUOTED_KEY = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;
const encoder = new TextEncoder();

/**
 * Runs `call` at most once per WhiteBIT account and `Idempotency-Key`, or
 * at once when the request has no key.
 *
 * @param c The request's context.
 * @param deps The app's store, key space, client and wait bound.
 * @param canonicalBody The body as the key's fingerprint holds it.
 * @param call The route's call.
 * @returns The answer: fresh, replayed, or the problem with the key.
 */
export async function idempotent(
  c: Context<ServerEnv>,
  deps: Deps,
  canonicalBody: string,
  call: Call,
): Promise<Response> {
  const header = c.req.header("idempotency-key");
  if (header === undefined) return send(c, await run(c, deps, call));
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
  const fingerprint = `${c.req.method} ${c.req.path}\n${canonicalBody}`;
  const { store } = deps;
  let existing;
  try {
    existing = await store.claim(scoped, fingerprint, IDEMPOTENCY_TTL_MS);
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
  if (existing?.state === "in_flight") {
    return answer(
      c,
      problem(
        "idempotency-key-in-flight",
        "A request with this Idempotency-Key is in progress, or its server stopped before its answer was kept: whether WhiteBIT acted on it is unknown until then. Send it again with the same key later; reconcile before using a new key.",
        { outcome: "unknown" },
      ),
    );
  }
  if (existing?.state === "done") {
    c.header("Idempotent-Replayed", "true");
    return send(c, existing.response);
  }
  const result = await run(c, deps, call);
  if (result.outcome === "not_executed") {
    // Nothing happened, so the same request may be sent again. If the store
    // fails, the key stays in flight until it expires: 409, never a second investment.
    await store.release(scoped).catch(() =>
      c.set("warning", "idempotency key not released: it stays in flight until it expires")
    );
  } else {
    await keep(store, scoped, fingerprint, result).catch(() =>
      c.set(
        "warning",
        "idempotency answer not kept: the key stays in flight (409, outcome unknown) until it expires",
      )
    );
  }
  return send(c, result);
}

/**
 * Keeps an answer for replay, cut to fit; if the store refuses it, tries
 * once more with the smallest record that still says what happened.
 */
async function keep(
  store: IdempotencyStore,
  key: string,
  fingerprint: string,
  result: Answer,
): Promise<void> {
  try {
    await store.complete(
      key,
      fingerprint,
      forRecord(result, RECORD_BODY_LIMIT),
      IDEMPOTENCY_TTL_MS,
    );
  } catch {
    await store.complete(key, fingerprint, forRecord(result, 1024), IDEMPOTENCY_TTL_MS);
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

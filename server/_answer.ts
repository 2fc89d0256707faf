/**
 * How the server answers: a success or a problem document, fresh or kept
 * for an `Idempotency-Key` replay, with the headers that go with it
 * (`Retry-After`, `WWW-Authenticate`) and this request's id in every
 * problem.
 *
 * @example
 * ```ts
 * import { answer, type ServerEnv } from "./_answer.ts";
 * import { problem } from "./_problem.ts";
 * import { Hono } from "hono";
 * import { strictEqual } from "node:assert/strict";
 *
 * const app = new Hono<ServerEnv>();
 * app.get("/", (c) => answer(c, problem("rate-limited", "Wait.", { outcome: "not_executed" })));
 * const response = await app.fetch(new Request("http://localhost/"));
 * strictEqual(response.status, 429);
 * strictEqual(response.headers.get("retry-after"), "10");
 * ```
 *
 * @module
 */

import type { Context } from "hono";
import type { Outcome } from "../client/errors.ts";
import type { WhiteBitEvent } from "../client/options.ts";
import type { StoredResponse } from "./idempotency.ts";
import { type Problem, problem } from "./_problem.ts";
import type { Stop } from "./_drain.ts";

/** What the app's middleware and routes share on the Hono context. */
export type ServerEnv = {
  Variables: {
    requestId: string;
    warning: string;
    /** The client's events of this request, for its access-log line. */
    events: WhiteBitEvent[];
    eventsDropped: number;
    /** Set when this request reconciled its `Idempotency-Key`'s earlier attempt. */
    reconciled: Reconciled;
    /** This request's view of the app's stop (`close()`), for a route to WhiteBIT. */
    stop: Stop;
  };
};

/** What reconciling an `Idempotency-Key` found: the earlier attempt's effect, or nothing. */
export type Reconciled = "found" | "not-found";

/** An answer, and what the server needs to know of it. */
export interface Answer extends StoredResponse {
  /** For a problem: whether WhiteBIT may have acted. */
  outcome?: Outcome;
  /** The problem, if it is one. */
  problem?: Problem;
  /** `Retry-After` seconds, where they are not fixed by the problem's type. */
  retryAfter?: string;
}

const typeOf = (slug: string) => problem(slug, "").type;
/** Seconds to wait before trying again, for problems where that helps. */
const RETRY_AFTER: Record<string, string> = {
  [typeOf("rate-limited")]: "10",
  [typeOf("upstream-busy")]: "1",
  [typeOf("server-busy")]: "10",
  [typeOf("clock-skew")]: "10",
  [typeOf("idempotency-key-in-flight")]: "1",
  [typeOf("idempotency-store-unavailable")]: "1",
  [typeOf("nonce-lane-unavailable")]: "5",
  [typeOf("server-stopping")]: "1",
};

/**
 * A problem as an answer.
 *
 * @param p The problem.
 * @param retryAfter `Retry-After` seconds, where the problem's type does not fix them.
 * @returns The answer, with the problem's outcome.
 */
export function problemResponse(p: Problem, retryAfter?: string): Answer {
  return {
    status: p.status,
    body: JSON.stringify(p),
    contentType: "application/problem+json",
    outcome: p.outcome,
    problem: p,
    retryAfter,
  };
}

/**
 * Answers with a problem.
 *
 * @param c The request's context.
 * @param p The problem.
 * @returns The response.
 */
export function answer(c: Context<ServerEnv>, p: Problem): Response {
  return send(c, problemResponse(p));
}

/**
 * Sends a stored or fresh answer; problem bodies get this request's id.
 *
 * @param c The request's context.
 * @param response The answer.
 * @returns The response.
 */
export function send(c: Context<ServerEnv>, response: Answer): Response {
  let body = response.body;
  if (response.contentType === "application/problem+json") {
    const p = JSON.parse(body) as Problem;
    if (p.status === 401) c.header("WWW-Authenticate", 'Bearer realm="lending"');
    const retryAfter = response.retryAfter ?? RETRY_AFTER[p.type];
    if (retryAfter) c.header("Retry-After", retryAfter);
    body = JSON.stringify({ ...p, requestId: c.get("requestId") });
  }
  if (response.status === 204) return c.body(null, 204);
  c.header("Content-Type", response.contentType);
  return c.body(body, response.status as 200);
}

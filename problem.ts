/**
 * RFC 9457 problem documents for the HTTP server, and the table that turns
 * each client error into a status a caller can act on. WhiteBIT's own 401
 * means the server's credentials are wrong, so the caller gets a 502, not a
 * 401; every problem about an upstream call carries its `outcome`.
 *
 * @example
 * ```ts
 * import { problemFromError } from "@lending/whitebit/server";
 * import { TimeoutError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const problem = problemFromError(
 *   new TimeoutError("no answer", { outcome: "unknown", requestPath: "/api/v4/main-account/smart/investment" }),
 * );
 * strictEqual(problem.status, 504);
 * strictEqual(problem.outcome, "unknown");
 * ```
 *
 * @module
 */

import {
  AuthenticationError,
  CloseRejectedError,
  type CloseRejectionReason,
  InvestmentRejectedError,
  type InvestmentRejectionReason,
  NonceError,
  type Outcome,
  PermissionError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  WhiteBitError,
} from "./errors.ts";

/**
 * An RFC 9457 problem document, with this server's extensions.
 *
 * @example
 * ```ts
 * import { type Problem, problem } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const p: Problem = problem("invalid-request", "The body is not valid JSON.", { outcome: "not_executed" });
 * strictEqual(p.status, 400);
 * ```
 */
export interface Problem {
  /** A URI naming the kind of problem. */
  type: string;
  /** A short, fixed summary of the kind. */
  title: string;
  /** The HTTP status. */
  status: number;
  /** What happened this time. */
  detail: string;
  /** Whether WhiteBIT may have acted: `not_executed` or `unknown`. */
  outcome?: Outcome;
  /** Why WhiteBIT refused an investment, or to close one. */
  reason?: InvestmentRejectionReason | CloseRejectionReason;
  /** Messages per request field. */
  fieldErrors?: Record<string, string[]>;
  /** The request id, also in the `X-Request-Id` header. */
  requestId?: string;
}

/**
 * The kinds of problem this server answers, by slug.
 *
 * @example
 * ```ts
 * import { PROBLEM_TYPES } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(PROBLEM_TYPES["upstream-timeout"].status, 504);
 * ```
 */
export const PROBLEM_TYPES: Readonly<Record<string, { status: number; title: string }>> = {
  "not-configured": { status: 503, title: "The server is not configured" },
  "unauthorized": { status: 401, title: "A valid bearer token is required" },
  "not-found": { status: 404, title: "No such route" },
  "method-not-allowed": { status: 405, title: "Method not allowed on this route" },
  "unsupported-media-type": { status: 415, title: "The body must be application/json" },
  "payload-too-large": { status: 413, title: "The body is larger than 4 KiB" },
  "invalid-request": { status: 400, title: "The request is invalid" },
  "idempotency-key-reused": {
    status: 422,
    title: "This Idempotency-Key was used with another request",
  },
  "idempotency-key-in-flight": {
    status: 409,
    title: "A request with this Idempotency-Key is in progress",
  },
  "rejected-by-whitebit": { status: 422, title: "WhiteBIT rejected the request" },
  "investment-rejected": { status: 422, title: "WhiteBIT refused the investment" },
  "close-rejected": { status: 422, title: "WhiteBIT refused to close the investment" },
  "upstream-busy": { status: 503, title: "WhiteBIT refused the nonce; try again" },
  "rate-limited": { status: 429, title: "WhiteBIT's rate limit is reached; try again later" },
  "upstream-credentials": { status: 502, title: "WhiteBIT refused this server's credentials" },
  "upstream-permission": { status: 502, title: "This server's WhiteBIT key lacks permission" },
  "upstream-error": { status: 502, title: "WhiteBIT failed or answered unexpectedly" },
  "upstream-timeout": { status: 504, title: "WhiteBIT did not answer in time" },
  "internal": { status: 500, title: "Internal error" },
};

/**
 * Builds a problem of a known kind.
 *
 * @example
 * ```ts
 * import { problem } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(problem("not-found", "GET /nothing").status, 404);
 * ```
 *
 * @param slug One of {@linkcode PROBLEM_TYPES}' keys.
 * @param detail What happened this time.
 * @param extra Extension members.
 * @returns The problem document.
 */
export function problem(slug: string, detail: string, extra: Partial<Problem> = {}): Problem {
  const kind = PROBLEM_TYPES[slug] ?? PROBLEM_TYPES.internal;
  return {
    type: `urn:lending-whitebit:problem:${slug}`,
    title: kind.title,
    status: kind.status,
    detail,
    ...extra,
  };
}

/**
 * Turns whatever a client call threw into the problem to answer.
 *
 * @example
 * ```ts
 * import { problemFromError } from "@lending/whitebit/server";
 * import { AuthenticationError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new AuthenticationError("Unauthorized request.", {
 *   status: 401,
 *   outcome: "not_executed",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(problemFromError(error).status, 502);
 * ```
 *
 * @param error What the call threw.
 * @returns The problem, with `outcome` for every WhiteBIT error.
 */
export function problemFromError(error: unknown): Problem {
  if (!(error instanceof WhiteBitError)) {
    return problem("internal", "The server failed unexpectedly.", { outcome: "unknown" });
  }
  const details = { outcome: error.outcome, fieldErrors: error.fieldErrors };
  if (error instanceof InvestmentRejectedError) {
    return problem("investment-rejected", error.message, { ...details, reason: error.reason });
  }
  if (error instanceof CloseRejectedError) {
    return problem("close-rejected", error.message, { ...details, reason: error.reason });
  }
  if (error instanceof ValidationError && error.code !== 9) {
    return problem("rejected-by-whitebit", error.message, details);
  }
  const slug = error instanceof NonceError
    ? "upstream-busy"
    : error instanceof RateLimitError
    ? "rate-limited"
    : error instanceof AuthenticationError
    ? "upstream-credentials"
    : error instanceof PermissionError
    ? "upstream-permission"
    : error instanceof TimeoutError
    ? "upstream-timeout"
    : "upstream-error";
  return problem(slug, error.message, { outcome: error.outcome });
}

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

import type {
  CloseRejectionReason,
  InvestmentRejectionReason,
  Outcome,
  WhiteBitErrorName,
} from "../client/errors.ts";
import { WhiteBitError } from "../client/errors.ts";
import { ENDPOINTS } from "../client/_endpoints.ts";
import type { FlexRejectionReason } from "../client/flex/errors.ts";
import { FLEX_ENDPOINTS } from "../client/flex/_endpoints.ts";

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
  /** Why WhiteBIT refused an investment, to close one, or a flex call. */
  reason?: InvestmentRejectionReason | CloseRejectionReason | FlexRejectionReason;
  /** Messages per request field. */
  fieldErrors?: Record<string, string[]>;
  /**
   * For an `unknown` outcome of an investment or a close: the WhiteBIT path
   * called, as in {@linkcode WhiteBitError.requestPath}.
   */
  requestPath?: string;
  /**
   * For an `unknown` outcome of an investment or a close: what was sent
   * (`{ planId, amount }`, or `{ id }` of the investment to close).
   */
  params?: Record<string, unknown>;
  /**
   * For an `unknown` outcome of an investment or a close: when the request
   * was signed to be sent, in Unix milliseconds on this server's clock
   * corrected by WhiteBIT's time. With `params`, what reconciliation needs.
   */
  attemptedAt?: number;
  /**
   * For a `clock-skew` problem: WhiteBIT's clock minus this server's, in
   * milliseconds, as last measured (absent if it could not be measured).
   */
  clockOffsetMs?: number;
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
  "flex-rejected": { status: 422, title: "WhiteBIT refused the flex call" },
  "upstream-busy": { status: 503, title: "WhiteBIT refused the nonce; try again" },
  "clock-skew": {
    status: 503,
    title: "This server's clock is outside WhiteBIT's 5-second nonce window",
  },
  "server-busy": {
    status: 503,
    title: "No WhiteBIT rate-limit slot came free in time; nothing was sent",
  },
  "idempotency-store-full": {
    status: 503,
    title: "The Idempotency-Key store is full; nothing was sent",
  },
  "idempotency-store-unavailable": {
    status: 503,
    title: "The Idempotency-Key store failed; nothing was sent",
  },
  "nonce-lane-unavailable": {
    status: 503,
    title: "This instance holds no nonce lane of the WhiteBIT key; nothing was sent",
  },
  "server-stopping": { status: 503, title: "This server instance is stopping; nothing was sent" },
  "idempotency-reconciliation-failed": {
    status: 503,
    title: "The earlier attempt with this Idempotency-Key could not be reconciled yet",
  },
  "client-closed-request": {
    status: 499,
    title: "The caller left before the request was sent to WhiteBIT; nothing was sent",
  },
  "rate-limited": { status: 429, title: "WhiteBIT's rate limit is reached; try again later" },
  "upstream-credentials": { status: 502, title: "WhiteBIT refused this server's credentials" },
  "upstream-permission": { status: 502, title: "This server's WhiteBIT key lacks permission" },
  "upstream-error": { status: 502, title: "WhiteBIT failed or answered unexpectedly" },
  "upstream-timeout": { status: 504, title: "WhiteBIT did not answer in time" },
  "internal": { status: 500, title: "Internal error" },
};

/** The longest `detail`, in characters: a 5 MB message from WhiteBIT is cut to this. */
const MAX_DETAIL = 2000;
/** The most characters of field names and messages a problem's `fieldErrors` hold. */
const MAX_FIELD_ERRORS = 4000;
/** The WhiteBIT calls that can move money: their `unknown` outcomes carry what reconciling needs. */
const STATE_CHANGING: ReadonlySet<string> = new Set(
  [...Object.values(ENDPOINTS), ...Object.values(FLEX_ENDPOINTS)]
    .filter((endpoint) => endpoint.stateChanging).map(({ path }) => path),
);

/**
 * Builds a problem of a known kind. `detail` is cut to 2,000 characters and
 * `fieldErrors` to 4,000, whatever WhiteBIT sent.
 *
 * @example
 * ```ts
 * import { problem } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(problem("not-found", "GET /nothing").status, 404);
 * strictEqual(problem("upstream-error", "x".repeat(5_000_000)).detail.length, 2000);
 * ```
 *
 * @param slug One of {@linkcode PROBLEM_TYPES}' keys.
 * @param detail What happened this time.
 * @param extra Extension members.
 * @returns The problem document.
 */
export function problem(slug: string, detail: string, extra: Partial<Problem> = {}): Problem {
  const kind = PROBLEM_TYPES[slug] ?? PROBLEM_TYPES.internal;
  const p: Problem = {
    type: `urn:lending-whitebit:problem:${slug}`,
    title: kind.title,
    status: kind.status,
    detail: cut(detail, MAX_DETAIL),
    ...extra,
  };
  if (extra.fieldErrors) p.fieldErrors = capFieldErrors(extra.fieldErrors);
  return p;
}

/**
 * Turns whatever a client call threw into the problem to answer. An
 * `unknown` outcome of an investment or a close carries `requestPath`,
 * `params` and `attemptedAt`: what `client.findInvestment()` (or a person
 * reading `GET /v1/investments`) needs to tell whether it went through.
 *
 * @example
 * ```ts
 * import { problemFromError } from "@lending/whitebit/server";
 * import { AuthenticationError, NetworkError } from "@lending/whitebit";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const refused = new AuthenticationError("Unauthorized request.", {
 *   status: 401,
 *   outcome: "not_executed",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(problemFromError(refused).status, 502);
 *
 * const dropped = new NetworkError("The connection dropped.", {
 *   outcome: "unknown",
 *   requestPath: "/api/v4/main-account/smart/investment",
 *   params: { planId: "plan-1", amount: "100" },
 *   attemptedAt: 1_700_000_000_000,
 * });
 * deepStrictEqual(problemFromError(dropped).params, { planId: "plan-1", amount: "100" });
 * strictEqual(problemFromError(dropped).attemptedAt, 1_700_000_000_000);
 * ```
 *
 * @param error What the call threw.
 * @returns The problem, with `outcome` for every WhiteBIT error.
 */
export function problemFromError(error: unknown): Problem {
  if (!(error instanceof WhiteBitError)) {
    return problem("internal", "The server failed unexpectedly.", { outcome: "unknown" });
  }
  const entry = Object.hasOwn(PROBLEM_OF_ERROR, error.name)
    ? PROBLEM_OF_ERROR[error.name]
    : "upstream-error";
  const slug = typeof entry === "function" ? entry(error) : entry;
  const why = REFUSALS.has(slug) ? { ...reasonOf(error), fieldErrors: error.fieldErrors } : {};
  const reconcile = error.outcome === "unknown" && STATE_CHANGING.has(error.requestPath)
    ? {
      requestPath: error.requestPath,
      params: { ...error.params },
      attemptedAt: error.attemptedAt,
    }
    : {};
  return problem(slug, error.message, { outcome: error.outcome, ...why, ...reconcile });
}

/**
 * The problem made small, for a record that must stay under a size: no
 * field messages, the detail cut to `maxDetail` characters; its type,
 * status, outcome and what reconciling needs are kept.
 *
 * @example
 * ```ts
 * import { problem, trimProblem } from "./_problem.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const big = problem("investment-rejected", "x".repeat(2000), { fieldErrors: { amount: ["y"] } });
 * const small = trimProblem(big, 100);
 * strictEqual(small.detail.length, 100);
 * strictEqual(small.fieldErrors, undefined);
 * ```
 *
 * @param p The problem.
 * @param maxDetail The most characters of `detail` kept.
 * @returns A smaller copy.
 */
export function trimProblem(p: Problem, maxDetail: number): Problem {
  const { fieldErrors: _, ...kept } = p;
  return { ...kept, detail: cut(p.detail, maxDetail) };
}

/**
 * The problem each client error becomes, by the error's literal `name`: a
 * kind, or for a class that can mean more than one, a function of the
 * error. Typed by every name, so a new error class does not compile until
 * it has its row here.
 */
export const PROBLEM_OF_ERROR = {
  WhiteBitError: "upstream-error",
  // Code 9 is WhiteBIT refusing the payload this server built, not the caller's fields.
  ValidationError: (error) => error.code === 9 ? "upstream-error" : "rejected-by-whitebit",
  AuthenticationError: "upstream-credentials",
  PermissionError: "upstream-permission",
  InvestmentRejectedError: "investment-rejected",
  CloseRejectedError: "close-rejected",
  FlexRejectedError: "flex-rejected",
  // Neither is used by the server (no pre-flight, no dry run): whatever they say, it is unexpected.
  PreflightError: "upstream-error",
  DryRunError: "upstream-error",
  // A nonce refused with a 400 is outside WhiteBIT's ±5 s window: the host's clock, not load.
  NonceError: (error) => error.status === 429 ? "upstream-busy" : "clock-skew",
  // No status: the client gave up waiting for a rate-limit slot, and sent nothing.
  RateLimitError: (error) => error.status === undefined ? "server-busy" : "rate-limited",
  ServerError: "upstream-error",
  NetworkError: "upstream-error",
  TimeoutError: "upstream-timeout",
  AbortedError: "upstream-error",
} satisfies Record<WhiteBitErrorName, string | ((error: WhiteBitError) => string)>;

/** WhiteBIT's refusals: their problems say why, in its `reason` (where it gives one) and `fieldErrors`. */
const REFUSALS: ReadonlySet<string> = new Set([
  "investment-rejected",
  "close-rejected",
  "flex-rejected",
  "rejected-by-whitebit",
]);

/** The `reason` of a refusal that has one (an investment's, a close's or a flex call's). */
function reasonOf(error: WhiteBitError): Pick<Problem, "reason"> {
  return "reason" in error ? { reason: error.reason as Problem["reason"] } : {};
}

/** `text` cut to `max` characters, the cut marked with an ellipsis and no pair of a surrogate split. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, "") + "…";
}

/** Field messages cut to a budget of characters, in order: bounded whatever WhiteBIT sent. */
function capFieldErrors(fieldErrors: Record<string, string[]>): Record<string, string[]> {
  const capped: Record<string, string[]> = {};
  let budget = MAX_FIELD_ERRORS;
  for (const [name, messages] of Object.entries(fieldErrors)) {
    const field = cut(name, 100);
    budget -= field.length;
    if (budget <= 0) break;
    const kept: string[] = [];
    for (const message of messages) {
      if (budget <= 0) break;
      kept.push(cut(String(message), budget));
      budget -= kept[kept.length - 1].length;
    }
    capped[field] = kept;
  }
  return capped;
}

/**
 * Thrown by a `beforeSend` check: the request must not leave, and nothing
 * was sent; the problem says why.
 */
export class NotSentError extends Error {
  /** What the caller is answered. */
  readonly problem: Problem;

  /** @param p The problem, with outcome `not_executed`. */
  constructor(p: Problem) {
    super(p.detail);
    this.problem = p;
  }
}

/**
 * Every way a WhiteBIT call can fail, as one error family. Each error says
 * whether WhiteBIT may have acted on the request (`outcome`): after
 * `"not_executed"` nothing happened and the call may be sent again; after
 * `"unknown"` funds may have moved, so reconcile before trying again.
 *
 * @example Tell a safe-to-repeat failure from one that needs reconciling
 * ```ts
 * import { InvestmentRejectedError, WhiteBitClient, WhiteBitError } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * try {
 *   await client.invest({ planId: sandbox.plans[0].id, amount: "1" }); // below the minimum
 * } catch (error) {
 *   if (!(error instanceof WhiteBitError)) throw error;
 *   strictEqual(error instanceof InvestmentRejectedError, true);
 *   strictEqual(error.outcome, "not_executed");
 * }
 * ```
 *
 * @module
 */

import type { FixedPlan } from "./types.ts";

/**
 * Whether WhiteBIT may have carried out the request: `"not_executed"` only
 * where it provably did not (a 4xx answer, or the request never left);
 * `"unknown"` after a 5xx, a dropped connection, a timeout or an abort once
 * the request was sent.
 *
 * @example
 * ```ts
 * import { type Outcome, WhiteBitClient, WhiteBitError } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * sandbox.injectFault({ kind: "respond", status: 502, afterProcessing: true });
 * let outcome: Outcome | undefined;
 * try {
 *   await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * } catch (error) {
 *   if (error instanceof WhiteBitError) outcome = error.outcome;
 * }
 * strictEqual(outcome, "unknown");
 * strictEqual(sandbox.investments.length, 1); // the money did move: reconcile
 * ```
 */
export type Outcome = "not_executed" | "unknown";

/**
 * The `name` of every error class of this package. Tables keyed by it
 * (`satisfies Record<WhiteBitErrorName, …>`) fail to compile until they
 * handle a new class.
 *
 * @example A table from error to what to tell the user
 * ```ts
 * import { type WhiteBitErrorName, WhiteBitError } from "@lending/whitebit";
 *
 * const advice = {
 *   WhiteBitError: "WhiteBIT answered unexpectedly",
 *   ValidationError: "fix the request",
 *   AuthenticationError: "check the API key and secret",
 *   PermissionError: "enable the key, or ask WhiteBIT for lending access",
 *   InvestmentRejectedError: "see the reason",
 *   CloseRejectedError: "see the reason",
 *   FlexRejectedError: "see the reason",
 *   PreflightError: "see the reason; nothing was sent",
 *   DryRunError: "nothing was sent",
 *   NonceError: "call syncTime() and try again",
 *   RateLimitError: "wait, then try again",
 *   ServerError: "reconcile before trying again",
 *   NetworkError: "reconcile before trying again",
 *   TimeoutError: "reconcile before trying again",
 *   AbortedError: "reconcile before trying again",
 * } satisfies Record<WhiteBitErrorName, string>;
 * const error = new WhiteBitError("odd", { outcome: "unknown", requestPath: "/x" });
 * console.log(advice[error.name]);
 * ```
 */
export type WhiteBitErrorName =
  | "WhiteBitError"
  | "ValidationError"
  | "AuthenticationError"
  | "PermissionError"
  | "InvestmentRejectedError"
  | "CloseRejectedError"
  | "FlexRejectedError"
  | "PreflightError"
  | "DryRunError"
  | "NonceError"
  | "RateLimitError"
  | "ServerError"
  | "NetworkError"
  | "TimeoutError"
  | "AbortedError";

/**
 * Why WhiteBIT refused an investment (its 422 `code`, never its text).
 *
 * @example
 * ```ts
 * import {
 *   InvestmentRejectedError,
 *   type InvestmentRejectionReason,
 *   WhiteBitClient,
 * } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * let reason: InvestmentRejectionReason | undefined;
 * try {
 *   await client.invest({ planId: sandbox.plans[0].id, amount: "5" }); // the plan's minimum is 10
 * } catch (error) {
 *   if (error instanceof InvestmentRejectedError) reason = error.reason;
 * }
 * strictEqual(reason, "amount_below_minimum");
 * ```
 */
export type InvestmentRejectionReason =
  | "investment_exists"
  | "amount_below_minimum"
  | "amount_above_maximum"
  | "insufficient_balance"
  | "plan_cannot_cover_interest"
  | "unknown";

/**
 * Why WhiteBIT refused to close an investment (its 422 `code`).
 *
 * @example
 * ```ts
 * import { CloseRejectedError, type CloseRejectionReason, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const { id } = await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * await client.closeInvestment(id);
 * let reason: CloseRejectionReason | undefined;
 * try {
 *   await client.closeInvestment(id); // a second time
 * } catch (error) {
 *   if (error instanceof CloseRejectedError) reason = error.reason;
 * }
 * strictEqual(reason, "already_closed");
 * ```
 */
export type CloseRejectionReason = "already_closed" | "unknown";

/**
 * Why an investment was refused by the pre-flight check, before anything was invested.
 *
 * @example
 * ```ts
 * import { PreflightError, type PreflightRejectionReason, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const paused = sandbox.plans[2]; // status 4: paused by WhiteBIT
 * let reason: PreflightRejectionReason | undefined;
 * try {
 *   await client.invest({ planId: paused.id, amount: "100" }, { preflight: true });
 * } catch (error) {
 *   if (error instanceof PreflightError) reason = error.reason;
 * }
 * strictEqual(reason, "plan_not_active");
 * ```
 */
export type PreflightRejectionReason =
  | "plan_not_offered"
  | "plan_not_active"
  | "amount_below_minimum"
  | "amount_above_maximum"
  | "amount_above_available"
  | "plan_lookup_failed";

/**
 * What every {@linkcode WhiteBitError} is built from.
 *
 * @example
 * ```ts
 * import { TimeoutError, type WhiteBitErrorOptions } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const options: WhiteBitErrorOptions = {
 *   outcome: "unknown",
 *   requestPath: "/api/v4/main-account/smart/investment",
 *   nonce: 1700000000000,
 * };
 * const error = new TimeoutError("No answer within 10000 ms", options);
 * strictEqual(error.status, undefined); // no answer came
 * strictEqual(error.nonce, 1700000000000);
 * ```
 */
export interface WhiteBitErrorOptions {
  /** The HTTP status, if WhiteBIT answered. */
  status?: number;
  /** WhiteBIT's `code` field, if the body had one. */
  code?: number;
  /** WhiteBIT's per-field messages. */
  fieldErrors?: Record<string, string[]>;
  /** Whether WhiteBIT may have acted. */
  outcome: Outcome;
  /** The API path called, such as `/api/v4/main-account/smart/investment`. */
  requestPath: string;
  /** The nonce the request was signed with, if it was signed. */
  nonce?: number;
  /** The call's parameters as sent in the body (never credentials), such as `planId` and `amount`. */
  params?: Record<string, unknown>;
  /** When the request was signed to be sent: Unix milliseconds, on the client's clock corrected by `syncTime()`. */
  attemptedAt?: number;
  /** The response text, trimmed and shortened. */
  responseText?: string;
  /** A request id from the answer's headers (`x-request-id` or `cf-ray`). */
  requestId?: string;
  /** How long WhiteBIT asked to wait before trying again (its `Retry-After`), in ms. */
  retryAfterMs?: number;
  /** The underlying error. */
  cause?: unknown;
}

const MAX_RESPONSE_TEXT = 2000;

/**
 * What every message about a request that may have reached WhiteBIT ends
 * with (`outcome: "unknown"`).
 */
export const MAY_HAVE_RUN = "It may have been carried out: reconcile before sending it again.";

/** What every message about a failed read ends with: a read moves no funds. */
export const READ_ONLY = "A read moves no funds: it is safe to send again.";

/** What every message about a request refused before it left ends with. */
export const NOT_SENT = "Nothing was sent.";

/**
 * The base of every error this package raises about a WhiteBIT call.
 *
 * @example
 * ```ts
 * import { ServerError, WhiteBitError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new ServerError("WhiteBIT answered 503", {
 *   status: 503,
 *   outcome: "unknown",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(error instanceof WhiteBitError, true);
 * strictEqual(error.outcome, "unknown");
 * ```
 */
export class WhiteBitError extends Error {
  /**
   * The class's name, one of {@linkcode WhiteBitErrorName}: key tables by it
   * (`"WhiteBitError"` here).
   */
  override readonly name: WhiteBitErrorName = "WhiteBitError";
  /** The HTTP status, or `undefined` when WhiteBIT gave no answer. */
  readonly status: number | undefined;
  /** WhiteBIT's `code` field, if any. Branch on this, never on message text. */
  readonly code: number | undefined;
  /** WhiteBIT's per-field messages, such as `{ amount: ["Available 9 < 10"] }`. */
  readonly fieldErrors: Record<string, string[]>;
  /** Whether WhiteBIT may have acted on the request. */
  readonly outcome: Outcome;
  /** The API path called. */
  readonly requestPath: string;
  /** The nonce the request was signed with, if it was signed. */
  readonly nonce: number | undefined;
  /**
   * The call's parameters as sent in the body, such as `{ planId, amount }`
   * for an investment (`{}` if none). Never credentials.
   */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * When the request was signed to be sent, in Unix milliseconds on the
   * client's clock corrected by `syncTime()`; `undefined` if it never was.
   * With `params`, what `client.findInvestment()` needs to reconcile.
   */
  readonly attemptedAt: number | undefined;
  /** The response text, trimmed and cut to 2000 characters ("" if none). */
  readonly responseText: string;
  /** A request id from the answer's headers, for WhiteBIT support. */
  readonly requestId: string | undefined;
  /**
   * How long WhiteBIT asked to wait before trying again, in milliseconds,
   * from a `Retry-After` header; `undefined` if it did not say.
   */
  readonly retryAfterMs: number | undefined;

  /**
   * Creates an error; the client picks the class of an answer from WhiteBIT.
   *
   * @param message What went wrong.
   * @param options The details.
   */
  constructor(message: string, options: WhiteBitErrorOptions) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.status = options.status;
    this.code = options.code;
    this.fieldErrors = options.fieldErrors ?? {};
    this.outcome = options.outcome;
    this.requestPath = options.requestPath;
    this.nonce = options.nonce;
    this.params = { ...options.params };
    this.attemptedAt = options.attemptedAt;
    this.responseText = (options.responseText ?? "").trim().slice(
      0,
      MAX_RESPONSE_TEXT,
    );
    this.requestId = options.requestId;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * 400: WhiteBIT rejected the request's fields (`fieldErrors` says which), or
 * its payload (code 9 "Invalid payload."). Nothing was executed.
 *
 * @example
 * ```ts
 * import { ValidationError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new ValidationError("Validation failed", {
 *   status: 400,
 *   code: 0,
 *   fieldErrors: { amount: ["Invalid decimal amount"] },
 *   outcome: "not_executed",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(error.fieldErrors.amount[0], "Invalid decimal amount");
 * ```
 */
export class ValidationError extends WhiteBitError {
  /** Always `"ValidationError"`. */
  override readonly name: "ValidationError" = "ValidationError";
}

/**
 * 401: the API key or signature was refused. Check the credentials and the
 * base URL (keys belong to whitebit.com or whitebit.eu). Never retried.
 *
 * @example
 * ```ts
 * import { AuthenticationError, WhiteBitError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new AuthenticationError("Unauthorized request.", {
 *   status: 401,
 *   code: 10,
 *   outcome: "not_executed",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(error instanceof WhiteBitError, true);
 * ```
 */
export class AuthenticationError extends WhiteBitError {
  /** Always `"AuthenticationError"`. */
  override readonly name: "AuthenticationError" = "AuthenticationError";
}

/**
 * 403: the key is disabled, or the account has no access to the lending API
 * (WhiteBIT opens it to B2B partners only).
 *
 * @example
 * ```ts
 * import { PermissionError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new PermissionError("No access", {
 *   status: 403,
 *   outcome: "not_executed",
 *   requestPath: "/api/v4/main-account/smart/plans",
 * });
 * strictEqual(error.status, 403);
 * ```
 */
export class PermissionError extends WhiteBitError {
  /** Always `"PermissionError"`. */
  override readonly name: "PermissionError" = "PermissionError";
}

const REJECTION_REASONS: Record<number, InvestmentRejectionReason> = {
  1: "investment_exists",
  2: "amount_below_minimum",
  3: "amount_above_maximum",
  4: "insufficient_balance",
  5: "plan_cannot_cover_interest",
};

/**
 * 422: WhiteBIT refused the investment after validating it; `reason` comes
 * from WhiteBIT's `code`. Nothing was executed.
 *
 * @example
 * ```ts
 * import { InvestmentRejectedError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new InvestmentRejectedError("Inner validation failed", {
 *   status: 422,
 *   code: 4,
 *   outcome: "not_executed",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(error.reason, "insufficient_balance");
 * ```
 */
export class InvestmentRejectedError extends WhiteBitError {
  /** Always `"InvestmentRejectedError"`. */
  override readonly name: "InvestmentRejectedError" = "InvestmentRejectedError";
  /** Why, from WhiteBIT's `code`; `"unknown"` for a code not documented. */
  readonly reason: InvestmentRejectionReason;

  /**
   * Creates a rejection; its `reason` comes from `options.code`.
   *
   * @param message What went wrong.
   * @param options The details; `code` sets `reason`.
   */
  constructor(message: string, options: WhiteBitErrorOptions) {
    super(message, options);
    this.reason = REJECTION_REASONS[options.code ?? -1] ?? "unknown";
  }
}

const CLOSE_REJECTION_REASONS: Record<number, CloseRejectionReason> = {
  0: "already_closed",
};

/**
 * 422 to a close: WhiteBIT refused to close the investment; `reason` comes
 * from WhiteBIT's `code` (its only documented one, 0, is "Investment is
 * already closed"). Nothing was executed.
 *
 * @example
 * ```ts
 * import { CloseRejectedError, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const { id } = await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * await client.closeInvestment(id);
 * const error = await client.closeInvestment(id).catch((error) => error);
 * strictEqual(error instanceof CloseRejectedError, true);
 * strictEqual(error.reason, "already_closed");
 * ```
 */
export class CloseRejectedError extends WhiteBitError {
  /** Always `"CloseRejectedError"`. */
  override readonly name: "CloseRejectedError" = "CloseRejectedError";
  /** Why, from WhiteBIT's `code`; `"unknown"` for a code not documented. */
  readonly reason: CloseRejectionReason;

  /**
   * Creates a rejection; its `reason` comes from `options.code`.
   *
   * @param message What went wrong.
   * @param options The details; `code` sets `reason`.
   */
  constructor(message: string, options: WhiteBitErrorOptions) {
    super(message, options);
    this.reason = CLOSE_REJECTION_REASONS[options.code ?? -1] ?? "unknown";
  }
}

/**
 * `invest(params, { preflight: true })` found that WhiteBIT would refuse the
 * investment, so it was never sent (`outcome: "not_executed"`): the plan is
 * not offered or not active, or the amount is outside the plan's limits or
 * above what is left in it. `"plan_lookup_failed"`: the plan lookup had no
 * clear answer (its error is the `cause`), so nothing was invested either.
 *
 * @example
 * ```ts
 * import { PreflightError, WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const error = await client.invest({ planId: sandbox.plans[0].id, amount: "1" }, { preflight: true })
 *   .catch((error) => error);
 * strictEqual(error instanceof PreflightError, true);
 * strictEqual(error.reason, "amount_below_minimum");
 * strictEqual(sandbox.investments.length, 0);
 * ```
 */
export class PreflightError extends WhiteBitError {
  /** Always `"PreflightError"`. */
  override readonly name: "PreflightError" = "PreflightError";
  /** Why the investment was refused. */
  readonly reason: PreflightRejectionReason;
  /** The plan as WhiteBIT listed it, if it did. */
  readonly plan: FixedPlan | undefined;

  /**
   * Creates a pre-flight rejection.
   *
   * @param message What went wrong.
   * @param options The details, the reason and the plan.
   */
  constructor(
    message: string,
    options: WhiteBitErrorOptions & {
      /** Why the investment was refused. */
      reason: PreflightRejectionReason;
      /** The plan as WhiteBIT listed it, if it did. */
      plan?: FixedPlan;
    },
  ) {
    super(message, options);
    this.reason = options.reason;
    this.plan = options.plan;
  }
}

/**
 * A signed request as a dry run shows it: the signature redacted, the API key shortened.
 *
 * @example
 * ```ts
 * import { type PreparedRequest, WhiteBitClient } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = new WhiteBitClient({ apiKey: "key-1234", apiSecret: "secret", dryRun: true });
 * const error = await client.plans({ ticker: "USDT" }).catch((error) => error);
 * const request: PreparedRequest = error.request;
 * strictEqual(request.url, "https://whitebit.com/api/v4/main-account/smart/plans");
 * strictEqual(JSON.parse(request.body).ticker, "USDT");
 * strictEqual(request.headers["x-txc-apikey"], "key-…");
 * ```
 */
export interface PreparedRequest {
  /** Always `"POST"`. */
  method: string;
  /** The full URL. */
  url: string;
  /** The headers, redacted by `redactHeaders()`. */
  headers: Record<string, string>;
  /** The JSON body, exactly as it would be sent. */
  body: string;
}

/**
 * A client made with `dryRun: true` builds and signs each request, then
 * stops with this error instead of sending it (`outcome: "not_executed"`):
 * no request, no rate-limit slot, nothing at WhiteBIT. `request` shows what
 * would have been sent, with the signature redacted.
 *
 * @example
 * ```ts
 * import { DryRunError, WhiteBitClient } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = new WhiteBitClient({ apiKey: "key-1234", apiSecret: "secret", dryRun: true });
 * const error = await client.closeInvestment("0d7b66ff").catch((error) => error);
 * strictEqual(error instanceof DryRunError, true);
 * strictEqual(error.request.headers["x-txc-signature"], "[redacted]");
 * strictEqual(JSON.parse(error.request.body).id, "0d7b66ff");
 * ```
 */
export class DryRunError extends WhiteBitError {
  /** Always `"DryRunError"`. */
  override readonly name: "DryRunError" = "DryRunError";
  /** The request that was not sent. */
  readonly request: PreparedRequest;

  /**
   * Creates a dry-run stop.
   *
   * @param message What was not sent.
   * @param options The details and the prepared request.
   */
  constructor(
    message: string,
    options: WhiteBitErrorOptions & {
      /** The request that was not sent. */
      request: PreparedRequest;
    },
  ) {
    super(message, options);
    this.request = options.request;
  }
}

/**
 * The nonce was refused: a 429 with WhiteBIT's JSON "Too many requests."
 * body (a nonce not above the key's last one), or the nonce-window message
 * (clock off by more than 5 s: call `client.syncTime()`). Nothing was
 * executed; the client retries 429s with a fresh nonce.
 *
 * @example
 * ```ts
 * import { NonceError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new NonceError("Too many requests.", {
 *   status: 429,
 *   code: 0,
 *   outcome: "not_executed",
 *   requestPath: "/api/v4/main-account/smart/investment",
 *   nonce: 1700000000000,
 * });
 * strictEqual(error.nonce, 1700000000000);
 * ```
 */
export class NonceError extends WhiteBitError {
  /** Always `"NonceError"`. */
  override readonly name: "NonceError" = "NonceError";
}

/**
 * 429 with a non-JSON body: the gateway's rate limit. Nothing was executed;
 * the client retries with backoff.
 *
 * @example
 * ```ts
 * import { RateLimitError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new RateLimitError("Rate limited", {
 *   status: 429,
 *   outcome: "not_executed",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(error.outcome, "not_executed");
 * ```
 */
export class RateLimitError extends WhiteBitError {
  /** Always `"RateLimitError"`. */
  override readonly name: "RateLimitError" = "RateLimitError";
}

/**
 * 5xx: WhiteBIT or its gateway failed. The request may or may not have been
 * carried out (`outcome: "unknown"`): reconcile before investing again.
 *
 * @example
 * ```ts
 * import { ServerError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new ServerError("Internal server error.", {
 *   status: 500,
 *   outcome: "unknown",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(error.outcome, "unknown");
 * ```
 */
export class ServerError extends WhiteBitError {
  /** Always `"ServerError"`. */
  override readonly name: "ServerError" = "ServerError";
}

/**
 * The request failed without an HTTP answer (connection refused, reset or
 * dropped). It may have reached WhiteBIT: `outcome` is `"unknown"`.
 *
 * @example
 * ```ts
 * import { NetworkError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new NetworkError("Connection reset", {
 *   outcome: "unknown",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(error.status, undefined);
 * ```
 */
export class NetworkError extends WhiteBitError {
  /** Always `"NetworkError"`. */
  override readonly name: "NetworkError" = "NetworkError";
}

/**
 * No complete answer within `timeoutMs` of sending. The request may have
 * reached WhiteBIT: `outcome` is `"unknown"`.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new TimeoutError("No answer within 10000 ms", {
 *   outcome: "unknown",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(error.name, "TimeoutError");
 * ```
 */
export class TimeoutError extends WhiteBitError {
  /** Always `"TimeoutError"`. */
  override readonly name: "TimeoutError" = "TimeoutError";
}

/**
 * The caller's signal aborted the call after the request was sent, so it may
 * have reached WhiteBIT (`outcome: "unknown"`; `cause` is the signal's
 * reason). An abort before sending rejects with the signal's reason itself.
 *
 * @example
 * ```ts
 * import { AbortedError } from "@lending/whitebit";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new AbortedError("Aborted after sending", {
 *   outcome: "unknown",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(error.outcome, "unknown");
 * ```
 */
export class AbortedError extends WhiteBitError {
  /** Always `"AbortedError"`. */
  override readonly name: "AbortedError" = "AbortedError";
}

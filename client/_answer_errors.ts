/**
 * From WhiteBIT's answer to the error to throw: by HTTP status first, then
 * `code`, reading every body shape WhiteBIT was seen to send, keeping what
 * it says bounded, and saying truthfully whether the request may have run.
 *
 * @example
 * ```ts
 * import { errorFromResponse } from "./_answer_errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = errorFromResponse({ requestPath: "/api/v4/main-account/smart/investment", status: 503, text: "" });
 * strictEqual(error.name, "ServerError");
 * strictEqual(error.outcome, "unknown");
 * ```
 *
 * @module
 */

import { CLOSE_PATH, INVEST_PATH } from "./_paths.ts";
import {
  AuthenticationError,
  CloseRejectedError,
  InvestmentRejectedError,
  MAY_HAVE_RUN,
  NonceError,
  type Outcome,
  PermissionError,
  RateLimitError,
  READ_ONLY,
  ServerError,
  ValidationError,
  WhiteBitError,
  type WhiteBitErrorName,
} from "./errors.ts";
import { isRecord } from "./_validate.ts";
import { FlexRejectedError } from "./flex/errors.ts";
import { FLEX_PATHS } from "./flex/_paths.ts";

/** What an error message quotes of WhiteBIT's answer at most: the rest is in `responseText`. */
const MAX_QUOTED = 1500;
/** At most this many field messages are kept, each cut to `MAX_FIELD_MESSAGE` characters. */
const MAX_FIELD_MESSAGES = 20;
const MAX_FIELD_MESSAGE = 300;
/** Nested message arrays are read this deep, no deeper. */
const MAX_NESTING = 8;

/**
 * What {@linkcode errorFromResponse} reads.
 *
 * @example
 * ```ts
 * import { PermissionError } from "@lending/whitebit";
 * import { errorFromResponse, type ResponseDetails } from "./_answer_errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const details: ResponseDetails = {
 *   requestPath: "/api/v4/main-account/smart/investment",
 *   status: 403,
 *   text: '{"code":2,"message":"This action is unauthorized. Enable your key in API settings"}',
 * };
 * const error = errorFromResponse(details);
 * strictEqual(error instanceof PermissionError, true);
 * strictEqual(error.code, 2);
 * ```
 */
export interface ResponseDetails {
  /** The API path called. */
  requestPath: string;
  /** The nonce the request was signed with. */
  nonce?: number;
  /** The call's parameters as sent. */
  params?: Record<string, unknown>;
  /** When the request was signed to be sent, Unix milliseconds. */
  attemptedAt?: number;
  /** The HTTP status. */
  status: number;
  /** The whole response text. */
  text: string;
  /** A request id from the response headers. */
  requestId?: string;
  /** The `Retry-After` header, if any: seconds or an HTTP date. */
  retryAfter?: string;
  /**
   * Whether the call could change anything at WhiteBIT. Default `true`. A
   * read's failure is always `"not_executed"`: it moves no funds.
   */
  stateChanging?: boolean;
}

interface ParsedBody {
  json: boolean;
  code?: number;
  message: string;
  fieldErrors: Record<string, string[]>;
}

/** The classes an answer from WhiteBIT can map to, by name. */
const ANSWER_ERRORS = {
  WhiteBitError,
  ValidationError,
  AuthenticationError,
  PermissionError,
  InvestmentRejectedError,
  CloseRejectedError,
  FlexRejectedError,
  NonceError,
  RateLimitError,
  ServerError,
} satisfies Partial<Record<WhiteBitErrorName, typeof WhiteBitError>>;
type AnswerErrorName = keyof typeof ANSWER_ERRORS;

/** The 422 rejection of each state-changing path. */
const REJECTIONS: Record<string, AnswerErrorName> = {
  [INVEST_PATH]: "InvestmentRejectedError",
  [CLOSE_PATH]: "CloseRejectedError",
  [FLEX_PATHS.invest]: "FlexRejectedError",
  [FLEX_PATHS.withdraw]: "FlexRejectedError",
  [FLEX_PATHS.close]: "FlexRejectedError",
  [FLEX_PATHS.autoInvest]: "FlexRejectedError",
};
/** The error of the other 4xx statuses that have their own. */
const BY_STATUS: Record<number, AnswerErrorName> = {
  400: "ValidationError",
  401: "AuthenticationError",
  403: "PermissionError",
};
const NONCE_TEXT = /\bnonce\b/i;

/**
 * Turns a WhiteBIT answer that is not a success into the matching error:
 * by HTTP status first, then `code`; a 422 is an
 * {@linkcode InvestmentRejectedError} on the invest path, a
 * {@linkcode CloseRejectedError} on the close path, a `FlexRejectedError` on
 * the flex invest, withdraw, close and auto-invest paths. Reads every body shape WhiteBIT was seen
 * to send: nested message arrays, `errors` as `{}`/`[]`/absent, `msg`,
 * `error`, extra `success`/`result`, non-JSON text and empty bodies.
 *
 * @example
 * ```ts
 * import { InvestmentRejectedError } from "@lending/whitebit";
 * import { errorFromResponse } from "./_answer_errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = errorFromResponse({
 *   requestPath: "/api/v4/main-account/smart/investment",
 *   status: 422,
 *   text: '{"code":4,"message":"Inner validation failed","errors":{"amount":["Available 9 < 10"]}}',
 * });
 * strictEqual(error instanceof InvestmentRejectedError, true);
 * strictEqual((error as InvestmentRejectedError).reason, "insufficient_balance");
 * ```
 *
 * @param details The request path, nonce, status and body text.
 * @returns The error to throw.
 */
export function errorFromResponse(details: ResponseDetails): WhiteBitError {
  const { status, text, requestPath, retryAfter, stateChanging = true, ...facts } = details;
  const body = parseBody(text);
  const refused = status >= 400 && status < 500;
  const outcome: Outcome = refused || !stateChanging ? "not_executed" : "unknown";
  const ErrorClass = ANSWER_ERRORS[errorNameOf(status, requestPath, body, refused)];
  let described = describe(body);
  if (described.length > MAX_QUOTED) described = `${described.slice(0, MAX_QUOTED)}… (cut)`;
  return new ErrorClass(
    `WhiteBIT answered ${status} to ${requestPath}${described}. ${
      refused ? "Nothing was carried out." : stateChanging ? MAY_HAVE_RUN : READ_ONLY
    }`,
    {
      ...facts,
      requestPath,
      status,
      code: body.code,
      fieldErrors: body.fieldErrors,
      outcome,
      responseText: text,
      retryAfterMs: retryAfterMsOf(retryAfter),
    },
  );
}

/** A `Retry-After` header (delay-seconds or an HTTP date) in milliseconds from now. */
function retryAfterMsOf(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const ms = /^\s*\d{1,9}\s*$/.test(header)
    ? Number(header) * 1000
    : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/** By HTTP status first, then the body: which class the error of an answer is. */
function errorNameOf(
  status: number,
  requestPath: string,
  body: ParsedBody,
  refused: boolean,
): AnswerErrorName {
  if (status === 429) return body.json ? "NonceError" : "RateLimitError";
  if (refused && NONCE_TEXT.test(body.message)) return "NonceError";
  return (status === 422 && REJECTIONS[requestPath]) || BY_STATUS[status] ||
    (status >= 500 ? "ServerError" : "WhiteBitError");
}

/** WhiteBIT's code, message and field messages, in brackets (nothing if there are none). */
function describe(body: ParsedBody): string {
  const parts = [
    body.code === undefined ? "" : `code ${body.code}`,
    body.message,
    ...Object.entries(body.fieldErrors).map(([field, messages]) =>
      `${field}: ${messages.join(" ")}`
    ),
  ].filter((part) => part !== "");
  return parts.length ? ` (${parts.join("; ")})` : "";
}

function parseBody(text: string): ParsedBody {
  let value: unknown;
  let json = true;
  try {
    value = JSON.parse(text);
  } catch {
    json = false;
  }
  // A body that is not an object is read as its message.
  const body = isRecord(value) ? value : { message: value };
  // Own properties only (a field named "__proto__" stays a field), and bounded.
  const fieldErrors: Record<string, string[]> = Object.fromEntries(
    (isRecord(body.errors) ? Object.entries(body.errors) : [])
      .slice(0, MAX_FIELD_MESSAGES)
      .map(([field, messages]) => [
        field.slice(0, MAX_FIELD_MESSAGE),
        flatten(messages).slice(0, MAX_FIELD_MESSAGES).map((message) =>
          message.slice(0, MAX_FIELD_MESSAGE)
        ),
      ]),
  );
  return {
    json,
    code: Number.isInteger(body.code) ? body.code as number : undefined,
    message: flatten(body.message ?? body.msg ?? body.error).join(" "),
    fieldErrors,
  };
}

/** The texts in a message that may be nested arrays, read at most `MAX_NESTING` deep. */
function flatten(value: unknown, depth = 0): string[] {
  if (typeof value === "string") return value ? [value] : [];
  if (typeof value === "number" || typeof value === "boolean") {
    return [String(value)];
  }
  if (Array.isArray(value) && depth < MAX_NESTING) {
    return value.flatMap((item) => flatten(item, depth + 1));
  }
  return [];
}

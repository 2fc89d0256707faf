/**
 * WhiteBIT's lending endpoints in one table: each one's path, its
 * parameters with their rules (checked before anything is sent, and
 * described as JSON Schema for the server's OpenAPI document), whether it
 * can move funds, and how its answer is read. The client, the server's
 * routes and the OpenAPI document all read it: adding an endpoint is one
 * entry here and its answer's reader.
 *
 * @example
 * ```ts
 * import { checkParams, ENDPOINTS } from "./_endpoints.ts";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * deepStrictEqual(checkParams(ENDPOINTS.invest, { planId: "p1", amount: "100" }), {
 *   planId: "p1",
 *   amount: "100",
 * });
 * throws(() => checkParams(ENDPOINTS.invest, { planId: "p1", amount: 100 }), TypeError);
 * throws(() => checkParams(ENDPOINTS.invest, { planId: "p1", amount: "1", note: "x" }), TypeError);
 * ```
 *
 * @module
 */

import {
  readInterestPaymentsPage,
  readInvestmentsPage,
  readInvestResult,
  readPlans,
} from "./_parse.ts";
import {
  CLOSE_PATH,
  INTEREST_PATH,
  INVEST_PATH,
  INVESTMENTS_PATH,
  MAX_LIMIT,
  MAX_OFFSET,
  PLANS_PATH,
} from "./_paths.ts";
import {
  AMOUNT_PATTERN,
  assertDecimalAmount,
  assertIdentifier,
  assertIntegerInRange,
  IDENTIFIER_PATTERN,
  isRecord,
  mustBe,
} from "./_validate.ts";

/** One parameter: its check (throws `TypeError`/`RangeError`) and its JSON Schema. */
export interface Param {
  check(value: unknown, name: string): void;
  schema: Readonly<Record<string, unknown>>;
}

/** One WhiteBIT endpoint, as the client sends it. */
export interface Endpoint<Result = unknown> {
  /** WhiteBIT's path. */
  path: string;
  /** The parameters it takes, in the order they are sent. */
  params: Readonly<Record<string, Param>>;
  /** The parameters it cannot do without. */
  required: readonly string[];
  /** Whether it can move funds: then it is sent at most once, and never replayed. */
  stateChanging: boolean;
  /** Reads its answer (throws if it is not as documented); absent: any 2xx will do. */
  read?: (value: unknown) => Result;
}

/** An id: a plan, investment or transaction. */
export const identifier: Param = {
  check: assertIdentifier,
  schema: { type: "string", pattern: IDENTIFIER_PATTERN.source },
};

/** An amount: a plain positive decimal string. */
export const amount: Param = {
  check: assertDecimalAmount,
  schema: {
    type: "string",
    pattern: AMOUNT_PATTERN.source,
    description: 'A plain positive decimal string, such as "100" or "0.5".',
  },
};

/** A whole number from `min` to `max`. */
export function integer(min: number, max: number): Param {
  return {
    check: (value, name) => assertIntegerInRange(value, name, { min, max }),
    schema: { type: "integer", minimum: min, maximum: max },
  };
}

/** `limit` 1–100 and `offset` 0–10 000. */
export const paging: Readonly<Record<"limit" | "offset", Param>> = {
  limit: integer(1, MAX_LIMIT),
  offset: integer(0, MAX_OFFSET),
};

/** The fixed-lending endpoints. */
export const ENDPOINTS = {
  plans: {
    path: PLANS_PATH,
    params: { ticker: identifier },
    required: [],
    stateChanging: false,
    read: readPlans,
  },
  invest: {
    path: INVEST_PATH,
    params: { planId: identifier, amount },
    required: ["planId", "amount"],
    stateChanging: true,
    read: readInvestResult,
  },
  close: {
    path: CLOSE_PATH,
    params: { id: identifier },
    required: ["id"],
    stateChanging: true,
    // WhiteBIT answers `[]`; any 2xx (`{}`, an empty body, 204) means closed.
  },
  investments: {
    path: INVESTMENTS_PATH,
    params: { id: identifier, ticker: identifier, status: integer(1, 2), ...paging },
    required: [],
    stateChanging: false,
    read: readInvestmentsPage,
  },
  interestPayments: {
    path: INTEREST_PATH,
    params: { planId: identifier, ticker: identifier, ...paging },
    required: [],
    stateChanging: false,
    read: readInterestPaymentsPage,
  },
} as const satisfies Record<string, Endpoint>;

/**
 * The endpoint's parameters that are set, each read once and checked by its
 * rule (so a getter cannot send what was not checked); a name the endpoint
 * does not take is refused.
 *
 * @param endpoint The endpoint.
 * @param params What the caller passed.
 * @returns The parameters to send, in the endpoint's order.
 * @throws {TypeError} If `params` is not an object, has a name the endpoint
 *   does not take, misses a required parameter, or a parameter has the wrong type.
 * @throws {RangeError} If a parameter is out of range.
 */
export function checkParams(endpoint: Endpoint, params: unknown): Record<string, unknown> {
  if (!isRecord(params)) {
    throw new TypeError(mustBe("use the parameters", "they", "an object", params));
  }
  // A misspelled name (`withReinvestment`, WhiteBIT CLI's `planId`) is refused,
  // never dropped: the call would otherwise run without what was meant.
  const unknown = Object.keys(params).find((name) => !Object.hasOwn(endpoint.params, name));
  if (unknown !== undefined) {
    throw new TypeError(
      mustBe(
        "use the parameters",
        "each name",
        `one of ${Object.keys(endpoint.params).join(", ") || "none"}`,
        unknown,
      ),
    );
  }
  const checked: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(endpoint.params)) {
    const given = params[name];
    // An array is copied, so what is checked is what is sent.
    const value = Array.isArray(given) ? [...given] : given;
    if (value === undefined && !endpoint.required.includes(name)) continue;
    param.check(value, name);
    checked[name] = value;
  }
  return checked;
}

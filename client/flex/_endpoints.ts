/**
 * WhiteBIT's 8 flex-lending endpoints, as entries of the same kind as the
 * fixed ones in `../_endpoints.ts`: path, parameters with their rules and
 * JSON Schema, whether they can move funds, and the answer's reader. The
 * client, the server's routes and the OpenAPI document read it the same way.
 *
 * @example
 * ```ts
 * import { checkParams } from "../_endpoints.ts";
 * import { FLEX_ENDPOINTS } from "./_endpoints.ts";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * deepStrictEqual(checkParams(FLEX_ENDPOINTS.autoInvest, { plan: "p1", enabled: false }), {
 *   plan: "p1",
 *   enabled: false,
 * });
 * throws(() => checkParams(FLEX_ENDPOINTS.autoInvest, { plan: "p1" }), TypeError); // enabled is required
 * throws(() => checkParams(FLEX_ENDPOINTS.history, { actionTypes: [7] }), RangeError);
 * ```
 *
 * @module
 */

import { amount, type Endpoint, identifier, integer, paging, type Param } from "../_endpoints.ts";
import { mustBe } from "../_validate.ts";
import { FLEX_PATHS } from "./_paths.ts";
import {
  readFlexHistoryPage,
  readFlexInvestmentsPage,
  readFlexPlans,
  readFlexTransactionResult,
} from "./_parse.ts";
import { FLEX_ACTION_TYPE } from "./types.ts";

const boolean: Param = {
  check(value, name) {
    if (typeof value !== "boolean") {
      throw new TypeError(mustBe(`use "${name}"`, "it", "true or false", value));
    }
  },
  schema: { type: "boolean" },
};

/** Unix seconds up to 2^32 − 1 (year 2106): a millisecond time is refused. */
const seconds: Param = integer(0, 2 ** 32 - 1);

const ACTION_TYPES: number[] = Object.values(FLEX_ACTION_TYPE);

/** 1 to 6 known action types, each once. */
const actionTypes: Param = {
  check(value, name) {
    if (!Array.isArray(value)) {
      throw new TypeError(mustBe(`use "${name}"`, "it", "an array of action types", value));
    }
    if (
      !value.length || new Set(value).size < value.length ||
      !value.every((type) => ACTION_TYPES.includes(type))
    ) {
      throw new RangeError(
        mustBe(`use "${name}"`, "it", "1 to 6 different action types from 1 to 6", value),
      );
    }
  },
  schema: {
    type: "array",
    items: { type: "integer", enum: ACTION_TYPES },
    minItems: 1,
    uniqueItems: true,
  },
};

const filters = {
  plan: identifier,
  investment: identifier,
  transaction: identifier,
  dateFrom: seconds,
  dateTo: seconds,
};

/** The flex-lending endpoints, by the client's method names. */
export const FLEX_ENDPOINTS = {
  plans: {
    path: FLEX_PATHS.plans,
    params: { ticker: identifier, ...paging },
    required: [],
    stateChanging: false,
    read: readFlexPlans,
  },
  investments: {
    path: FLEX_PATHS.investments,
    params: {
      ticker: identifier,
      plan: identifier,
      investment: identifier,
      investmentStatus: integer(0, 1),
      ...paging,
    },
    required: [],
    stateChanging: false,
    read: readFlexInvestmentsPage,
  },
  history: {
    path: FLEX_PATHS.history,
    params: { ...filters, actionTypes, ...paging },
    required: [],
    stateChanging: false,
    read: readFlexHistoryPage,
  },
  payments: {
    path: FLEX_PATHS.payments,
    params: { ...filters, ...paging },
    required: [],
    stateChanging: false,
    read: readFlexHistoryPage,
  },
  invest: {
    path: FLEX_PATHS.invest,
    params: { plan: identifier, amount, withReinvest: boolean },
    required: ["plan", "amount"],
    stateChanging: true,
    read: readFlexTransactionResult,
  },
  withdraw: {
    path: FLEX_PATHS.withdraw,
    params: { plan: identifier, amount },
    required: ["plan", "amount"],
    stateChanging: true,
    read: readFlexTransactionResult,
  },
  close: {
    path: FLEX_PATHS.close,
    params: { plan: identifier },
    required: ["plan"],
    stateChanging: true,
    read: readFlexTransactionResult,
  },
  autoInvest: {
    path: FLEX_PATHS.autoInvest,
    params: { plan: identifier, enabled: boolean },
    required: ["plan", "enabled"],
    // It sets a flag, moving no funds; still sent at most once, with a truthful outcome.
    stateChanging: true,
    // WhiteBIT answers 200 `{"data":[]}`; any 2xx means set.
  },
} as const satisfies Record<string, Endpoint>;

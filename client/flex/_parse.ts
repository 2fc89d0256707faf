/**
 * Readers of WhiteBIT's flex-lending answers, in the schema style of the
 * fixed ones: documented fields' types checked, decimals kept as the strings
 * WhiteBIT sent, extra fields left out, and a `TypeError` naming the first
 * field that is not as documented.
 *
 * @example
 * ```ts
 * import { readFlexTransactionResult } from "./_parse.ts";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * deepStrictEqual(readFlexTransactionResult({ data: { transaction_id: "tx_1" } }), { transactionId: "tx_1" });
 * throws(() => readFlexTransactionResult({ transaction_id: "tx_1" }), TypeError);
 * ```
 *
 * @module
 */

import {
  arrayOf,
  codeOf,
  objectOf,
  readDecimal,
  type Reader,
  readInteger,
  readText,
  unexpected,
} from "../_parse.ts";
import {
  FLEX_ACTION_TYPE,
  FLEX_INVESTMENT_STATUS,
  type FlexInvestment,
  type FlexPage,
  type FlexPlan,
  type FlexTransaction,
  type FlexTransactionResult,
} from "./types.ts";

const readBoolean: Reader<boolean> = (value, at) => {
  if (typeof value !== "boolean") throw unexpected(at, "true or false", value);
  return value;
};

/** A reader of a whole answer. */
function answer<T>(read: Reader<T>): (value: unknown) => T {
  return (value) => read(value, "answer");
}

function pageOf<T>(readRecord: Reader<T>): (value: unknown) => FlexPage<T> {
  return answer(objectOf<FlexPage<T>>({
    data: arrayOf(readRecord),
    limit: readInteger,
    offset: readInteger,
  }));
}

/**
 * Reads the answer of Get Flex Plans: an array of plans.
 *
 * @example
 * ```ts
 * import { readFlexPlans } from "./_parse.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const plan = { id: "p", ticker: "BTC", minInvestment: "0.001", maxInvestment: "10.0", maxRate: "0.12" };
 * strictEqual(readFlexPlans([plan])[0].maxRate, "0.12");
 * ```
 */
export const readFlexPlans: (value: unknown) => FlexPlan[] = answer(arrayOf(objectOf<FlexPlan>({
  id: readText,
  ticker: readText,
  minInvestment: readDecimal,
  maxInvestment: readDecimal,
  maxRate: readDecimal,
})));

/**
 * Reads a page of flex positions.
 *
 * @example
 * ```ts
 * import { readFlexInvestmentsPage } from "./_parse.ts";
 * import { throws } from "node:assert/strict";
 *
 * throws(() => readFlexInvestmentsPage({ records: [], limit: 100, offset: 0 }), TypeError);
 * ```
 */
export const readFlexInvestmentsPage: (value: unknown) => FlexPage<FlexInvestment> = pageOf(
  objectOf<FlexInvestment>({
    id: readText,
    planId: readText,
    currency: readText,
    invested: readDecimal,
    withAutoReinvest: readBoolean,
    status: codeOf(FLEX_INVESTMENT_STATUS),
    createdAt: readInteger,
    updatedAt: readInteger,
  }),
);

/**
 * Reads a page of the flex history or payment history.
 *
 * @example
 * ```ts
 * import { readFlexHistoryPage } from "./_parse.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(readFlexHistoryPage({ data: [], limit: 50, offset: 0 }).limit, 50);
 * ```
 */
export const readFlexHistoryPage: (value: unknown) => FlexPage<FlexTransaction> = pageOf(
  objectOf<FlexTransaction>({
    createdAt: readInteger,
    planId: readText,
    investmentId: readText,
    currency: readText,
    amount: readDecimal,
    transaction_id: readText,
    actionType: codeOf(FLEX_ACTION_TYPE),
  }),
);

const readData = objectOf<{ data: { transaction_id: string } }>({
  data: objectOf({ transaction_id: readText }),
});

/**
 * Reads the answer of invest, withdraw and close: `{ data: { transaction_id } }`.
 *
 * @example
 * ```ts
 * import { readFlexTransactionResult } from "./_parse.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(readFlexTransactionResult({ data: { transaction_id: "tx_9" } }).transactionId, "tx_9");
 * ```
 */
export function readFlexTransactionResult(value: unknown): FlexTransactionResult {
  return { transactionId: readData(value, "answer").data.transaction_id };
}

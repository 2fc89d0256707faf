/**
 * WhiteBIT's words for flex refusals: the 422 of each refusal of the flex
 * books, with the code, field and message WhiteBIT documents for it, and
 * the validator's messages of the flex endpoints that differ from the
 * fixed ones'.
 *
 * @example
 * ```ts
 * import { flexRefused } from "./_flex_answers.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(flexRefused({ refused: "plan_paused" }, "10"), {
 *   status: 422,
 *   body: { code: 0, message: "Inner validation failed", errors: { plan: ["Plan is paused"] } },
 * });
 * ```
 *
 * @module
 */

import type { FlexRejectionReason } from "../client/flex/errors.ts";
import type { Answer } from "./_answers.ts";

type Refusal = Exclude<FlexRejectionReason, "unknown">;

/** Each refusal: WhiteBIT's code, the field it names and its message. */
const REFUSALS: Record<
  Refusal,
  [code: number, field: string, message: (available: string, amount: string) => string]
> = {
  plan_unavailable: [0, "plan", () => "Plan is unavailable"],
  plan_paused: [0, "plan", () => "Plan is paused"],
  private_plan: [0, "plan", () => "Private plan not available for this user"],
  amount_too_small: [0, "amount", () => "Amount is too small"],
  limit_exceeded: [0, "amount", () => "Investment limit is exceeded"],
  amount_below_minimum: [2, "amount", () => "Amount is less than min investment"],
  amount_above_maximum: [3, "amount", () => "Amount is more than max investment"],
  insufficient_balance: [4, "amount", (available, amount) => `Available ${available} < ${amount}`],
  investment_not_found: [0, "amount", () => "Investment does not exist"],
  investment_closed: [0, "investment", () => "Cannot withdraw from closed investment"],
  withdraw_too_small: [0, "amount", () => "Withdraw amount is too small"],
  withdraw_exceeds_invested: [0, "amount", () => "Withdraw amount exceeds total invested"],
  amount_left_below_minimum: [0, "minAmountLeft", () => "Amount left < min investment"],
  withdraw_below_minimum: [0, "amount", () => "Cannot withdraw amount < min possible"],
  no_investment: [0, "plan", () => "No existing investments for this plan"],
};

/**
 * WhiteBIT's 422 for a flex order the books refused.
 *
 * @param refusal Why, and the balance seen (for "Available 9 < 10").
 * @param amount The amount asked for, if any.
 * @returns The answer.
 */
export function flexRefused(
  refusal: { refused: FlexRejectionReason; available?: string },
  amount = "",
): Answer {
  const [code, field, message] = REFUSALS[refusal.refused as Refusal];
  return {
    status: 422,
    body: {
      code,
      message: "Inner validation failed",
      errors: { [field]: [message(refusal.available ?? "0", amount)] },
    },
  };
}

/** The flex validator's messages that are not Laravel's usual ones (`MESSAGES`). */
export const FLEX_MESSAGES = {
  /** The flex endpoints say "may not", the fixed ones "must not". */
  atMost: (field: string, max: number): string => `The ${field} may not be greater than ${max}.`,
  boolean: (field: string): string => `The ${field} field must be true or false.`,
  array: (field: string): string => `The ${field} must be an array.`,
  actionType: "The selected action type is invalid.",
} as const;

/**
 * WhiteBIT's refusals of a flex call (HTTP 422): {@linkcode FlexRejectedError}
 * with a typed `reason`. WhiteBIT gives nearly every flex refusal the code 0,
 * so the reason comes from the field and WhiteBIT's documented message (or,
 * for an invest, the documented codes 2, 3 and 4), and is `"unknown"` for
 * anything else: never guessed.
 *
 * @example
 * ```ts
 * import { FlexRejectedError } from "@lending/whitebit/flex";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new FlexRejectedError("Inner validation failed", {
 *   status: 422,
 *   code: 0,
 *   fieldErrors: { plan: ["Plan is paused"] },
 *   outcome: "not_executed",
 *   requestPath: "/api/v4/main-account/smart-flex/investments/invest",
 * });
 * strictEqual(error.reason, "plan_paused");
 * ```
 *
 * @module
 */

import { WhiteBitError, type WhiteBitErrorOptions } from "../errors.ts";
import { FLEX_PATHS } from "./_paths.ts";

/**
 * Why WhiteBIT refused a flex invest, withdraw, close or auto-invest.
 *
 * - invest: `plan_unavailable`, `plan_paused`, `private_plan`,
 *   `amount_too_small` (zero or negative), `limit_exceeded` (the cumulative
 *   cap), `amount_below_minimum` (code 2), `amount_above_maximum` (code 3),
 *   `insufficient_balance` (code 4);
 * - withdraw: `investment_not_found`, `investment_closed`,
 *   `withdraw_too_small`, `withdraw_exceeds_invested`,
 *   `amount_left_below_minimum` (what stays would be below the plan's
 *   minimum), `withdraw_below_minimum` (below the smallest withdrawal);
 * - close: `investment_not_found`, `investment_closed`;
 * - auto-invest: `no_investment` (no position in the plan);
 * - `unknown`: any other answer, such as a changed message text.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { FlexRejectedError, type FlexRejectionReason } from "@lending/whitebit/flex";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const [plan] = await client.flex.plans({ ticker: "USDT" });
 * let reason: FlexRejectionReason | undefined;
 * try {
 *   await client.flex.close({ plan: plan.id }); // nothing invested in it yet
 * } catch (error) {
 *   if (error instanceof FlexRejectedError) reason = error.reason;
 * }
 * strictEqual(reason, "investment_not_found");
 * ```
 */
export type FlexRejectionReason =
  | "plan_unavailable"
  | "plan_paused"
  | "private_plan"
  | "amount_too_small"
  | "limit_exceeded"
  | "amount_below_minimum"
  | "amount_above_maximum"
  | "insufficient_balance"
  | "investment_not_found"
  | "investment_closed"
  | "withdraw_too_small"
  | "withdraw_exceeds_invested"
  | "amount_left_below_minimum"
  | "withdraw_below_minimum"
  | "no_investment"
  | "unknown";

type Reasons = Record<string, FlexRejectionReason>;

/** Close's documented refusals, which withdraw shares: `field: message` as WhiteBIT writes them. */
const CLOSE: Reasons = {
  "amount: Investment does not exist": "investment_not_found",
  "investment: Cannot withdraw from closed investment": "investment_closed",
};

/** Each call's documented 422s: by `code`, or with code 0 by `field: message`. */
const REASONS: Record<string, Reasons> = {
  [FLEX_PATHS.invest]: {
    2: "amount_below_minimum",
    3: "amount_above_maximum",
    4: "insufficient_balance",
    "plan: Plan is unavailable": "plan_unavailable",
    "plan: Plan is paused": "plan_paused",
    "plan: Private plan not available for this user": "private_plan",
    "amount: Amount is too small": "amount_too_small",
    "amount: Investment limit is exceeded": "limit_exceeded",
  },
  [FLEX_PATHS.withdraw]: {
    ...CLOSE,
    "amount: Withdraw amount is too small": "withdraw_too_small",
    "amount: Withdraw amount exceeds total invested": "withdraw_exceeds_invested",
    "minAmountLeft: Amount left < min investment": "amount_left_below_minimum",
    "amount: Cannot withdraw amount < min possible": "withdraw_below_minimum",
  },
  [FLEX_PATHS.close]: CLOSE,
  [FLEX_PATHS.autoInvest]: { "plan: No existing investments for this plan": "no_investment" },
};

/**
 * 422 to a flex invest, withdraw, close or auto-invest: WhiteBIT refused it
 * after validating it, and nothing was executed. `reason` is set only when
 * the answer is exactly one WhiteBIT documents for that call: a code 0 whose
 * every field message is documented and names the same cause, or an
 * invest's code 2, 3 or 4; otherwise `"unknown"`.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { FlexRejectedError } from "@lending/whitebit/flex";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const [plan] = await client.flex.plans({ ticker: "USDT" });
 * await client.flex.invest({ plan: plan.id, amount: "100" });
 * const error = await client.flex.withdraw({ plan: plan.id, amount: "101" }).catch((error) => error);
 * strictEqual(error instanceof FlexRejectedError, true);
 * strictEqual(error.reason, "withdraw_exceeds_invested");
 * strictEqual(error.outcome, "not_executed");
 * ```
 */
export class FlexRejectedError extends WhiteBitError {
  /** Always `"FlexRejectedError"`. */
  override readonly name: "FlexRejectedError" = "FlexRejectedError";
  /** Why, from WhiteBIT's documented answers; `"unknown"` for any other. */
  readonly reason: FlexRejectionReason;

  /**
   * Creates a rejection; its `reason` comes from `requestPath`, `code` and `fieldErrors`.
   *
   * @param message What went wrong.
   * @param options The details.
   */
  constructor(message: string, options: WhiteBitErrorOptions) {
    super(message, options);
    const reasons = REASONS[options.requestPath] ?? {};
    const found = options.code === 0
      ? Object.entries(options.fieldErrors ?? {}).flatMap(([field, messages]) =>
        messages.map((text) => reasons[`${field}: ${text}`])
      )
      : [reasons[options.code!]];
    this.reason = (found.every((reason) => reason === found[0]) && found[0]) || "unknown";
  }
}

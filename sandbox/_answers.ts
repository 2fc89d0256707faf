/**
 * What WhiteBIT answers when it refuses, word for word: the status and body
 * of every documented error, the messages of its request validator, and the
 * rate limiter's HTML page. The checks that choose an answer live elsewhere
 * (`_auth.ts`, `_routes.ts`); this file only says it as WhiteBIT does.
 *
 * @example
 * ```ts
 * import { ANSWERS, MESSAGES, validationFailed } from "./_answers.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(ANSWERS.unauthorized, {
 *   status: 401,
 *   body: { code: 10, message: "Unauthorized request." },
 * });
 * deepStrictEqual(validationFailed({ planId: [MESSAGES.invalid("planId")] }), {
 *   status: 400,
 *   body: {
 *     code: 0,
 *     message: "Validation failed",
 *     errors: { planId: ["The selected planId is invalid."] },
 *   },
 * });
 * ```
 *
 * @module
 */

import type { FixedPlan } from "../client/types.ts";
import type { InvestRefusal } from "./_ledger.ts";
import type { SandboxPlanState } from "./types.ts";

/** An answer of WhiteBIT's: an HTTP status and a JSON body. */
export interface Answer {
  /** The HTTP status. */
  readonly status: 400 | 401 | 403 | 422 | 429;
  /** The JSON body, its keys in WhiteBIT's order. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** Field errors of a refused request: each field's messages. */
export type FieldErrors = Record<string, string[]>;

/**
 * WhiteBIT's answers that never vary, by what they refuse: a bad key or
 * signature, a body other than the signed payload, a nonce used before or
 * out of the window, a disabled key, an account without lending access (the
 * B2B gate), and closing a closed investment.
 *
 * @example
 * ```ts
 * import { ANSWERS } from "./_answers.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(ANSWERS.nonceReused.status, 429); // a nonce error dressed as a rate limit
 * ```
 */
export const ANSWERS = {
  unauthorized: { status: 401, body: { code: 10, message: "Unauthorized request." } },
  invalidPayload: { status: 400, body: { code: 9, message: "Invalid payload." } },
  nonceReused: { status: 429, body: { code: 0, errors: {}, message: "Too many requests." } },
  nonceWindow: {
    status: 400,
    body: { code: 0, message: "Your nonce is more than 5 seconds lesser than the current nonce." },
  },
  keyDisabled: {
    status: 403,
    body: { code: 2, message: "This action is unauthorized. Enable your key in API settings" },
  },
  noLendingAccess: {
    status: 403,
    body: {
      code: 0,
      errors: {},
      message:
        "You don't have permission to use this endpoint. Please contact support for more details",
    },
  },
  alreadyClosed: {
    status: 422,
    body: {
      code: 0,
      message: "Inner validation failed",
      errors: { error: ["Investment is already closed"] },
    },
  },
} as const satisfies Record<string, Answer>;

/**
 * The messages of WhiteBIT's request validator (Laravel's wording, with
 * WhiteBIT's own for amounts and investments).
 *
 * @example
 * ```ts
 * import { MESSAGES } from "./_answers.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(MESSAGES.required("plan id"), "The plan id field is required.");
 * strictEqual(MESSAGES.atMost("limit", 100), "The limit must not be greater than 100.");
 * ```
 */
export const MESSAGES = {
  required: (field: string): string => `The ${field} field is required.`,
  invalid: (field: string): string => `The selected ${field} is invalid.`,
  integer: (field: string): string => `The ${field} must be an integer.`,
  string: (field: string): string => `The ${field} must be a string.`,
  atLeast: (field: string, min: number | string): string => `The ${field} must be at least ${min}.`,
  atMost: (field: string, max: number): string => `The ${field} must not be greater than ${max}.`,
  notANumber: "The amount field must be a valid number",
  notADecimal: "Invalid decimal amount",
  moreThanLeft:
    "The amount you are trying to invest is bigger than the amount left in this SMART plan. Please try investing a smaller amount.",
  investmentNotFound: "Investment not found",
} as const;

/**
 * WhiteBIT's 400 for a request its validator refuses.
 *
 * @example
 * ```ts
 * import { validationFailed } from "./_answers.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(validationFailed({ id: ["Investment not found"] }).body.message, "Validation failed");
 * ```
 *
 * @param errors Each refused field's messages.
 * @returns The answer.
 */
export function validationFailed(errors: FieldErrors): Answer {
  return { status: 400, body: { code: 0, message: "Validation failed", errors } };
}

/** Each refusal of an investment: WhiteBIT's 422 code and its message. */
const INVEST_REFUSALS = {
  exists: { code: 1, message: () => "The investment in this investment plan already exists" },
  below_minimum: { code: 2, message: () => "Amount is less than min investment" },
  above_maximum: { code: 3, message: () => "Amount is more than max investment" },
  insufficient_balance: {
    code: 4,
    message: (available, amount) => `Available ${available} < ${amount}`,
  },
  interest_capacity: { code: 5, message: () => "Not enough money to pay interest" },
} as const satisfies Record<
  InvestRefusal,
  { code: number; message: (available: string, amount: string) => string }
>;

/**
 * WhiteBIT's 422 for an investment the ledger refused.
 *
 * @example
 * ```ts
 * import { investRefused } from "./_answers.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(investRefused("insufficient_balance", { available: "9", amount: "10" }), {
 *   status: 422,
 *   body: { code: 4, message: "Inner validation failed", errors: { amount: ["Available 9 < 10"] } },
 * });
 * ```
 *
 * @param refusal Why the ledger refused.
 * @param seen The balance the ledger saw and the amount asked for.
 * @returns The answer.
 */
export function investRefused(
  refusal: InvestRefusal,
  seen: { available: string; amount: string },
): Answer {
  const { code, message } = INVEST_REFUSALS[refusal];
  return {
    status: 422,
    body: {
      code,
      message: "Inner validation failed",
      errors: { amount: [message(seen.available, seen.amount)] },
    },
  };
}

/** Why a plan in one of these states takes no investment. */
const UNAVAILABLE_STATUS: Partial<Record<FixedPlan["status"], string>> = {
  2: "There are no coins left in the plan",
  3: "Plan is inactive",
  4: "Plan is paused",
};

/**
 * WhiteBIT's message for a plan that takes no investment through the API,
 * if it takes none.
 *
 * @example
 * ```ts
 * import { planUnavailable } from "./_answers.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const plan = {
 *   id: "p1", ticker: "USDT", status: 4, percent: "1", duration: 60, interestTicker: "USDT",
 *   interestRatio: "1", minInvestment: "1", maxInvestment: "10", maxPossibleInvestment: "10",
 *   interestCapacity: null, specialOffer: false, disabled: false,
 * } as const;
 * strictEqual(planUnavailable(plan), "Plan is paused");
 * strictEqual(planUnavailable({ ...plan, status: 1 }), undefined);
 * ```
 *
 * @param plan The plan as it is now.
 * @returns The message for the `planId` field, or `undefined` if the plan is open.
 */
export function planUnavailable(plan: Readonly<SandboxPlanState>): string | undefined {
  if (plan.disabled) return "Plan is disabled";
  if (plan.specialOffer) return "Special offers are not available via API";
  return UNAVAILABLE_STATUS[plan.status];
}

/** The page WhiteBIT's gateway (nginx) answers when a key is over its rate. */
const RATE_LIMIT_PAGE =
  "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>";

/**
 * The gateway's answer to a request over the rate limit: 429 with an HTML
 * page, not JSON (a JSON 429 is a nonce error).
 *
 * @example
 * ```ts
 * import { rateLimitPage } from "./_answers.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const response = rateLimitPage();
 * strictEqual(response.status, 429);
 * strictEqual(response.headers.get("content-type"), "text/html");
 * ```
 *
 * @returns A new response.
 */
export function rateLimitPage(): Response {
  return new Response(RATE_LIMIT_PAGE, { status: 429, headers: { "content-type": "text/html" } });
}

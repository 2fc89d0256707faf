/**
 * The pre-flight check of an investment: one read of the plans, and exact
 * decimal comparisons against the plan's status and limits. What WhiteBIT
 * would refuse becomes a {@linkcode PreflightError} before the investment
 * is sent.
 *
 * @example
 * ```ts
 * import { preflight } from "./_preflight.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = await preflight(() => Promise.resolve([]), { planId: "p1", amount: "100" });
 * strictEqual(error?.reason, "plan_not_offered");
 * ```
 *
 * @module
 */

import { compareDecimal } from "./_decimal.ts";
import { INVEST_PATH } from "./_paths.ts";
import { PreflightError, type PreflightRejectionReason, WhiteBitError } from "./errors.ts";
import { type FixedPlan, type InvestParams, PLAN_STATUS } from "./types.ts";

type Refusal = [PreflightRejectionReason, string];

/**
 * The refusal of an investment the plan would not take, or `undefined` if
 * it would. Errors of the lookup that say it was refused (a 4xx) are thrown
 * as they are; one without a clear answer is a refusal too, as nothing was
 * invested either way.
 */
export async function preflight(
  readPlans: () => Promise<FixedPlan[]>,
  params: InvestParams,
): Promise<PreflightError | undefined> {
  let plans: FixedPlan[] | undefined;
  let cause: unknown;
  try {
    plans = await readPlans();
  } catch (error) {
    const refused = error instanceof WhiteBitError && error.status !== undefined &&
      error.status >= 400 && error.status < 500;
    if (!(error instanceof WhiteBitError) || refused) throw error;
    cause = error;
  }
  const plan = plans?.find((candidate) => candidate.id === params.planId);
  const refusal: Refusal | undefined = plans
    ? refusalOf(plan, params.amount)
    : ["plan_lookup_failed", "the plan lookup got no clear answer"];
  if (!refusal) return undefined;
  return new PreflightError(
    `Cannot invest ${params.amount} in plan ${params.planId}: ${refusal[1]}. Nothing was sent.`,
    {
      requestPath: INVEST_PATH,
      params: { ...params },
      outcome: "not_executed",
      reason: refusal[0],
      plan,
      cause,
    },
  );
}

/** Why `plan` (as listed, if it is) would refuse `amount`, if it would. */
function refusalOf(plan: FixedPlan | undefined, amount: string): Refusal | undefined {
  if (!plan) return ["plan_not_offered", "it is not offered to this account"];
  if (plan.status !== PLAN_STATUS.Active) {
    return ["plan_not_active", `its status is ${plan.status}, not 1 (active)`];
  }
  if (compareDecimal(amount, plan.minInvestment) < 0) {
    return ["amount_below_minimum", `the minimum is ${plan.minInvestment}`];
  }
  if (compareDecimal(amount, plan.maxInvestment) > 0) {
    return ["amount_above_maximum", `the maximum is ${plan.maxInvestment}`];
  }
  if (compareDecimal(amount, plan.maxPossibleInvestment) > 0) {
    return ["amount_above_available", `only ${plan.maxPossibleInvestment} is left in it`];
  }
}

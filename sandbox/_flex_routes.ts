/**
 * The sandbox's 8 flex endpoints: each reads its parameters as WhiteBIT's
 * validator does (every field's errors at once, 400, in the documented
 * words), puts them to the flex books (`_flex_ledger.ts`) and answers as
 * WhiteBIT documents (`{ data, limit, offset }` pages, 201
 * `{ data: { transaction_id } }`, 200 `{ data: [] }`, a 422 per refusal).
 *
 * Fields the spec does not document are ignored, as WhiteBIT's validator
 * (Laravel's) ignores them: WhiteBIT's own CLI's `planId` and numeric `id`
 * therefore leave `plan` missing, which is a 400 "The plan field is
 * required." on the calls that need it, and no filter at all on the lists.
 * An `enabled` left out of auto-invest is `false`, WhiteBIT's default.
 *
 * @example
 * ```ts
 * import { FLEX_ROUTES } from "./_flex_routes.ts";
 * import { FlexLedger } from "./_flex_ledger.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const flex = new FlexLedger({
 *   plans: [],
 *   wallet: { balance: () => "0", set: () => {}, precision: () => 6 },
 *   now: Date.now,
 *   newId: () => crypto.randomUUID(),
 * });
 * const invest = FLEX_ROUTES["/api/v4/main-account/smart-flex/investments/invest"];
 * const reply = invest({ apiKey: "key", nonce: 1, params: { planId: "8f2e9d3c", amount: "10" } }, flex);
 * strictEqual(reply.status, 400); // `plan` is missing: `planId` is not WhiteBIT's field
 * ```
 *
 * @module
 */

import { isDecimal } from "../client/_decimal.ts";
import { FLEX_PATHS } from "../client/flex/_paths.ts";
import type { FlexInvestment, FlexPlan, FlexTransaction } from "../client/flex/types.ts";
import { type Answer, type FieldErrors, MESSAGES, validationFailed } from "./_answers.ts";
import type { Authenticated } from "./_auth.ts";
import { FLEX_MESSAGES, flexRefused } from "./_flex_answers.ts";
import type { FlexLedger, SandboxFlexInvestment, SandboxFlexTransaction } from "./_flex_ledger.ts";
import { given, INTEGER, isAbsent, NUMERIC } from "./_validator.ts";

/** What a flex endpoint answers: a refusal of WhiteBIT's, or a success and its JSON. */
export type FlexReply = Answer | { status: 200 | 201; body: object };

/** A flex endpoint: reads a request that passed WhiteBIT's checks, and answers. */
export type FlexEndpoint = (request: Authenticated, flex: FlexLedger) => FlexReply;

const ACTION_TYPES = [1, 2, 3, 4, 5, 6];

/** An integer field as WhiteBIT's validator reads it (a number or digits), or `undefined`. */
function integerOf(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : value;
  return typeof text === "string" && INTEGER.test(text) ? Number(text) : undefined;
}

/**
 * Reads an optional id filter (`plan`, `investment`, `transaction`): absent,
 * or a string `known` accepts; "The selected … is invalid." otherwise.
 */
function checkId(
  params: Record<string, unknown>,
  field: string,
  label: string,
  known: (id: string) => boolean,
  errors: FieldErrors,
): void {
  const value = params[field];
  if (!isAbsent(value) && !(typeof value === "string" && known(value))) {
    errors[field] = [MESSAGES.invalid(label)];
  }
}

/** Reads `limit` (1–100, `fallback` if absent) and `offset` (0 or more) in the flex words. */
function readPaging(
  params: Record<string, unknown>,
  fallback: number,
  errors: FieldErrors,
): { limit: number; offset: number } {
  const limit = isAbsent(params.limit) ? fallback : integerOf(params.limit);
  if (limit === undefined) errors.limit = [MESSAGES.integer("limit")];
  else if (limit < 1) errors.limit = [MESSAGES.atLeast("limit", 1)];
  else if (limit > 100) errors.limit = [FLEX_MESSAGES.atMost("limit", 100)];
  const offset = isAbsent(params.offset) ? 0 : integerOf(params.offset);
  if (offset === undefined) errors.offset = [MESSAGES.integer("offset")];
  else if (offset < 0) errors.offset = [MESSAGES.atLeast("offset", 0)];
  return { limit: limit ?? 0, offset: offset ?? 0 };
}

function page<T>(
  records: readonly T[],
  { limit, offset }: { limit: number; offset: number },
): { data: T[]; limit: number; offset: number } {
  return { data: records.slice(offset, offset + limit), limit, offset };
}

/** `plan` and `investment`, as filters: each must name one that exists (the account's, for a position). */
function checkPosition(
  { apiKey, params }: Pick<Authenticated, "apiKey" | "params">,
  flex: FlexLedger,
  errors: FieldErrors,
): void {
  checkId(params, "plan", "plan", (id) => flex.plan(id) !== undefined, errors);
  checkId(
    params,
    "investment",
    "investment",
    (id) => flex.investments(apiKey, { investment: id }).length > 0,
    errors,
  );
}

/** The history filters both history endpoints take, checked into `errors`. */
function readHistoryFilter(
  { apiKey, params }: Authenticated,
  flex: FlexLedger,
  errors: FieldErrors,
) {
  checkPosition({ apiKey, params }, flex, errors);
  checkId(
    params,
    "transaction",
    "transaction",
    (id) => flex.history(apiKey, { transaction: id }).length > 0,
    errors,
  );
  const date = (field: "dateFrom" | "dateTo", label: string) => {
    if (isAbsent(params[field])) return undefined;
    const value = integerOf(params[field]);
    if (value === undefined || value < 0) {
      errors[field] = [MESSAGES.invalid(label).replace("selected ", "")];
    }
    return value;
  };
  return {
    plan: given(params.plan),
    investment: given(params.investment),
    transaction: given(params.transaction),
    dateFrom: date("dateFrom", "date from"),
    dateTo: date("dateTo", "date to"),
  };
}

/**
 * The plan of a call that moves a position: required, a string naming a
 * plan the sandbox has ("The selected plan is invalid." for another).
 */
function readPlan(params: Record<string, unknown>, flex: FlexLedger, errors: FieldErrors): string {
  const { plan } = params;
  if (isAbsent(plan)) errors.plan = [MESSAGES.required("plan")];
  else if (typeof plan !== "string" || !flex.plan(plan)) errors.plan = [MESSAGES.invalid("plan")];
  return String(plan);
}

/** A required amount, a valid number; its sign and size are the books' to judge (422). */
function readAmount(params: Record<string, unknown>, errors: FieldErrors): string {
  const raw = typeof params.amount === "number" ? String(params.amount) : params.amount;
  if (isAbsent(raw)) errors.amount = [MESSAGES.required("amount")];
  else if (
    typeof raw !== "string" || !NUMERIC.test(raw) || !isDecimal(raw.trim().replace(/^\+/, ""))
  ) {
    errors.amount = [MESSAGES.notANumber];
  }
  return typeof raw === "string" ? raw.trim().replace(/^\+/, "") : "";
}

/** An optional boolean: JSON `true` or `false` only. */
function readBoolean(
  params: Record<string, unknown>,
  field: string,
  label: string,
  errors: FieldErrors,
): boolean | undefined {
  const value = params[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") errors[field] = [FLEX_MESSAGES.boolean(label)];
  return value === true;
}

const plans: FlexEndpoint = ({ apiKey, params }, flex) => {
  const errors: FieldErrors = {};
  const listed = flex.plans(apiKey);
  if (!isAbsent(params.ticker) && !listed.some((plan) => plan.ticker === params.ticker)) {
    errors.ticker = [MESSAGES.invalid("ticker")];
  }
  const paging = readPaging(params, 100, errors);
  if (Object.keys(errors).length) return validationFailed(errors);
  const shown: FlexPlan[] = listed
    .filter((plan) => isAbsent(params.ticker) || plan.ticker === params.ticker)
    .map(({ id, ticker, minInvestment, maxInvestment, maxRate }) => ({
      id,
      ticker,
      minInvestment,
      maxInvestment,
      maxRate,
    }));
  return { status: 200, body: shown.slice(paging.offset, paging.offset + paging.limit) };
};

const investments: FlexEndpoint = ({ apiKey, params }, flex) => {
  const errors: FieldErrors = {};
  if (!isAbsent(params.ticker) && typeof params.ticker !== "string") {
    errors.ticker = [MESSAGES.invalid("ticker")];
  }
  checkPosition({ apiKey, params }, flex, errors);
  const status = isAbsent(params.investmentStatus) ? undefined : integerOf(params.investmentStatus);
  if (!isAbsent(params.investmentStatus) && (status === undefined || status < 0 || status > 1)) {
    errors.investmentStatus = [MESSAGES.invalid("investment status")];
  }
  const paging = readPaging(params, 100, errors);
  if (Object.keys(errors).length) return validationFailed(errors);
  const found = flex.investments(apiKey, {
    ticker: given(params.ticker),
    plan: given(params.plan),
    investment: given(params.investment),
    investmentStatus: status,
  });
  return { status: 200, body: page(found.map(publicInvestment), paging) };
};

const history: FlexEndpoint = (request, flex) => {
  const errors: FieldErrors = {};
  const filter = readHistoryFilter(request, flex, errors);
  const { actionTypes } = request.params;
  let types: number[] | undefined;
  if (!isAbsent(actionTypes)) {
    if (!Array.isArray(actionTypes)) {
      errors.actionTypes = [FLEX_MESSAGES.array("action types")];
    } else {
      types = actionTypes.map(integerOf) as number[];
      types.forEach((type, index) => {
        if (!ACTION_TYPES.includes(type)) {
          errors[`actionTypes.${index}`] = [FLEX_MESSAGES.actionType];
        }
      });
    }
  }
  const paging = readPaging(request.params, 50, errors);
  if (Object.keys(errors).length) return validationFailed(errors);
  const rows = flex.history(request.apiKey, { ...filter, actionTypes: types });
  return { status: 200, body: page(rows.map(publicTransaction), paging) };
};

const payments: FlexEndpoint = (request, flex) => {
  const errors: FieldErrors = {};
  const filter = readHistoryFilter(request, flex, errors);
  const paging = readPaging(request.params, 50, errors);
  if (Object.keys(errors).length) return validationFailed(errors);
  const rows = flex.history(request.apiKey, { ...filter, actionTypes: [4] });
  return { status: 200, body: page(rows.map(publicTransaction), paging) };
};

/** A call that moves money: validated, put to the books, answered 201 with the transaction. */
function move(
  read: (params: Record<string, unknown>, flex: FlexLedger, errors: FieldErrors) => {
    order: (apiKey: string) => ReturnType<FlexLedger["invest"]>;
    amount?: string;
  },
): FlexEndpoint {
  return ({ apiKey, params }, flex) => {
    const errors: FieldErrors = {};
    const { order, amount } = read(params, flex, errors);
    if (Object.keys(errors).length) return validationFailed(errors);
    const outcome = order(apiKey);
    if ("refused" in outcome) return flexRefused(outcome, amount);
    return { status: 201, body: { data: { transaction_id: outcome.transaction.transaction_id } } };
  };
}

const invest = move((params, flex, errors) => {
  const plan = readPlan(params, flex, errors);
  const amount = readAmount(params, errors);
  const withReinvest = readBoolean(params, "withReinvest", "with reinvest", errors);
  return { amount, order: (apiKey) => flex.invest({ apiKey, plan, amount, withReinvest }) };
});

const withdraw = move((params, flex, errors) => {
  const plan = readPlan(params, flex, errors);
  const amount = readAmount(params, errors);
  return { amount, order: (apiKey) => flex.withdraw({ apiKey, plan, amount }) };
});

const close = move((params, flex, errors) => {
  const plan = readPlan(params, flex, errors);
  return { order: (apiKey) => flex.close({ apiKey, plan }) };
});

const autoInvest: FlexEndpoint = ({ apiKey, params }, flex) => {
  const errors: FieldErrors = {};
  const plan = readPlan(params, flex, errors);
  // Left out, `enabled` is false: WhiteBIT's default switches reinvesting off.
  const enabled = readBoolean(params, "enabled", "enabled", errors) ?? false;
  if (Object.keys(errors).length) return validationFailed(errors);
  const outcome = flex.autoInvest({ apiKey, plan, enabled });
  if (outcome !== "set") return flexRefused(outcome);
  return { status: 200, body: { data: [] } };
};

/** Each flex endpoint by its path. */
export const FLEX_ROUTES: Readonly<Record<string, FlexEndpoint>> = {
  [FLEX_PATHS.plans]: plans,
  [FLEX_PATHS.investments]: investments,
  [FLEX_PATHS.history]: history,
  [FLEX_PATHS.payments]: payments,
  [FLEX_PATHS.invest]: invest,
  [FLEX_PATHS.withdraw]: withdraw,
  [FLEX_PATHS.close]: close,
  [FLEX_PATHS.autoInvest]: autoInvest,
};

function publicInvestment({ apiKey: _, ...position }: SandboxFlexInvestment): FlexInvestment {
  return position;
}

function publicTransaction({ apiKey: _, ...row }: SandboxFlexTransaction): FlexTransaction {
  return row;
}

/**
 * The sandbox's HTTP face: WhiteBIT's public time and its five fixed-lending
 * endpoints. Each private request passes WhiteBIT's checks (`_auth.ts`),
 * the ledger is settled to the clock, and the endpoint reads its parameters
 * as WhiteBIT's validator does, puts them to the ledger (`_ledger.ts`) and
 * answers in WhiteBIT's words (`_answers.ts`).
 *
 * @example
 * ```ts
 * import { Authenticator } from "./_auth.ts";
 * import { Ledger } from "./_ledger.ts";
 * import { createRoutes } from "./_routes.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const accounts = [{ apiKey: "key", apiSecret: "secret" }];
 * const now = () => 1_700_000_000_000;
 * const routes = createRoutes({
 *   ledger: new Ledger({ accounts, plans: [], now, newId: () => crypto.randomUUID() }),
 *   auth: new Authenticator({ accounts, now }),
 *   now,
 * });
 * const time = await routes(new Request("https://whitebit.com/api/v4/public/time"));
 * deepStrictEqual(await time.json(), { time: 1_700_000_000 });
 * const unsigned = await routes(
 *   new Request("https://whitebit.com/api/v4/main-account/smart/plans", { method: "POST" }),
 * );
 * strictEqual(unsigned.status, 401);
 * ```
 *
 * @module
 */

import { Hono } from "hono";
import { compareDecimal, isDecimal } from "../client/_decimal.ts";
import {
  CLOSE_PATH,
  INTEREST_PATH,
  INVEST_PATH,
  INVESTMENTS_PATH,
  MAX_LIMIT,
  MAX_OFFSET,
  PLANS_PATH,
  PRIVATE_PREFIX,
  TIME_PATH,
} from "../client/_paths.ts";
import type { FixedPlan, Investment } from "../client/types.ts";
import {
  type Answer,
  ANSWERS,
  type FieldErrors,
  investRefused,
  MESSAGES,
  planUnavailable,
  validationFailed,
} from "./_answers.ts";
import type { Authenticated, Authenticator } from "./_auth.ts";
import type { CloseResult, Ledger } from "./_ledger.ts";
import type { FlexLedger } from "./_flex_ledger.ts";
import { FLEX_ROUTES } from "./_flex_routes.ts";
import { given, INTEGER, isAbsent, NUMERIC } from "./_validator.ts";
import type { SandboxInvestment, SandboxPlanState } from "./types.ts";

const MIN_AMOUNT = "0.000001";

/**
 * Options of {@linkcode createRoutes}.
 *
 * @example
 * ```ts
 * import { Authenticator } from "./_auth.ts";
 * import { Ledger } from "./_ledger.ts";
 * import { createRoutes, type RoutesOptions } from "./_routes.ts";
 *
 * const accounts = [{ apiKey: "key", apiSecret: "secret" }];
 * const options: RoutesOptions = {
 *   ledger: new Ledger({ accounts, plans: [], now: Date.now, newId: () => crypto.randomUUID() }),
 *   auth: new Authenticator({ accounts, now: Date.now }),
 *   now: Date.now,
 * };
 * createRoutes(options);
 * ```
 */
export interface RoutesOptions {
  /** The books the endpoints read and move. */
  ledger: Ledger;
  /** WhiteBIT's checks of each private request. */
  auth: Authenticator;
  /** The clock of the public time, in Unix milliseconds. */
  now: () => number;
  /** The flex books, whose 8 endpoints are served too (`_flex_routes.ts`). Default: none. */
  flex?: FlexLedger;
}

/** A success and its JSON. */
type Success = { status: 200 | 201; body: object };

/** An endpoint: reads a request that passed WhiteBIT's checks, and answers with a success or WhiteBIT's refusal. */
type Endpoint = (request: Authenticated, ledger: Ledger) => Success | Answer;

type Env = { Variables: { request: Authenticated } };

/**
 * Serves WhiteBIT's public time and fixed-lending endpoints over a ledger,
 * and the flex-lending ones over the flex books if given.
 * A `GET` to a private path, and any unknown path, is an empty 404.
 *
 * @example
 * ```ts
 * import { Authenticator } from "./_auth.ts";
 * import { Ledger } from "./_ledger.ts";
 * import { createRoutes } from "./_routes.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const accounts = [{ apiKey: "key", apiSecret: "secret" }];
 * const routes = createRoutes({
 *   ledger: new Ledger({ accounts, plans: [], now: Date.now, newId: () => crypto.randomUUID() }),
 *   auth: new Authenticator({ accounts, now: Date.now }),
 *   now: Date.now,
 * });
 * const response = await routes(new Request("https://whitebit.com/api/v4/nothing"));
 * strictEqual(response.status, 404);
 * strictEqual(await response.text(), "");
 * ```
 *
 * @param options The ledger, the checks and the clock.
 * @returns A function answering requests.
 */
export function createRoutes(options: RoutesOptions): (request: Request) => Promise<Response> {
  const { ledger, auth, now, flex } = options;
  const app = new Hono<Env>();
  app.get(TIME_PATH, (c) => c.json({ time: Math.floor(now() / 1000) }));
  app.use(PRIVATE_PREFIX + "*", async (c, next) => {
    if (c.req.method !== "POST") return c.body(null, 404);
    const passed = await auth.authenticate({
      apiKey: c.req.header("x-txc-apikey") ?? "",
      payload: c.req.header("x-txc-payload") ?? "",
      signature: c.req.header("x-txc-signature") ?? "",
      body: await c.req.text(),
      path: c.req.path,
    });
    if ("status" in passed) return c.json(passed.body, passed.status);
    c.set("request", passed);
    ledger.settle();
    flex?.settle();
    await next();
  });
  for (const [path, endpoint] of Object.entries(ENDPOINTS)) {
    app.post(path, (c) => {
      const { status, body } = endpoint(c.get("request"), ledger);
      return c.json(body, status);
    });
  }
  for (const [path, endpoint] of flex ? Object.entries(FLEX_ROUTES) : []) {
    app.post(path, (c) => {
      const { status, body } = endpoint(c.get("request"), flex!);
      return c.json(body, status);
    });
  }
  app.notFound((c) => c.body(null, 404));
  return async (request) => await app.fetch(request);
}

/** Get plans: the plans open through the API (not disabled, no special offers, not inactive). */
const listPlans: Endpoint = ({ params }, ledger) => {
  const errors: FieldErrors = {};
  checkTicker(params.ticker, errors, ledger);
  if (Object.keys(errors).length > 0) return validationFailed(errors);
  const plans = ledger.plans().filter((plan) =>
    !plan.disabled && !plan.specialOffer && plan.status !== 3 &&
    (isAbsent(params.ticker) || plan.ticker === params.ticker)
  );
  return { status: 200, body: plans.map(publicPlan) };
};

/**
 * Invest: WhiteBIT's validator first (every field's errors at once, 400),
 * then the ledger's rules (the first that refuses, 422), then 201 and the id.
 */
const invest: Endpoint = ({ apiKey, params, nonce }, ledger) => {
  const errors: FieldErrors = {};
  const plan = typeof params.planId === "string" ? ledger.plan(params.planId) : undefined;
  if (params.planId === undefined || params.planId === "") {
    errors.planId = [MESSAGES.required("plan id")];
  } else if (!plan) {
    errors.planId = [MESSAGES.invalid("planId")];
  } else {
    const unavailable = planUnavailable(plan);
    if (unavailable) errors.planId = [unavailable];
  }
  const raw = typeof params.amount === "number" ? String(params.amount) : params.amount;
  let amount: string | undefined;
  if (isAbsent(raw)) {
    errors.amount = [MESSAGES.required("amount")];
  } else if (typeof raw !== "string" || !NUMERIC.test(raw)) {
    errors.amount = [MESSAGES.notANumber];
  } else if (!isDecimal(raw)) {
    errors.amount = [MESSAGES.notADecimal];
  } else if (compareDecimal(raw, MIN_AMOUNT) < 0) {
    errors.amount = [MESSAGES.atLeast("amount", MIN_AMOUNT)];
  } else if (plan && decimalPlaces(raw) > ledger.precision(plan.ticker)) {
    errors.amount = [MESSAGES.notADecimal];
  } else if (plan && !errors.planId && compareDecimal(raw, plan.maxPossibleInvestment) > 0) {
    errors.amount = [MESSAGES.moreThanLeft];
  } else {
    amount = raw;
  }
  if (!plan || amount === undefined || Object.keys(errors).length > 0) {
    return validationFailed(errors);
  }
  const result = ledger.invest({ apiKey, planId: plan.id, amount, nonce });
  if ("refused" in result) {
    return investRefused(result.refused, { available: result.available, amount });
  }
  return { status: 201, body: { id: result.investment.id } };
};

/**
 * The investments history: the account's investments, newest first by
 * `created`, as WhiteBIT orders its histories (`findInvestment()` relies on
 * it to stop reading early).
 */
const listInvestments: Endpoint = ({ apiKey, params }, ledger) => {
  const errors: FieldErrors = {};
  if (!isAbsent(params.id) && !(typeof params.id === "string" && ledger.hasInvestment(params.id))) {
    errors.id = [MESSAGES.invalid("id")];
  }
  checkTicker(params.ticker, errors, ledger);
  if (!isAbsent(params.status) && ![1, 2, "1", "2"].includes(params.status as number)) {
    errors.status = [MESSAGES.invalid("status")];
  }
  const paging = readPaging(params, errors);
  if (!paging) return validationFailed(errors);
  const records = ledger.investmentsOf(apiKey, {
    id: given(params.id),
    ticker: given(params.ticker),
    status: isAbsent(params.status) ? undefined : Number(params.status),
  });
  return { status: 200, body: page(records, paging, (record) => publicInvestment(record, ledger)) };
};

/** What Close answers for each thing the ledger did. */
const CLOSE_REPLIES = {
  closed: { status: 200, body: {} },
  not_found: validationFailed({ id: [MESSAGES.investmentNotFound] }),
  already_closed: ANSWERS.alreadyClosed,
} as const satisfies Record<CloseResult, Success | Answer>;

/** Close: an active investment early; its amount goes back to the balance, no interest. */
const close: Endpoint = ({ apiKey, params }, ledger) => {
  const { id } = params;
  if (isAbsent(id)) return validationFailed({ id: [MESSAGES.required("id")] });
  if (typeof id !== "string") return validationFailed({ id: [MESSAGES.string("id")] });
  return CLOSE_REPLIES[ledger.close(apiKey, id)];
};

/** The interest payments history: the account's payments, newest first. */
const listInterestPayments: Endpoint = ({ apiKey, params }, ledger) => {
  const errors: FieldErrors = {};
  if (
    !isAbsent(params.planId) &&
    (typeof params.planId !== "string" || !ledger.plan(params.planId))
  ) {
    errors.planId = [MESSAGES.invalid("planId")];
  }
  checkTicker(params.ticker, errors, ledger);
  const paging = readPaging(params, errors);
  if (!paging) return validationFailed(errors);
  const records = ledger.paymentsOf(apiKey, {
    planId: given(params.planId),
    ticker: given(params.ticker),
  });
  return { status: 200, body: page(records, paging, ({ apiKey: _, ...payment }) => payment) };
};

/** Each private endpoint by its path. */
const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  [PLANS_PATH]: listPlans,
  [INVEST_PATH]: invest,
  [INVESTMENTS_PATH]: listInvestments,
  [CLOSE_PATH]: close,
  [INTEREST_PATH]: listInterestPayments,
};

/** Adds "The selected ticker is invalid." unless `ticker` is absent or a ticker the ledger knows. */
function checkTicker(ticker: unknown, errors: FieldErrors, ledger: Ledger): void {
  if (isAbsent(ticker)) return;
  if (typeof ticker !== "string" || !ledger.knowsTicker(ticker)) {
    errors.ticker = [MESSAGES.invalid("ticker")];
  }
}

/**
 * Reads `limit` (1–100, default 100) and `offset` (0–10 000, default 0) as
 * WhiteBIT's validator does, adding messages to `errors`; `undefined` if
 * there are any errors at all.
 */
function readPaging(
  params: Record<string, unknown>,
  errors: FieldErrors,
): { limit: number; offset: number } | undefined {
  const read = (name: string, fallback: number, min: number, max: number) => {
    const value = params[name];
    if (isAbsent(value)) return fallback;
    const text = typeof value === "number" ? String(value) : value;
    if (typeof text !== "string" || !INTEGER.test(text)) {
      errors[name] = [MESSAGES.integer(name)];
    } else if (Number(text) < min) {
      errors[name] = [MESSAGES.atLeast(name, min)];
    } else if (Number(text) > max) {
      errors[name] = [MESSAGES.atMost(name, max)];
    }
    return Number(text);
  };
  const limit = read("limit", MAX_LIMIT, 1, MAX_LIMIT);
  const offset = read("offset", 0, 0, MAX_OFFSET);
  return Object.keys(errors).length > 0 ? undefined : { limit, offset };
}

function page<T, R>(
  records: readonly T[],
  paging: { limit: number; offset: number },
  show: (record: T) => R,
): { offset: number; limit: number; records: R[] } {
  return {
    offset: paging.offset,
    limit: paging.limit,
    records: records.slice(paging.offset, paging.offset + paging.limit).map(show),
  };
}

function decimalPlaces(value: string): number {
  const point = value.indexOf(".");
  return point < 0 ? 0 : value.length - point - 1;
}

/** A plan as Get plans and the investments history show it. */
function publicPlan(plan: Readonly<SandboxPlanState>): FixedPlan {
  return {
    id: plan.id,
    ticker: plan.ticker,
    status: plan.status,
    percent: plan.percent,
    duration: plan.duration,
    interestTicker: plan.interestTicker,
    interestRatio: plan.interestRatio,
    minInvestment: plan.minInvestment,
    maxInvestment: plan.maxInvestment,
    maxPossibleInvestment: plan.maxPossibleInvestment,
  };
}

/** An investment as the investments history shows it. */
function publicInvestment(investment: Readonly<SandboxInvestment>, ledger: Ledger): Investment {
  return {
    id: investment.id,
    plan: publicPlan(ledger.plan(investment.planId)!),
    status: investment.status,
    created: investment.created,
    updated: investment.updated,
    paymentTime: investment.paymentTime,
    amount: investment.amount,
    interestPaid: investment.interestPaid,
  };
}

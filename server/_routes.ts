/**
 * The server's routes to WhiteBIT in one table: each route's method and
 * path, the WhiteBIT endpoint it calls (whose parameters and rules come
 * from the client's endpoint table), where those parameters are read from,
 * the status of a success, whether it honours `Idempotency-Key`, how it
 * calls the client, and for a state-changing route how to reconcile a call
 * whose holder died. The app registers its routes and its 405 answers from
 * it, and the OpenAPI document describes it: adding a route is one line
 * here.
 *
 * @example
 * ```ts
 * import { ROUTES } from "./_routes.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(
 *   ROUTES.filter((route) => route.idempotent).map(({ method, path }) => `${method} ${path}`),
 *   [
 *     "POST /v1/investments",
 *     "POST /v1/investments/:id/close",
 *     "POST /v1/flex/invest",
 *     "POST /v1/flex/withdraw",
 *     "POST /v1/flex/close",
 *     "POST /v1/flex/auto-invest",
 *   ],
 * );
 * ```
 *
 * @module
 */

import type { WhiteBitClient } from "../client.ts";
import { type Endpoint, ENDPOINTS } from "../client/_endpoints.ts";
import { FLEX_ENDPOINTS } from "../client/flex/_endpoints.ts";
import {
  FLEX_INVESTMENT_STATUS,
  type FlexAutoInvestParams,
  type FlexCloseParams,
  type FlexHistoryParams,
  type FlexInvestmentsParams,
  type FlexInvestParams,
  type FlexPaymentsParams,
  type FlexPlansParams,
  type FlexWithdrawParams,
} from "../client/flex/types.ts";
import { MAX_LIMIT } from "../client/_paths.ts";
import { findInvestments } from "../client/_reconcile.ts";
import { findTransactions } from "../client/flex/_reconcile.ts";
import { INVESTMENT_STATUS } from "../client/types.ts";
import { isRecord } from "../client/_validate.ts";
import type { CallOptions } from "../client/options.ts";
import type {
  InterestPaymentsParams,
  InvestmentsParams,
  InvestParams,
  PlansParams,
} from "../client/types.ts";

/** A WhiteBIT endpoint's name: a fixed one's, or `flex.` and a flex one's. */
export type EndpointName = keyof typeof ENDPOINTS | `flex.${keyof typeof FLEX_ENDPOINTS}`;

/** Every WhiteBIT endpoint a route may call, by {@linkcode EndpointName}. */
export const SERVED_ENDPOINTS: Readonly<Record<EndpointName, Endpoint>> = {
  ...ENDPOINTS,
  "flex.plans": FLEX_ENDPOINTS.plans,
  "flex.investments": FLEX_ENDPOINTS.investments,
  "flex.history": FLEX_ENDPOINTS.history,
  "flex.payments": FLEX_ENDPOINTS.payments,
  "flex.invest": FLEX_ENDPOINTS.invest,
  "flex.withdraw": FLEX_ENDPOINTS.withdraw,
  "flex.close": FLEX_ENDPOINTS.close,
  "flex.autoInvest": FLEX_ENDPOINTS.autoInvest,
};

/** One route to WhiteBIT. */
export interface Route {
  /** The HTTP method; a `GET` route answers `HEAD` too. */
  method: "GET" | "POST";
  /** The path, in Hono's syntax: `:id` is a path parameter named like the endpoint's. */
  path: string;
  /** The WhiteBIT endpoint it calls: its parameters, their rules and which are required. */
  endpoint: EndpointName;
  /**
   * Where its parameters are read from: the query string, a JSON object
   * body (4 KiB at most), or the path (then a body, if any, must be `{}`).
   */
  from: "query" | "body" | "path";
  /** The status of a success; 204 has no body. */
  status: 200 | 201 | 204;
  /** Whether an `Idempotency-Key` makes it run at most once per key. */
  idempotent: boolean;
  /**
   * Calls the client; resolves to the success's JSON body. `params` have
   * passed the endpoint's checks: that is what the casts to the client's
   * parameter types rest on.
   */
  call(
    client: WhiteBitClient,
    params: Record<string, unknown>,
    options: CallOptions,
  ): Promise<unknown>;
  /**
   * For a route that honours `Idempotency-Key`: how to learn what a call
   * did whose holder died mid-call (see {@linkcode Reconciler}).
   */
  reconcile?: Reconciler;
  /** What it does, for the OpenAPI document. */
  summary: string;
  /** What a success holds, for the OpenAPI document. */
  answer: string;
}

/**
 * How a state-changing route learns, after the server holding its
 * `Idempotency-Key` died mid-call, whether WhiteBIT carried the call out.
 * Asked only once no request of that call can still reach WhiteBIT.
 */
export interface Reconciler {
  /**
   * What the call may have made, the likeliest first; empty if WhiteBIT
   * provably did not carry it out. Throws if that cannot be told yet.
   *
   * @param client The client to read with.
   * @param params The call's parameters.
   * @param attemptedAt When the call's key was claimed (Unix ms): it was signed at or after it, less 50 s.
   * @param options The reads' options.
   */
  find(
    client: WhiteBitClient,
    params: Record<string, unknown>,
    attemptedAt: number,
    options: CallOptions,
  ): Promise<Made[]>;
  /**
   * The id a success's body names (an investment's): what another call of
   * the same parameters could also have made, so each is the answer of one
   * key only.
   */
  idOf?(body: unknown): string | undefined;
}

/** Something a call may have made: the body its success would have had. */
export interface Made {
  /** The success's JSON body, as {@linkcode Route.call} resolves it. */
  body: unknown;
  /** Its id, when another call could have made it too (see {@linkcode Reconciler.idOf}). */
  id?: string;
  /** When WhiteBIT made it (Unix ms, to the second), when another call could have made it too. */
  at?: number;
}

/** An investment, found by its plan, amount and time: each is the answer of one key only. */
const INVEST_RECONCILER: Reconciler = {
  find: async (client, params, attemptedAt, options) =>
    (await findInvestments(
      {
        plans: () => client.plans({}, options),
        page: (offset, ticker) => client.investments({ ticker, limit: MAX_LIMIT, offset }, options),
      },
      { requestPath: ENDPOINTS.invest.path, outcome: "unknown", params, attemptedAt },
      options,
    )).map(({ id, created }) => ({ body: { id }, id, at: created * 1000 })),
  idOf: (body) => isRecord(body) && typeof body.id === "string" ? body.id : undefined,
};

/**
 * A flex invest, withdraw or close: its row in the flex history, found by
 * plan, amount (any, for a close) and time; each is the answer of one key only.
 */
function flexMove(endpoint: "invest" | "withdraw" | "close"): Reconciler {
  return {
    find: async (client, params, attemptedAt, options) =>
      (await findTransactions(
        (page) => client.flex.history(page, options),
        {
          requestPath: FLEX_ENDPOINTS[endpoint].path,
          outcome: "unknown",
          params,
          attemptedAt,
        },
        {},
      )).map(({ transaction_id, createdAt }) => ({
        body: { transactionId: transaction_id },
        id: transaction_id,
        at: createdAt * 1000,
      })),
    idOf: (body) =>
      isRecord(body) && typeof body.transactionId === "string" ? body.transactionId : undefined,
  };
}

/**
 * Auto-invest: done if the position's reinvesting is already as asked (and
 * setting it again would change nothing anyway: it moves no funds).
 */
const FLEX_AUTO_INVEST_RECONCILER: Reconciler = {
  find: async (client, { plan, enabled }, _attemptedAt, options) => {
    const { data } = await client.flex.investments({ plan: plan as string }, options);
    return data.some((position) =>
        position.status === FLEX_INVESTMENT_STATUS.Active && position.withAutoReinvest === enabled
      )
      ? [{ body: undefined }]
      : [];
  },
};

/** A close: done if the investment is closed now. */
const CLOSE_RECONCILER: Reconciler = {
  find: async (client, { id }, _attemptedAt, options) => {
    const { records } = await client.investments({ id: id as string }, options);
    return records[0]?.status === INVESTMENT_STATUS.Closed ? [{ body: undefined }] : [];
  },
};

/** Every route to WhiteBIT. */
export const ROUTES: readonly Route[] = [
  {
    method: "GET",
    path: "/v1/plans",
    endpoint: "plans",
    from: "query",
    status: 200,
    idempotent: false,
    call: async (client, params, options) => ({
      records: await client.plans(params as PlansParams, options),
    }),
    summary: "Fixed plans open through the API (WhiteBIT Get plans)",
    answer: "{ records: FixedPlan[] }; decimals are strings, duration in minutes",
  },
  {
    method: "GET",
    path: "/v1/investments",
    endpoint: "investments",
    from: "query",
    status: 200,
    idempotent: false,
    call: (client, params, options) => client.investments(params as InvestmentsParams, options),
    summary: "Investments, one page (newest first)",
    answer: "{ offset, limit, records: Investment[] }; created/updated/paymentTime in Unix seconds",
  },
  {
    method: "POST",
    path: "/v1/investments",
    endpoint: "invest",
    from: "body",
    status: 201,
    idempotent: true,
    call: async (client, params, options) => ({
      id: (await client.invest(params as unknown as InvestParams, options)).id,
    }),
    reconcile: INVEST_RECONCILER,
    summary: "Create a fixed-term investment (WhiteBIT Invest)",
    answer: "Created: the new investment's id",
  },
  {
    method: "POST",
    path: "/v1/investments/:id/close",
    endpoint: "close",
    from: "path",
    status: 204,
    idempotent: true,
    call: (client, { id }, options) => client.closeInvestment(id as string, options),
    reconcile: CLOSE_RECONCILER,
    summary: "Close an investment early (WhiteBIT Close investment)",
    answer: "Closed: the amount is back on the main balance",
  },
  {
    method: "GET",
    path: "/v1/interest-payments",
    endpoint: "interestPayments",
    from: "query",
    status: 200,
    idempotent: false,
    call: (client, params, options) =>
      client.interestPayments(params as InterestPaymentsParams, options),
    summary: "Interest payments, one page (newest first)",
    answer: "{ offset, limit, records: InterestPayment[] }; timestamps in Unix seconds",
  },
  {
    method: "GET",
    path: "/v1/flex/plans",
    endpoint: "flex.plans",
    from: "query",
    status: 200,
    idempotent: false,
    call: async (client, params, options) => ({
      data: await client.flex.plans(params as FlexPlansParams, options),
    }),
    summary: "Flex plans open to the account (WhiteBIT Get Flex Plans)",
    answer: "{ data: FlexPlan[] }; decimals are strings",
  },
  {
    method: "GET",
    path: "/v1/flex/investments",
    endpoint: "flex.investments",
    from: "query",
    status: 200,
    idempotent: false,
    call: (client, params, options) =>
      client.flex.investments(params as FlexInvestmentsParams, options),
    summary: "Flex positions, one page (status 1 active, 0 closed)",
    answer: "{ data: FlexInvestment[], limit, offset }; createdAt/updatedAt in Unix seconds",
  },
  {
    method: "GET",
    path: "/v1/flex/history",
    endpoint: "flex.history",
    from: "query",
    status: 200,
    idempotent: false,
    call: (client, params, options) => client.flex.history(params as FlexHistoryParams, options),
    summary: "Flex history, one page; actionTypes as a comma-separated list such as 1,6",
    answer: "{ data: FlexTransaction[], limit, offset }; createdAt in Unix seconds",
  },
  {
    method: "GET",
    path: "/v1/flex/payments",
    endpoint: "flex.payments",
    from: "query",
    status: 200,
    idempotent: false,
    call: (client, params, options) => client.flex.payments(params as FlexPaymentsParams, options),
    summary: "Flex daily earnings, one page",
    answer: "{ data: FlexTransaction[], limit, offset }; createdAt in Unix seconds",
  },
  {
    method: "POST",
    path: "/v1/flex/invest",
    endpoint: "flex.invest",
    from: "body",
    status: 201,
    idempotent: true,
    call: (client, params, options) =>
      client.flex.invest(params as unknown as FlexInvestParams, options),
    reconcile: flexMove("invest"),
    summary: "Open or top up the plan's flex position (WhiteBIT Create Flex Investment)",
    answer: "Created: { transactionId }",
  },
  {
    method: "POST",
    path: "/v1/flex/withdraw",
    endpoint: "flex.withdraw",
    from: "body",
    status: 201,
    idempotent: true,
    call: (client, params, options) =>
      client.flex.withdraw(params as unknown as FlexWithdrawParams, options),
    reconcile: flexMove("withdraw"),
    summary: "Take a part out of the plan's flex position",
    answer: "Created: { transactionId }",
  },
  {
    method: "POST",
    path: "/v1/flex/close",
    endpoint: "flex.close",
    from: "body",
    status: 201,
    idempotent: true,
    call: (client, params, options) =>
      client.flex.close(params as unknown as FlexCloseParams, options),
    reconcile: flexMove("close"),
    summary: "Close the plan's flex position: everything back to the balance",
    answer: "Created: { transactionId }",
  },
  {
    method: "POST",
    path: "/v1/flex/auto-invest",
    endpoint: "flex.autoInvest",
    from: "body",
    status: 204,
    idempotent: true,
    call: (client, params, options) =>
      client.flex.autoInvest(params as unknown as FlexAutoInvestParams, options),
    reconcile: FLEX_AUTO_INVEST_RECONCILER,
    summary: "Switch reinvesting the daily earnings on or off (enabled is required)",
    answer: "Set",
  },
];

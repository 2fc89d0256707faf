/**
 * A client for WhiteBIT's crypto-lending API that is correct with money:
 * requests signed with Web Crypto (HMAC-SHA512) at the moment they are sent,
 * amounts kept as decimal strings, a state-changing request sent at most
 * once, and every failure saying whether funds may have moved.
 *
 * Runs on Deno, Deno Deploy, Cloudflare Workers, Node 20+ and Bun; its only
 * dependencies are `fetch` and `crypto.subtle`. A faithful local WhiteBIT to
 * test against is in `@lending/whitebit/testing`; the HTTP endpoint in
 * `@lending/whitebit/server`; the signing primitives in
 * `@lending/whitebit/sign`. Flex lending is `client.flex`, its types,
 * constants and error in `@lending/whitebit/flex`.
 *
 * @example Invest, and tell what a failure means for the money
 * ```ts
 * import { WhiteBitClient, WhiteBitError } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 *
 * const sandbox = new WhiteBitSandbox(); // leave out, with `fetch`, for the real WhiteBIT
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * try {
 *   const { id } = await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 *   console.log("invested:", id);
 * } catch (error) {
 *   if (!(error instanceof WhiteBitError)) throw error;
 *   // "not_executed": nothing happened. "unknown": reconcile before trying again.
 *   console.log(error.name, error.outcome);
 * }
 * ```
 *
 * @module
 */

export { WhiteBitClient } from "./client.ts";
export type { CallOptions, WhiteBitClientOptions, WhiteBitEvent } from "./client/options.ts";
export {
  type FixedPlan,
  type InterestPayment,
  type InterestPaymentsParams,
  type Investment,
  INVESTMENT_STATUS,
  type InvestmentsParams,
  type InvestmentStatus,
  type InvestParams,
  type InvestResult,
  type Page,
  type PagingParams,
  PLAN_STATUS,
  type PlansParams,
} from "./client/types.ts";
export {
  AbortedError,
  AuthenticationError,
  CloseRejectedError,
  type CloseRejectionReason,
  DryRunError,
  InvestmentRejectedError,
  type InvestmentRejectionReason,
  NetworkError,
  NonceError,
  type Outcome,
  PermissionError,
  PreflightError,
  type PreflightRejectionReason,
  type PreparedRequest,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
  WhiteBitError,
  type WhiteBitErrorName,
  type WhiteBitErrorOptions,
} from "./client/errors.ts";
export { RateLimiter, type RateLimiterOptions } from "./client/rate_limiter.ts";

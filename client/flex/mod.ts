/**
 * Flex lending's types, named constants and error, as
 * `@lending/whitebit/flex`. The calls themselves need no import: they are
 * `client.flex.*` on every `WhiteBitClient` (see {@linkcode FlexClient}).
 * Fixed and flex share the error family, the money rules and the sandbox.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import type { FlexPlan } from "@lending/whitebit/flex";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const plans: FlexPlan[] = await client.flex.plans();
 * strictEqual(plans.length > 0, true);
 * ```
 *
 * @module
 */

export type { FlexClient } from "./client.ts";
export { FlexRejectedError, type FlexRejectionReason } from "./errors.ts";
export {
  FLEX_ACTION_TYPE,
  FLEX_INVESTMENT_STATUS,
  type FlexActionType,
  type FlexAutoInvestParams,
  type FlexCloseParams,
  type FlexHistoryParams,
  type FlexInvestment,
  type FlexInvestmentsParams,
  type FlexInvestmentStatus,
  type FlexInvestParams,
  type FlexPage,
  type FlexPagingParams,
  type FlexPaymentsParams,
  type FlexPlan,
  type FlexPlansParams,
  type FlexTransaction,
  type FlexTransactionResult,
  type FlexWithdrawParams,
} from "./types.ts";

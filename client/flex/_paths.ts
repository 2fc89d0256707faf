/**
 * WhiteBIT's flex-lending paths, under `/api/v4/main-account/smart-flex/`.
 *
 * @example
 * ```ts
 * import { FLEX_PATHS } from "./_paths.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(FLEX_PATHS.invest, "/api/v4/main-account/smart-flex/investments/invest");
 * ```
 *
 * @module
 */

import { PRIVATE_PREFIX } from "../_paths.ts";

const FLEX = `${PRIVATE_PREFIX}smart-flex/`;
const INVESTMENTS = `${FLEX}investments`;

/** The 8 flex paths, by the client's method names. */
export const FLEX_PATHS = {
  plans: `${FLEX}plans`,
  investments: INVESTMENTS,
  history: `${INVESTMENTS}/history`,
  payments: `${INVESTMENTS}/payment-history`,
  invest: `${INVESTMENTS}/invest`,
  withdraw: `${INVESTMENTS}/withdraw`,
  close: `${INVESTMENTS}/close`,
  autoInvest: `${INVESTMENTS}/auto-invest`,
} as const;

/**
 * WhiteBIT's API paths used by this package, in one place for the client,
 * the error mapping and the sandbox.
 *
 * @example
 * ```ts
 * import { CLOSE_PATH } from "./_paths.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(CLOSE_PATH, "/api/v4/main-account/smart/investment/close");
 * ```
 *
 * @module
 */

/** Every private call starts with this. */
export const PRIVATE_PREFIX = "/api/v4/main-account/";
/** Every fixed-lending call starts with this. */
const SMART = `${PRIVATE_PREFIX}smart/`;
/** Get plans (fixed lending). */
export const PLANS_PATH: string = `${SMART}plans`;
/** Invest in a fixed plan. */
export const INVEST_PATH: string = `${SMART}investment`;
/** Close a fixed investment early. */
export const CLOSE_PATH: string = `${INVEST_PATH}/close`;
/** The investments history. */
export const INVESTMENTS_PATH: string = `${SMART}investments`;
/** The interest payments history. */
export const INTEREST_PATH: string = `${SMART}interest-payment-history`;
/** Public server time, unsigned `GET`. */
export const TIME_PATH = "/api/v4/public/time";
/** The largest page WhiteBIT serves. */
export const MAX_LIMIT = 100;
/** The largest offset WhiteBIT accepts. */
export const MAX_OFFSET = 10_000;

/**
 * The sandbox's world as a test sees it: the accounts and plans it is given,
 * and the records it keeps (investments, interest payments, past
 * investments, requests). Amounts are decimal strings; times are Unix
 * seconds, as WhiteBIT sends them.
 *
 * @example Give the sandbox an account and a plan, then read its ledger
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import {
 *   type SandboxAccount,
 *   type SandboxInvestment,
 *   type SandboxPlan,
 *   WhiteBitSandbox,
 * } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const account: SandboxAccount = { apiKey: "key-1", apiSecret: "secret-1", balances: { USDT: "100" } };
 * const plan: SandboxPlan = { id: "plan-1", ticker: "USDT", minInvestment: "1", maxInvestment: "100" };
 * const sandbox = new WhiteBitSandbox({ accounts: [account], plans: [plan] });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * await client.invest({ planId: plan.id, amount: "40" });
 * const [investment]: SandboxInvestment[] = sandbox.investments;
 * strictEqual(investment.amount, "40");
 * strictEqual(sandbox.balance(account.apiKey, "USDT"), "60");
 * ```
 *
 * @module
 */

import type { FixedPlan, InterestPayment } from "../client/types.ts";

/**
 * An account of the sandbox.
 *
 * @example
 * ```ts
 * import { PermissionError, WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxAccount, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { rejects } from "node:assert/strict";
 *
 * const retail: SandboxAccount = {
 *   apiKey: "retail-key",
 *   apiSecret: "retail-secret",
 *   balances: { USDT: "500" },
 *   lendingAccess: false, // WhiteBIT opens lending to B2B partners only
 * };
 * const sandbox = new WhiteBitSandbox({ accounts: [retail] });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * await rejects(client.invest({ planId: sandbox.plans[0].id, amount: "100" }), PermissionError);
 * ```
 */
export interface SandboxAccount {
  /** Its API key. */
  apiKey: string;
  /** Its API secret. */
  apiSecret: string;
  /** Main balances by ticker, as decimal strings. Default `{}`. */
  balances?: Record<string, string>;
  /** Whether the account may use the lending API (WhiteBIT's B2B gate). Default `true`. */
  lendingAccess?: boolean;
  /** Whether the key is enabled in the API settings. Default `true`. */
  keyEnabled?: boolean;
  /** Whether it may hold several active investments in one plan. Default `false`. */
  multipleInvestments?: boolean;
}

/**
 * A fixed lending plan of the sandbox.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxPlan, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const plan: SandboxPlan = {
 *   id: "0b6f2c8e-3a1d-4f5b-9c7e-8d2a1b0c3e4f",
 *   ticker: "USDT",
 *   percent: "3",
 *   minInvestment: "50",
 *   maxInvestment: "1000",
 * };
 * const sandbox = new WhiteBitSandbox({ plans: [plan] });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * await client.invest({ planId: plan.id, amount: "50" });
 * strictEqual(sandbox.plans[0].maxPossibleInvestment, "950");
 * ```
 */
export interface SandboxPlan {
  /** The plan id. */
  id: string;
  /** The invested currency. */
  ticker: string;
  /** 1 active, 2 no coins left, 3 inactive, 4 paused. Default 1. */
  status?: 1 | 2 | 3 | 4;
  /** Interest percent for the whole term, as a decimal string. Default `"1"`. */
  percent?: string;
  /** The term in minutes. Default 43 200 (30 days). */
  duration?: number;
  /** The currency interest is paid in. Default: `ticker`. */
  interestTicker?: string;
  /**
   * Units of `ticker` per unit of `interestTicker`: the interest paid is the
   * interest in `ticker` divided by this, cut to the interest ticker's
   * decimals. Default `"1"`.
   */
  interestRatio?: string;
  /** The smallest investment. */
  minInvestment: string;
  /** The largest investment. */
  maxInvestment: string;
  /** What is left in the plan. Default: `maxInvestment`. */
  maxPossibleInvestment?: string;
  /** The interest the plan can still pay. Default: unlimited. */
  interestCapacity?: string;
  /** A special offer, not available through the API. Default `false`. */
  specialOffer?: boolean;
  /** Switched off by WhiteBIT. Default `false`. */
  disabled?: boolean;
}

/**
 * A plan as the sandbox holds it now: what Get plans shows, and what it keeps to itself.
 *
 * @example
 * ```ts
 * import { type SandboxPlanState, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const open: SandboxPlanState[] = sandbox.plans.filter((plan) =>
 *   plan.status === 1 && !plan.disabled && !plan.specialOffer
 * );
 * strictEqual(open.length, 2);
 * ```
 */
export interface SandboxPlanState extends FixedPlan {
  /** The interest the plan can still pay, or `null` for unlimited. */
  interestCapacity: string | null;
  /** A special offer, not available through the API. */
  specialOffer: boolean;
  /** Switched off by WhiteBIT. */
  disabled: boolean;
}

/**
 * One investment in the sandbox's ledger.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxInvestment, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const { id } = await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * const [investment]: SandboxInvestment[] = sandbox.investments;
 * strictEqual(investment.id, id);
 * strictEqual(investment.amount, "100");
 * ```
 */
export interface SandboxInvestment {
  /** The investment id (a UUID). */
  id: string;
  /** The investing account's API key. */
  apiKey: string;
  /** The plan id. */
  planId: string;
  /** The invested currency. */
  ticker: string;
  /** The amount, as sent. */
  amount: string;
  /** 1 active, 2 closed (early, or at maturity). */
  status: 1 | 2;
  /** Creation time, Unix seconds. */
  created: number;
  /** Last change, Unix seconds. */
  updated: number;
  /** Maturity, Unix seconds: `created` plus the plan's duration. */
  paymentTime: number;
  /** The interest paid, `"0"` until maturity. */
  interestPaid: string;
  /** The nonce of the request that created it (0 for one of `pastInvestments`). */
  nonce: number;
}

/**
 * One interest payment in the sandbox's ledger.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxInterestPayment, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * let now = Date.now();
 * const sandbox = new WhiteBitSandbox({ now: () => now });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, now: () => now });
 * const plan = sandbox.plans[0];
 * await client.invest({ planId: plan.id, amount: "100" });
 * now += plan.duration * 60_000; // the term passes
 * const [payment]: SandboxInterestPayment[] = sandbox.interestPayments;
 * strictEqual(payment.apiKey, sandbox.credentials.apiKey);
 * strictEqual(payment.amount, "2.5");
 * ```
 */
export interface SandboxInterestPayment extends InterestPayment {
  /** The paid account's API key. */
  apiKey: string;
}

/**
 * One request that reached the sandbox.
 *
 * @example
 * ```ts
 * import { NetworkError, WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxRequestRecord, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { rejects, strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * sandbox.injectFault({ kind: "drop", afterProcessing: true });
 * await rejects(client.invest({ planId: sandbox.plans[0].id, amount: "100" }), NetworkError);
 * const records: SandboxRequestRecord[] = sandbox.requests;
 * strictEqual(records.length, 1); // sent once, never retried
 * strictEqual(records[0].status, "dropped");
 * ```
 */
export interface SandboxRequestRecord {
  /** The HTTP method. */
  method: string;
  /** The URL path. */
  path: string;
  /** The nonce in the body, if there was one. */
  nonce: number | undefined;
  /** The status answered, or `"dropped"` when the connection was closed instead. */
  status: number | "dropped";
}

/**
 * An investment made and closed before the sandbox started (see
 * `pastInvestments`), such as one of thousands in a long history.
 *
 * @example
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { type SandboxPastInvestment, WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const planId = "8e667b4a-0b71-4988-8af5-9474dbfaeb51"; // the first demo plan
 * const pastInvestments: SandboxPastInvestment[] = Array.from({ length: 250 }, (_, i) => ({
 *   planId,
 *   amount: "10",
 *   created: 1_700_000_000 + i,
 * }));
 * const sandbox = new WhiteBitSandbox({ pastInvestments });
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const page = await client.investments({ offset: 200 });
 * strictEqual(page.records.length, 50);
 * strictEqual(page.records[0].created, 1_700_000_049); // newest first
 * strictEqual(sandbox.balance(sandbox.credentials.apiKey, "USDT"), "10000"); // untouched
 * ```
 */
export interface SandboxPastInvestment {
  /** The plan: one of the sandbox's plans. */
  planId: string;
  /** The amount, a decimal string. */
  amount: string;
  /** When it was made, in Unix seconds; it was closed at once (`updated` is the same). */
  created: number;
  /** The account's API key. Default: the first account's. */
  apiKey?: string;
  /** Its id. Default: a new one from `newId`. */
  id?: string;
}

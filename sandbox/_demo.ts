/**
 * The sandbox's demo data: one account and a few fixed plans, used when a
 * test gives none of its own. The account's credentials are fake and valid
 * in the sandbox only.
 *
 * @example
 * ```ts
 * import { DEMO_ACCOUNT, DEMO_PLANS } from "./_demo.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(DEMO_ACCOUNT.balances?.USDT, "10000");
 * strictEqual(DEMO_PLANS[0].ticker, "USDT"); // the first demo plan is an active USDT plan
 * ```
 *
 * @module
 */

import type { SandboxFlexPlan } from "./_flex_ledger.ts";
import type { SandboxAccount, SandboxPlan } from "./types.ts";

/** The demo account: 10 000 USDT and 1 BTC. */
export const DEMO_ACCOUNT: Readonly<SandboxAccount> = {
  apiKey: "sandbox-public-key-0001",
  apiSecret: "sandbox-secret-do-not-use-anywhere-else",
  balances: { USDT: "10000", BTC: "1" },
};

/**
 * The demo plans: an active USDT plan, an active BTC plan, a paused USDT
 * plan and a special offer that the API does not serve.
 */
export const DEMO_PLANS: readonly Readonly<SandboxPlan>[] = [
  {
    id: "8e667b4a-0b71-4988-8af5-9474dbfaeb51",
    ticker: "USDT",
    percent: "2.5",
    duration: 43_200,
    minInvestment: "10",
    maxInvestment: "100000",
    maxPossibleInvestment: "500000",
  },
  {
    id: "3b0c1d42-5f7e-4a8b-9c6d-2e1f0a9b8c7d",
    ticker: "BTC",
    percent: "0.8",
    duration: 129_600,
    minInvestment: "0.001",
    maxInvestment: "10",
  },
  {
    id: "c5a2e8f1-7b3d-4c9e-8a6f-1d2b3c4e5f60",
    ticker: "USDT",
    status: 4,
    percent: "4",
    minInvestment: "100",
    maxInvestment: "50000",
  },
  {
    id: "f0e1d2c3-b4a5-4968-8776-655443322110",
    ticker: "USDT",
    percent: "12",
    minInvestment: "10",
    maxInvestment: "1000",
    specialOffer: true,
  },
];

/**
 * The demo flex plans: WhiteBIT's documented examples, an active USDT plan
 * and an active BTC plan, and a paused USDT plan that is not listed.
 */
export const DEMO_FLEX_PLANS: readonly Readonly<SandboxFlexPlan>[] = [
  {
    id: "8f2e9d3c-1a4b-4c2d-9e5f-6a7b8c9d0e1f",
    ticker: "USDT",
    minInvestment: "10.0",
    maxInvestment: "100000.0",
    maxRate: "0.15",
  },
  {
    id: "7e1d8c2b-9a3b-3b1c-8d4e-5a6b7c8d9e0f",
    ticker: "BTC",
    minInvestment: "0.001",
    maxInvestment: "10.0",
    maxRate: "0.12",
  },
  {
    id: "6d0c7b1a-8f2a-4a0b-9c3d-4e5f6a7b8c9d",
    ticker: "USDT",
    minInvestment: "100",
    maxInvestment: "50000",
    maxRate: "0.2",
    state: "paused",
  },
];

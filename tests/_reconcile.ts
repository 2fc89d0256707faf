// What the reconciliation tests share: a sandbox account that may hold many
// investments in one plan, a client on the same clock, and helpers to make
// an invest fail and to count what reached the sandbox.

import { ok } from "node:assert/strict";
import { WhiteBitClient, type WhiteBitClientOptions, WhiteBitError } from "../mod.ts";
import { type SandboxPastInvestment, type SandboxPlan, WhiteBitSandbox } from "../testing.ts";

export const INVEST = "/api/v4/main-account/smart/investment";
export const INVESTMENTS = "/api/v4/main-account/smart/investments";
export const T0 = 1_800_000_000_000;
export const PLAN: SandboxPlan = {
  id: "plan-a",
  ticker: "USDT",
  minInvestment: "1",
  maxInvestment: "100000",
  maxPossibleInvestment: "1000000",
};
export const OTHER_PLAN: SandboxPlan = { ...PLAN, id: "plan-b" };
export const BTC_PLAN: SandboxPlan = { ...PLAN, id: "plan-btc", ticker: "BTC" };
export const ACCOUNT = { apiKey: "reconcile-key", apiSecret: "reconcile-secret" };

/**
 * A sandbox (optionally with a history made before it started), a client on
 * the same clock, and the bodies the client sent, in order.
 */
export function setup(
  sandboxNow: () => number = () => T0,
  clientOptions: Partial<WhiteBitClientOptions> = {},
  pastInvestments: SandboxPastInvestment[] = [],
): { sandbox: WhiteBitSandbox; client: WhiteBitClient; sent: Record<string, unknown>[] } {
  const sandbox = new WhiteBitSandbox({
    accounts: [{
      ...ACCOUNT,
      balances: { USDT: "1000000", BTC: "1000" },
      multipleInvestments: true,
    }],
    plans: [PLAN, OTHER_PLAN, BTC_PLAN],
    now: sandboxNow,
    pastInvestments,
  });
  const sent: Record<string, unknown>[] = [];
  const client = new WhiteBitClient({
    ...sandbox.credentials,
    fetch: async (input, init) => {
      sent.push(JSON.parse(await new Response(init?.body).text()));
      return await sandbox.fetch(input, init);
    },
    now: sandboxNow,
    maxRetries: 0,
    ...clientOptions,
  });
  return { sandbox, client, sent };
}

/**
 * `count` closed investments of `amount` in `planId`, one a second, the
 * newest created at `newest` (Unix seconds).
 */
export function history(
  count: number,
  options: { planId?: string; amount?: string; newest: number },
): SandboxPastInvestment[] {
  return Array.from({ length: count }, (_, i) => ({
    planId: options.planId ?? PLAN.id,
    amount: options.amount ?? "100",
    created: options.newest - i,
  }));
}

/** Invests and expects a {@linkcode WhiteBitError}: the failure to reconcile. */
export async function failedInvest(
  client: WhiteBitClient,
  amount = "100",
  planId = PLAN.id,
): Promise<WhiteBitError> {
  const error = await client.invest({ planId, amount }).then(() => undefined, (e) => e);
  ok(error instanceof WhiteBitError, `expected a WhiteBitError, got ${error}`);
  return error;
}

/** How many requests to `path` reached the sandbox. */
export const sentTo = (sandbox: WhiteBitSandbox, path: string): number =>
  sandbox.requests.filter((r) => r.path === path).length;

/**
 * A local WhiteBIT for the lending API, faithful enough that a client which
 * passes against it works against WhiteBIT: it verifies signatures, payloads
 * and nonces in WhiteBIT's order, answers every documented error with
 * WhiteBIT's status and body, keeps balances and a ledger with exact decimal
 * arithmetic, rate-limits like WhiteBIT, and injects faults on demand.
 *
 * It serves the five fixed-lending endpoints (plans, invest, investments
 * history, close, interest payments history), the eight flex-lending ones
 * (plans, positions, history, payment history, invest, withdraw, close,
 * auto-invest) and the public time. Its clock (`now`) drives maturity and
 * flex earnings: once an investment's term has passed, the next look at the
 * sandbox pays its interest, returns its amount and closes it; each full day
 * a flex position earns `invested × maxRate / 365`.
 *
 * Use it in process (`sandbox.fetch`) or over real HTTP on 127.0.0.1
 * (`sandbox.listen()`).
 *
 * @example Invest against the sandbox over HTTP, then read its ledger
 * ```ts
 * import { WhiteBitClient } from "@lending/whitebit";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * await using server = sandbox.listen();
 * const client = new WhiteBitClient({ ...sandbox.credentials, baseUrl: server.url });
 * await client.invest({ planId: sandbox.plans[0].id, amount: "100" });
 * strictEqual(sandbox.investments.length, 1);
 * ```
 *
 * @module
 */

export { WhiteBitSandbox, type WhiteBitSandboxOptions } from "./sandbox/sandbox.ts";
export type {
  SandboxAccount,
  SandboxInterestPayment,
  SandboxInvestment,
  SandboxPastInvestment,
  SandboxPlan,
  SandboxPlanState,
  SandboxRequestRecord,
} from "./sandbox/types.ts";
export type { FaultOptions, SandboxFault } from "./sandbox/_faults.ts";
export type {
  SandboxFlexInvestment,
  SandboxFlexPlan,
  SandboxFlexTransaction,
} from "./sandbox/_flex_ledger.ts";
export type { LoopbackServer } from "./sandbox/_loopback_server.ts";

/**
 * The `--sandbox` demo: the sandbox's demo account and plans, and a little
 * history, in process. Loaded only for `--sandbox`.
 *
 * @example
 * ```ts
 * import { openDemoSandbox } from "./_demo.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const { sandbox } = await openDemoSandbox();
 * strictEqual(sandbox.investments.length, 2);
 * ```
 *
 * @module
 */

import { WhiteBitClient } from "../mod.ts";
import type { WhiteBitSandbox } from "../testing.ts";

const DAY_MS = 86_400_000;

/**
 * A sandbox with the demo account and plans, and a little history: 1000 USDT
 * invested 40 days ago for 30 days (matured, interest paid), and 0.25 BTC
 * invested 2 days ago (active). Ids are fixed, so a later run can close
 * `00000000-0000-4000-8000-000000000002`.
 *
 * @example
 * ```ts
 * import { openDemoSandbox } from "./_demo.ts";
 * import { WhiteBitClient } from "../mod.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const { sandbox, now } = await openDemoSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, now });
 * const [active] = (await client.investments({ status: 1 })).records;
 * strictEqual(active.id, "00000000-0000-4000-8000-000000000002");
 * ```
 *
 * @returns The sandbox, and its clock (the real one once the history is made).
 */
export async function openDemoSandbox(): Promise<{ sandbox: WhiteBitSandbox; now: () => number }> {
  const { WhiteBitSandbox } = await import("../testing.ts");
  let shiftMs = -40 * DAY_MS;
  const now = () => Date.now() + shiftMs;
  let counter = 0;
  const sandbox = new WhiteBitSandbox({
    now,
    newId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`,
  });
  const seeder = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, now });
  const [usdtPlan, btcPlan] = sandbox.plans;
  await seeder.invest({ planId: usdtPlan.id, amount: "1000" });
  shiftMs = -2 * DAY_MS;
  await seeder.invest({ planId: btcPlan.id, amount: "0.25" });
  shiftMs = 0;
  return { sandbox, now };
}

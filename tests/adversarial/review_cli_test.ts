/**
 * Review (hostile): promises of the CLI that do not hold. Each test fails on
 * `review` as it stands.
 */
import { ok, strictEqual } from "node:assert/strict";
import { cli, DEMO_USDT_PLAN, printed } from "../_fixtures.ts";

/** Something a person pasted into the wrong flag: it looks like a secret. */
const PASTED = "wbsecret0a1b2c3d4e5f6a7b8c9d";
const FLEX_USDT = "8f2e9d3c-1a4b-4c2d-9e5f-6a7b8c9d0e1f";

// README (The command line): "Messages are the CLI's own, and never echo a
// value"; "people paste secrets". A value refused by a flag's rule is quoted
// back in full (up to 64 characters).
Deno.test("review: a refused flag value is not echoed (people paste secrets)", async (t) => {
  const cases: [string, string[]][] = [
    ["invest --amount", ["invest", "--plan", DEMO_USDT_PLAN, "--amount", PASTED, "--yes"]],
    ["investments --limit", ["investments", "--limit", PASTED]],
    ["flex withdraw --amount", ["flex", "withdraw", "--plan", FLEX_USDT, "--amount", PASTED]],
  ];
  for (const [name, args] of cases) {
    await t.step(name, async () => {
      const run = await cli(["--sandbox", ...args]);
      strictEqual(run.code, 2, printed(run));
      ok(!printed(run).includes(PASTED), `the value was printed back:\n${printed(run)}`);
    });
  }
});

// DEVELOPERS rule 4: bad input gets a clear error. `reconcile` refuses
// "--from" together with "--plan/--amount/--at" ("not both"); `flex
// reconcile` silently drops the typed flags and answers about the saved
// error's plan and call instead of the ones the person typed.
Deno.test("review: flex reconcile refuses --from together with --call/--plan/--at", async () => {
  const saved = JSON.stringify({
    error: {
      requestPath: "/api/v4/main-account/smart-flex/investments/invest",
      outcome: "unknown",
      params: { plan: FLEX_USDT, amount: "100" },
      attemptedAt: Date.now() - 1000,
    },
    exitCode: 11,
  });
  const run = await cli(
    ["--sandbox", "flex", "reconcile", "--from", "-", "--call", "close", "--plan", "other-plan"],
    { stdin: saved },
  );
  strictEqual(run.code, 2, `refused as unclear, not answered: ${printed(run)}`);
});

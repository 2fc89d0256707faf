// Text from a hostile WhiteBIT reaches the terminal without what a terminal
// acts on (cli/_terminal.ts, cli/_format.ts), in tables, errors and JSON.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { CLI_PLAN, cliSandbox, printed } from "../_fixtures.ts";

/** A terminal control character, other than tab and newline, or a bidi mark. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

Deno.test("text from a hostile WhiteBIT reaches the terminal without control characters", async () => {
  const evilPlan = {
    ...CLI_PLAN,
    id: "evil\u001b]0;pwned\u0007-plan\u202e",
    ticker: "US\u001b[2J\u009b1mDT",
    interestTicker: "USDT\r\nFAKE ROW",
  };
  const { sandbox, server, run } = cliSandbox({}, {
    plans: [CLI_PLAN, evilPlan],
    pastInvestments: [{ planId: evilPlan.id, amount: "10", created: 1_800_000_000 }],
  });
  await using _ = server;
  const message = "Validation \u001b[31mfailed\u001b[0m\u0007";
  const link = "\u001b]8;;https://evil.example\u0007click here\u001b]8;;\u0007";
  const runs = [
    await run(["plans"]),
    await run(["investments"]),
    await run(["plans", "--json"]),
    await run(["investments", "--json", "--all"]),
  ];
  sandbox.injectFault({
    kind: "respond",
    status: 400,
    contentType: "application/json",
    body: JSON.stringify({ code: 0, message, errors: { planId: [link] } }),
  });
  runs.push(await run(["invest", "--yes", "--plan", CLI_PLAN.id, "--amount", "10"]));
  sandbox.injectFault({
    kind: "respond",
    status: 400,
    contentType: "application/json",
    body: JSON.stringify({ code: 0, message, errors: { planId: [link] } }),
  });
  runs.push(await run(["invest", "--yes", "--json", "--plan", CLI_PLAN.id, "--amount", "10"]));
  for (const result of runs) {
    const match = CONTROL.exec(printed(result));
    ok(match === null, `printed U+${match?.[0].charCodeAt(0).toString(16)}: ${printed(result)}`);
  }
  const [plans, investments, plansJson, investmentsJson, refused, refusedJson] = runs;
  ok(plans.stdout.includes("evil-plan  USDT "), plans.stdout);
  ok(!plans.stdout.includes("\nFAKE ROW"), "a newline in a cell cannot add a row");
  ok(investments.stdout.includes("evil-plan"), investments.stdout);
  strictEqual(refused.code, 4, refused.stderr);
  ok(refused.stderr.includes("Validation failed"), refused.stderr);
  // JSON keeps WhiteBIT's text exactly, escaped.
  deepStrictEqual(JSON.parse(plansJson.stdout)[1].ticker, evilPlan.ticker);
  deepStrictEqual(JSON.parse(investmentsJson.stdout)[0].plan.id, evilPlan.id);
  deepStrictEqual(JSON.parse(refusedJson.stderr).error.fieldErrors.planId, [link]);
});

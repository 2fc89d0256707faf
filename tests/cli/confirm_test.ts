// The question before invest and close (cli/_confirm.ts), on a
// pseudo-terminal: what it shows, and that only y or yes goes on.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { CLI_PLAN, cliSandbox, ENV_ACCOUNT, envOf, onTerminal, PATHS } from "../_fixtures.ts";

Deno.test("cli on a terminal asks before investing and closing: y goes, anything else stops", async () => {
  const { sandbox, server } = cliSandbox();
  await using _ = server;
  const env = envOf(ENV_ACCOUNT);
  const invest = ["invest", "--plan", CLI_PLAN.id, "--amount", "20", "--base-url", server.url];
  const declined = await onTerminal(invest, env, "n\n");
  strictEqual(declined.code, 3, declined.printed);
  ok(
    declined.printed.includes(
      `Invest 20 USDT in plan ${CLI_PLAN.id} (1 % for 30 d, interest paid in USDT) at ${server.url}? [y/N]`,
    ),
    declined.printed,
  );
  deepStrictEqual(
    sandbox.requests.map((r) => r.path),
    [PATHS.plans],
    "declined: only the plan was looked up",
  );
  const accepted = await onTerminal(invest, env, "y\n");
  strictEqual(accepted.code, 0, accepted.printed);
  strictEqual(sandbox.investments.length, 1);
  const close = ["close", "--id", sandbox.investments[0].id, "--base-url", server.url];
  strictEqual((await onTerminal(close, env, "\n")).code, 3, "the default is no");
  strictEqual((await onTerminal(close, env, "yes\n")).code, 0);
  strictEqual(sandbox.investments[0].status, 2);
});

Deno.test("the prompt shows amount, currency, rate and term, and for close that interest is forfeited", async () => {
  const { sandbox, server } = cliSandbox();
  await using _ = server;
  const env = envOf(ENV_ACCOUNT);
  const invest = await onTerminal(
    ["invest", "--plan", CLI_PLAN.id, "--amount", "20", "--base-url", server.url],
    env,
    "n\n",
  );
  strictEqual(invest.code, 3, invest.printed);
  ok(invest.printed.includes("Invest 20 USDT in plan cli-plan (1 % for 30 d"), invest.printed);
  strictEqual(sandbox.requests.filter((r) => r.path === PATHS.invest).length, 0);
  const accepted = await onTerminal(
    ["invest", "--plan", CLI_PLAN.id, "--amount", "20", "--base-url", server.url],
    env,
    "y\n",
  );
  strictEqual(accepted.code, 0, accepted.printed);
  const [{ id }] = sandbox.investments;
  const close = await onTerminal(["close", "--id", id, "--base-url", server.url], env, "n\n");
  strictEqual(close.code, 3, close.printed);
  ok(close.printed.includes(`Close investment ${id} (20 USDT in plan cli-plan, 1 % for 30 d`));
  ok(/early closure carries no penalty, but the interest is forfeited/.test(close.printed));
  strictEqual(sandbox.investments[0].status, 1, "still active");
});

// The command line read in the CLI's own words (cli/_args.ts): unclear flags
// refused before anything is sent, values never echoed, global flags before
// the command. The CLI runs as a subprocess (see ../_fixtures.ts).

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { cli, CLI_PLAN, cliSandbox, ENV_ACCOUNT, envOf, printed } from "../_fixtures.ts";

/** What a person might paste by mistake: shaped like an API secret. */
const PASTED = "Zq7XvN3pLr8TwK2mYc5HbD9fGj4sAe6u";

Deno.test("a flag given twice is refused in every form, and nothing is sent", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  const invest = ["invest", "--yes", "--plan", CLI_PLAN.id];
  const forms: string[][] = [
    [...invest, "--amount", "100", "--amount", "1000"],
    [...invest, "--amount=1", "--amount", "2"],
    [...invest, "--amount", "100", "--amount=100"], // the same value twice
    ["invest", "-y", "--yes", "--plan", CLI_PLAN.id, "--amount", "10"], // short and long
    ["invest", "--yes", "-y", "--plan", CLI_PLAN.id, "--amount", "10"],
    [...invest, "--plan", "other", "--amount", "10"],
    ["--json", ...invest, "--amount", "10", "--json"], // before and after the command
    [...invest, "--amount", "100", "--", "--amount", "1000"], // after the terminator
  ];
  for (const args of forms) {
    const result = await run(args);
    strictEqual(result.code, 2, `${args.join(" ")}: ${printed(result)}`);
    ok(/given twice|Flags only/.test(result.stderr), `${args.join(" ")}: ${result.stderr}`);
  }
  strictEqual(sandbox.requests.length, 0, "nothing reached WhiteBIT");
  strictEqual(sandbox.investments.length, 0);
});

Deno.test("a secret pasted as a command word or a flag is never echoed, not even in part", async () => {
  const lines: string[][] = [
    [PASTED],
    [PASTED, "plans", "--sandbox"],
    ["--sandbox", PASTED],
    ["--json", PASTED, "--sandbox"],
    [`--${PASTED}`, "plans", "--sandbox"],
    ["plans", "--sandbox", `--${PASTED}`],
    ["plans", "--sandbox", `--${PASTED}=1`],
    ["plans", "--sandbox", `-${PASTED}`],
    ["invest", "--sandbox", "--plan", "p", "--amount", "1", PASTED],
  ];
  for (const args of lines) {
    const result = await cli(args);
    strictEqual(result.code, 2, `${args.join(" ")}: ${printed(result)}`);
    for (let start = 0; start + 6 <= PASTED.length; start++) {
      const part = PASTED.slice(start, start + 6);
      ok(!printed(result).includes(part), `${args.join(" ")} echoed "${part}": ${printed(result)}`);
    }
  }
});

Deno.test("flag mistakes are reported in the CLI's own words", async () => {
  const cases: [string[], RegExp][] = [
    [["plans", "--sandbox", "--bogus"], /^UsageError: Unknown flag --bogus\n/],
    [["plans", "--sandbox", "--bogus", "value"], /^UsageError: Unknown flag --bogus\n/],
    [["invest", "--sandbox", "--plan", "p", "--amount"], /^UsageError: --amount needs a value/],
    [["invest", "--sandbox", "--plan", "--amount", "5"], /^UsageError: --plan needs a value/],
    [["plans", "--sandbox", "--json=yes"], /^UsageError: --json takes no value/],
  ];
  for (const [args, expected] of cases) {
    const result = await cli(args);
    strictEqual(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    ok(expected.test(result.stderr), `${args.join(" ")}: ${result.stderr}`);
    ok(!/Unknown option|positional argument|ERR_PARSE_ARGS/.test(result.stderr), result.stderr);
  }
});

Deno.test("cli never prints a secret typed where it does not belong", async () => {
  const leaked = ENV_ACCOUNT.apiSecret;
  const runs = await Promise.all([
    cli(["plans", "--sandbox", `--api-secret=${leaked}`]),
    cli(["plans", "--sandbox", "--api-secret", leaked]),
    cli(["plans", "--sandbox", leaked]),
    cli(["close", "--sandbox", "--id", "x", leaked]),
  ]);
  for (const run of runs) {
    strictEqual(run.code, 2);
    ok(!`${run.stdout}${run.stderr}`.includes(leaked), run.stderr);
  }
});

Deno.test("global flags are accepted before the command", async () => {
  const { sandbox, server } = cliSandbox();
  await using _ = server;
  const plans = await cli(["--sandbox", "--json", "plans", "--ticker", "BTC"]);
  strictEqual(plans.code, 0, plans.stderr);
  deepStrictEqual(JSON.parse(plans.stdout).map((p: { ticker: string }) => p.ticker), ["BTC"]);
  const page = await cli(["--json", "--sandbox", "investments", "--limit", "1"]);
  strictEqual(JSON.parse(page.stdout).records.length, 1, page.stderr);
  const remote = await cli(["--base-url", server.url, "--json", "plans"], {
    env: envOf(ENV_ACCOUNT),
  });
  strictEqual(remote.code, 0, remote.stderr);
  strictEqual(sandbox.requests.length, 1);
  const help = await cli(["--help", "invest"]);
  ok(help.stdout.startsWith("Usage: ") && help.stdout.includes("--amount <decimal>"));
});

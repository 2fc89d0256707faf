// The commands (cli/_commands.ts) as a user runs them: their output as
// tables and as JSON, the whole flow against a listening sandbox, --all and
// --version. The CLI runs as a subprocess (see ../_fixtures.ts).

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import {
  cli,
  CLI_PLAN,
  cliSandbox,
  DEMO_ACTIVE,
  DEMO_MATURED,
  DEMO_USDT_PLAN,
  ENV_ACCOUNT,
  envOf,
  onTerminal,
} from "../_fixtures.ts";

Deno.test("cli --sandbox: human tables are aligned", async () => {
  const { code, stdout, stderr } = await cli(["plans", "--sandbox"]);
  strictEqual(code, 0, stderr);
  const lines = stdout.trimEnd().split("\n");
  strictEqual(lines.length, 4, stdout);
  const tickerColumn = lines[0].indexOf("TICKER");
  const availableEnd = lines[0].length;
  for (const line of lines.slice(1)) {
    ok(/^(USDT|BTC) /.test(line.slice(tickerColumn)), line);
    strictEqual(line.length, availableEnd, "right-aligned last column");
  }
  const investments = await cli(["investments", "--sandbox"]);
  strictEqual(investments.code, 0);
  ok(investments.stdout.includes(DEMO_ACTIVE) && investments.stdout.includes("active"));
  ok(investments.stdout.includes(DEMO_MATURED) && investments.stdout.includes("closed"));
});

Deno.test("cli --sandbox --json: every command's output parses", async () => {
  const [plans, page, all, interest, invested, closed] = await Promise.all([
    cli(["plans", "--sandbox", "--json"]),
    cli(["investments", "--sandbox", "--json", "--limit", "1"]),
    cli(["investments", "--sandbox", "--json", "--all", "--limit", "1"]),
    cli(["interest", "--sandbox", "--json"]),
    cli(["invest", "--sandbox", "--json", "--yes", "--plan", DEMO_USDT_PLAN, "--amount", "100"]),
    cli(["close", "--sandbox", "--json", "-y", "--id", DEMO_ACTIVE]),
  ]);
  for (const run of [plans, page, all, interest, invested, closed]) {
    strictEqual(run.code, 0, run.stderr);
  }
  deepStrictEqual(JSON.parse(plans.stdout).map((plan: { ticker: string }) => plan.ticker), [
    "USDT",
    "BTC",
    "USDT",
  ]);
  const onePage = JSON.parse(page.stdout);
  deepStrictEqual([onePage.offset, onePage.limit, onePage.records.length], [0, 1, 1]);
  deepStrictEqual(JSON.parse(all.stdout).map((i: { id: string }) => i.id), [
    DEMO_ACTIVE,
    DEMO_MATURED,
  ]);
  const [payment] = JSON.parse(interest.stdout).records;
  deepStrictEqual([payment.investmentId, payment.amount, payment.ticker], [
    DEMO_MATURED,
    "25",
    "USDT",
  ]);
  strictEqual(JSON.parse(invested.stdout).id, "00000000-0000-4000-8000-000000000003");
  deepStrictEqual(JSON.parse(closed.stdout), { id: DEMO_ACTIVE, closed: true });
});

Deno.test("cli against a listening sandbox with env credentials: the whole flow", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  strictEqual((await run(["plans"])).code, 0);
  const invested = await run([
    "invest",
    "--yes",
    "--json",
    "--plan",
    CLI_PLAN.id,
    "--amount",
    "250.5",
  ]);
  strictEqual(invested.code, 0, invested.stderr);
  const { id } = JSON.parse(invested.stdout);
  strictEqual(sandbox.investments[0].id, id);
  strictEqual(sandbox.balance(ENV_ACCOUNT.apiKey, "USDT"), "4749.5");
  const listed = JSON.parse((await run(["investments", "--json", "--status", "active"])).stdout);
  deepStrictEqual(listed.records.map((i: { id: string }) => i.id), [id]);
  strictEqual((await run(["close", "--yes", "--id", id])).code, 0);
  strictEqual(sandbox.balance(ENV_ACCOUNT.apiKey, "USDT"), "5000");
  const again = await run(["close", "--yes", "--id", id]);
  strictEqual(again.code, 7, "CloseRejectedError");
  ok(again.stderr.startsWith("CloseRejectedError:"), again.stderr);
  strictEqual((await run(["interest"])).stdout.trim(), "Nothing found.");
});

Deno.test("--all shows progress on stderr on a terminal, and never when piped", async () => {
  const past = Array.from({ length: 250 }, (_, i) => ({
    planId: CLI_PLAN.id,
    amount: "10",
    created: 1_800_000_000 - i,
  }));
  const { server, run } = cliSandbox({}, { pastInvestments: past });
  await using _ = server;
  const piped = await run(["investments", "--all", "--json"]);
  strictEqual(JSON.parse(piped.stdout).length, 250);
  strictEqual(piped.stderr, "", "no progress when stderr is not a terminal");
  const terminal = await onTerminal(
    ["investments", "--all", "--base-url", server.url],
    envOf(ENV_ACCOUNT),
    "",
  );
  strictEqual(terminal.code, 0, terminal.printed);
  ok(terminal.printed.includes("\r100 records read…"), terminal.printed);
  ok(terminal.printed.includes("\r200 records read…"), terminal.printed);
});

Deno.test("--version prints the version in deno.json", async () => {
  for (const args of [["--version"], ["plans", "--version"], ["--sandbox", "--version"]]) {
    const result = await cli(args);
    strictEqual(result.code, 0, result.stderr);
    strictEqual(result.stdout, `@lending/whitebit ${denoJson.version}\n`);
  }
});

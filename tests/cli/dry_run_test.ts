// --dry-run: the signed request printed, redacted, and nothing sent: no
// lookup for the prompt, no preflight read, no time sync.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { importApiSecret, signBody } from "../../sign.ts";
import { CLI_PLAN, cliSandbox, ENV_ACCOUNT, envOf, onTerminal, PATHS } from "../_fixtures.ts";

Deno.test("cli --dry-run prints the signed request redacted and sends nothing", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  for (const json of [false, true]) {
    const args = ["invest", "--dry-run", "--plan", CLI_PLAN.id, "--amount", "100"];
    const dry = await run(json ? [...args, "--json"] : args);
    strictEqual(dry.code, 0, dry.stderr);
    const body = json
      ? JSON.parse(dry.stdout).request.body
      : dry.stdout.trimEnd().split("\n").at(-1)!;
    deepStrictEqual(JSON.parse(body).amount, "100");
    ok(dry.stdout.includes(`${server.url}${PATHS.invest}`));
    ok(dry.stdout.includes("[redacted]"));
    ok(!dry.stdout.includes(ENV_ACCOUNT.apiKey), "the key is shortened");
    const { signature } = await signBody(await importApiSecret(ENV_ACCOUNT.apiSecret), body);
    ok(!dry.stdout.includes(signature) && !dry.stderr.includes(signature), "signature shown");
  }
  strictEqual(sandbox.requests.length, 0, "nothing reached the server");
});

Deno.test("invest --dry-run --preflight shows the investment request, not the plans lookup", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  const args = ["invest", "--dry-run", "--preflight", "--plan", CLI_PLAN.id, "--amount", "100"];
  const text = await run(args);
  strictEqual(text.code, 0, text.stderr);
  const lines = text.stdout.trimEnd().split("\n");
  deepStrictEqual(lines.slice(0, 2), [
    "Dry run: nothing was sent.",
    `POST ${server.url}${PATHS.invest}`,
  ]);
  ok(!text.stdout.includes(PATHS.plans), text.stdout);
  const json = await run([...args, "--json"]);
  strictEqual(json.code, 0, json.stderr);
  const { dryRun, request } = JSON.parse(json.stdout);
  deepStrictEqual([dryRun, request.url], [true, `${server.url}${PATHS.invest}`]);
  for (const body of [lines.at(-1)!, request.body]) {
    const { planId, amount } = JSON.parse(body);
    deepStrictEqual({ planId, amount }, { planId: CLI_PLAN.id, amount: "100" });
  }
  deepStrictEqual(sandbox.requests, [], "no plans read, no investment");
});

Deno.test("a dry run on a terminal neither asks nor looks anything up", async () => {
  const { sandbox, server } = cliSandbox();
  await using _ = server;
  const cases: [string[], string][] = [
    [["invest", "--preflight", "--plan", CLI_PLAN.id, "--amount", "20"], PATHS.invest],
    [["close", "--id", "0d7b66ff"], PATHS.close],
  ];
  for (const [args, path] of cases) {
    // Nothing is typed: a prompt, had there been one, would show and end in exit 3.
    const { code, printed } = await onTerminal(
      [...args, "--dry-run", "--base-url", server.url],
      envOf(ENV_ACCOUNT),
      "",
    );
    strictEqual(code, 0, printed);
    ok(printed.includes(`Dry run: nothing was sent.`), printed);
    ok(printed.includes(`POST ${server.url}${path}`), printed);
    ok(!printed.includes("[y/N]"), printed);
  }
  deepStrictEqual(sandbox.requests, [], "no lookup for the prompt, no preflight read");
});

Deno.test("in a dry run no command sends anything (no time sync, no lookup): each shows its first request", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  const at = String(Date.now());
  const cases: [string[], string][] = [
    [["plans"], PATHS.plans],
    [["investments", "--all"], PATHS.investments],
    [["interest", "--all"], PATHS.interest],
    [["invest", "--preflight", "--yes", "--plan", CLI_PLAN.id, "--amount", "10"], PATHS.invest],
    [["close", "--id", "0d7b66ff"], PATHS.close],
    // findInvestment() reads the plan's currency first.
    [["reconcile", "--plan", CLI_PLAN.id, "--amount", "10", "--at", at], PATHS.plans],
  ];
  for (const [args, path] of cases) {
    const result = await run([...args, "--dry-run", "--json"]);
    strictEqual(result.code, 0, `${args[0]}: ${result.stderr}`);
    strictEqual(JSON.parse(result.stdout).request.url, `${server.url}${path}`, args[0]);
  }
  deepStrictEqual(sandbox.requests, [], "nothing reached the server, not even /public/time");
});

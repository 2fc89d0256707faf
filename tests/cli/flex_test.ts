// `flex <command>` end to end against a sandbox on 127.0.0.1: the lists, the
// four commands that move funds (asked first, refused without a terminal or
// --yes, shown without sending under --dry-run), the prompt's plan, amount,
// currency and rate, an unknown outcome (exit 11 and the reconcile line), and
// flex reconcile.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  cliSandbox,
  ENV_ACCOUNT,
  envOf,
  FLEX_PATHS,
  onTerminal,
  printed,
  tempFile,
} from "../_fixtures.ts";

const USDT = "8f2e9d3c-1a4b-4c2d-9e5f-6a7b8c9d0e1f";

Deno.test("cli flex: lists and money commands with --yes, JSON out", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  const plans = await run(["flex", "plans", "--json"]);
  strictEqual(plans.code, 0, printed(plans));
  deepStrictEqual(JSON.parse(plans.stdout).map((p: { ticker: string }) => p.ticker), [
    "USDT",
    "BTC",
  ]);
  const invest = await run([
    "flex",
    "invest",
    "--plan",
    USDT,
    "--amount",
    "100",
    "--with-reinvest",
    "false",
    "--yes",
    "--json",
  ]);
  strictEqual(invest.code, 0, printed(invest));
  strictEqual(JSON.parse(invest.stdout).transactionId, sandbox.flexHistory[0].transaction_id);
  strictEqual((await run(["flex", "withdraw", "--plan", USDT, "--amount", "25", "-y"])).code, 0);
  strictEqual(
    (await run(["flex", "auto-invest", "--plan", USDT, "--enabled", "true", "-y"])).code,
    0,
  );
  const positions = await run(["flex", "positions", "--status", "active", "--json"]);
  const [position] = JSON.parse(positions.stdout).data;
  deepStrictEqual([position.invested, position.withAutoReinvest], ["75", true]);
  const history = await run([
    "flex",
    "history",
    "--plan",
    USDT,
    "--action-types",
    "withdraw,open",
    "--all",
    "--json",
  ]);
  deepStrictEqual(JSON.parse(history.stdout).map((row: { actionType: number }) => row.actionType), [
    3,
    6,
  ]);
  const table = await run(["flex", "history"]);
  ok(/withdraw\s+25\s+USDT/.test(table.stdout), table.stdout);
  strictEqual((await run(["flex", "payments"])).stdout.trim(), "Nothing found.");
  strictEqual((await run(["flex", "close", "--plan", USDT, "--yes"])).code, 0);
  strictEqual(sandbox.balance(ENV_ACCOUNT.apiKey, "USDT"), ENV_ACCOUNT.balances?.USDT);
});

Deno.test("cli flex: refused before sending — no terminal, bad or twice-given flags, enabled left out", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  const cases: [string[], number][] = [
    [["flex", "invest", "--plan", USDT, "--amount", "100"], 3], // no terminal, no --yes
    [["flex", "invest", "--plan", USDT, "--amount", "1", "--amount", "2", "--yes"], 2],
    [["flex", "invest", "--plan", USDT, "--amount", "1e3", "--yes"], 2],
    [["flex", "invest", "--plan", USDT, "--amount", "1", "--with-reinvest", "yes", "--yes"], 2],
    [["flex", "withdraw", "--plan", USDT, "--yes"], 2],
    [["flex", "auto-invest", "--plan", USDT, "--yes"], 2], // --enabled is required
    [["flex", "close", "--id", "12", "--yes"], 2], // WhiteBIT's CLI's field name
    [["flex", "history", "--action-types", "9"], 2],
    [["flex", "history", "--date-from", "yesterday"], 2],
    [["flex", "positions", "--status", "2"], 2],
    [["flex", "nothing"], 2],
  ];
  for (const [args, code] of cases) {
    const result = await run(args);
    strictEqual(result.code, code, `${args.join(" ")}: ${printed(result)}`);
  }
  const moves = Object.values(FLEX_PATHS).slice(4);
  strictEqual(sandbox.requests.filter((r) => moves.includes(r.path as never)).length, 0);
  strictEqual(sandbox.flexHistory.length, 0);
});

Deno.test("cli flex: --dry-run shows the signed request with WhiteBIT's names and sends nothing", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  const dry = await run([
    "flex",
    "withdraw",
    "--plan",
    USDT,
    "--amount",
    "5",
    "--dry-run",
    "--json",
  ]);
  strictEqual(dry.code, 0, printed(dry));
  const { request } = JSON.parse(dry.stdout);
  deepStrictEqual(
    (({ plan, amount }) => ({ plan, amount }))(JSON.parse(request.body)),
    { plan: USDT, amount: "5" },
  );
  strictEqual(request.headers["x-txc-signature"], "[redacted]");
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("cli flex: the prompt shows plan, amount, currency and rate, and only y goes on", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  const env = envOf(ENV_ACCOUNT);
  await run(["flex", "invest", "--plan", USDT, "--amount", "100", "--yes"]);
  const topUp = ["flex", "invest", "--plan", USDT, "--amount", "50", "--base-url", server.url];
  const declined = await onTerminal(topUp, env, "n\n");
  strictEqual(declined.code, 3, declined.printed);
  ok(
    declined.printed.includes(
      `Invest 50 USDT in flex plan ${USDT} (USDT, max rate 0.15, position now 100 USDT) at ${server.url}?`,
    ),
    declined.printed,
  );
  ok(declined.printed.includes("This tops up the position: it becomes 100 + 50 USDT."));
  strictEqual(sandbox.flexHistory.length, 1, "declined: nothing moved");
  const close = await onTerminal(
    ["flex", "close", "--plan", USDT, "--base-url", server.url],
    env,
    "yes\n",
  );
  strictEqual(close.code, 0, close.printed);
  ok(close.printed.includes("The whole position, 100 USDT, goes back to the main balance."));
});

Deno.test("cli flex: an unknown outcome exits 11 with the reconcile line; flex reconcile tells", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  await run(["flex", "invest", "--plan", USDT, "--amount", "100", "--yes"]);
  sandbox.injectFault({ kind: "drop", afterProcessing: true }, { path: FLEX_PATHS.withdraw });
  const dropped = await run(["flex", "withdraw", "--plan", USDT, "--amount", "30", "--yes"]);
  strictEqual(dropped.code, 11, printed(dropped));
  const hint = dropped.stderr.match(
    /flex reconcile --call withdraw --plan \S+ --amount 30 --at (\d+)/,
  );
  ok(hint, dropped.stderr);
  const found = await run([
    "flex",
    "reconcile",
    "--call",
    "withdraw",
    "--plan",
    USDT,
    "--amount",
    "30",
    "--at",
    hint[1],
  ]);
  strictEqual(found.code, 0, printed(found));
  ok(found.stdout.includes("Found: it ran"));
  // A drop before WhiteBIT ran it, saved as JSON and reconciled from the file.
  sandbox.injectFault({ kind: "drop", afterProcessing: false }, { path: FLEX_PATHS.withdraw });
  const lost = await run(["flex", "withdraw", "--plan", USDT, "--amount", "31", "--yes", "--json"]);
  strictEqual(lost.code, 11);
  await using saved = await tempFile(lost.stderr);
  const notFound = await run(["flex", "reconcile", "--from", saved.path], {
    permissions: ["--allow-net=127.0.0.1", "--allow-env", `--allow-read=${saved.path}`],
  });
  strictEqual(notFound.code, 13, printed(notFound));
  strictEqual(sandbox.flexHistory.filter((row) => row.actionType === 3).length, 1);
});

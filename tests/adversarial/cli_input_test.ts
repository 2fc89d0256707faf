// Attacks on the CLI's input and output, as a user or a hostile WhiteBIT
// would make them: one test per promise. The CLI runs as a subprocess
// (see ../_cli.ts), against a sandbox listening on 127.0.0.1 here.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import {
  cli,
  ENV_ACCOUNT,
  envOf,
  FILE_ACCOUNT,
  FIXTURE,
  listening,
  onTerminal,
  PLAN,
  type Run,
  tempFile,
} from "../_cli.ts";

const INVEST = "/api/v4/main-account/smart/investment";
const PLANS = "/api/v4/main-account/smart/plans";
/** What a person might paste by mistake: shaped like an API secret. */
const PASTED = "Zq7XvN3pLr8TwK2mYc5HbD9fGj4sAe6u";
/** A terminal control character, other than tab and newline, or a bidi mark. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const printed = (run: Run) => `${run.stdout}${run.stderr}`;

Deno.test("a flag given twice is refused in every form, and nothing is sent", async () => {
  const { sandbox, server, run } = listening();
  await using _ = server;
  const invest = ["invest", "--yes", "--plan", PLAN.id];
  const forms: string[][] = [
    [...invest, "--amount", "100", "--amount", "1000"],
    [...invest, "--amount=1", "--amount", "2"],
    [...invest, "--amount", "100", "--amount=100"], // the same value twice
    ["invest", "-y", "--yes", "--plan", PLAN.id, "--amount", "10"], // short and long
    ["invest", "--yes", "-y", "--plan", PLAN.id, "--amount", "10"],
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

Deno.test("text from a hostile WhiteBIT reaches the terminal without control characters", async () => {
  const evilPlan = {
    ...PLAN,
    id: "evil\u001b]0;pwned\u0007-plan\u202e",
    ticker: "US\u001b[2J\u009b1mDT",
    interestTicker: "USDT\r\nFAKE ROW",
  };
  const { sandbox, server, run } = listening({}, {
    plans: [PLAN, evilPlan],
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
  runs.push(await run(["invest", "--yes", "--plan", PLAN.id, "--amount", "10"]));
  sandbox.injectFault({
    kind: "respond",
    status: 400,
    contentType: "application/json",
    body: JSON.stringify({ code: 0, message, errors: { planId: [link] } }),
  });
  runs.push(await run(["invest", "--yes", "--json", "--plan", PLAN.id, "--amount", "10"]));
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

Deno.test("a credentials file may have comment lines, blank lines, comments after values and CRLF", async () => {
  const { sandbox, server } = listening();
  await using _ = server;
  await using file = await tempFile(
    "\uFEFF# WhiteBIT, the lending key\r\n\r\n" +
      `WHITEBIT_API_KEY=${FILE_ACCOUNT.apiKey}   # the public key\r\n` +
      "   # indented comment\r\n" +
      `export WHITEBIT_API_SECRET="${FILE_ACCOUNT.apiSecret}" # quoted\r\n\r\n`,
  );
  const result = await cli(["plans", "--base-url", server.url, "--credentials-file", file.path], {
    permissions: ["--allow-net=127.0.0.1", `--allow-read=${file.path}`],
  });
  strictEqual(result.code, 0, result.stderr);
  strictEqual(result.stderr, "", "mode 600: no warning");
  strictEqual(sandbox.requests.length, 1);
});

Deno.test("a credentials file that sets a name twice is refused, nothing sent", async () => {
  const { sandbox, server } = listening();
  await using _ = server;
  await using file = await tempFile(
    `WHITEBIT_API_KEY=${FILE_ACCOUNT.apiKey}\nWHITEBIT_API_SECRET=${FILE_ACCOUNT.apiSecret}\n` +
      `WHITEBIT_API_KEY=${ENV_ACCOUNT.apiKey}\n`,
  );
  const result = await cli(["plans", "--base-url", server.url, "--credentials-file", file.path], {
    permissions: ["--allow-net=127.0.0.1", `--allow-read=${file.path}`],
  });
  strictEqual(result.code, 2, result.stderr);
  ok(result.stderr.includes("line 3 sets WHITEBIT_API_KEY again"), result.stderr);
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("a credentials file open to group or others draws a warning on stderr", async () => {
  const { server } = listening();
  await using _ = server;
  const content =
    `WHITEBIT_API_KEY=${FILE_ACCOUNT.apiKey}\nWHITEBIT_API_SECRET=${FILE_ACCOUNT.apiSecret}\n`;
  const modes: [string, boolean][] = [["644", true], ["640", true], ["604", true], ["600", false]];
  for (const [mode, warned] of modes) {
    await using file = await tempFile(content, mode);
    const result = await cli(["plans", "--base-url", server.url, "--credentials-file", file.path], {
      permissions: ["--allow-net=127.0.0.1", `--allow-read=${file.path}`],
    });
    strictEqual(result.code, 0, result.stderr);
    strictEqual(/^Warning: .* is open to group or others/.test(result.stderr), warned, mode);
    if (warned) ok(result.stderr.includes(`(mode ${mode})`), result.stderr);
  }
});

Deno.test("an unreadable credentials file says why: missing, a directory, denied, too large", async () => {
  const { sandbox, server } = listening();
  await using _ = server;
  const fixtures = new URL("../fixtures", import.meta.url).pathname;
  const missing = `${fixtures}/no-such-file.env`;
  await using large = await tempFile(
    `${"# padding\n".repeat(7_000)}WHITEBIT_API_KEY=${FILE_ACCOUNT.apiKey}\n` +
      `WHITEBIT_API_SECRET=${FILE_ACCOUNT.apiSecret}\n`,
  );
  const cases: [string, string, RegExp][] = [
    [missing, `--allow-read=${missing}`, /: it does not exist$/m],
    [fixtures, `--allow-read=${fixtures}`, /: it is a directory, not a file$/m],
    // Mode 0200 (write only): the system refuses reading it, even to root.
    // Deno lets only --allow-all read /proc/sys.
    ["/proc/sys/vm/drop_caches", "--allow-all", /: the system denies reading it/],
    [FIXTURE, "--allow-read=/nowhere", /: Deno may not read it: run with --allow-read=\//],
    [large.path, `--allow-read=${large.path}`, /: it is larger than 65536 bytes$/m],
  ];
  for (const [path, permission, expected] of cases) {
    const result = await cli(["plans", "--base-url", server.url, "--credentials-file", path], {
      permissions: permission === "--allow-all"
        ? [permission]
        : ["--allow-net=127.0.0.1", permission],
    });
    strictEqual(result.code, 2, `${path}: ${result.stderr}`);
    ok(expected.test(result.stderr), `${path}: ${result.stderr}`);
  }
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("--version prints the version in deno.json", async () => {
  for (const args of [["--version"], ["plans", "--version"], ["--sandbox", "--version"]]) {
    const result = await cli(args);
    strictEqual(result.code, 0, result.stderr);
    strictEqual(result.stdout, `@lending/whitebit ${denoJson.version}\n`);
  }
});

Deno.test("global flags are accepted before the command", async () => {
  const { sandbox, server } = listening();
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

Deno.test("a failure before sending exits 2, never 11 (funds may have moved)", async () => {
  const { sandbox, server, run } = listening();
  await using _ = server;
  const result = await run(["invest", "--yes", "--plan", PLAN.id, "--amount", "10"], {
    permissions: ["--allow-env=WHITEBIT_API_KEY,WHITEBIT_API_SECRET"], // no --allow-net
  });
  strictEqual(result.code, 2, result.stderr);
  ok(result.stderr.includes("--allow-net=127.0.0.1"), result.stderr);
  ok(!/may have been/.test(result.stderr), result.stderr);
  strictEqual(sandbox.requests.length, 0);
});

Deno.test("a read without an answer exits 12: it moved nothing, so no reconcile advice", async () => {
  const { sandbox, server, run } = listening();
  await using _ = server;
  for (const args of [["plans"], ["investments", "--all"], ["interest"]]) {
    sandbox.injectFault({ kind: "drop" });
    const result = await run(args);
    strictEqual(result.code, 12, `${args[0]}: ${result.stderr}`);
    ok(!/may have been made|reconcile --plan/.test(result.stderr), result.stderr);
  }
  sandbox.injectFault({ kind: "respond", status: 503, body: "<html/>" }, { path: PLANS });
  const json = await run(["plans", "--json"]);
  strictEqual(JSON.parse(json.stderr).exitCode, 12);
});

Deno.test("WHITEBIT_BASE_URL picks the server as for server.ts; --base-url and --eu still win", async () => {
  const { sandbox, server } = listening();
  await using _ = server;
  const permissions = [
    "--allow-net=127.0.0.1",
    "--allow-env=WHITEBIT_API_KEY,WHITEBIT_API_SECRET,WHITEBIT_BASE_URL",
  ];
  const fromEnv = await cli(["plans"], {
    permissions,
    env: { ...envOf(ENV_ACCOUNT), WHITEBIT_BASE_URL: server.url },
  });
  strictEqual(fromEnv.code, 0, fromEnv.stderr);
  strictEqual(sandbox.requests.length, 1, "the env's server was used");
  const flagWins = await cli(["plans", "--base-url", server.url], {
    permissions,
    env: { ...envOf(ENV_ACCOUNT), WHITEBIT_BASE_URL: "http://127.0.0.1:9" },
  });
  strictEqual(flagWins.code, 0, flagWins.stderr);
  const eu = await cli(["invest", "--eu", "--dry-run", "--plan", PLAN.id, "--amount", "10"], {
    permissions,
    env: { ...envOf(ENV_ACCOUNT), WHITEBIT_BASE_URL: server.url },
  });
  ok(eu.stdout.includes("https://whitebit.eu/api/v4/"), eu.stdout);
  strictEqual(sandbox.requests.length, 2);
});

Deno.test("--all shows progress on stderr on a terminal, and never when piped", async () => {
  const past = Array.from({ length: 250 }, (_, i) => ({
    planId: PLAN.id,
    amount: "10",
    created: 1_800_000_000 - i,
  }));
  const { server, run } = listening({}, { pastInvestments: past });
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

Deno.test("the prompt shows amount, currency, rate and term, and for close that interest is forfeited", async () => {
  const { sandbox, server } = listening();
  await using _ = server;
  const env = envOf(ENV_ACCOUNT);
  const invest = await onTerminal(
    ["invest", "--plan", PLAN.id, "--amount", "20", "--base-url", server.url],
    env,
    "n\n",
  );
  strictEqual(invest.code, 3, invest.printed);
  ok(invest.printed.includes("Invest 20 USDT in plan cli-plan (1 % for 30 d"), invest.printed);
  strictEqual(sandbox.requests.filter((r) => r.path === INVEST).length, 0);
  const accepted = await onTerminal(
    ["invest", "--plan", PLAN.id, "--amount", "20", "--base-url", server.url],
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

// The CLI as a user runs it (see _cli.ts): its commands, flags, output and
// exit codes. Attacks on it are in adversarial/cli_input_test.ts.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { importApiSecret, signBody } from "../../sign.ts";
import {
  cli,
  DEMO_ACTIVE,
  DEMO_MATURED,
  DEMO_USDT_PLAN,
  ENV_ACCOUNT,
  envOf,
  FILE_ACCOUNT,
  FIXTURE,
  listening,
  onTerminal,
  PLAN,
  type Run,
} from "../_cli.ts";

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
  const { sandbox, server, run } = listening();
  await using _ = server;
  strictEqual((await run(["plans"])).code, 0);
  const invested = await run(["invest", "--yes", "--json", "--plan", PLAN.id, "--amount", "250.5"]);
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

Deno.test("cli --credentials-file reads NAME=value lines; needs read permission for it", async () => {
  const { sandbox, server } = listening();
  await using _ = server;
  const ok1 = await cli([
    "invest",
    "-y",
    "--plan",
    PLAN.id,
    "--amount",
    "10",
    "--base-url",
    server.url,
    "--credentials-file",
    FIXTURE,
  ]);
  strictEqual(ok1.code, 0, ok1.stderr);
  strictEqual(sandbox.investments[0].apiKey, FILE_ACCOUNT.apiKey);
  const denied = await cli(["plans", "--base-url", server.url, "--credentials-file", FIXTURE], {
    permissions: ["--allow-net=127.0.0.1"],
  });
  strictEqual(denied.code, 2);
  ok(denied.stderr.includes(`--allow-read=${FIXTURE}`), denied.stderr);
  const missing = await cli(["plans", "--base-url", server.url]);
  strictEqual(missing.code, 2);
  ok(missing.stderr.includes("WHITEBIT_API_KEY"), missing.stderr);
});

Deno.test("cli --dry-run prints the signed request redacted and sends nothing", async () => {
  const { sandbox, server, run } = listening();
  await using _ = server;
  for (const json of [false, true]) {
    const args = ["invest", "--dry-run", "--plan", PLAN.id, "--amount", "100"];
    const dry = await run(json ? [...args, "--json"] : args);
    strictEqual(dry.code, 0, dry.stderr);
    const body = json
      ? JSON.parse(dry.stdout).request.body
      : dry.stdout.trimEnd().split("\n").at(-1)!;
    deepStrictEqual(JSON.parse(body).amount, "100");
    ok(dry.stdout.includes(`${server.url}/api/v4/main-account/smart/investment`));
    ok(dry.stdout.includes("[redacted]"));
    ok(!dry.stdout.includes(ENV_ACCOUNT.apiKey), "the key is shortened");
    const { signature } = await signBody(await importApiSecret(ENV_ACCOUNT.apiSecret), body);
    ok(!dry.stdout.includes(signature) && !dry.stderr.includes(signature), "signature shown");
  }
  strictEqual(sandbox.requests.length, 0, "nothing reached the server");
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

Deno.test("cli exit codes follow the documented table", async () => {
  const { sandbox, server, run } = listening();
  await using _ = server;
  const wrongSecret = (args: string[]) =>
    cli([...args, "--base-url", server.url], {
      env: { ...envOf(ENV_ACCOUNT), WHITEBIT_API_SECRET: "not-the-secret" },
    });
  const invest = (amount: string, ...more: string[]) =>
    run(["invest", "--yes", "--plan", PLAN.id, "--amount", amount, ...more]);
  const cases: [string, () => Promise<Run>, number, RegExp?][] = [
    ["no command", () => cli([]), 2],
    ["unknown command", () => cli(["withdraw", "--sandbox"]), 2],
    ["unknown flag", () => cli(["plans", "--sandbox", "--amount", "1"]), 2],
    ["bad --limit", () => cli(["investments", "--sandbox", "--limit", "ten"]), 2],
    ["--limit out of range", () => cli(["investments", "--sandbox", "--limit", "500"]), 2],
    ["bad --amount", () => cli(["invest", "--sandbox", "--plan", "p", "--amount", "1e3"]), 2],
    ["missing --amount", () => cli(["invest", "--sandbox", "--plan", "p", "--yes"]), 2],
    ["--eu with --base-url", () => cli(["plans", "--eu", "--base-url", server.url]), 2],
    ["no --yes without a terminal", () => run(["invest", "--plan", PLAN.id, "--amount", "10"]), 3],
    [
      "400",
      () => run(["invest", "--yes", "--plan", "nope", "--amount", "10"]),
      4,
      /^ValidationError/,
    ],
    ["401", () => wrongSecret(["plans"]), 5, /^AuthenticationError/],
    ["422", () => invest("5"), 7, /^InvestmentRejectedError/],
    ["preflight", () => invest("5", "--preflight"), 8, /^PreflightError/],
    ["help", () => cli(["close", "--help"]), 0],
  ];
  for (const [name, call, code, stderr] of cases) {
    const result = await call();
    strictEqual(result.code, code, `${name}: ${result.stderr}`);
    if (stderr) ok(stderr.test(result.stderr), `${name}: ${result.stderr}`);
  }
  strictEqual(sandbox.investments.length, 0, "none of these invested");

  const faults: [string, () => void, number, RegExp][] = [
    [
      "429 nonce answers until the retries are spent",
      () =>
        sandbox.injectFault({
          kind: "respond",
          status: 429,
          contentType: "application/json",
          body: '{"code":0,"errors":{},"message":"Too many requests."}',
        }, { times: 3 }),
      9,
      /^NonceError/,
    ],
    [
      "404 from a gateway",
      () => sandbox.injectFault({ kind: "respond", status: 404 }),
      10,
      /^WhiteBitError/,
    ],
    [
      "dropped after processing",
      () => sandbox.injectFault({ kind: "drop", afterProcessing: true }),
      11,
      /^NetworkError[^]*10\.25 in plan cli-plan at \d{4}-[^]*reconcile --plan cli-plan --amount 10\.25 --at \d{13}/,
    ],
  ];
  for (const [name, inject, code, stderr] of faults) {
    inject();
    const result = await invest("10.25");
    strictEqual(result.code, code, `${name}: ${result.stderr}`);
    ok(stderr.test(result.stderr), `${name}: ${result.stderr}`);
  }
  strictEqual(sandbox.investments.length, 1, "only the dropped one ran");

  const { sandbox: closed, server: closedServer, run: runClosed } = listening({
    lendingAccess: false,
  });
  await using __ = closedServer;
  strictEqual((await runClosed(["plans"])).code, 6, "403 PermissionError");
  strictEqual(closed.investments.length, 0);

  const json = await run(["invest", "--yes", "--json", "--plan", "nope", "--amount", "10"]);
  const { error, exitCode } = JSON.parse(json.stderr);
  deepStrictEqual([error.name, error.status, error.outcome, exitCode], [
    "ValidationError",
    400,
    "not_executed",
    4,
  ]);
  deepStrictEqual(error.params, { planId: "nope", amount: "10" });
  strictEqual(json.stdout, "");
});

Deno.test("cli on a terminal asks before investing and closing: y goes, anything else stops", async () => {
  const { sandbox, server } = listening();
  await using _ = server;
  const env = envOf(ENV_ACCOUNT);
  const invest = ["invest", "--plan", PLAN.id, "--amount", "20", "--base-url", server.url];
  const declined = await onTerminal(invest, env, "n\n");
  strictEqual(declined.code, 3, declined.printed);
  ok(
    declined.printed.includes(
      `Invest 20 USDT in plan ${PLAN.id} (1 % for 30 d, interest paid in USDT) at ${server.url}? [y/N]`,
    ),
    declined.printed,
  );
  deepStrictEqual(
    sandbox.requests.map((r) => r.path),
    ["/api/v4/main-account/smart/plans"],
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

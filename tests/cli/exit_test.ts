// The exit codes (cli/_exit.ts) and how a failure is reported
// (cli/_report.ts): the documented table end to end, and the table itself
// against every error class and every endpoint.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import * as mod from "../../mod.ts";
import * as flex from "../../client/flex/mod.ts";
import { FLEX_ENDPOINTS } from "../../client/flex/_endpoints.ts";
import type { SandboxFault } from "../../testing.ts";
import { ENDPOINTS } from "../../client/_endpoints.ts";
import { EXIT, EXIT_BY_NAME, exitCodeOf } from "../../cli/_exit.ts";
import {
  cli,
  CLI_PLAN,
  type CliRun,
  cliSandbox,
  ENV_ACCOUNT,
  envOf,
  PATHS,
  PLAN,
  setup,
  type SetupOptions,
} from "../_fixtures.ts";

Deno.test("cli exit codes follow the documented table", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  const wrongSecret = (args: string[]) =>
    cli([...args, "--base-url", server.url], {
      env: { ...envOf(ENV_ACCOUNT), WHITEBIT_API_SECRET: "not-the-secret" },
    });
  const invest = (amount: string, ...more: string[]) =>
    run(["invest", "--yes", "--plan", CLI_PLAN.id, "--amount", amount, ...more]);
  const cases: [string, () => Promise<CliRun>, number, RegExp?][] = [
    ["no command", () => cli([]), 2],
    ["unknown command", () => cli(["withdraw", "--sandbox"]), 2],
    ["unknown flag", () => cli(["plans", "--sandbox", "--amount", "1"]), 2],
    ["bad --limit", () => cli(["investments", "--sandbox", "--limit", "ten"]), 2],
    ["--limit out of range", () => cli(["investments", "--sandbox", "--limit", "500"]), 2],
    ["bad --amount", () => cli(["invest", "--sandbox", "--plan", "p", "--amount", "1e3"]), 2],
    ["missing --amount", () => cli(["invest", "--sandbox", "--plan", "p", "--yes"]), 2],
    ["--eu with --base-url", () => cli(["plans", "--eu", "--base-url", server.url]), 2],
    [
      "no --yes without a terminal",
      () => run(["invest", "--plan", CLI_PLAN.id, "--amount", "10"]),
      3,
    ],
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

  const { sandbox: closed, server: closedServer, run: runClosed } = cliSandbox({
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

Deno.test("a read without an answer exits 12: it moved nothing, so no reconcile advice", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  for (const args of [["plans"], ["investments", "--all"], ["interest"]]) {
    sandbox.injectFault({ kind: "drop" });
    const result = await run(args);
    strictEqual(result.code, 12, `${args[0]}: ${result.stderr}`);
    ok(!/may have been made|reconcile --plan/.test(result.stderr), result.stderr);
  }
  sandbox.injectFault({ kind: "respond", status: 503, body: "<html/>" }, { path: PATHS.plans });
  const json = await run(["plans", "--json"]);
  strictEqual(JSON.parse(json.stderr).exitCode, 12);
});

/** The error classes mod.ts exports, each made with the options every one of them takes. */
function exportedErrors(): [string, Error][] {
  const options = {
    outcome: "not_executed" as const,
    requestPath: PATHS.plans,
    reason: "unknown" as const,
    request: { method: "POST", url: "https://whitebit.com", headers: {}, body: "" },
  };
  return Object.entries({ ...mod, ...flex }).flatMap(([name, value]) =>
    typeof value === "function" && value.prototype instanceof Error
      ? [[name, new (value as new (message: string, o: typeof options) => Error)("m", options)]]
      : []
  );
}

Deno.test("every error class exported from mod.ts has its row in the exit-code table, and no other row", () => {
  const errors = exportedErrors();
  deepStrictEqual(errors.map(([name]) => name).sort(), Object.keys(EXIT_BY_NAME).sort());
  for (const [name, error] of errors) {
    strictEqual(error.name, name, "the literal name is the class's");
    const code = exitCodeOf(error);
    ok(code !== EXIT.unexpected && code !== EXIT.unknownOutcome, `${name}: ${code}`);
  }
});

Deno.test("exit 11 (funds may have moved) comes from ENDPOINTS' and FLEX_ENDPOINTS' stateChanging, for every endpoint", () => {
  const unknown = ["WhiteBitError", "ServerError", "NetworkError", "TimeoutError", "AbortedError"];
  const classes = exportedErrors().filter(([name]) => unknown.includes(name));
  strictEqual(classes.length, unknown.length);
  for (const endpoint of [...Object.values(ENDPOINTS), ...Object.values(FLEX_ENDPOINTS)]) {
    for (const [name, made] of classes) {
      const Class = made.constructor as new (message: string, o: mod.WhiteBitErrorOptions) => Error;
      const at = (outcome: mod.Outcome) =>
        exitCodeOf(new Class("no answer", { outcome, requestPath: endpoint.path }));
      const label = `${name} on ${endpoint.path}`;
      strictEqual(
        at("unknown"),
        endpoint.stateChanging ? EXIT.unknownOutcome : EXIT.notSent,
        label,
      );
      strictEqual(at("not_executed"), EXIT.notSent, label);
    }
  }
  ok(Object.values(ENDPOINTS).some((endpoint) => endpoint.stateChanging), "some move funds");
  ok(Object.values(ENDPOINTS).some((endpoint) => !endpoint.stateChanging), "some only read");
});

/** What a call on a fresh `setup()` fails with; the sandbox faulted first if asked. */
async function failure(
  call: (client: mod.WhiteBitClient, planId: string) => Promise<unknown>,
  options: SetupOptions & { fault?: SandboxFault; faultOn?: string } = {},
): Promise<unknown> {
  const { fault, faultOn, ...rest } = options;
  const { sandbox, client, planId } = setup({ ...rest, client: { maxRetries: 0, ...rest.client } });
  if (fault) sandbox.injectFault(fault, { path: faultOn });
  return await call(client, planId).then(() => undefined, (error) => error);
}

Deno.test("each error the client throws ends in its documented exit code", async () => {
  const plans = (client: mod.WhiteBitClient) => client.plans();
  const invest =
    (amount: string, preflight = false) => (client: mod.WhiteBitClient, planId: string) =>
      client.invest({ planId, amount }, { preflight });
  const closeOne = async (client: mod.WhiteBitClient, planId: string) => {
    const { id } = await client.invest({ planId, amount: "10" });
    await client.closeInvestment(id);
  };
  const closeTwice = async (client: mod.WhiteBitClient, planId: string) => {
    const { id } = await client.invest({ planId, amount: "10" });
    await client.closeInvestment(id);
    await client.closeInvestment(id);
  };
  const aboveMaximum = String(Number(PLAN.maxInvestment) + 1);
  const badGateway = (afterProcessing: boolean): SandboxFault => ({
    kind: "respond",
    status: 502,
    body: "<html>Bad gateway</html>",
    afterProcessing,
  });
  const dropped = (afterProcessing: boolean): SandboxFault => ({ kind: "drop", afterProcessing });
  const nonce: SandboxFault = {
    kind: "respond",
    status: 429,
    contentType: "application/json",
    body: '{"code":0,"errors":{},"message":"Too many requests."}',
  };
  const cases: [string, Promise<unknown>, number][] = [
    ["400", failure((client) => client.invest({ planId: "nope", amount: "10" })), 4],
    ["401", failure(plans, { client: { apiSecret: "not-the-secret" } }), 5],
    ["403", failure(plans, { account: { lendingAccess: false } }), 6],
    ["422 invest", failure(invest(aboveMaximum)), 7],
    ["422 close", failure(closeTwice), 7],
    ["preflight", failure(invest(aboveMaximum, true)), 8],
    ["429 nonce", failure(plans, { fault: nonce }), 9],
    [
      "429 rate limit",
      failure(plans, { fault: { kind: "respond", status: 429, body: "slow" } }),
      9,
    ],
    ["404 from a gateway", failure(plans, { fault: { kind: "respond", status: 404 } }), 10],
    ["502 on invest, processed", failure(invest("10"), { fault: badGateway(true) }), 11],
    ["dropped invest, processed", failure(invest("10"), { fault: dropped(true) }), 11],
    [
      "dropped close, processed",
      failure(closeOne, { fault: dropped(true), faultOn: PATHS.close }),
      11,
    ],
    ["502 on a read", failure(plans, { fault: badGateway(false) }), 12],
    ["dropped read", failure(plans, { fault: dropped(false) }), 12],
    ["dry run", failure(invest("10"), { client: { dryRun: true } }), 0],
  ];
  for (const [label, failed, code] of cases) {
    const error = await failed;
    ok(error instanceof mod.WhiteBitError, `${label}: ${error}`);
    strictEqual(exitCodeOf(error), code, `${label}: ${error.name}: ${error.message}`);
  }
});

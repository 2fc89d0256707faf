// The CLI's `reconcile` (cli/_reconcile.ts) as a person uses it after exit
// 11, against an account with more investments than WhiteBIT serves (10 150 >
// offset 10 000 + limit 100): from the saved `--json` error (a file or
// stdin), or from `--plan --amount --at`.

import { ok, strictEqual } from "node:assert/strict";
import { CLI_PLAN, cliSandbox, history, tempFile } from "../_fixtures.ts";

const DAY_S = 86_400;
const nowS = () => Math.floor(Date.now() / 1000);

/** A listening sandbox whose account made 10 150 investments in the plan, the last a day ago. */
function longHistory(newest = nowS() - DAY_S) {
  return cliSandbox({}, { pastInvestments: history(10_150, { planId: CLI_PLAN.id, newest }) });
}

Deno.test("reconcile finds an investment that went through, from the saved --json error (file and stdin)", async () => {
  const { sandbox, server, run } = longHistory();
  await using _ = server;
  sandbox.injectFault({ kind: "drop", afterProcessing: true });
  const failed = await run(["invest", "--yes", "--json", "--plan", CLI_PLAN.id, "--amount", "100"]);
  strictEqual(failed.code, 11, failed.stderr);
  const made = sandbox.investments.at(-1)!;
  await using saved = await tempFile(failed.stderr);
  const fromFile = await run(["reconcile", "--from", saved.path], {
    permissions: ["--allow-net=127.0.0.1", "--allow-env", `--allow-read=${saved.path}`],
  });
  strictEqual(fromFile.code, 0, fromFile.stderr);
  ok(fromFile.stdout.startsWith(`Found: the attempt invested (investment ${made.id})`));
  const fromStdin = await run(["reconcile", "--json", "--from", "-"], { stdin: failed.stderr });
  strictEqual(fromStdin.code, 0, fromStdin.stderr);
  const answer = JSON.parse(fromStdin.stdout);
  strictEqual(answer.found, true);
  strictEqual(answer.investment.id, made.id);
  strictEqual(sandbox.investments.length, 10_151, "reads only");
});

Deno.test("reconcile says clearly that there is none (exit 13) when the attempt did not run", async () => {
  const { sandbox, server, run } = longHistory();
  await using _ = server;
  sandbox.injectFault({ kind: "drop" });
  const failed = await run(["invest", "--yes", "--json", "--plan", CLI_PLAN.id, "--amount", "100"]);
  strictEqual(failed.code, 11, failed.stderr);
  const none = await run(["reconcile", "--from", "-"], { stdin: failed.stderr });
  strictEqual(none.code, 13, none.stderr);
  ok(none.stdout.startsWith("Not found: there is no investment of 100 in plan cli-plan"));
  ok(none.stdout.includes("The attempt did not invest"), none.stdout);
  const typed = await run([
    "reconcile",
    "--json",
    "--plan",
    CLI_PLAN.id,
    "--amount",
    "100",
    "--at",
    new Date().toISOString(),
  ]);
  strictEqual(typed.code, 13, typed.stderr);
  strictEqual(JSON.parse(typed.stdout).found, false);
});

Deno.test("reconcile --plan --amount --at finds by Unix ms or ISO time, with any case of plan id", async () => {
  const { sandbox, server, run } = longHistory();
  await using _ = server;
  const invested = await run([
    "invest",
    "--yes",
    "--json",
    "--plan",
    CLI_PLAN.id,
    "--amount",
    "42.5",
  ]);
  strictEqual(invested.code, 0, invested.stderr);
  const { id } = JSON.parse(invested.stdout);
  const created = sandbox.investments.at(-1)!.created * 1000;
  for (const at of [String(created), new Date(created).toISOString().replace("T", " ")]) {
    const found = await run([
      "reconcile",
      "--plan",
      CLI_PLAN.id.toUpperCase(),
      "--amount",
      "42.50",
      "--at",
      at,
    ]);
    strictEqual(found.code, 0, `${at}: ${found.stderr}`);
    ok(found.stdout.includes(id), found.stdout);
  }
});

Deno.test("reconcile never says 'not found' when WhiteBIT serves too little history (exit 11)", async () => {
  // 10 150 investments in the last three hours; the attempt was four hours ago.
  const { sandbox, server, run } = longHistory(nowS());
  await using _ = server;
  const at = String(Date.now() - 4 * 3_600_000);
  const result = await run(["reconcile", "--plan", CLI_PLAN.id, "--amount", "100", "--at", at]);
  strictEqual(result.code, 11, result.stderr);
  strictEqual(result.stdout, "");
  ok(/^UnresolvedError: .*the outcome is unknown, not "not found"/.test(result.stderr));
  ok(result.stderr.includes("history on WhiteBIT's website"), result.stderr);
  const json = await run([
    "reconcile",
    "--json",
    "--plan",
    CLI_PLAN.id,
    "--amount",
    "100",
    "--at",
    at,
  ]);
  strictEqual(JSON.parse(json.stderr).exitCode, 11);
  strictEqual(sandbox.investments.length, 10_150, "reads only");
});

Deno.test("reconcile refuses unclear input before sending anything", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  const typed = ["reconcile", "--plan", CLI_PLAN.id, "--amount", "100", "--at"];
  const cases: [string[], string | undefined, RegExp][] = [
    [[...typed, "2026-05-01T10:00:00"], undefined, /ISO time with its zone/], // no zone
    [[...typed, "1777000000"], undefined, /Unix milliseconds/], // seconds
    [[...typed, "yesterday"], undefined, /Unix milliseconds/],
    [[...typed, String(Date.now() + 86_400_000)], undefined, /in the future/],
    [[...typed, String(Date.now()), "--from", "-"], "{}", /not both/],
    [["reconcile"], undefined, /--from <file\|->, or --plan, --amount and --at/],
    [["reconcile", "--from", "-"], "not json", /not a saved error/],
    [["reconcile", "--from", "-"], `{"error":"${"x".repeat(70_000)}"}`, /larger than 65536/],
    [
      ["reconcile", "--from", "-"],
      '{"requestPath":"/api/v4/main-account/smart/investment/close"}',
      /requestPath/,
    ],
    [
      ["reconcile", "--from", "-"],
      '{"requestPath":"/api/v4/main-account/smart/investment","outcome":"unknown","params":{"planId":"p"}}',
      /params\.amount/,
    ],
  ];
  for (const [args, stdin, expected] of cases) {
    const result = await run(args, { stdin });
    strictEqual(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    ok(expected.test(result.stderr), `${args.join(" ")}: ${result.stderr}`);
  }
  strictEqual(sandbox.requests.length, 0);
});

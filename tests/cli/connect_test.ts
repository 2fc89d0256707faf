// Which server the CLI connects to, and that it refuses before sending when
// it may not connect (cli/_connect.ts).

import { ok, strictEqual } from "node:assert/strict";
import { cli, CLI_PLAN, cliSandbox, ENV_ACCOUNT, envOf } from "../_fixtures.ts";

Deno.test("WHITEBIT_BASE_URL picks the server as for server.ts; --base-url and --eu still win", async () => {
  const { sandbox, server } = cliSandbox();
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
  const eu = await cli(["invest", "--eu", "--dry-run", "--plan", CLI_PLAN.id, "--amount", "10"], {
    permissions,
    env: { ...envOf(ENV_ACCOUNT), WHITEBIT_BASE_URL: server.url },
  });
  ok(eu.stdout.includes("https://whitebit.eu/api/v4/"), eu.stdout);
  strictEqual(sandbox.requests.length, 2);
});

Deno.test("a failure before sending exits 2, never 11 (funds may have moved)", async () => {
  const { sandbox, server, run } = cliSandbox();
  await using _ = server;
  const result = await run(["invest", "--yes", "--plan", CLI_PLAN.id, "--amount", "10"], {
    permissions: ["--allow-env=WHITEBIT_API_KEY,WHITEBIT_API_SECRET"], // no --allow-net
  });
  strictEqual(result.code, 2, result.stderr);
  ok(result.stderr.includes("--allow-net=127.0.0.1"), result.stderr);
  ok(!/may have been/.test(result.stderr), result.stderr);
  strictEqual(sandbox.requests.length, 0);
});

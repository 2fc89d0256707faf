// The API key and secret from the environment or a credentials file
// (cli/_credentials.ts, cli/_input.ts): every line form, every way a file can
// be unreadable, and a file open to others.

import { ok, strictEqual } from "node:assert/strict";
import {
  cli,
  CLI_PLAN,
  cliSandbox,
  CREDENTIALS_FILE,
  ENV_ACCOUNT,
  FILE_ACCOUNT,
  tempFile,
} from "../_fixtures.ts";

Deno.test("cli --credentials-file reads NAME=value lines; needs read permission for it", async () => {
  const { sandbox, server } = cliSandbox();
  await using _ = server;
  const ok1 = await cli([
    "invest",
    "-y",
    "--plan",
    CLI_PLAN.id,
    "--amount",
    "10",
    "--base-url",
    server.url,
    "--credentials-file",
    CREDENTIALS_FILE,
  ]);
  strictEqual(ok1.code, 0, ok1.stderr);
  strictEqual(sandbox.investments[0].apiKey, FILE_ACCOUNT.apiKey);
  const denied = await cli([
    "plans",
    "--base-url",
    server.url,
    "--credentials-file",
    CREDENTIALS_FILE,
  ], {
    permissions: ["--allow-net=127.0.0.1"],
  });
  strictEqual(denied.code, 2);
  ok(denied.stderr.includes(`--allow-read=${CREDENTIALS_FILE}`), denied.stderr);
  const missing = await cli(["plans", "--base-url", server.url]);
  strictEqual(missing.code, 2);
  ok(missing.stderr.includes("WHITEBIT_API_KEY"), missing.stderr);
});

Deno.test("a credentials file may have comment lines, blank lines, comments after values and CRLF", async () => {
  const { sandbox, server } = cliSandbox();
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
  const { sandbox, server } = cliSandbox();
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
  const { server } = cliSandbox();
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
  const { sandbox, server } = cliSandbox();
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
    [CREDENTIALS_FILE, "--allow-read=/nowhere", /: Deno may not read it: run with --allow-read=\//],
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

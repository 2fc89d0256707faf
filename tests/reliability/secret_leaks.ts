// Reliability: a secret-leak scan over what the demo, the unit tests, a
// program printing every kind of error and audit event (and dying of an
// error), and the server's access log with its client events actually
// print, each run as its own process: 0 occurrences of a secret, a caller's
// token or a full API key.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { WhiteBitSandbox } from "../../testing.ts";
import { startServe } from "../_fixtures.ts";
import { assertNoSecrets } from "../_leak_scan.ts";

const root = new URL("../../", import.meta.url).pathname;

/** Runs `deno <args>` in the repository; returns its exit code and everything it printed. */
async function deno(args: string[]): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code, output: decoder.decode(stdout) + decoder.decode(stderr) };
}

/** The tests and their fixtures: every `.ts` file under `dir` (a path from the repository's root). */
async function* testFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(`${root}${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* testFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

Deno.test("`deno task demo` prints no secret and no full API key", async () => {
  const { apiKey, apiSecret } = new WhiteBitSandbox().credentials; // the demo's account
  const { code, output } = await deno(["task", "demo"]);
  strictEqual(code, 0, output);
  ok(output.includes("Invested 100 USDT") && output.includes("Rejected:"), output);
  assertNoSecrets(output, { "the secret": apiSecret, "the API key": apiKey }, "the demo");
});

Deno.test("every kind of error, printed every way and thrown uncaught, shows no secret", async () => {
  const apiKey = "LEAKSCAN-KEY-2f6e0c1d9b";
  const apiSecret = "LEAKSCAN-SECRET-7a3c5e9f14d2";
  const { code, output } = await deno([
    "run",
    "--allow-net=127.0.0.1",
    "tests/reliability/_print_errors.ts",
    apiKey,
    apiSecret,
  ]);
  strictEqual(code, 1, "the last error must escape uncaught");
  const [, printed, total] = /printed (\d+) errors of (\d+) failures/.exec(output) ?? [];
  ok(Number(total) >= 10 && printed === total, output);
  ok(output.includes("error: Uncaught"), output);
  const events = JSON.parse(/printed events: (\{.*\})/.exec(output)?.[1] ?? "{}");
  // How many answers beat the 50 ms timeout depends on the machine: every kind must be there.
  ok(events.request >= 9 && events.response >= 1 && events.error >= 8, JSON.stringify(events));
  assertNoSecrets(
    output,
    { "the secret": apiSecret, "the API key": apiKey },
    "printed errors and events",
  );
});

Deno.test("the server's access log, with the client's events of each request, shows no secret", async () => {
  const apiKey = "LEAKSCAN-SERVER-KEY-8d4a61";
  const apiSecret = "LEAKSCAN-SERVER-SECRET-3e9b07c2";
  const token = "LEAKSCAN-CALLER-TOKEN-51c0";
  const sandbox = new WhiteBitSandbox({
    accounts: [{ apiKey, apiSecret, balances: { USDT: "1000" } }],
  });
  await using wire = sandbox.listen();
  const printed: string[] = [];
  for (const secret of [apiSecret, "LEAKSCAN-WRONG-SECRET-0a7f"]) {
    await using serve = await startServe({
      WHITEBIT_API_KEY: apiKey,
      WHITEBIT_API_SECRET: secret,
      WHITEBIT_BASE_URL: wire.url,
      LENDING_API_TOKENS: token,
    });
    const invest = async (amount: string) => {
      const response = await fetch(`${serve.url}/v1/investments`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ planId: sandbox.plans[0].id, amount }),
      });
      await response.body?.cancel();
      return response.status;
    };
    await invest("10"); // 201, or WhiteBIT's 401 with the wrong secret
    sandbox.injectFault({ kind: "drop", afterProcessing: true });
    await invest("20"); // 502: a failure after sending
    await invest("5000"); // WhiteBIT's 422
    printed.push(serve.stderr, await serve.printed());
  }
  const text = printed.join("\n");
  const kinds = new Set([...text.matchAll(/"type":"(request|response|error)"/g)].map((m) => m[1]));
  deepStrictEqual([...kinds].sort(), ["error", "request", "response"], text);
  ok(text.includes('"status":401') && text.includes('"error":"AuthenticationError"'), text);
  assertNoSecrets(
    text,
    {
      "the secret": apiSecret,
      "the wrong secret": "LEAKSCAN-WRONG-SECRET-0a7f",
      "the API key": apiKey,
      "the caller's token": token,
    },
    "the server's access log",
  );
});

Deno.test("the unit tests print none of the credentials they use", async () => {
  const credentials: Record<string, string> = {};
  const literal = /(?:apiKey|apiSecret|API_KEY|API_SECRET|KEY|SECRET)\s*[:=]\s*"([^"]{10,})"/g;
  for await (const file of testFiles("tests")) {
    const source = await Deno.readTextFile(`${root}${file}`);
    for (const [index, [, value]] of [...source.matchAll(literal)].entries()) {
      credentials[`credential ${index + 1} of ${file}`] = value;
    }
  }
  ok(
    Object.keys(credentials).length >= 5,
    `found only ${JSON.stringify(Object.keys(credentials))}`,
  );
  // The unit tests as `deno task test` runs them (the runtime matrix apart).
  const { code, output } = await deno([
    "test",
    "--allow-net=127.0.0.1",
    "--allow-run",
    "--allow-read",
    "--ignore=tests/runtimes/",
    "tests/",
  ]);
  strictEqual(code, 0, output);
  ok(/ok \| \d+ passed[^|]*\| 0 failed/.test(output), output);
  assertNoSecrets(output, credentials, "the unit tests' output");
});

// Reliability: a secret-leak scan over what the demo, the unit tests and a
// program printing every kind of error (and dying of one) actually print, each
// run as its own process: 0 occurrences of a secret or a full API key.

import { ok, strictEqual } from "node:assert/strict";
import { WhiteBitSandbox } from "../../testing.ts";
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
  assertNoSecrets(output, { "the secret": apiSecret, "the API key": apiKey }, "printed errors");
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

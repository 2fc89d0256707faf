// What the CLI tests share: the CLI as a user runs it, a real `deno run`
// subprocess (the same pinned Deno, Deno.execPath()), against its
// in-process `--sandbox` or against a sandbox listening on 127.0.0.1 here,
// with credentials from the environment or a file; on a pseudo-terminal
// when a test needs one. Every run checks that no secret was printed.

import { ok } from "node:assert/strict";
import {
  type SandboxAccount,
  type SandboxPastInvestment,
  type SandboxPlan,
  WhiteBitSandbox,
} from "../testing.ts";
import type { LoopbackServer } from "../testing.ts";

export const CLI: string = new URL("../cli.ts", import.meta.url).pathname;
export const FIXTURE: string = new URL("./fixtures/credentials.env", import.meta.url).pathname;
export const ENV_ACCOUNT: SandboxAccount = {
  apiKey: "cli-env-key-7c21",
  apiSecret: "cli-env-secret-4b9e0f",
  balances: { USDT: "5000" },
};
export const FILE_ACCOUNT: SandboxAccount = {
  apiKey: "cli-file-key-51f0",
  apiSecret: "cli-file-secret-8d3e2a",
  balances: { USDT: "5000" },
};
export const PLAN: SandboxPlan = {
  id: "cli-plan",
  ticker: "USDT",
  minInvestment: "10",
  maxInvestment: "1000",
};
export const DEMO_USDT_PLAN = "8e667b4a-0b71-4988-8af5-9474dbfaeb51";
export const DEMO_ACTIVE = "00000000-0000-4000-8000-000000000002";
export const DEMO_MATURED = "00000000-0000-4000-8000-000000000001";
const DEMO_SECRET = "sandbox-secret-do-not-use-anywhere-else";
const SECRETS = [ENV_ACCOUNT.apiSecret, FILE_ACCOUNT.apiSecret, DEMO_SECRET];
export const PERMISSIONS: string[] = [
  "--allow-net=127.0.0.1",
  "--allow-env=WHITEBIT_API_KEY,WHITEBIT_API_SECRET",
  `--allow-read=${FIXTURE}`,
];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to an environment without credentials. */
  env?: Record<string, string>;
  /** Deno's permissions for the CLI. Default {@linkcode PERMISSIONS}. */
  permissions?: string[];
  /** Written to the CLI's stdin (default: no stdin). */
  stdin?: string;
}

/** Runs the CLI; checks that no secret shows in anything it printed. */
export async function cli(args: string[], options: CliOptions = {}): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...(options.permissions ?? PERMISSIONS), CLI, ...args],
    env: { WHITEBIT_API_KEY: "", WHITEBIT_API_SECRET: "", NO_COLOR: "1", ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    // The CLI may refuse before reading it all: a closed pipe is its answer.
    await writer.write(new TextEncoder().encode(options.stdin)).catch(() => {});
    await writer.close().catch(() => {});
  }
  const output = await child.output();
  const run = {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
  assertNoSecret(`${run.stdout}${run.stderr}`, args.join(" "));
  return run;
}

export function assertNoSecret(printed: string, what: string): void {
  for (const secret of SECRETS) ok(!printed.includes(secret), `"${what}" printed a secret`);
}

export const envOf = (account: SandboxAccount): Record<string, string> => ({
  WHITEBIT_API_KEY: account.apiKey,
  WHITEBIT_API_SECRET: account.apiSecret,
});

export interface Listening {
  sandbox: WhiteBitSandbox;
  server: LoopbackServer;
  /** Runs the CLI against the server with the env account's credentials. */
  run(args: string[], options?: CliOptions): Promise<Run>;
}

/** A sandbox on 127.0.0.1 with the env and file accounts and {@linkcode PLAN}. */
export function listening(
  account: Partial<SandboxAccount> = {},
  options: { plans?: SandboxPlan[]; pastInvestments?: SandboxPastInvestment[] } = {},
): Listening {
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...ENV_ACCOUNT, ...account }, FILE_ACCOUNT],
    plans: options.plans ?? [PLAN],
    pastInvestments: options.pastInvestments,
  });
  const server = sandbox.listen();
  const run = (args: string[], runOptions: CliOptions = {}) =>
    cli([...args, "--base-url", server.url], {
      ...runOptions,
      env: { ...envOf(ENV_ACCOUNT), ...runOptions.env },
    });
  return { sandbox, server, run };
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), typing `answer`;
 * stdout and stderr both go to the terminal, so they come back together.
 */
export async function onTerminal(
  args: string[],
  env: Record<string, string>,
  answer: string,
): Promise<{ code: number; printed: string }> {
  const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
  const line = [Deno.execPath(), "run", "--quiet", ...PERMISSIONS, CLI, ...args].map(quote).join(
    " ",
  );
  const child = new Deno.Command("script", {
    args: ["-qec", line, "/dev/null"],
    env: { ...env, NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(answer));
  await writer.close();
  const output = await child.output();
  const printed = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assertNoSecret(printed, args.join(" "));
  return { code: output.code, printed };
}

/**
 * A file with `content` and permission bits `mode` (such as "600") in a new
 * private temporary folder, removed on dispose. Made by `sh`: the test
 * process itself may run (`--allow-run`) but not write.
 */
export async function tempFile(
  content: string,
  mode = "600",
): Promise<{ path: string } & AsyncDisposable> {
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      'd=$(mktemp -d) && cat > "$d/file" && chmod "$1" "$d/file" && printf %s "$d"',
      "sh",
      mode,
    ],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(content));
  await writer.close();
  const made = await child.output();
  ok(made.success, "sh could not make the file");
  const dir = new TextDecoder().decode(made.stdout);
  return {
    path: `${dir}/file`,
    async [Symbol.asyncDispose]() {
      await new Deno.Command("rm", { args: ["-rf", dir] }).output();
    },
  };
}

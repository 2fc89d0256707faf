/**
 * What the tests share: a sandbox account and plans, one `setup()` that
 * builds a sandbox and a client on it (with the bodies the client sent), and
 * a clock a test can move. Each test passes only what differs. For the CLI:
 * the CLI run as a user runs it (`cli()`, `onTerminal()`), against a sandbox
 * listening on 127.0.0.1 (`cliSandbox()`).
 *
 * @module
 */

import { WhiteBitClient } from "../client.ts";
import type { WhiteBitClientOptions } from "../client/options.ts";
import { ok } from "node:assert/strict";
import {
  type LoopbackServer,
  type SandboxAccount,
  type SandboxPastInvestment,
  type SandboxPlan,
  WhiteBitSandbox,
  type WhiteBitSandboxOptions,
} from "../testing.ts";

/** WhiteBIT's API paths, as the sandbox records them. */
export const PATHS = {
  plans: "/api/v4/main-account/smart/plans",
  invest: "/api/v4/main-account/smart/investment",
  close: "/api/v4/main-account/smart/investment/close",
  investments: "/api/v4/main-account/smart/investments",
  interest: "/api/v4/main-account/smart/interest-payment-history",
  time: "/api/v4/public/time",
} as const;

/** A fixed moment (2027-01-15) for tests that move the clock themselves. */
export const T0 = 1_800_000_000_000;

/** An account with room for many investments in one plan. */
export const ACCOUNT: SandboxAccount = {
  apiKey: "test-key-7f3a9b2c",
  apiSecret: "test-secret-0d1e2f3a4b5c",
  balances: { USDT: "1000000", BTC: "2" },
  multipleInvestments: true,
};

/** A wide USDT plan: 1 to 100 000, 10 % over the default term. */
export const PLAN: SandboxPlan = {
  id: "plan-usdt",
  ticker: "USDT",
  percent: "10",
  minInvestment: "1",
  maxInvestment: "100000",
  maxPossibleInvestment: "10000000",
};

/** A clock a test moves by assigning `now`. */
export interface TestClock {
  now: number;
}

/** What {@linkcode setup} takes: the sandbox's and the client's options that differ. */
export interface SetupOptions extends Omit<WhiteBitSandboxOptions, "accounts" | "now"> {
  /** Changes to {@linkcode ACCOUNT}. */
  account?: Partial<SandboxAccount>;
  /** A clock for both sides; default the real one. */
  clock?: TestClock;
  /** The client's options that differ (`fetch` wraps the sandbox's). */
  client?: Partial<WhiteBitClientOptions>;
}

/** A sandbox with {@linkcode ACCOUNT} and {@linkcode PLAN}, and a client on it. */
export function setup(options: SetupOptions = {}): {
  sandbox: WhiteBitSandbox;
  client: WhiteBitClient;
  planId: string;
  /** Every body the client sent, parsed. */
  sent: Record<string, unknown>[];
} {
  const { account, clock, client: clientOptions = {}, ...sandboxOptions } = options;
  const now = clock ? () => clock.now : undefined;
  const sandbox = new WhiteBitSandbox({
    plans: [PLAN],
    precision: { USDT: 6 },
    ...sandboxOptions,
    accounts: [{ ...ACCOUNT, ...account }],
    now,
  });
  const sent: Record<string, unknown>[] = [];
  const send = clientOptions.fetch ?? sandbox.fetch;
  const client = new WhiteBitClient({
    ...sandbox.credentials,
    now,
    retryDelayMs: 5,
    ...clientOptions,
    fetch: async (input, init) => {
      if (typeof init.body === "string") sent.push(JSON.parse(init.body));
      else if (init.body instanceof Blob) sent.push(JSON.parse(await init.body.text()));
      return await send(input, init);
    },
  });
  return { sandbox, client, planId: sandbox.plans[0].id, sent };
}

// The CLI as a user runs it: a real `deno run` subprocess (the same pinned
// Deno, Deno.execPath()), against its in-process `--sandbox` or against a
// sandbox listening on 127.0.0.1 here, with credentials from the environment
// or a file; on a pseudo-terminal when a test needs one. Every run checks
// that no secret was printed.

/** The CLI's entry point. */
export const CLI: string = new URL("../cli.ts", import.meta.url).pathname;
/** A credentials file with {@linkcode FILE_ACCOUNT}'s key and secret. */
export const CREDENTIALS_FILE: string =
  new URL("./fixtures/credentials.env", import.meta.url).pathname;
/** The account whose credentials the CLI reads from the environment. */
export const ENV_ACCOUNT: SandboxAccount = {
  apiKey: "cli-env-key-7c21",
  apiSecret: "cli-env-secret-4b9e0f",
  balances: { USDT: "5000" },
};
/** The account in {@linkcode CREDENTIALS_FILE}. */
export const FILE_ACCOUNT: SandboxAccount = {
  apiKey: "cli-file-key-51f0",
  apiSecret: "cli-file-secret-8d3e2a",
  balances: { USDT: "5000" },
};
/** The CLI tests' plan: 10 to 1000 USDT, 1 % for 30 days. */
export const CLI_PLAN: SandboxPlan = {
  id: "cli-plan",
  ticker: "USDT",
  minInvestment: "10",
  maxInvestment: "1000",
};
/** The `--sandbox` demo's USDT plan, its matured and its active investment. */
export const DEMO_USDT_PLAN = "8e667b4a-0b71-4988-8af5-9474dbfaeb51";
export const DEMO_ACTIVE = "00000000-0000-4000-8000-000000000002";
export const DEMO_MATURED = "00000000-0000-4000-8000-000000000001";
const DEMO_SECRET = "sandbox-secret-do-not-use-anywhere-else";
const CLI_SECRETS = [ENV_ACCOUNT.apiSecret, FILE_ACCOUNT.apiSecret, DEMO_SECRET];
/** Deno's permissions for the CLI, unless a test says otherwise. */
export const CLI_PERMISSIONS: string[] = [
  "--allow-net=127.0.0.1",
  "--allow-env=WHITEBIT_API_KEY,WHITEBIT_API_SECRET",
  `--allow-read=${CREDENTIALS_FILE}`,
];

/** What a CLI run printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** How {@linkcode cli} runs the CLI. */
export interface CliOptions {
  /** Added to an environment without credentials. */
  env?: Record<string, string>;
  /** Deno's permissions for the CLI. Default {@linkcode CLI_PERMISSIONS}. */
  permissions?: string[];
  /** Written to the CLI's stdin (default: no stdin). */
  stdin?: string;
}

/** Runs the CLI; checks that no secret shows in anything it printed. */
export async function cli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...(options.permissions ?? CLI_PERMISSIONS), CLI, ...args],
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
  assertNoCliSecret(`${run.stdout}${run.stderr}`, args.join(" "));
  return run;
}

/** Everything a run printed, stdout then stderr. */
export const printed = (run: CliRun): string => `${run.stdout}${run.stderr}`;

function assertNoCliSecret(printed: string, what: string): void {
  for (const secret of CLI_SECRETS) ok(!printed.includes(secret), `"${what}" printed a secret`);
}

/** The environment that gives the CLI an account's credentials. */
export const envOf = (account: SandboxAccount): Record<string, string> => ({
  WHITEBIT_API_KEY: account.apiKey,
  WHITEBIT_API_SECRET: account.apiSecret,
});

/** A sandbox listening on 127.0.0.1, and the CLI run against it. */
export interface CliSandbox {
  sandbox: WhiteBitSandbox;
  server: LoopbackServer;
  /** Runs the CLI against the server with {@linkcode ENV_ACCOUNT}'s credentials. */
  run(args: string[], options?: CliOptions): Promise<CliRun>;
}

/** A sandbox on 127.0.0.1 with the env and file accounts and {@linkcode CLI_PLAN}. */
export function cliSandbox(
  account: Partial<SandboxAccount> = {},
  options: { plans?: SandboxPlan[]; pastInvestments?: SandboxPastInvestment[] } = {},
): CliSandbox {
  const sandbox = new WhiteBitSandbox({
    accounts: [{ ...ENV_ACCOUNT, ...account }, FILE_ACCOUNT],
    plans: options.plans ?? [CLI_PLAN],
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
  const line = [Deno.execPath(), "run", "--quiet", ...CLI_PERMISSIONS, CLI, ...args].map(quote)
    .join(" ");
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
  assertNoCliSecret(printed, args.join(" "));
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

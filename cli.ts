/**
 * The command line for WhiteBIT's fixed crypto lending: list plans, invest,
 * list and close investments, read interest payments, and reconcile an
 * investment whose outcome is unknown.
 *
 * ```sh
 * deno run --allow-net --allow-env jsr:@lending/whitebit/cli plans
 * deno run --allow-net --allow-env jsr:@lending/whitebit/cli invest --plan <id> --amount 100
 * deno run jsr:@lending/whitebit/cli investments --sandbox   # demo data, no credentials
 * ```
 *
 * Credentials come from `WHITEBIT_API_KEY` and `WHITEBIT_API_SECRET`, or
 * from the file named by `--credentials-file` (lines `NAME=value`), never
 * from an argument; the server from `--eu`, `--base-url` or
 * `WHITEBIT_BASE_URL`. `invest` and `close` show what they will do (one
 * lookup) and ask for confirmation on a terminal, and refuse without `--yes`
 * elsewhere. A flag given twice is refused. `--dry-run` prints the signed
 * request, its signature redacted, and sends nothing. Text from WhiteBIT is
 * printed without terminal control characters. The exit code says what
 * happened, and whether funds may have moved (11): see `--help`.
 *
 * @example Run a command against the in-process demo sandbox
 * ```ts
 * import { main } from "@lending/whitebit/cli";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(await main(["plans", "--sandbox", "--ticker", "BTC"]), 0);
 * strictEqual(await main(["--sandbox", "--json", "investments"]), 0); // global flags first
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import denoJson from "./deno.json" with { type: "json" };
import { assertDecimalAmount, assertIdentifier } from "./client/_validate.ts";
import type { InvestFailure } from "./client/_reconcile.ts";
import {
  AuthenticationError,
  CloseRejectedError,
  DryRunError,
  type FixedPlan,
  type InterestPayment,
  type Investment,
  INVESTMENT_STATUS,
  InvestmentRejectedError,
  NonceError,
  type Page,
  PermissionError,
  PLAN_STATUS,
  PreflightError,
  RateLimitError,
  ValidationError,
  WhiteBitClient,
  type WhiteBitClientOptions,
  WhiteBitError,
} from "./mod.ts";
import { CLOSE_PATH, INVEST_PATH } from "./client/_paths.ts";
import { formatTable } from "./cli/_table.ts";
import { terminalCell, terminalJson, terminalText } from "./cli/_terminal.ts";
import { isRecord } from "./client/_validate.ts";

const PROGRAM = "deno run --allow-net --allow-env jsr:@lending/whitebit/cli";
const VERSION = `${denoJson.name} ${denoJson.version}`;
const ENV_KEY = "WHITEBIT_API_KEY";
const ENV_SECRET = "WHITEBIT_API_SECRET";
const ENV_BASE_URL = "WHITEBIT_BASE_URL";
const DAY_MS = 86_400_000;
/** The most read from a credentials file or a saved error. */
const MAX_INPUT_BYTES = 64 * 1024;
/** How far in the future `reconcile --at` may be, for a clock that runs slow. */
const FUTURE_SLACK_MS = 3_600_000;
/** The most read of an answer typed at the prompt. */
const MAX_ANSWER_CHARS = 1024;

/**
 * The exit codes, by what happened. Every code from 2 to 10, and 12, means
 * nothing was carried out; 11 means funds may have moved.
 */
const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  notConfirmed: 3,
  validation: 4,
  authentication: 5,
  permission: 6,
  rejected: 7,
  preflight: 8,
  rateLimited: 9,
  refused: 10,
  unknownOutcome: 11,
  notSent: 12,
  notFound: 13,
} as const;

const EXIT_HELP = `Exit codes:
   0  done (a dry run too); reconcile: the investment was made
   1  unexpected failure
   2  bad usage or input, no credentials, or no permission to connect: nothing sent
   3  not confirmed (declined, or no --yes without a terminal): nothing sent
   4  ValidationError, 400: nothing carried out
   5  AuthenticationError, 401: nothing carried out
   6  PermissionError, 403: nothing carried out
   7  InvestmentRejectedError or CloseRejectedError, 422: nothing carried out
   8  PreflightError: the investment was not sent
   9  NonceError or RateLimitError, retries spent: nothing carried out
  10  another refusal by WhiteBIT: nothing carried out
  11  outcome unknown (5xx, dropped, timed out): funds may have moved, reconcile;
      reconcile: still unknown (WhiteBIT serves too little of the history)
  12  a read got no clear answer, or a request could not be sent: nothing carried out
  13  reconcile: no such investment, the attempt did not invest`;

const GLOBAL_HELP = `Global flags (before or after the command):
  --json                    print JSON (errors as JSON on stderr)
  --dry-run                 print the signed request (signature redacted), send nothing
  --sandbox                 use an in-process WhiteBIT sandbox with demo data
  --eu                      use https://whitebit.eu (EU accounts)
  --base-url <url>          use another server (default: ${ENV_BASE_URL} if set and
                            --allow-env covers it, else https://whitebit.com)
  --credentials-file <path> read ${ENV_KEY}=… and ${ENV_SECRET}=… lines from a file
                            (default: those environment variables)
  --version                 print the version
  -h, --help                show help

A flag given twice is refused: nothing is sent.`;

type Flags = Record<string, string | boolean | undefined>;
type Option = { type: "string" | "boolean"; short?: string };

interface Command {
  summary: string;
  usage: string;
  options: Record<string, Option>;
  /** Does the work; returns the exit code if it is not 0. */
  run(client: WhiteBitClient, flags: Flags, out: Output): Promise<number | void>;
  /**
   * For a state-changing command: checks its flags and says what it will do,
   * for the confirmation prompt.
   */
  describe?(flags: Flags): string;
  /**
   * For the prompt on a terminal: what a person decides on, from one lookup,
   * and a note on what follows.
   */
  details?(client: WhiteBitClient, flags: Flags): Promise<{ what: string; note?: string }>;
}

interface Output {
  json: boolean;
  /** Prints text on stdout, without what a terminal would act on. */
  print(text: string): void;
  /** Prints a value as JSON on stdout. */
  printJson(value: unknown): void;
}

/** A mistake in the command line or its input: exit 2, nothing sent. */
class UsageError extends Error {
  override name = "UsageError";
}

/** `reconcile` could not tell whether the attempt invested: exit 11. */
class UnresolvedError extends Error {
  override name = "UnresolvedError";
}

/** Prints text on stderr, without what a terminal would act on. */
function warn(text: string): void {
  console.error(terminalText(text));
}

function output(json: boolean): Output {
  return {
    json,
    print: (text) => console.log(terminalText(text)),
    printJson: (value) => console.log(terminalJson(JSON.stringify(value, null, 2))),
  };
}

const PAGING_OPTIONS: Record<string, Option> = {
  limit: { type: "string" },
  offset: { type: "string" },
  all: { type: "boolean" },
};

const COMMANDS: Record<string, Command> = {
  plans: {
    summary: "list the fixed plans open to the account",
    usage: `plans [--ticker <ticker>]

  --ticker <ticker>   only plans investing this currency, such as USDT`,
    options: { ticker: { type: "string" } },
    async run(client, flags, out) {
      const plans = await client.plans({ ticker: text(flags.ticker) });
      if (out.json) out.printJson(plans);
      else out.print(plansTable(plans));
    },
  },
  invest: {
    summary: "invest an amount in a plan (asks first)",
    usage: `invest --plan <id> --amount <decimal> [--preflight] [--yes]

  --plan <id>          the plan id (see "plans")
  --amount <decimal>   the amount, such as 100 or 0.5
  --preflight          check the plan first; refuse without sending the investment
  -y, --yes            do not ask for confirmation`,
    options: {
      plan: { type: "string" },
      amount: { type: "string" },
      preflight: { type: "boolean" },
      yes: { type: "boolean", short: "y" },
    },
    describe(flags) {
      const planId = required(flags, "plan");
      const amount = required(flags, "amount");
      assertIdentifier(planId, "--plan");
      assertDecimalAmount(amount, "--amount");
      return `Invest ${amount} in plan ${planId}`;
    },
    async details(client, flags) {
      const planId = required(flags, "plan");
      const amount = required(flags, "amount");
      const plan = (await client.plans()).find((plan) => plan.id === planId);
      if (!plan) {
        return {
          what:
            `Invest ${amount} in plan ${planId} (not among the plans open to this account: WhiteBIT will most likely refuse it)`,
        };
      }
      const status = plan.status === PLAN_STATUS.Active
        ? ""
        : `, ${PLAN_STATUS_NAMES[plan.status]}: WhiteBIT will refuse it`;
      return {
        what: `Invest ${amount} ${plan.ticker} in plan ${planId} (${terms(plan)}${status})`,
      };
    },
    async run(client, flags, out) {
      const planId = required(flags, "plan");
      const amount = required(flags, "amount");
      const { id } = await client.invest({ planId, amount }, {
        preflight: flags.preflight === true,
      });
      if (out.json) out.printJson({ id });
      else out.print(`Invested ${amount} in plan ${planId}: investment ${id}`);
    },
  },
  investments: {
    summary: "list investments (one page, or --all)",
    usage:
      `investments [--id <id>] [--ticker <ticker>] [--status active|closed] [--limit <n>] [--offset <n>] [--all]

  --id <id>           only this investment
  --ticker <ticker>   only investments in this currency
  --status <status>   active (1) or closed (2)
  --limit <n>         records per page, 1 to 100 (default 100)
  --offset <n>        records to skip, 0 to 10000 (default 0)
  --all               every page from --offset on (JSON: an array; progress on a terminal)`,
    options: {
      id: { type: "string" },
      ticker: { type: "string" },
      status: { type: "string" },
      ...PAGING_OPTIONS,
    },
    async run(client, flags, out) {
      const params = {
        id: text(flags.id),
        ticker: text(flags.ticker),
        status: investmentStatus(flags.status),
        ...paging(flags),
      };
      const records = flags.all
        ? await collect(client.allInvestments(params), params.limit)
        : await client.investments(params);
      printList(out, records, investmentsTable);
    },
  },
  close: {
    summary: "close an investment early (asks first)",
    usage: `close --id <id> [--yes]

  --id <id>     the investment id (see "investments")
  -y, --yes     do not ask for confirmation`,
    options: { id: { type: "string" }, yes: { type: "boolean", short: "y" } },
    describe(flags) {
      const id = required(flags, "id");
      assertIdentifier(id, "--id");
      return `Close investment ${id}`;
    },
    async details(client, flags) {
      const id = required(flags, "id");
      const [investment] = (await client.investments({ id })).records;
      if (!investment) {
        return { what: `Close investment ${id} (not found: WhiteBIT will refuse it)` };
      }
      const { amount, plan } = investment;
      if (investment.status !== INVESTMENT_STATUS.Active) {
        return {
          what:
            `Close investment ${id} (${amount} ${plan.ticker}, already closed: WhiteBIT will refuse it)`,
        };
      }
      return {
        what: `Close investment ${id} (${amount} ${plan.ticker} in plan ${plan.id}, ${
          terms(plan)
        }, matures ${isoTime(investment.paymentTime)})`,
        note:
          `WhiteBIT: early closure carries no penalty, but the interest is forfeited: the ${amount} ${plan.ticker} go back to the main balance without interest.`,
      };
    },
    async run(client, flags, out) {
      const id = required(flags, "id");
      await client.closeInvestment(id);
      if (out.json) out.printJson({ id, closed: true });
      else out.print(`Closed investment ${id}`);
    },
  },
  interest: {
    summary: "list interest payments (one page, or --all)",
    usage: `interest [--plan <id>] [--ticker <ticker>] [--limit <n>] [--offset <n>] [--all]

  --plan <id>         only payments of this plan
  --ticker <ticker>   only payments in this currency
  --limit <n>         records per page, 1 to 100 (default 100)
  --offset <n>        records to skip, 0 to 10000 (default 0)
  --all               every page from --offset on (JSON: an array; progress on a terminal)`,
    options: { plan: { type: "string" }, ticker: { type: "string" }, ...PAGING_OPTIONS },
    async run(client, flags, out) {
      const params = { planId: text(flags.plan), ticker: text(flags.ticker), ...paging(flags) };
      const records = flags.all
        ? await collect(client.allInterestPayments(params), params.limit)
        : await client.interestPayments(params);
      printList(out, records, interestTable);
    },
  },
  reconcile: {
    summary: "find out whether an investment whose outcome is unknown was made",
    usage: `reconcile --from <file|-> [--tolerance-ms <n>]
       reconcile --plan <id> --amount <decimal> --at <time> [--tolerance-ms <n>]

  --from <file|->      a failed invest's error as JSON: the line --json printed on
                       stderr, or JSON.stringify(error); "-" reads stdin (at most 64 KiB)
  --plan <id>          the attempt's plan id
  --amount <decimal>   the attempt's amount
  --at <time>          when it was sent: an ISO time with its zone, such as
                       2026-05-01T10:00:00Z, or Unix milliseconds
  --tolerance-ms <n>   how much earlier than the attempt WhiteBIT's clock may have
                       stamped the investment (default 60000)

Reads only. Exit 0: found, the attempt invested: do not invest again. Exit 13:
there is no such investment: the attempt did not invest. Exit 11: still unknown.`,
    options: {
      from: { type: "string" },
      plan: { type: "string" },
      amount: { type: "string" },
      at: { type: "string" },
      "tolerance-ms": { type: "string" },
    },
    async run(client, flags, out) {
      if (flags.from !== undefined && (flags.plan ?? flags.amount ?? flags.at) !== undefined) {
        throw new UsageError("Pass --from, or --plan, --amount and --at: not both");
      }
      const failure = typeof flags.from === "string"
        ? savedFailure(await readInput(flags.from))
        : typedFailure(flags);
      const toleranceMs = wholeNumber(flags, "tolerance-ms");
      let found: Investment | null;
      try {
        found = await client.findInvestment(failure, { toleranceMs });
      } catch (error) {
        // Past the history WhiteBIT serves: the outcome is still unknown.
        if (error instanceof RangeError) {
          throw new UnresolvedError(
            `${error.message}. Look through the account's history on WhiteBIT's website before investing again.`,
          );
        }
        throw error;
      }
      if (out.json) out.printJson({ found: found !== null, investment: found ?? undefined });
      else if (found) {
        out.print(
          `Found: the attempt invested (investment ${found.id}). Do not invest again.\n\n${
            investmentsTable([found])
          }`,
        );
      } else out.print(notFound(failure, toleranceMs));
      return found ? EXIT.ok : EXIT.notFound;
    },
  },
};

const GLOBAL_OPTIONS: Record<string, Option> = {
  json: { type: "boolean" },
  "dry-run": { type: "boolean" },
  sandbox: { type: "boolean" },
  eu: { type: "boolean" },
  "base-url": { type: "string" },
  "credentials-file": { type: "string" },
  version: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/**
 * Runs one command line, printing to stdout and stderr, and returns the exit
 * code (see `--help`); the script itself exits with it.
 *
 * @example
 * ```ts
 * import { main } from "@lending/whitebit/cli";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(await main(["close", "--sandbox", "--dry-run", "--id", "0d7b66ff"]), 0); // sends nothing
 * strictEqual(await main(["invest", "--sandbox", "--plan", "x"]), 2); // no --amount
 * strictEqual(await main(["invest", "--sandbox", "--amount", "1", "--amount", "2"]), 2); // twice
 * ```
 *
 * @param args The arguments after the program, such as `["plans", "--json"]`.
 * @returns The exit code.
 */
export async function main(args: string[]): Promise<number> {
  const out = output(args.includes("--json"));
  const { name, rest } = splitCommandLine(args);
  const command = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (name === "help") {
      console.log(topHelp());
      return EXIT.ok;
    }
    if (name !== undefined && !command) {
      // Not echoed, not even in part: people paste secrets.
      throw new UsageError(
        `Unknown command (not shown: it may be a secret). The commands are ${
          Object.keys(COMMANDS).join(", ")
        }`,
      );
    }
    const flags = parseFlags(rest, { ...GLOBAL_OPTIONS, ...command?.options });
    if (flags.version) {
      console.log(VERSION);
      return EXIT.ok;
    }
    if (!command) {
      if (flags.help) console.log(topHelp());
      else console.error(topHelp());
      return flags.help ? EXIT.ok : EXIT.usage;
    }
    if (flags.help) {
      console.log(`Usage: ${PROGRAM} ${command.usage}\n\n${GLOBAL_HELP}\n\n${EXIT_HELP}`);
      return EXIT.ok;
    }
    const action = command.describe?.(flags);
    const client = await openClient(flags);
    if (action && !flags.yes && !flags["dry-run"]) {
      if (!await confirmed(client, command, flags, action)) return EXIT.notConfirmed;
    }
    return await command.run(client, flags, out) ?? EXIT.ok;
  } catch (error) {
    return report(error, out, command ? name : undefined);
  }
}

/**
 * The command word and the flags around it: global flags may come before
 * it (a string flag with its value), everything else after it.
 */
function splitCommandLine(args: string[]): { name: string | undefined; rest: string[] } {
  const before: string[] = [];
  let index = 0;
  for (; index < args.length && args[index].startsWith("-") && args[index] !== "-"; index++) {
    const arg = args[index];
    before.push(arg);
    const flag = arg.slice(2);
    const takesValue = arg.startsWith("--") && Object.hasOwn(GLOBAL_OPTIONS, flag) &&
      GLOBAL_OPTIONS[flag].type === "string";
    if (takesValue && index + 1 < args.length) before.push(args[++index]);
  }
  return { name: args[index], rest: [...before, ...args.slice(index + 1)] };
}

/**
 * Reads flags in the CLI's own words: an unknown flag, a flag given twice
 * (whichever value was meant is a guess), a missing value, a value given to
 * a switch and any argument that is not a flag are refused; a value that
 * starts with "-" (other than "-" for stdin) must be written `--flag=value`.
 * Values are never echoed, and an unknown flag only if it looks like one.
 */
function parseFlags(args: string[], options: Record<string, Option>): Flags {
  const { tokens } = parseArgs({
    args,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const flags: Flags = {};
  for (const token of tokens) {
    if (token.kind !== "option") {
      // Not echoed: a value typed here may be a secret.
      throw new UsageError("Flags only: an argument that is not a flag was given");
    }
    const flag = `--${token.name}`;
    if (!Object.hasOwn(options, token.name)) {
      throw new UsageError(
        /^--?[a-z]+(?:-[a-z]+)*$/i.test(token.rawName) && token.rawName.length <= 24
          ? `Unknown flag ${token.rawName}`
          : "Unknown flag (not shown: it may be a secret)",
      );
    }
    if (Object.hasOwn(flags, token.name)) {
      throw new UsageError(
        `${flag} was given twice: which one was meant is unclear, so nothing was sent`,
      );
    }
    if (options[token.name].type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${flag} takes no value`);
      flags[token.name] = true;
    } else if (
      token.value === undefined ||
      (!token.inlineValue && token.value.startsWith("-") && token.value !== "-")
    ) {
      throw new UsageError(
        `${flag} needs a value (write ${flag}=<value> for one that starts with "-")`,
      );
    } else {
      flags[token.name] = token.value;
    }
  }
  return flags;
}

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const commands = Object.entries(COMMANDS)
    .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
    .join("\n");
  return `Usage: ${PROGRAM} [global flags] <command> [flags]

Commands:
${commands}

Run "<command> --help" for a command's flags.

${GLOBAL_HELP}

${EXIT_HELP}`;
}

async function openClient(flags: Flags): Promise<WhiteBitClient> {
  const options: Partial<WhiteBitClientOptions> = { dryRun: flags["dry-run"] === true };
  if (flags.sandbox) {
    if (flags.eu || flags["base-url"] || flags["credentials-file"]) {
      throw new UsageError(
        "--sandbox cannot be combined with --eu, --base-url or --credentials-file",
      );
    }
    const { sandbox, now } = await openDemoSandbox();
    return new WhiteBitClient({
      ...sandbox.credentials,
      baseUrl: "http://sandbox.invalid", // never reached: requests go to the sandbox in process
      fetch: sandbox.fetch,
      now,
      ...options,
    });
  }
  if (flags.eu && flags["base-url"]) {
    throw new UsageError("Pass --eu or --base-url, not both");
  }
  const baseUrl = flags.eu ? "https://whitebit.eu" : text(flags["base-url"]) ?? envBaseUrl();
  const credentials = typeof flags["credentials-file"] === "string"
    ? await readCredentialsFile(flags["credentials-file"])
    : readCredentialsEnv();
  let client: WhiteBitClient;
  try {
    client = new WhiteBitClient({ ...credentials, ...options, baseUrl });
  } catch (error) {
    throw error instanceof TypeError ? new UsageError(error.message) : error;
  }
  if (!options.dryRun) await assertNetAccess(client.baseUrl);
  return client;
}

/**
 * `WHITEBIT_BASE_URL`, as the server reads it (unset or empty: the
 * default); only when the env permission already covers it, so that no
 * permission prompt takes the place of the confirmation.
 */
function envBaseUrl(): string | undefined {
  const { state } = Deno.permissions.querySync({ name: "env", variable: ENV_BASE_URL });
  return state === "granted" ? Deno.env.get(ENV_BASE_URL) || undefined : undefined;
}

/** Refuses before sending anything when Deno may not connect to the server. */
async function assertNetAccess(baseUrl: string): Promise<void> {
  const { host, hostname } = new URL(baseUrl);
  const { state } = await Deno.permissions.request({ name: "net", host });
  if (state !== "granted") {
    throw new UsageError(
      `Cannot connect to ${host}: run with --allow-net=${hostname}. Nothing was sent.`,
    );
  }
}

function readCredentialsEnv(): { apiKey: string; apiSecret: string } {
  let apiKey: string | undefined;
  let apiSecret: string | undefined;
  try {
    apiKey = Deno.env.get(ENV_KEY);
    apiSecret = Deno.env.get(ENV_SECRET);
  } catch {
    throw new UsageError(
      `Cannot read ${ENV_KEY} and ${ENV_SECRET}: run with --allow-env=${ENV_KEY},${ENV_SECRET}`,
    );
  }
  if (!apiKey || !apiSecret) {
    throw new UsageError(
      `Cannot find credentials: set ${ENV_KEY} and ${ENV_SECRET}, or pass --credentials-file <path> (or --sandbox for the demo)`,
    );
  }
  return { apiKey, apiSecret };
}

/** `NAME=value`, `NAME="value"` or `NAME='value'`, optionally after `export` and before a ` # comment`. */
const CREDENTIALS_LINE =
  /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']\S*|))(?:\s+#.*)?$/;

/**
 * Reads `NAME=value` lines (blank lines, `#` comment lines and ` # `
 * comments after a value allowed; a name given twice refused); warns when
 * the file is open to group or others. Never shows the file's content.
 */
async function readCredentialsFile(path: string): Promise<{ apiKey: string; apiSecret: string }> {
  const what = `credentials file ${JSON.stringify(path)}`;
  const { text: content, mode } = await readSmallFile(path, what);
  // Deno gives no mode on Windows; elsewhere a secret is for its owner only.
  if (mode !== null && (mode & 0o077) !== 0) {
    warn(
      `Warning: ${what} is open to group or others (mode ${
        (mode & 0o777).toString(8)
      }): run chmod 600 on it`,
    );
  }
  const values = new Map<string, string>();
  for (const [index, raw] of content.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = CREDENTIALS_LINE.exec(line);
    if (!match) throw new UsageError(`Cannot read ${what}: line ${index + 1} is not NAME=value`);
    if (values.has(match[1])) {
      throw new UsageError(`Cannot read ${what}: line ${index + 1} sets ${match[1]} again`);
    }
    values.set(match[1], match[2] ?? match[3] ?? match[4]);
  }
  const apiKey = values.get(ENV_KEY);
  const apiSecret = values.get(ENV_SECRET);
  if (!apiKey || !apiSecret) {
    throw new UsageError(`Cannot read ${what}: it needs ${ENV_KEY}=… and ${ENV_SECRET}=… lines`);
  }
  return { apiKey, apiSecret };
}

/** Why a file could not be opened, by the error's class. */
const UNREADABLE: [new (...args: never[]) => Error, (path: string) => string][] = [
  [Deno.errors.NotFound, () => "it does not exist"],
  [Deno.errors.IsADirectory, () => "it is a directory, not a file"],
  [Deno.errors.PermissionDenied, () => "the system denies reading it (see its owner and mode)"],
  [Deno.errors.NotCapable, (path) => `Deno may not read it: run with --allow-read=${path}`],
];

/** Reads a file of at most 64 KiB, with a message for each way that can fail. */
async function readSmallFile(
  path: string,
  what: string,
): Promise<{ text: string; mode: number | null }> {
  let file: Deno.FsFile;
  let info: Deno.FileInfo;
  try {
    file = await Deno.open(path);
  } catch (error) {
    const why = UNREADABLE.find(([Class]) => error instanceof Class)?.[1](path);
    throw new UsageError(`Cannot read ${what}: ${why ?? (error as Error).name}`);
  }
  try {
    info = await file.stat();
  } catch (error) {
    file.close();
    throw error;
  }
  if (info.isDirectory) {
    file.close();
    throw new UsageError(`Cannot read ${what}: it is a directory, not a file`);
  }
  return { text: await readBounded(file.readable, what), mode: info.mode };
}

/** A saved error from a file, or from stdin for `-`. */
async function readInput(from: string): Promise<string> {
  return from === "-"
    ? await readBounded(Deno.stdin.readable, "the saved error on stdin")
    : (await readSmallFile(from, `saved error ${JSON.stringify(from)}`)).text;
}

/** Reads a stream as UTF-8 text (without a byte-order mark), refusing more than 64 KiB. */
async function readBounded(stream: ReadableStream<Uint8Array>, what: string): Promise<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let text = "";
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += chunk.byteLength;
      if (size > MAX_INPUT_BYTES) {
        throw new UsageError(`Cannot read ${what}: it is larger than ${MAX_INPUT_BYTES} bytes`);
      }
      text += decoder.decode(chunk, { stream: true });
    }
    return text + decoder.decode();
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(`Cannot read ${what}: it is not UTF-8`);
    throw error;
  }
}

/**
 * The failed invest in a saved error: the whole input, or its last line
 * (what `--json` prints on stderr may follow a warning), as the error's
 * JSON or as `{ "error": …, "exitCode": … }`. `findInvestment()` checks
 * what is in it.
 */
function savedFailure(input: string): InvestFailure {
  const lines = input.trim().split("\n");
  for (const candidate of [input, lines[lines.length - 1]]) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    const failure = isRecord(value) && isRecord(value.error) ? value.error : value;
    if (isRecord(failure)) return failure as unknown as InvestFailure;
  }
  throw new UsageError(
    "Cannot reconcile: the input is not a saved error (the JSON line --json printed on stderr, or JSON.stringify(error))",
  );
}

/** The attempt described by `--plan`, `--amount` and `--at`. */
function typedFailure(flags: Flags): InvestFailure {
  if (flags.plan === undefined && flags.amount === undefined && flags.at === undefined) {
    throw new UsageError("Pass --from <file|->, or --plan, --amount and --at");
  }
  const planId = required(flags, "plan");
  const amount = required(flags, "amount");
  assertIdentifier(planId, "--plan");
  assertDecimalAmount(amount, "--amount");
  return {
    requestPath: INVEST_PATH,
    outcome: "unknown",
    params: { planId, amount },
    attemptedAt: attemptTime(required(flags, "at")),
  };
}

/**
 * `--at`: Unix milliseconds (13 digits: seconds would be a date in 1970), or
 * an ISO time with its zone (a time without one is a guess); not in the
 * future, where no investment could be found.
 */
function attemptTime(value: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/i;
  const ms = /^\d{13}$/.test(value)
    ? Number(value)
    : iso.test(value)
    ? Date.parse(value.replace(" ", "T"))
    : NaN;
  if (!Number.isFinite(ms)) {
    throw new UsageError(
      `Cannot use "--at": it must be Unix milliseconds or an ISO time with its zone, such as 2026-05-01T10:00:00Z: current value is ${
        JSON.stringify(value)
      }`,
    );
  }
  if (ms > Date.now() + FUTURE_SLACK_MS) {
    throw new UsageError(`Cannot use "--at": it is in the future: current value is ${value}`);
  }
  return ms;
}

/** What "not found" means for this attempt. */
function notFound(failure: InvestFailure, toleranceMs = 60_000): string {
  if (failure.outcome === "not_executed") {
    return 'Not found: that error says WhiteBIT refused the attempt before carrying it out (outcome "not_executed"): it did not invest.';
  }
  const { planId, amount } = failure.params;
  const since = isoTime(((failure.attemptedAt ?? 0) - toleranceMs) / 1000);
  return `Not found: there is no investment of ${amount} in plan ${planId} made since ${since}. The attempt did not invest: sending it again does not invest twice.`;
}

/**
 * A sandbox with the demo account and plans, and a little history: 1000 USDT
 * invested 40 days ago for 30 days (matured, interest paid), and 0.25 BTC
 * invested 2 days ago (active). Ids are fixed, so a later run can close
 * `00000000-0000-4000-8000-000000000002`.
 */
async function openDemoSandbox() {
  const { WhiteBitSandbox } = await import("./testing.ts");
  let shiftMs = -40 * DAY_MS;
  const now = () => Date.now() + shiftMs;
  let counter = 0;
  const sandbox = new WhiteBitSandbox({
    now,
    newId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`,
  });
  const seeder = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch, now });
  const [usdtPlan, btcPlan] = sandbox.plans;
  await seeder.invest({ planId: usdtPlan.id, amount: "1000" });
  shiftMs = -2 * DAY_MS;
  await seeder.invest({ planId: btcPlan.id, amount: "0.25" });
  shiftMs = 0;
  return { sandbox, now };
}

/**
 * Asks on stderr, after one lookup of what the person decides on, and reads
 * the answer from a terminal; without one, refuses without a lookup.
 */
async function confirmed(
  client: WhiteBitClient,
  command: Command,
  flags: Flags,
  action: string,
): Promise<boolean> {
  if (!Deno.stdin.isTerminal()) {
    warn(
      `${action} at ${client.baseUrl}?\nRefusing without confirmation: stdin is not a terminal. Pass --yes to confirm. Nothing was sent.`,
    );
    return false;
  }
  const { what, note } = await command.details?.(client, flags) ?? { what: action };
  const question = `${what} at ${client.baseUrl}?${note ? `\n${note}` : ""} [y/N] `;
  await Deno.stderr.write(new TextEncoder().encode(terminalText(question)));
  const answer = (await readLine()).trim().toLowerCase();
  if (answer === "y" || answer === "yes") return true;
  console.error("Cancelled. Nothing was sent.");
  return false;
}

/** One line from stdin, of at most 1024 characters. */
async function readLine(): Promise<string> {
  const reader = Deno.stdin.readable.getReader();
  const decoder = new TextDecoder();
  let line = "";
  try {
    while (!line.includes("\n") && line.length < MAX_ANSWER_CHARS) {
      const { value, done } = await reader.read();
      if (done) break;
      line += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return line.split("\n")[0].slice(0, MAX_ANSWER_CHARS);
}

function report(error: unknown, out: Output, name: string | undefined): number {
  if (error instanceof DryRunError) {
    const { method, url, headers, body } = error.request;
    if (out.json) out.printJson({ dryRun: true, request: error.request });
    else {
      out.print(
        [
          "Dry run: nothing was sent.",
          `${method} ${url}`,
          ...Object.entries(headers).map(([header, value]) => `${header}: ${value}`),
          "",
          body,
        ].join("\n"),
      );
    }
    return EXIT.ok;
  }
  const code = exitCodeOf(error);
  if (code === EXIT.unexpected) {
    warn(`Unexpected failure: ${error instanceof Error ? error.stack : String(error)}`);
    return code;
  }
  const { name: kind, message } = error as Error;
  if (out.json) {
    const details = error instanceof WhiteBitError ? { ...error, message } : { message };
    console.error(
      terminalJson(JSON.stringify({ error: { name: kind, ...details }, exitCode: code })),
    );
    return code;
  }
  warn(`${kind}: ${message}`);
  if (error instanceof UsageError) warn(`Run "${PROGRAM} ${name ? name + " " : ""}--help".`);
  if (code === EXIT.unknownOutcome && error instanceof WhiteBitError) warn(reconcileHint(error));
  return code;
}

/** The calls that can move funds: their unknown outcome is exit 11. */
const MOVES_FUNDS = new Set([INVEST_PATH, CLOSE_PATH]);

/** The exit code of each error class that has its own. */
const EXIT_BY_CLASS: [new (...args: never[]) => Error, number][] = [
  [UsageError, EXIT.usage],
  [TypeError, EXIT.usage],
  [RangeError, EXIT.usage],
  [UnresolvedError, EXIT.unknownOutcome],
  [ValidationError, EXIT.validation],
  [AuthenticationError, EXIT.authentication],
  [PermissionError, EXIT.permission],
  [InvestmentRejectedError, EXIT.rejected],
  [CloseRejectedError, EXIT.rejected],
  [PreflightError, EXIT.preflight],
  [NonceError, EXIT.rateLimited],
  [RateLimitError, EXIT.rateLimited],
];

/**
 * By the error: funds may have moved only when a call that moves them got
 * no clear answer; a read without one, or a request that never left, moved
 * nothing (12).
 */
function exitCodeOf(error: unknown): number {
  if (
    error instanceof WhiteBitError && error.outcome === "unknown" &&
    MOVES_FUNDS.has(error.requestPath)
  ) {
    return EXIT.unknownOutcome;
  }
  const [, code] = EXIT_BY_CLASS.find(([Class]) => error instanceof Class) ?? [];
  if (code !== undefined) return code;
  if (!(error instanceof WhiteBitError)) return EXIT.unexpected;
  // A 4xx is WhiteBIT refusing; anything else on a read (5xx, no answer) is no clear answer.
  return error.status !== undefined && error.status >= 400 && error.status < 500
    ? EXIT.refused
    : EXIT.notSent;
}

/** What to do after an unknown outcome: the command that checks it. */
function reconcileHint(error: WhiteBitError): string {
  const { planId, amount, id } = error.params;
  if (error.requestPath === CLOSE_PATH) {
    return `The close of investment ${id} may have been carried out: check with "investments --id ${id}" before trying again.`;
  }
  const when = error.attemptedAt === undefined ? "" : ` at ${isoTime(error.attemptedAt / 1000)}`;
  return `The investment of ${amount} in plan ${planId}${when} may have been made. Before trying again, check (with the same server and credentials flags):\n  ${PROGRAM} reconcile --plan ${planId} --amount ${amount} --at ${error.attemptedAt}`;
}

function required(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== "string" || value === "") {
    throw new UsageError(`Missing --${name} <value>`);
  }
  return value;
}

function text(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function wholeNumber(flags: Flags, name: string): number | undefined {
  const value = text(flags[name]);
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) {
    throw new UsageError(
      `Cannot use "--${name}": it must be a whole number: current value is ${
        JSON.stringify(value)
      }`,
    );
  }
  return Number(value);
}

function paging(flags: Flags): { limit?: number; offset?: number } {
  return { limit: wholeNumber(flags, "limit"), offset: wholeNumber(flags, "offset") };
}

function investmentStatus(value: string | boolean | undefined): 1 | 2 | undefined {
  switch (value) {
    case undefined:
      return undefined;
    case "active":
    case "1":
      return INVESTMENT_STATUS.Active;
    case "closed":
    case "2":
      return INVESTMENT_STATUS.Closed;
  }
  throw new UsageError(
    `Cannot use "--status": it must be active, closed, 1 or 2: current value is ${
      JSON.stringify(value)
    }`,
  );
}

/**
 * Every record of a walk; on a terminal, how many were read so far on
 * stderr, after each page, the line cleared at the end.
 */
async function collect<T>(records: AsyncIterable<T>, pageSize = 100): Promise<T[]> {
  const progress = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  const all: T[] = [];
  for await (const record of records) {
    all.push(record);
    if (progress && all.length % pageSize === 0) {
      await Deno.stderr.write(encoder.encode(`\r${all.length} records read…`));
    }
  }
  if (progress && all.length >= pageSize) await Deno.stderr.write(encoder.encode("\r\x1b[2K"));
  return all;
}

function printList<T>(out: Output, list: T[] | Page<T>, table: (records: T[]) => string): void {
  const records = Array.isArray(list) ? list : list.records;
  if (out.json) out.printJson(list);
  else out.print(records.length > 0 ? table(records) : "Nothing found.");
}

const PLAN_STATUS_NAMES: Record<number, string> = {
  [PLAN_STATUS.Active]: "active",
  [PLAN_STATUS.NoCoinsLeft]: "no coins left",
  [PLAN_STATUS.Inactive]: "inactive",
  [PLAN_STATUS.Paused]: "paused",
};

/** A plan's rate and term, and the currency its interest is paid in. */
function terms(plan: FixedPlan): string {
  return `${plan.percent} % for ${minutes(plan.duration)}, interest paid in ${paidIn(plan)}`;
}

function paidIn(plan: FixedPlan): string {
  return plan.interestTicker === plan.ticker && plan.interestRatio === "1"
    ? plan.interestTicker
    : `${plan.interestTicker} (÷${plan.interestRatio})`;
}

/** A table of text from WhiteBIT: every cell on one line, without control characters. */
function table(rows: string[][], options: Parameters<typeof formatTable>[1]): string {
  return formatTable(rows.map((row) => row.map(terminalCell)), options);
}

function plansTable(plans: FixedPlan[]): string {
  if (plans.length === 0) return "Nothing found.";
  return table(
    plans.map((plan) => [
      plan.id,
      plan.ticker,
      PLAN_STATUS_NAMES[plan.status],
      `${plan.percent} %`,
      minutes(plan.duration),
      paidIn(plan),
      plan.minInvestment,
      plan.maxInvestment,
      plan.maxPossibleInvestment,
    ]),
    {
      header: ["ID", "TICKER", "STATUS", "PERCENT", "TERM", "PAID IN", "MIN", "MAX", "AVAILABLE"],
      align: ["left", "left", "left", "right", "right", "left", "right", "right", "right"],
    },
  );
}

function investmentsTable(investments: Investment[]): string {
  return table(
    investments.map((investment) => [
      investment.id,
      investment.plan.id,
      investment.amount,
      investment.plan.ticker,
      investment.status === INVESTMENT_STATUS.Active ? "active" : "closed",
      isoTime(investment.created),
      isoTime(investment.paymentTime),
      `${investment.interestPaid} ${investment.plan.interestTicker}`,
    ]),
    {
      header: ["ID", "PLAN", "AMOUNT", "TICKER", "STATUS", "CREATED", "MATURES", "INTEREST PAID"],
      align: ["left", "left", "right", "left", "left", "left", "left", "right"],
    },
  );
}

function interestTable(payments: InterestPayment[]): string {
  return table(
    payments.map((payment) => [
      isoTime(payment.timestamp),
      payment.amount,
      payment.ticker,
      payment.planId,
      payment.investmentId,
    ]),
    {
      header: ["PAID", "AMOUNT", "TICKER", "PLAN", "INVESTMENT"],
      align: ["left", "right", "left", "left", "left"],
    },
  );
}

function minutes(duration: number): string {
  if (duration % 1440 === 0) return `${duration / 1440} d`;
  if (duration % 60 === 0) return `${duration / 60} h`;
  return `${duration} min`;
}

function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

/**
 * The command line for WhiteBIT's fixed crypto lending: list plans, invest,
 * list and close investments, and read interest payments.
 *
 * ```sh
 * deno run --allow-net --allow-env jsr:@lending/whitebit/cli plans
 * deno run --allow-net --allow-env jsr:@lending/whitebit/cli invest --plan <id> --amount 100
 * deno run jsr:@lending/whitebit/cli investments --sandbox   # demo data, no credentials
 * ```
 *
 * Credentials come from `WHITEBIT_API_KEY` and `WHITEBIT_API_SECRET`, or
 * from the file named by `--credentials-file` (lines `NAME=value`), never
 * from an argument. `invest` and `close` ask for confirmation on a terminal
 * and refuse without `--yes` elsewhere. `--dry-run` prints the signed
 * request, its signature redacted, and sends nothing. The exit code says
 * what happened, and whether funds may have moved (11): see `--help`.
 *
 * @example Run a command against the in-process demo sandbox
 * ```ts
 * import { main } from "@lending/whitebit/cli";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(await main(["plans", "--sandbox", "--ticker", "BTC"]), 0);
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  assertDecimalAmount,
  assertIdentifier,
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
import { formatTable } from "./table.ts";

const PROGRAM = "deno run --allow-net --allow-env jsr:@lending/whitebit/cli";
const ENV_KEY = "WHITEBIT_API_KEY";
const ENV_SECRET = "WHITEBIT_API_SECRET";
const DAY_MS = 86_400_000;

/**
 * The exit codes, by what happened. Every code from 2 to 10 means nothing
 * was carried out; 11 means funds may have moved.
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
} as const;

const EXIT_HELP = `Exit codes:
   0  done (a dry run too)
   1  unexpected failure
   2  bad usage or input, or no credentials: nothing sent
   3  not confirmed (declined, or no --yes without a terminal): nothing sent
   4  ValidationError, 400: nothing carried out
   5  AuthenticationError, 401: nothing carried out
   6  PermissionError, 403: nothing carried out
   7  InvestmentRejectedError or CloseRejectedError, 422: nothing carried out
   8  PreflightError: the investment was not sent
   9  NonceError or RateLimitError, retries spent: nothing carried out
  10  another refusal by WhiteBIT: nothing carried out
  11  outcome unknown (5xx, dropped, timed out): funds may have moved, reconcile`;

const GLOBAL_HELP = `Global flags:
  --json                    print JSON (errors as JSON on stderr)
  --dry-run                 print the signed request (signature redacted), send nothing
  --sandbox                 use an in-process WhiteBIT sandbox with demo data
  --eu                      use https://whitebit.eu (EU accounts)
  --base-url <url>          use another server
  --credentials-file <path> read ${ENV_KEY}=… and ${ENV_SECRET}=… lines from a file
                            (default: those environment variables)
  -h, --help                show help`;

type Flags = Record<string, string | boolean | undefined>;
type Option = { type: "string" | "boolean"; short?: string };

interface Command {
  summary: string;
  usage: string;
  options: Record<string, Option>;
  run(client: WhiteBitClient, flags: Flags, out: Output): Promise<void>;
  /**
   * For a state-changing command: checks its flags and says what it will do,
   * for the confirmation prompt.
   */
  describe?(flags: Flags): string;
}

interface Output {
  json: boolean;
  print(text: string): void;
}

/** A mistake in the command line or its input: exit 2, nothing sent. */
class UsageError extends Error {
  override name = "UsageError";
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
      out.print(out.json ? JSON.stringify(plans, null, 2) : plansTable(plans));
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
    async run(client, flags, out) {
      const planId = required(flags, "plan");
      const amount = required(flags, "amount");
      const { id } = await client.invest({ planId, amount }, {
        preflight: flags.preflight === true,
      });
      out.print(
        out.json
          ? JSON.stringify({ id })
          : `Invested ${amount} in plan ${planId}: investment ${id}`,
      );
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
  --all               every page from --offset on (JSON: an array)`,
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
        ? await collect(client.allInvestments(params))
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
    async run(client, flags, out) {
      const id = required(flags, "id");
      await client.closeInvestment(id);
      out.print(out.json ? JSON.stringify({ id, closed: true }) : `Closed investment ${id}`);
    },
  },
  interest: {
    summary: "list interest payments (one page, or --all)",
    usage: `interest [--plan <id>] [--ticker <ticker>] [--limit <n>] [--offset <n>] [--all]

  --plan <id>         only payments of this plan
  --ticker <ticker>   only payments in this currency
  --limit <n>         records per page, 1 to 100 (default 100)
  --offset <n>        records to skip, 0 to 10000 (default 0)
  --all               every page from --offset on (JSON: an array)`,
    options: { plan: { type: "string" }, ticker: { type: "string" }, ...PAGING_OPTIONS },
    async run(client, flags, out) {
      const params = { planId: text(flags.plan), ticker: text(flags.ticker), ...paging(flags) };
      const records = flags.all
        ? await collect(client.allInterestPayments(params))
        : await client.interestPayments(params);
      printList(out, records, interestTable);
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
 * ```
 *
 * @param args The arguments after the program, such as `["plans", "--json"]`.
 * @returns The exit code.
 */
export async function main(args: string[]): Promise<number> {
  const json = args.includes("--json");
  const out: Output = { json, print: (line) => console.log(line) };
  const [name, ...rest] = args;
  if (name === undefined) {
    console.error(topHelp());
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(topHelp());
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  try {
    if (!command) {
      throw new UsageError(`Unknown command${name.startsWith("-") ? "" : ` "${name}"`}`);
    }
    const parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
    });
    if (parsed.positionals.length > 0) {
      // Not echoed: a value typed here may be a secret.
      throw new UsageError(`"${name}" takes flags only, but was given an argument`);
    }
    const flags: Flags = parsed.values;
    if (flags.help) {
      console.log(`Usage: ${PROGRAM} ${command.usage}\n\n${GLOBAL_HELP}\n\n${EXIT_HELP}`);
      return EXIT.ok;
    }
    const action = command.describe?.(flags);
    const client = await openClient(flags);
    if (action && !flags.yes && !flags["dry-run"]) {
      const confirmed = await confirm(`${action} at ${client.baseUrl}?`);
      if (!confirmed) return EXIT.notConfirmed;
    }
    await command.run(client, flags, out);
    return EXIT.ok;
  } catch (error) {
    return report(error, out, name);
  }
}

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const commands = Object.entries(COMMANDS)
    .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
    .join("\n");
  return `Usage: ${PROGRAM} <command> [flags]

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
  const baseUrl = flags.eu ? "https://whitebit.eu" : text(flags["base-url"]);
  const credentials = typeof flags["credentials-file"] === "string"
    ? await readCredentialsFile(flags["credentials-file"])
    : readCredentialsEnv();
  try {
    return new WhiteBitClient({ ...credentials, ...options, baseUrl });
  } catch (error) {
    throw error instanceof TypeError ? new UsageError(error.message) : error;
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

/** Reads `NAME=value` lines (`#` comments, optional quotes); never shows the file's content. */
async function readCredentialsFile(path: string): Promise<{ apiKey: string; apiSecret: string }> {
  let content: string;
  try {
    content = await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError(
      `Cannot read credentials file ${JSON.stringify(path)}: ${
        (error as Error).name
      } (run with --allow-read=${path})`,
    );
  }
  const values = new Map<string, string>();
  for (const [index, raw] of content.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      throw new UsageError(
        `Cannot read credentials file ${JSON.stringify(path)}: line ${index + 1} is not NAME=value`,
      );
    }
    values.set(match[1], match[2].replace(/^(["'])(.*)\1$/, "$2"));
  }
  const apiKey = values.get(ENV_KEY);
  const apiSecret = values.get(ENV_SECRET);
  if (!apiKey || !apiSecret) {
    throw new UsageError(
      `Cannot read credentials file ${
        JSON.stringify(path)
      }: it needs ${ENV_KEY}=… and ${ENV_SECRET}=… lines`,
    );
  }
  return { apiKey, apiSecret };
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

/** Asks on stderr and reads the answer from a terminal; without one, refuses. */
async function confirm(question: string): Promise<boolean> {
  if (!Deno.stdin.isTerminal()) {
    console.error(
      `${question}\nRefusing without confirmation: stdin is not a terminal. Pass --yes to confirm. Nothing was sent.`,
    );
    return false;
  }
  await Deno.stderr.write(new TextEncoder().encode(`${question} [y/N] `));
  const answer = (await readLine()).trim().toLowerCase();
  if (answer === "y" || answer === "yes") return true;
  console.error("Cancelled. Nothing was sent.");
  return false;
}

async function readLine(): Promise<string> {
  const reader = Deno.stdin.readable.getReader();
  const decoder = new TextDecoder();
  let line = "";
  try {
    while (!line.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      line += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return line.split("\n")[0];
}

function report(error: unknown, out: Output, name: string): number {
  if (error instanceof DryRunError) {
    const { method, url, headers, body } = error.request;
    out.print(
      out.json ? JSON.stringify({ dryRun: true, request: error.request }, null, 2) : [
        "Dry run: nothing was sent.",
        `${method} ${url}`,
        ...Object.entries(headers).map(([header, value]) => `${header}: ${value}`),
        "",
        body,
      ].join("\n"),
    );
    return EXIT.ok;
  }
  const code = exitCodeOf(error);
  if (code === EXIT.unexpected) {
    console.error("Unexpected failure:", error);
    return code;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (out.json) {
    const details = error instanceof WhiteBitError ? { ...error, message } : { message };
    console.error(
      JSON.stringify({ error: { name: (error as Error).name, ...details }, exitCode: code }),
    );
  } else {
    console.error(`${(error as Error).name}: ${message}`);
    if (error instanceof UsageError) {
      console.error(`Run "${PROGRAM} ${COMMANDS[name] ? name + " " : ""}--help".`);
    }
    if (error instanceof WhiteBitError && error.outcome === "unknown") {
      console.error(reconcileHint(error));
    }
  }
  return code;
}

function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof TypeError || error instanceof RangeError) {
    return EXIT.usage;
  }
  if (!(error instanceof WhiteBitError)) return EXIT.unexpected;
  if (error.outcome === "unknown") return EXIT.unknownOutcome;
  if (error instanceof ValidationError) return EXIT.validation;
  if (error instanceof AuthenticationError) return EXIT.authentication;
  if (error instanceof PermissionError) return EXIT.permission;
  if (error instanceof InvestmentRejectedError || error instanceof CloseRejectedError) {
    return EXIT.rejected;
  }
  if (error instanceof PreflightError) return EXIT.preflight;
  if (error instanceof NonceError || error instanceof RateLimitError) return EXIT.rateLimited;
  return EXIT.refused;
}

function reconcileHint(error: WhiteBitError): string {
  const when = error.attemptedAt === undefined ? "" : ` at ${isoTime(error.attemptedAt / 1000)}`;
  const asked = Object.entries(error.params).map(([key, value]) => `${key}=${value}`).join(" ");
  return `The request (${asked}${when}) may have been carried out: check with "investments" before trying again.`;
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

async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const record of records) all.push(record);
  return all;
}

function printList<T>(out: Output, list: T[] | Page<T>, table: (records: T[]) => string): void {
  const records = Array.isArray(list) ? list : list.records;
  if (out.json) out.print(JSON.stringify(list, null, 2));
  else out.print(records.length > 0 ? table(records) : "Nothing found.");
}

const PLAN_STATUS_NAMES: Record<number, string> = {
  [PLAN_STATUS.Active]: "active",
  [PLAN_STATUS.NoCoinsLeft]: "no coins left",
  [PLAN_STATUS.Inactive]: "inactive",
  [PLAN_STATUS.Paused]: "paused",
};

function plansTable(plans: FixedPlan[]): string {
  if (plans.length === 0) return "Nothing found.";
  return formatTable(
    plans.map((plan) => [
      plan.id,
      plan.ticker,
      PLAN_STATUS_NAMES[plan.status],
      `${plan.percent} %`,
      minutes(plan.duration),
      plan.interestTicker === plan.ticker && plan.interestRatio === "1"
        ? plan.interestTicker
        : `${plan.interestTicker} (÷${plan.interestRatio})`,
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
  return formatTable(
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
  return formatTable(
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

/**
 * The command table: each command's summary, usage, flags and work, and
 * for the two that move funds (`invest`, `close`) what they will do, for
 * the confirmation; and the global flags every command takes.
 *
 * @example
 * ```ts
 * import { COMMANDS } from "./_commands.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(Object.keys(COMMANDS), [
 *   "plans",
 *   "invest",
 *   "investments",
 *   "close",
 *   "interest",
 *   "reconcile",
 * ]);
 * ```
 *
 * @module
 */

import { INVESTMENT_STATUS, PLAN_STATUS, type WhiteBitClient } from "../mod.ts";
import { assertDecimalAmount, assertIdentifier } from "../client/_validate.ts";
import { type Flags, type Option, paging, PAGING_OPTIONS, required, text } from "./_args.ts";
import type { Decision } from "./_confirm.ts";
import { UsageError } from "./_errors.ts";
import {
  interestTable,
  investmentsTable,
  isoTime,
  PLAN_STATUS_NAMES,
  plansTable,
  terms,
} from "./_format.ts";
import { collect, type Output, printList } from "./_output.ts";
import { reconcile } from "./_reconcile.ts";

/** One command. */
export interface Command {
  /** One line for the list of commands. */
  summary: string;
  /** Its usage and flags, for its `--help`. */
  usage: string;
  /** The flags it takes, besides the global ones. */
  options: Readonly<Record<string, Option>>;
  /** Does the work; returns the exit code if it is not 0. */
  run(client: WhiteBitClient, flags: Flags, out: Output): Promise<number | void>;
  /**
   * For a command that moves funds: checks its flags and says what it will
   * do, for the confirmation prompt.
   */
  describe?(flags: Flags): string;
  /** For the prompt on a terminal: what a person decides on, from one lookup. */
  details?(client: WhiteBitClient, flags: Flags): Promise<Decision>;
}

/**
 * The flags every command takes, before or after the command word.
 *
 * @example
 * ```ts
 * import { GLOBAL_OPTIONS } from "./_commands.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(GLOBAL_OPTIONS["base-url"].type, "string");
 * ```
 */
export const GLOBAL_OPTIONS: Readonly<Record<string, Option>> = {
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
 * The commands, by name, in the order `--help` lists them.
 *
 * @example
 * ```ts
 * import { COMMANDS } from "./_commands.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(COMMANDS.invest.describe?.({ plan: "p1", amount: "100" }), "Invest 100 in plan p1");
 * ```
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
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
    run: reconcile,
  },
};

/** `--status`: a word or WhiteBIT's number. */
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

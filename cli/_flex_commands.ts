/**
 * The `flex` commands: WhiteBIT's flex lending from the command line, with
 * WhiteBIT's field names as flags (`--plan`, `--amount`, `--with-reinvest`,
 * `--enabled`). The four that move funds or change a position (`invest`,
 * `withdraw`, `close`, `auto-invest`) ask first, showing the plan, amount,
 * currency and rate looked up from WhiteBIT, and refuse without `--yes`
 * when there is no terminal.
 *
 * @example
 * ```ts
 * import { FLEX_COMMANDS } from "./_flex_commands.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(FLEX_COMMANDS.withdraw.describe?.({ plan: "p1", amount: "40" }), "Withdraw 40 from flex plan p1");
 * ```
 *
 * @module
 */

import type { WhiteBitClient } from "../mod.ts";
import {
  FLEX_INVESTMENT_STATUS,
  type FlexActionType,
  type FlexInvestment,
  type FlexPlan,
  type FlexTransaction,
} from "../client/flex/mod.ts";
import { FLEX_ENDPOINTS } from "../client/flex/_endpoints.ts";
import { assertDecimalAmount, assertIdentifier } from "../client/_validate.ts";
import {
  type Flags,
  type Option,
  paging,
  PAGING_OPTIONS,
  required,
  text,
  wholeNumber,
} from "./_args.ts";
import type { Command } from "./_commands.ts";
import type { Decision } from "./_confirm.ts";
import { UnresolvedError, UsageError } from "./_errors.ts";
import { EXIT } from "./_exit.ts";
import { isoTime, table } from "./_format.ts";
import { readFileOrStdin } from "./_input.ts";
import { collect, type Output, printList } from "./_output.ts";
import { attemptTime, savedFailure } from "./_reconcile.ts";

const PAGING_USAGE = `  --limit <n>         records per page, 1 to 100
  --offset <n>        records to skip, 0 to 10000 (default 0)
  --all               every page from --offset on (JSON: an array)`;
const FILTERS: Readonly<Record<string, Option>> = {
  plan: { type: "string" },
  investment: { type: "string" },
  transaction: { type: "string" },
  "date-from": { type: "string" },
  "date-to": { type: "string" },
};
const FILTERS_USAGE = `  --plan <id>         only this plan
  --investment <id>   only this investment
  --transaction <id>  only this transaction
  --date-from <s>     from this time, Unix seconds
  --date-to <s>       up to this time, Unix seconds`;
const YES: Readonly<Record<string, Option>> = { yes: { type: "boolean", short: "y" } };
/** WhiteBIT's action types (`FLEX_ACTION_TYPE`), as the tables and `--action-types` name them. */
const ACTION_NAMES: Readonly<Record<FlexActionType, string>> = {
  1: "invest",
  2: "reinvest",
  3: "withdraw",
  4: "daily earning",
  5: "close",
  6: "open",
};

/**
 * The flex commands, by name, in the order `flex --help` lists them.
 *
 * @example
 * ```ts
 * import { FLEX_COMMANDS } from "./_flex_commands.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(Object.keys(FLEX_COMMANDS), [
 *   "plans", "positions", "history", "payments", "invest", "withdraw", "close", "auto-invest", "reconcile",
 * ]);
 * ```
 */
export const FLEX_COMMANDS: Readonly<Record<string, Command>> = {
  plans: {
    summary: "list the flex plans open to the account",
    usage: `flex plans [--ticker <ticker>] [--limit <n>] [--offset <n>]

  --ticker <ticker>   only plans investing this currency, such as USDT`,
    options: { ticker: { type: "string" }, limit: { type: "string" }, offset: { type: "string" } },
    async run(client, flags, out) {
      const plans = await client.flex.plans({ ticker: text(flags.ticker), ...paging(flags) });
      printList(out, plans, plansTable);
    },
  },
  positions: {
    summary: "list flex positions (one page, or --all)",
    usage:
      `flex positions [--ticker <t>] [--plan <id>] [--investment <id>] [--status active|closed] [paging]

  --status <status>   active (1) or closed (0)
${PAGING_USAGE}`,
    options: {
      ticker: { type: "string" },
      plan: { type: "string" },
      investment: { type: "string" },
      status: { type: "string" },
      ...PAGING_OPTIONS,
    },
    async run(client, flags, out) {
      const params = {
        ticker: text(flags.ticker),
        plan: text(flags.plan),
        investment: text(flags.investment),
        investmentStatus: status(flags.status),
        ...paging(flags),
      };
      const list = flags.all
        ? await collect(client.flex.allInvestments(params), params.limit)
        : await client.flex.investments(params);
      printList(out, list, positionsTable);
    },
  },
  history: {
    summary: "list flex movements (one page, or --all)",
    usage: `flex history [filters] [--action-types <list>] [paging]

${FILTERS_USAGE}
  --action-types <list>  such as 1,6 or invest,open: 1 invest, 2 reinvest,
                      3 withdraw, 4 daily earning, 5 close, 6 open
${PAGING_USAGE}`,
    options: { ...FILTERS, "action-types": { type: "string" }, ...PAGING_OPTIONS },
    async run(client, flags, out) {
      const params = { ...filters(flags), actionTypes: actionTypes(flags), ...paging(flags) };
      const list = flags.all
        ? await collect(client.flex.allHistory(params), params.limit)
        : await client.flex.history(params);
      printList(out, list, historyTable);
    },
  },
  payments: {
    summary: "list flex daily earnings (one page, or --all)",
    usage: `flex payments [filters] [paging]

${FILTERS_USAGE}
${PAGING_USAGE}`,
    options: { ...FILTERS, ...PAGING_OPTIONS },
    async run(client, flags, out) {
      const params = { ...filters(flags), ...paging(flags) };
      const list = flags.all
        ? await collect(client.flex.allPayments(params), params.limit)
        : await client.flex.payments(params);
      printList(out, list, historyTable);
    },
  },
  invest: {
    summary: "put an amount into a flex plan: opens or tops up the position (asks first)",
    usage: `flex invest --plan <id> --amount <decimal> [--with-reinvest true|false] [--yes]

  --plan <id>               the flex plan id (see "flex plans")
  --amount <decimal>        the amount, such as 100 or 0.5
  --with-reinvest <bool>    add daily earnings to the position (left out: WhiteBIT's default, off)
  -y, --yes                 do not ask for confirmation`,
    options: {
      plan: { type: "string" },
      amount: { type: "string" },
      "with-reinvest": { type: "string" },
      ...YES,
    },
    describe: (flags) => `Invest ${amount(flags)} in flex plan ${plan(flags)}`,
    details: (client, flags) => decide(client, flags, "Invest"),
    async run(client, flags, out) {
      const withReinvest = bool(flags, "with-reinvest");
      const { transactionId } = await client.flex.invest({
        plan: plan(flags),
        amount: amount(flags),
        ...(withReinvest === undefined ? {} : { withReinvest }),
      });
      done(out, transactionId, `Invested ${amount(flags)} in flex plan ${plan(flags)}`);
    },
  },
  withdraw: {
    summary: "take an amount out of a flex position (asks first)",
    usage: `flex withdraw --plan <id> --amount <decimal> [--yes]

  --plan <id>          the flex plan id
  --amount <decimal>   the amount to take out
  -y, --yes            do not ask for confirmation`,
    options: { plan: { type: "string" }, amount: { type: "string" }, ...YES },
    describe: (flags) => `Withdraw ${amount(flags)} from flex plan ${plan(flags)}`,
    details: (client, flags) => decide(client, flags, "Withdraw"),
    async run(client, flags, out) {
      const { transactionId } = await client.flex.withdraw({
        plan: plan(flags),
        amount: amount(flags),
      });
      done(out, transactionId, `Withdrew ${amount(flags)} from flex plan ${plan(flags)}`);
    },
  },
  close: {
    summary: "close a flex position: everything back to the balance (asks first)",
    usage: `flex close --plan <id> [--yes]

  --plan <id>   the flex plan id
  -y, --yes     do not ask for confirmation`,
    options: { plan: { type: "string" }, ...YES },
    describe: (flags) => `Close the position in flex plan ${plan(flags)}`,
    details: (client, flags) => decide(client, flags, "Close"),
    async run(client, flags, out) {
      const { transactionId } = await client.flex.close({ plan: plan(flags) });
      done(out, transactionId, `Closed the position in flex plan ${plan(flags)}`);
    },
  },
  "auto-invest": {
    summary: "switch reinvesting a position's daily earnings on or off (asks first)",
    usage: `flex auto-invest --plan <id> --enabled true|false [--yes]

  --plan <id>              the flex plan id
  --enabled true|false     required: left out, WhiteBIT would switch it off
  -y, --yes                do not ask for confirmation`,
    options: { plan: { type: "string" }, enabled: { type: "string" }, ...YES },
    describe: (flags) =>
      `Switch auto-reinvest ${enabled(flags) ? "on" : "off"} for flex plan ${plan(flags)}`,
    details: (client, flags) => decide(client, flags, "Switch auto-reinvest"),
    async run(client, flags, out) {
      await client.flex.autoInvest({ plan: plan(flags), enabled: enabled(flags) });
      if (out.json) out.printJson({ plan: plan(flags), enabled: enabled(flags) });
      else out.print(`Auto-reinvest ${enabled(flags) ? "on" : "off"} for flex plan ${plan(flags)}`);
    },
  },
  reconcile: {
    summary: "find out whether a flex invest, withdraw or close whose outcome is unknown ran",
    usage: `flex reconcile --from <file|-> [--tolerance-ms <n>]
       flex reconcile --call invest|withdraw|close --plan <id> [--amount <decimal>] --at <time>

  --from <file|->      a failed call's error as JSON (the line --json printed on stderr)
  --call <name>        the call: invest, withdraw or close
  --plan <id>          its flex plan id
  --amount <decimal>   its amount (not for close)
  --at <time>          when it was sent: an ISO time with its zone, or Unix milliseconds
  --tolerance-ms <n>   how much earlier WhiteBIT's clock may have stamped it (default 60000)

Reads only. Exit 0: found, it ran: do not send it again. Exit 13: it did not
run. Exit 11: still unknown.`,
    options: {
      from: { type: "string" },
      call: { type: "string" },
      plan: { type: "string" },
      amount: { type: "string" },
      at: { type: "string" },
      "tolerance-ms": { type: "string" },
    },
    async run(client, flags, out) {
      if (flags.from !== undefined && (flags.call ?? flags.plan ?? flags.amount ?? flags.at)) {
        throw new UsageError("Pass --from, or --call, --plan, --amount and --at: not both");
      }
      const failure = typeof flags.from === "string"
        ? savedFailure(await readFileOrStdin(flags.from, "saved error"))
        : typedFailure(flags);
      let found: FlexTransaction | null;
      try {
        found = await client.flex.findTransaction(failure, {
          toleranceMs: wholeNumber(flags, "tolerance-ms"),
        });
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new UnresolvedError(
          `${error.message}. Look through the flex history on WhiteBIT's website.`,
        );
      }
      if (out.json) out.printJson({ found: found !== null, transaction: found ?? undefined });
      else if (found) {
        out.print(
          `Found: it ran (transaction ${found.transaction_id}). Do not send it again.\n\n${
            historyTable([found])
          }`,
        );
      } else out.print("Not found: it did not run. Sending it again moves the money once.");
      return found ? EXIT.ok : EXIT.notFound;
    },
  },
};

function plan(flags: Flags): string {
  const value = required(flags, "plan");
  assertIdentifier(value, "--plan");
  return value;
}

function amount(flags: Flags): string {
  const value = required(flags, "amount");
  assertDecimalAmount(value, "--amount");
  return value;
}

/** A `true`/`false` flag, if given. */
function bool(flags: Flags, name: string): boolean | undefined {
  const value = flags[name];
  if (value === undefined) return undefined;
  if (value === "true" || value === "false") return value === "true";
  throw new UsageError(
    `Cannot use "--${name}": it must be true or false: current value is ${JSON.stringify(value)}`,
  );
}

function enabled(flags: Flags): boolean {
  const value = bool(flags, "enabled");
  if (value === undefined) throw new UsageError("Missing --enabled <true|false>");
  return value;
}

/** Unix seconds: up to 10 digits (a millisecond time is refused by the client). */
function seconds(flags: Flags, name: string): number | undefined {
  const value = text(flags[name]);
  if (value === undefined) return undefined;
  if (!/^\d{1,13}$/.test(value)) {
    throw new UsageError(
      `Cannot use "--${name}": it must be Unix seconds: current value is ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

function filters(flags: Flags) {
  return {
    plan: text(flags.plan),
    investment: text(flags.investment),
    transaction: text(flags.transaction),
    dateFrom: seconds(flags, "date-from"),
    dateTo: seconds(flags, "date-to"),
  };
}

/** `--action-types`: numbers or names, comma-separated. */
function actionTypes(flags: Flags): FlexActionType[] | undefined {
  const value = text(flags["action-types"]);
  if (value === undefined) return undefined;
  const names = Object.entries(ACTION_NAMES);
  return value.split(",").map((item) => {
    const found = names.find(([code, name]) => item.trim() === code || item.trim() === name);
    if (!found) {
      throw new UsageError(
        `Cannot use "--action-types": ${JSON.stringify(item)} is not one of 1-6 or ${
          Object.values(ACTION_NAMES).join(", ")
        }`,
      );
    }
    return Number(found[0]) as FlexActionType;
  });
}

/** `--status`: a word or WhiteBIT's number (flex: 0 is closed). */
function status(value: string | boolean | undefined): 0 | 1 | undefined {
  if (value === undefined) return undefined;
  if (value === "active" || value === "1") return FLEX_INVESTMENT_STATUS.Active;
  if (value === "closed" || value === "0") return FLEX_INVESTMENT_STATUS.Closed;
  throw new UsageError(
    `Cannot use "--status": it must be active, closed, 1 or 0: current value is ${
      JSON.stringify(value)
    }`,
  );
}

/** What a person decides on: the plan's currency and rate, and the position as it is. */
async function decide(client: WhiteBitClient, flags: Flags, verb: string): Promise<Decision> {
  const id = plan(flags);
  const [offered] = (await client.flex.plans()).filter((p) => p.id === id);
  const [position] = (await client.flex.investments({ plan: id })).data;
  const held = position?.status === FLEX_INVESTMENT_STATUS.Active ? position.invested : "0";
  if (!offered) {
    return {
      what:
        `${verb} in flex plan ${id} (not among the plans open to this account: WhiteBIT will most likely refuse it)`,
    };
  }
  const { ticker, maxRate } = offered;
  const money = flags.amount === undefined ? "" : ` ${amount(flags)} ${ticker}`;
  const place = verb === "Withdraw" ? "from" : verb === "Invest" ? "in" : "for";
  return {
    what:
      `${verb}${money} ${place} flex plan ${id} (${ticker}, max rate ${maxRate}, position now ${held} ${ticker})`,
    note: verb === "Close"
      ? `The whole position, ${held} ${ticker}, goes back to the main balance.`
      : verb === "Invest" && held !== "0"
      ? `This tops up the position: it becomes ${held} + ${amount(flags)} ${ticker}.`
      : undefined,
  };
}

function done(out: Output, transactionId: string, what: string): void {
  if (out.json) out.printJson({ transactionId });
  else out.print(`${what}: transaction ${transactionId}`);
}

/** The attempt described by `--call`, `--plan`, `--amount` and `--at`. */
function typedFailure(flags: Flags) {
  const call = required(flags, "call") as "invest" | "withdraw" | "close";
  if (!["invest", "withdraw", "close"].includes(call)) {
    throw new UsageError(`Cannot use "--call": it must be invest, withdraw or close`);
  }
  return {
    requestPath: FLEX_ENDPOINTS[call].path,
    outcome: "unknown" as const,
    params: { plan: plan(flags), ...(call === "close" ? {} : { amount: amount(flags) }) },
    attemptedAt: attemptTime(required(flags, "at")),
  };
}

function plansTable(plans: FlexPlan[]): string {
  return table(
    plans.map((p) => [p.id, p.ticker, p.maxRate, p.minInvestment, p.maxInvestment]),
    {
      header: ["ID", "TICKER", "MAX RATE", "MIN", "MAX"],
      align: ["left", "left", "right", "right", "right"],
    },
  );
}

function positionsTable(positions: FlexInvestment[]): string {
  return table(
    positions.map((p) => [
      p.id,
      p.planId,
      p.currency,
      p.invested,
      p.withAutoReinvest ? "yes" : "no",
      p.status === FLEX_INVESTMENT_STATUS.Active ? "active" : "closed",
      isoTime(p.createdAt),
    ]),
    {
      header: ["ID", "PLAN", "CURRENCY", "INVESTED", "REINVEST", "STATUS", "OPENED"],
      align: ["left", "left", "left", "right", "left", "left", "left"],
    },
  );
}

function historyTable(rows: FlexTransaction[]): string {
  return table(
    rows.map((row) => [
      isoTime(row.createdAt),
      ACTION_NAMES[row.actionType] ?? String(row.actionType),
      row.amount,
      row.currency,
      row.planId,
      row.transaction_id,
    ]),
    {
      header: ["TIME", "ACTION", "AMOUNT", "CURRENCY", "PLAN", "TRANSACTION"],
      align: ["left", "left", "right", "left", "left", "left"],
    },
  );
}

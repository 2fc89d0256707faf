/**
 * `reconcile`: whether an investment whose outcome is unknown was made, from
 * a saved error (a file, or stdin for `-`) or from `--plan`, `--amount` and
 * `--at`. Reads only. Found: exit 0, do not invest again; provably not
 * there: exit 13; WhiteBIT serves too little history to tell: exit 11.
 *
 * @example
 * ```ts
 * import { reconcile } from "./_reconcile.ts";
 * import { output } from "./_output.ts";
 * import { WhiteBitClient } from "../mod.ts";
 * import { WhiteBitSandbox } from "../testing.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const client = new WhiteBitClient({ ...sandbox.credentials, fetch: sandbox.fetch });
 * const at = String(Date.now());
 * const flags = { plan: sandbox.plans[0].id, amount: "100", at };
 * strictEqual(await reconcile(client, flags, output(true)), 13); // {"found": false} on stdout
 * ```
 *
 * @module
 */

import type { Investment, WhiteBitClient } from "../mod.ts";
import type { InvestFailure } from "../client/_reconcile.ts";
import { ENDPOINTS } from "../client/_endpoints.ts";
import { assertDecimalAmount, assertIdentifier, isRecord } from "../client/_validate.ts";
import { type Flags, required, wholeNumber } from "./_args.ts";
import { UnresolvedError, UsageError } from "./_errors.ts";
import { EXIT } from "./_exit.ts";
import { investmentsTable, isoTime } from "./_format.ts";
import { readFileOrStdin } from "./_input.ts";
import type { Output } from "./_output.ts";

/** How far in the future `--at` may be, for a clock that runs slow. */
const FUTURE_SLACK_MS = 3_600_000;

/**
 * Runs `reconcile` with its flags (`from`, or `plan`, `amount` and `at`;
 * `tolerance-ms`).
 *
 * @example
 * ```ts
 * import { reconcile } from "./_reconcile.ts";
 * import { output } from "./_output.ts";
 * import { WhiteBitClient } from "../mod.ts";
 * import { rejects } from "node:assert/strict";
 *
 * const client = new WhiteBitClient({ apiKey: "k", apiSecret: "s", dryRun: true });
 * await rejects(reconcile(client, { from: "-", plan: "p1" }, output(false)), /not both/);
 * ```
 *
 * @param client The client, with the failed call's server and credentials.
 * @param flags The command's flags.
 * @param out Where to print the answer.
 * @returns The exit code: 0 found, 13 not found.
 * @throws {UnresolvedError} When WhiteBIT serves too little history to tell.
 * @throws {UsageError} For unclear input, before anything is sent.
 */
export async function reconcile(
  client: WhiteBitClient,
  flags: Flags,
  out: Output,
): Promise<number> {
  if (flags.from !== undefined && (flags.plan ?? flags.amount ?? flags.at) !== undefined) {
    throw new UsageError("Pass --from, or --plan, --amount and --at: not both");
  }
  const failure = typeof flags.from === "string"
    ? savedFailure(await readFileOrStdin(flags.from, "saved error"))
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
}

/**
 * The failed invest in a saved error: the whole input, or its last line
 * (what `--json` prints on stderr may follow a warning), as the error's
 * JSON or as `{ "error": …, "exitCode": … }`. `findInvestment()` checks
 * what is in it.
 */
export function savedFailure(input: string): InvestFailure {
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
    requestPath: ENDPOINTS.invest.path,
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
export function attemptTime(value: string): number {
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

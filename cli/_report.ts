/**
 * How a run that did not finish is reported: a dry run's request on stdout
 * (exit 0); an error on stderr, in words or as one JSON line with its exit
 * code, and after an unknown outcome the command that checks it.
 *
 * @example
 * ```ts
 * import { report } from "./_report.ts";
 * import { output } from "./_output.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * // On stderr: {"error":{"name":"TypeError","message":"Cannot invest"},"exitCode":2}
 * strictEqual(report(new TypeError("Cannot invest"), output(true)), 2);
 * ```
 *
 * @module
 */

import { DryRunError, WhiteBitError } from "../mod.ts";
import { ENDPOINTS } from "../client/_endpoints.ts";
import { FLEX_ENDPOINTS } from "../client/flex/_endpoints.ts";
import { UsageError } from "./_errors.ts";
import { EXIT, exitCodeOf } from "./_exit.ts";
import { isoTime } from "./_format.ts";
import { PROGRAM } from "./_program.ts";
import { type Output, warn } from "./_output.ts";
import { terminalJson } from "./_terminal.ts";

/**
 * Reports how a run ended and returns its exit code.
 *
 * @example
 * ```ts
 * import { report } from "./_report.ts";
 * import { UsageError } from "./_errors.ts";
 * import { output } from "./_output.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * // On stderr: UsageError: Missing --amount <value>, and where the help is.
 * strictEqual(report(new UsageError("Missing --amount <value>"), output(false), "invest"), 2);
 * ```
 *
 * @param error What was thrown.
 * @param out Where the run prints.
 * @param command The command word, if it is a command, for the pointer to its help.
 * @returns The exit code.
 */
export function report(error: unknown, out: Output, command?: string): number {
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
  const { name: kind } = error as Error;
  // A refused value may be a secret pasted into the wrong flag: never shown.
  const message = (error as Error).message.replace(
    /: current value is .*$/s,
    ": the value is not shown",
  );
  if (out.json) {
    const details = error instanceof WhiteBitError ? { ...error, message } : { message };
    console.error(
      terminalJson(JSON.stringify({ error: { name: kind, ...details }, exitCode: code })),
    );
    return code;
  }
  warn(`${kind}: ${message}`);
  if (error instanceof UsageError) warn(`Run "${PROGRAM} ${command ? command + " " : ""}--help".`);
  if (code === EXIT.unknownOutcome && error instanceof WhiteBitError) warn(reconcileHint(error));
  return code;
}

/** The flex calls `flex reconcile` checks, by their path. */
const FLEX_CALLS: Readonly<Record<string, string>> = {
  [FLEX_ENDPOINTS.invest.path]: "invest",
  [FLEX_ENDPOINTS.withdraw.path]: "withdraw",
  [FLEX_ENDPOINTS.close.path]: "close",
};

/** What to do after an unknown outcome: the command that checks it. */
function reconcileHint(error: WhiteBitError): string {
  const { planId, amount, id, plan, enabled } = error.params;
  const call = FLEX_CALLS[error.requestPath];
  if (call) {
    return `The flex ${call} in plan ${plan} may have been carried out. Before trying again, check (with the same server and credentials flags):\n  ${PROGRAM} flex reconcile --call ${call} --plan ${plan}${
      amount === undefined ? "" : ` --amount ${amount}`
    } --at ${error.attemptedAt}`;
  }
  if (error.requestPath === FLEX_ENDPOINTS.autoInvest.path) {
    return `Auto-reinvest for flex plan ${plan} may have been set: sending it again is harmless (flex auto-invest --plan ${plan} --enabled ${enabled}).`;
  }
  if (error.requestPath === ENDPOINTS.close.path) {
    return `The close of investment ${id} may have been carried out: check with "investments --id ${id}" before trying again.`;
  }
  const when = error.attemptedAt === undefined ? "" : ` at ${isoTime(error.attemptedAt / 1000)}`;
  return `The investment of ${amount} in plan ${planId}${when} may have been made. Before trying again, check (with the same server and credentials flags):\n  ${PROGRAM} reconcile --plan ${planId} --amount ${amount} --at ${error.attemptedAt}`;
}

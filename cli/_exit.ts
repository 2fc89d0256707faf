/**
 * The CLI's exit codes, and which error ends in which: a table keyed by the
 * client's error names (a new error class does not compile until it has a
 * row), the CLI's own errors and the runtime's `TypeError`/`RangeError`.
 * Every code from 2 to 10, and 12, means nothing was carried out; 11 means
 * funds may have moved.
 *
 * @example
 * ```ts
 * import { EXIT, exitCodeOf } from "./_exit.ts";
 * import { NetworkError } from "../mod.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const dropped = (requestPath: string) =>
 *   new NetworkError("connection dropped", { outcome: "unknown", requestPath });
 * strictEqual(exitCodeOf(dropped("/api/v4/main-account/smart/investment")), EXIT.unknownOutcome);
 * strictEqual(exitCodeOf(dropped("/api/v4/main-account/smart/plans")), EXIT.notSent);
 * ```
 *
 * @module
 */

import { WhiteBitError, type WhiteBitErrorName } from "../mod.ts";
import { ENDPOINTS } from "../client/_endpoints.ts";
import { FLEX_ENDPOINTS } from "../client/flex/_endpoints.ts";
import { UnresolvedError, UsageError } from "./_errors.ts";

/**
 * The exit codes, by what happened.
 *
 * @example
 * ```ts
 * import { EXIT } from "./_exit.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(EXIT.unknownOutcome, 11);
 * ```
 */
export const EXIT = {
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

/**
 * The exit codes as `--help` shows them.
 *
 * @example
 * ```ts
 * import { EXIT_HELP } from "./_exit.ts";
 * import { ok } from "node:assert/strict";
 *
 * ok(EXIT_HELP.includes("11  outcome unknown"));
 * ```
 */
export const EXIT_HELP = `Exit codes:
   0  done (a dry run too); reconcile: the investment was made
   1  unexpected failure
   2  bad usage or input, no credentials, or no permission to connect: nothing sent
   3  not confirmed (declined, or no --yes without a terminal): nothing sent
   4  ValidationError, 400: nothing carried out
   5  AuthenticationError, 401: nothing carried out
   6  PermissionError, 403: nothing carried out
   7  InvestmentRejectedError, CloseRejectedError or FlexRejectedError, 422: nothing carried out
   8  PreflightError: the investment was not sent
   9  NonceError or RateLimitError, retries spent: nothing carried out
  10  another refusal by WhiteBIT: nothing carried out
  11  outcome unknown (5xx, dropped, timed out): funds may have moved, reconcile;
      reconcile: still unknown (WhiteBIT serves too little of the history)
  12  a read got no clear answer, or a request could not be sent: nothing carried out
  13  reconcile: no such investment, the attempt did not invest`;

/** An exit code, or how to pick one from the error's facts. */
export type ExitRule = number | ((error: WhiteBitError) => number);

/**
 * A 4xx is WhiteBIT refusing (10); a 5xx or no answer on a read, or a
 * request that never left, is no clear answer (12). Either way nothing
 * was carried out: a call that moves funds and got no clear answer is
 * caught before the table.
 */
const refusedOrNoAnswer = (error: WhiteBitError): number =>
  error.status !== undefined && error.status >= 400 && error.status < 500
    ? EXIT.refused
    : EXIT.notSent;

/**
 * The exit code of each of the client's errors, by its `name`. Keyed by
 * {@linkcode WhiteBitErrorName}: a new error class fails to compile until
 * it has a row.
 *
 * @example
 * ```ts
 * import { EXIT_BY_NAME } from "./_exit.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(EXIT_BY_NAME.PreflightError, 8);
 * ```
 */
export const EXIT_BY_NAME = {
  WhiteBitError: refusedOrNoAnswer,
  ValidationError: EXIT.validation,
  AuthenticationError: EXIT.authentication,
  PermissionError: EXIT.permission,
  InvestmentRejectedError: EXIT.rejected,
  CloseRejectedError: EXIT.rejected,
  FlexRejectedError: EXIT.rejected,
  PreflightError: EXIT.preflight,
  DryRunError: EXIT.ok,
  NonceError: EXIT.rateLimited,
  RateLimitError: EXIT.rateLimited,
  ServerError: refusedOrNoAnswer,
  NetworkError: refusedOrNoAnswer,
  TimeoutError: refusedOrNoAnswer,
  AbortedError: refusedOrNoAnswer,
} as const satisfies Record<WhiteBitErrorName, ExitRule>;

/**
 * Errors that are not the client's, by class (a subclass counts): input the
 * client or the CLI refused before sending, and `reconcile` left unresolved.
 */
const EXIT_BY_CLASS: readonly [new (...args: never[]) => Error, number][] = [
  [UsageError, EXIT.usage],
  [TypeError, EXIT.usage],
  [RangeError, EXIT.usage],
  [UnresolvedError, EXIT.unknownOutcome],
];

/** The paths of the calls that can move funds, fixed and flex: their unknown outcome is exit 11. */
const MOVES_FUNDS: ReadonlySet<string> = new Set(
  [...Object.values(ENDPOINTS), ...Object.values(FLEX_ENDPOINTS)]
    .filter((endpoint) => endpoint.stateChanging).map((e) => e.path),
);

/**
 * The exit code for an error. Funds may have moved (11) only when a call
 * that moves them got no clear answer; a read without one, or a request
 * that never left, moved nothing (12). An error the CLI does not know is 1.
 *
 * @example
 * ```ts
 * import { EXIT, exitCodeOf } from "./_exit.ts";
 * import { ServerError } from "../mod.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const refused = new ServerError("Bad gateway", {
 *   status: 502,
 *   outcome: "not_executed",
 *   requestPath: "/api/v4/main-account/smart/investment",
 * });
 * strictEqual(exitCodeOf(refused), EXIT.notSent);
 * strictEqual(exitCodeOf(new Error("bug")), EXIT.unexpected);
 * ```
 *
 * @param error Anything thrown.
 * @returns The exit code.
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof WhiteBitError) {
    if (error.outcome === "unknown" && MOVES_FUNDS.has(error.requestPath)) {
      return EXIT.unknownOutcome;
    }
    const rule: ExitRule = EXIT_BY_NAME[error.name];
    return typeof rule === "number" ? rule : rule(error);
  }
  return EXIT_BY_CLASS.find(([Class]) => error instanceof Class)?.[1] ?? EXIT.unexpected;
}

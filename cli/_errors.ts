/**
 * The CLI's own errors, beside the client's: each has its exit code (see
 * `_exit.ts`), and its message is the CLI's, never an echo of a value.
 *
 * @example
 * ```ts
 * import { UsageError } from "./_errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new UsageError("Missing --amount <value>");
 * strictEqual(`${error.name}: ${error.message}`, "UsageError: Missing --amount <value>");
 * ```
 *
 * @module
 */

/**
 * A mistake in the command line or its input: exit 2, nothing sent.
 *
 * @example
 * ```ts
 * import { UsageError } from "./_errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(new UsageError("Pass --eu or --base-url, not both").name, "UsageError");
 * ```
 */
export class UsageError extends Error {
  /** Always `"UsageError"`. */
  override readonly name = "UsageError";
}

/**
 * `reconcile` could not tell whether the attempt invested: exit 11.
 *
 * @example
 * ```ts
 * import { UnresolvedError } from "./_errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(new UnresolvedError("WhiteBIT serves too little history").name, "UnresolvedError");
 * ```
 */
export class UnresolvedError extends Error {
  /** Always `"UnresolvedError"`. */
  override readonly name = "UnresolvedError";
}

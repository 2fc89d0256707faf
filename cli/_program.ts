/**
 * The program as a person runs it, for the help and for the commands the
 * CLI suggests (`… reconcile --plan …`), and its version.
 *
 * @example
 * ```ts
 * import { PROGRAM, VERSION } from "./_program.ts";
 *
 * console.log(`${VERSION}: ${PROGRAM} plans`);
 * ```
 *
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };

/**
 * How the program is run.
 *
 * @example
 * ```ts
 * import { PROGRAM } from "./_program.ts";
 * import { ok } from "node:assert/strict";
 *
 * ok(PROGRAM.endsWith("@lending/whitebit/cli")); // the package's CLI entry, as published
 * ```
 */
export const PROGRAM = `deno run --allow-net --allow-env jsr:${denoJson.name}/cli`;

/**
 * The package and its version, from deno.json.
 *
 * @example
 * ```ts
 * import { VERSION } from "./_program.ts";
 * import { ok } from "node:assert/strict";
 *
 * ok(VERSION.startsWith("@lending/whitebit "));
 * ```
 */
export const VERSION = `${denoJson.name} ${denoJson.version}`;

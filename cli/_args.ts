/**
 * The command line read in the CLI's own words: the command word with the
 * global flags that may come before it, and flags that are refused when
 * unclear. A flag given twice (whichever value was meant is a guess), an
 * unknown flag, a missing value, a value given to a switch and any argument
 * that is not a flag are refused; values are never echoed.
 *
 * @example
 * ```ts
 * import { parseFlags, splitCommandLine } from "./_args.ts";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * const options = { json: { type: "boolean" }, amount: { type: "string" } } as const;
 * const { name, rest } = splitCommandLine(["--json", "invest", "--amount", "100"], options);
 * deepStrictEqual([name, parseFlags(rest, options)], ["invest", { json: true, amount: "100" }]);
 * throws(() => parseFlags(["--amount", "100", "--amount=1000"], options), /given twice/);
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { UsageError } from "./_errors.ts";

/** The flags given, by name without the dashes: a switch is `true`. */
export type Flags = Record<string, string | boolean | undefined>;

/** One flag a command takes: a switch, or one with a value; optionally a one-letter form. */
export interface Option {
  /** `"boolean"` for a switch, `"string"` for a flag with a value. */
  type: "string" | "boolean";
  /** The one-letter form, such as `"y"` for `-y`. */
  short?: string;
}

/**
 * The command word and the flags around it: flags of `globals` may come
 * before it (one with a value, with its value), everything else after it.
 *
 * @example
 * ```ts
 * import { splitCommandLine } from "./_args.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const globals = { "base-url": { type: "string" } } as const;
 * deepStrictEqual(splitCommandLine(["--base-url", "http://x", "plans", "--json"], globals), {
 *   name: "plans",
 *   rest: ["--base-url", "http://x", "--json"],
 * });
 * ```
 *
 * @param args The arguments after the program.
 * @param globals The flags allowed before the command word.
 * @returns The command word, if any, and every other argument.
 */
export function splitCommandLine(
  args: string[],
  globals: Readonly<Record<string, Option>>,
): { name: string | undefined; rest: string[] } {
  const before: string[] = [];
  let index = 0;
  for (; index < args.length && args[index].startsWith("-") && args[index] !== "-"; index++) {
    const arg = args[index];
    before.push(arg);
    const flag = arg.slice(2);
    const takesValue = arg.startsWith("--") && Object.hasOwn(globals, flag) &&
      globals[flag].type === "string";
    if (takesValue && index + 1 < args.length) before.push(args[++index]);
  }
  return { name: args[index], rest: [...before, ...args.slice(index + 1)] };
}

/**
 * Reads flags, refusing what is unclear. A value that starts with "-"
 * (other than "-" for stdin) must be written `--flag=value`. An unknown
 * flag is named only if it looks like one: people paste secrets.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./_args.ts";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * const options = { yes: { type: "boolean", short: "y" }, from: { type: "string" } } as const;
 * deepStrictEqual(parseFlags(["-y", "--from", "-"], options), { yes: true, from: "-" });
 * throws(() => parseFlags(["-y", "--yes"], options), /--yes was given twice/);
 * throws(() => parseFlags(["--from", "--yes"], options), /--from needs a value/);
 * throws(() => parseFlags(["s3cr3t"], options), /^UsageError: Flags only/);
 * ```
 *
 * @param args The flags, as `splitCommandLine` leaves them.
 * @param options The flags allowed.
 * @returns The flags given.
 * @throws {UsageError} For anything unclear.
 */
export function parseFlags(args: string[], options: Readonly<Record<string, Option>>): Flags {
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

/**
 * A flag's value, which the command cannot do without.
 *
 * @example
 * ```ts
 * import { required } from "./_args.ts";
 * import { strictEqual, throws } from "node:assert/strict";
 *
 * strictEqual(required({ plan: "p1" }, "plan"), "p1");
 * throws(() => required({}, "amount"), /Missing --amount <value>/);
 * ```
 *
 * @param flags The flags given.
 * @param name The flag's name, without dashes.
 * @returns Its value.
 * @throws {UsageError} If it is missing or empty.
 */
export function required(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== "string" || value === "") {
    throw new UsageError(`Missing --${name} <value>`);
  }
  return value;
}

/**
 * A flag's value if it has one.
 *
 * @example
 * ```ts
 * import { text } from "./_args.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(text("USDT"), "USDT");
 * strictEqual(text(true), undefined);
 * ```
 *
 * @param value A flag as given.
 * @returns The value, or `undefined` for a switch or a flag not given.
 */
export function text(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * A flag's value as a whole number of at most nine digits, if given; the
 * client checks its range.
 *
 * @example
 * ```ts
 * import { wholeNumber } from "./_args.ts";
 * import { strictEqual, throws } from "node:assert/strict";
 *
 * strictEqual(wholeNumber({ limit: "50" }, "limit"), 50);
 * strictEqual(wholeNumber({}, "limit"), undefined);
 * throws(() => wholeNumber({ limit: "ten" }, "limit"), /must be a whole number/);
 * ```
 *
 * @param flags The flags given.
 * @param name The flag's name, without dashes.
 * @returns The number, or `undefined` if the flag was not given.
 * @throws {UsageError} If it is not a whole number.
 */
export function wholeNumber(flags: Flags, name: string): number | undefined {
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

/** The paging flags of every list command: `--limit`, `--offset` and `--all`. */
export const PAGING_OPTIONS: Readonly<Record<string, Option>> = {
  limit: { type: "string" },
  offset: { type: "string" },
  all: { type: "boolean" },
};

/**
 * `--limit` and `--offset`; the client checks their range.
 *
 * @example
 * ```ts
 * import { paging } from "./_args.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(paging({ limit: "10" }), { limit: 10, offset: undefined });
 * ```
 *
 * @param flags The flags given.
 * @returns The page asked for.
 * @throws {UsageError} If either is not a whole number.
 */
export function paging(flags: Flags): { limit?: number; offset?: number } {
  return { limit: wholeNumber(flags, "limit"), offset: wholeNumber(flags, "offset") };
}

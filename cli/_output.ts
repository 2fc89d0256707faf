/**
 * Where the CLI prints: results on stdout (text or JSON), warnings and
 * progress on stderr; text from elsewhere never with what a terminal would
 * act on.
 *
 * @example
 * ```ts
 * import { output } from "./_output.ts";
 *
 * const out = output(false); // true for --json
 * if (out.json) out.printJson({ id: "i1" });
 * else out.print("Invested: investment i1");
 * ```
 *
 * @module
 */

import type { Page } from "../mod.ts";
import type { FlexPage } from "../client/flex/mod.ts";
import { terminalJson, terminalText } from "./_terminal.ts";

/** Where a command prints its result. */
export interface Output {
  /** Whether `--json` was given. */
  json: boolean;
  /** Prints text on stdout, without what a terminal would act on. */
  print(text: string): void;
  /** Prints a value as JSON on stdout. */
  printJson(value: unknown): void;
}

/**
 * The output of one run.
 *
 * @example
 * ```ts
 * import { output } from "./_output.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(output(false).json, false);
 * ```
 *
 * @param json Whether to print JSON.
 * @returns The output.
 */
export function output(json: boolean): Output {
  return {
    json,
    print: (text) => console.log(terminalText(text)),
    printJson: (value) => console.log(terminalJson(JSON.stringify(value, null, 2))),
  };
}

/**
 * Prints text on stderr, without what a terminal would act on.
 *
 * @example
 * ```ts
 * import { warn } from "./_output.ts";
 *
 * warn("Warning: \u001b[2Jthe screen stays"); // printed as "Warning: the screen stays"
 * ```
 *
 * @param text The text.
 */
export function warn(text: string): void {
  console.error(terminalText(text));
}

/**
 * Prints a page or a whole list: JSON as it is, text as a table, or
 * "Nothing found."
 *
 * @example
 * ```ts
 * import { output, printList } from "./_output.ts";
 *
 * printList(output(false), [], () => "never called"); // Nothing found.
 * ```
 *
 * @param out Where to print.
 * @param list The records, or a page of them.
 * @param table Lays out at least one record.
 */
export function printList<T>(
  out: Output,
  list: T[] | Page<T> | FlexPage<T>,
  table: (records: T[]) => string,
): void {
  const records = Array.isArray(list) ? list : "records" in list ? list.records : list.data;
  if (out.json) out.printJson(list);
  else out.print(records.length > 0 ? table(records) : "Nothing found.");
}

/**
 * Every record of a walk; on a terminal, how many were read so far on
 * stderr, after each page, the line cleared at the end.
 *
 * @example
 * ```ts
 * import { collect } from "./_output.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * async function* walk() {
 *   yield* [1, 2, 3];
 * }
 * deepStrictEqual(await collect(walk(), 2), [1, 2, 3]);
 * ```
 *
 * @param records The walk.
 * @param pageSize Records per page (progress is shown once a page).
 * @returns Every record.
 */
export async function collect<T>(records: AsyncIterable<T>, pageSize = 100): Promise<T[]> {
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

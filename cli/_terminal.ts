/**
 * Text from elsewhere (WhiteBIT's answers, a saved file) made safe to print
 * on a terminal: an answer must not be able to move the cursor, clear the
 * screen, set the window title, plant a hyperlink or reorder what is shown.
 *
 * @example
 * ```ts
 * import { terminalText } from "./_terminal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(terminalText("Plan \u001b[2Jpaused\u0007\n"), "Plan paused\n");
 * ```
 *
 * @module
 */

/**
 * Escape sequences: CSI (`ESC [ … final`, or the one-byte C1 `CSI`), OSC
 * (`ESC ] … BEL` or `… ESC \`), DCS, SOS, PM and APC strings, and the short
 * `ESC x` forms; an unterminated one up to where it stops.
 */
const ESCAPE =
  // deno-lint-ignore no-control-regex
  /\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -/]*[0-~]?)|\x9b[0-?]*[ -/]*[@-~]?/g;

/**
 * What is left to remove: C0 controls but tab and newline, DEL, C1
 * controls, and the bidirectional marks and overrides that reorder a line.
 */
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** What JSON.stringify leaves raw in a string but a terminal may act on. */
const JSON_RAW_CONTROL = /[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Removes escape sequences and control characters, keeping tab and newline.
 *
 * @example
 * ```ts
 * import { terminalText } from "./_terminal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const link = "\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007";
 * strictEqual(terminalText(`Invalid ${link}`), "Invalid click");
 * ```
 *
 * @param text Any text.
 * @returns The text without anything a terminal would act on.
 */
export function terminalText(text: string): string {
  return text.replace(ESCAPE, "").replace(CONTROL, "");
}

/**
 * {@linkcode terminalText} on one line: tabs and newlines become spaces, so
 * a table cell cannot fake rows or shift columns.
 *
 * @example
 * ```ts
 * import { terminalCell } from "./_terminal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(terminalCell("USDT\nBTC\t1"), "USDT BTC 1");
 * ```
 *
 * @param text Any text.
 * @returns One line of text safe to print.
 */
export function terminalCell(text: string): string {
  return terminalText(text).replace(/[\t\n]/g, " ");
}

/**
 * Escapes, in a JSON text, what `JSON.stringify` leaves raw (DEL, C1
 * controls, bidirectional marks), so the JSON stays the same value and the
 * terminal sees only ASCII escapes.
 *
 * @example
 * ```ts
 * import { terminalJson } from "./_terminal.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const json = terminalJson(JSON.stringify({ ticker: "US\u009bDT" }));
 * strictEqual(json, '{"ticker":"US\\u009bDT"}');
 * strictEqual(JSON.parse(json).ticker, "US\u009bDT");
 * ```
 *
 * @param json A text made by `JSON.stringify`.
 * @returns The same JSON, safe to print.
 */
export function terminalJson(json: string): string {
  return json.replace(
    JSON_RAW_CONTROL,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

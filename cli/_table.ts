/**
 * Plain-text tables with aligned columns, for the command line.
 *
 * @example
 * ```ts
 * import { formatTable } from "./_table.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const text = formatTable([["USDT", "100"], ["BTC", "0.5"]], {
 *   header: ["TICKER", "AMOUNT"],
 *   align: ["left", "right"],
 * });
 * strictEqual(text, "TICKER  AMOUNT\nUSDT       100\nBTC        0.5");
 * ```
 *
 * @module
 */

/** Options of {@linkcode formatTable}. */
export interface TableOptions {
  /** The column titles. */
  header: string[];
  /** Each column's alignment. Default: all `"left"`. */
  align?: ("left" | "right")[];
}

/**
 * Lays rows out under a header, each column as wide as its widest cell and
 * two spaces apart, without trailing spaces.
 *
 * @example
 * ```ts
 * import { formatTable } from "./_table.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(formatTable([], { header: ["ID"] }), "ID");
 * ```
 *
 * @param rows The cells, row by row, as many per row as the header has.
 * @param options The header and the alignment.
 * @returns The table, lines joined by `\n`.
 */
export function formatTable(rows: string[][], options: TableOptions): string {
  const lines = [options.header, ...rows];
  const widths = options.header.map((_, column) =>
    Math.max(...lines.map((line) => [...line[column]].length))
  );
  return lines.map((line) =>
    line.map((cell, column) => {
      const padding = " ".repeat(widths[column] - [...cell].length);
      return options.align?.[column] === "right" ? padding + cell : cell + padding;
    }).join("  ").trimEnd()
  ).join("\n");
}

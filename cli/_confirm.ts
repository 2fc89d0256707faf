/**
 * The question before a command that moves funds: asked on stderr, after
 * one lookup of what the person decides on, and answered on a terminal;
 * without a terminal, refused without a lookup (a script passes `--yes`).
 *
 * @example
 * ```ts
 * import { confirmed } from "./_confirm.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * if (!Deno.stdin.isTerminal()) {
 *   const go = await confirmed({
 *     baseUrl: "https://whitebit.com",
 *     action: "Close investment 0d7b66ff",
 *     details: () => Promise.resolve({ what: "Close investment 0d7b66ff (100 USDT)" }),
 *   });
 *   strictEqual(go, false); // "… Pass --yes to confirm. Nothing was sent." on stderr
 * }
 * ```
 *
 * @module
 */

import { warn } from "./_output.ts";
import { terminalText } from "./_terminal.ts";

/** The most read of an answer typed at the prompt. */
const MAX_ANSWER_CHARS = 1024;

/** What a person decides on, and a note on what follows. */
export interface Decision {
  /** What will be done, with the facts looked up, such as the plan's terms. */
  what: string;
  /** What follows from it, such as interest forfeited. */
  note?: string;
}

/** What {@linkcode confirmed} asks about. */
export interface ConfirmOptions {
  /** The server the request goes to. */
  baseUrl: string;
  /** What will be done, from the flags alone, such as "Invest 100 in plan p1". */
  action: string;
  /** Looks up what the person decides on; called on a terminal only. */
  details?: () => Promise<Decision>;
}

/**
 * Asks, and says whether the answer was `y` or `yes`; "Cancelled" on
 * stderr otherwise. Without a terminal it refuses, and looks nothing up.
 *
 * @example
 * ```ts
 * import { confirmed } from "./_confirm.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * let lookups = 0;
 * const details = () => {
 *   lookups++;
 *   return Promise.resolve({ what: "Invest 100 USDT in plan p1 (5 % for 30 d)" });
 * };
 * if (!Deno.stdin.isTerminal()) {
 *   strictEqual(await confirmed({ baseUrl: "https://whitebit.com", action: "Invest 100", details }), false);
 *   strictEqual(lookups, 0); // refused without a terminal, before any lookup
 * }
 * ```
 *
 * @param options The server, the action and its lookup.
 * @returns Whether to go on.
 */
export async function confirmed(options: ConfirmOptions): Promise<boolean> {
  const { baseUrl, action, details } = options;
  if (!Deno.stdin.isTerminal()) {
    warn(
      `${action} at ${baseUrl}?\nRefusing without confirmation: stdin is not a terminal. Pass --yes to confirm. Nothing was sent.`,
    );
    return false;
  }
  const { what, note } = await details?.() ?? { what: action };
  const question = `${what} at ${baseUrl}?${note ? `\n${note}` : ""} [y/N] `;
  await Deno.stderr.write(new TextEncoder().encode(terminalText(question)));
  const answer = (await readLine()).trim().toLowerCase();
  if (answer === "y" || answer === "yes") return true;
  console.error("Cancelled. Nothing was sent.");
  return false;
}

/** One line from stdin, of at most 1024 characters. */
async function readLine(): Promise<string> {
  const reader = Deno.stdin.readable.getReader();
  const decoder = new TextDecoder();
  let line = "";
  try {
    while (!line.includes("\n") && line.length < MAX_ANSWER_CHARS) {
      const { value, done } = await reader.read();
      if (done) break;
      line += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return line.split("\n")[0].slice(0, MAX_ANSWER_CHARS);
}

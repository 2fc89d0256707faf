/**
 * What `--help` prints: the program's usage, its commands,
 * the global flags and the exit codes; a command's own flags.
 *
 * @example
 * ```ts
 * import { commandHelp, topHelp } from "./_help.ts";
 * import { COMMANDS } from "./_commands.ts";
 * import { ok } from "node:assert/strict";
 *
 * ok(topHelp(COMMANDS).includes("  reconcile    find out whether"));
 * ok(commandHelp(COMMANDS.invest).includes("--amount <decimal>"));
 * ```
 *
 * @module
 */

import { ENV_BASE_URL } from "./_connect.ts";
import { ENV_KEY, ENV_SECRET } from "./_credentials.ts";
import { EXIT_HELP } from "./_exit.ts";
import { PROGRAM } from "./_program.ts";

const GLOBAL_HELP = `Global flags (before or after the command):
  --json                    print JSON (errors as JSON on stderr)
  --dry-run                 print the signed request (signature redacted), send nothing
  --sandbox                 use an in-process WhiteBIT sandbox with demo data
  --eu                      use https://whitebit.eu (EU accounts)
  --base-url <url>          use another server (default: ${ENV_BASE_URL} if set and
                            --allow-env covers it, else https://whitebit.com)
  --credentials-file <path> read ${ENV_KEY}=… and ${ENV_SECRET}=… lines from a file
                            (default: those environment variables)
  --version                 print the version
  -h, --help                show help

A flag given twice is refused: nothing is sent.`;

/**
 * The program's help: usage, commands, global flags, exit codes.
 *
 * @example
 * ```ts
 * import { topHelp } from "./_help.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const help = topHelp({ plans: { summary: "list the plans" } });
 * strictEqual(help.split("\n")[3], "  plans  list the plans");
 * ```
 *
 * @param commands The commands by name, each with its one-line summary.
 * @param group The group's word and a space, such as `"flex "`, for its own list.
 * @returns The text.
 */
export function topHelp(
  commands: Readonly<Record<string, { summary: string }>>,
  group = "",
): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const list = Object.entries(commands)
    .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
    .join("\n");
  return `Usage: ${PROGRAM} [global flags] ${group}<command> [flags]

Commands:
${list}

Run "${group}<command> --help" for a command's flags.

${GLOBAL_HELP}

${EXIT_HELP}`;
}

/**
 * One command's help: its usage and flags, the global flags, exit codes.
 *
 * @example
 * ```ts
 * import { commandHelp } from "./_help.ts";
 * import { COMMANDS } from "./_commands.ts";
 * import { ok } from "node:assert/strict";
 *
 * ok(commandHelp(COMMANDS.close).includes("Usage: deno run"));
 * ```
 *
 * @param command The command, with its usage and flags.
 * @returns The text.
 */
export function commandHelp(command: { usage: string }): string {
  return `Usage: ${PROGRAM} ${command.usage}\n\n${GLOBAL_HELP}\n\n${EXIT_HELP}`;
}

/**
 * The command line for WhiteBIT's crypto lending: list plans, invest,
 * list and close investments, read interest payments, and reconcile an
 * investment whose outcome is unknown; and, as `flex <command>`, flex
 * lending: `flex plans | positions | history | payments | invest | withdraw
 * | close | auto-invest | reconcile`.
 *
 * ```sh
 * deno run --allow-net --allow-env jsr:@lending/whitebit/cli plans
 * deno run --allow-net --allow-env jsr:@lending/whitebit/cli invest --plan <id> --amount 100
 * deno run jsr:@lending/whitebit/cli investments --sandbox   # demo data, no credentials
 * ```
 *
 * Credentials come from `WHITEBIT_API_KEY` and `WHITEBIT_API_SECRET`, or
 * from the file named by `--credentials-file` (lines `NAME=value`), never
 * from an argument; the server from `--eu`, `--base-url` or
 * `WHITEBIT_BASE_URL`. `invest`, `close` and the flex commands that move
 * funds show what they will do (a lookup of the plan, amount, currency and
 * rate) and ask for confirmation on a terminal, and refuse without `--yes`
 * elsewhere. A flag given twice is refused. `--dry-run` prints the signed
 * request, its signature redacted, and sends nothing. Text from WhiteBIT is
 * printed without terminal control characters. The exit code says what
 * happened, and whether funds may have moved (11): see `--help`.
 *
 * @example Run a command against the in-process demo sandbox
 * ```ts
 * import { main } from "@lending/whitebit/cli";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(await main(["plans", "--sandbox", "--ticker", "BTC"]), 0);
 * strictEqual(await main(["--sandbox", "--json", "investments"]), 0); // global flags first
 * ```
 *
 * @module
 */

import { parseFlags, splitCommandLine } from "./cli/_args.ts";
import { COMMANDS, GLOBAL_OPTIONS } from "./cli/_commands.ts";
import { FLEX_COMMANDS } from "./cli/_flex_commands.ts";
import { confirmed } from "./cli/_confirm.ts";
import { openClient } from "./cli/_connect.ts";
import { UsageError } from "./cli/_errors.ts";
import { EXIT } from "./cli/_exit.ts";
import { commandHelp, topHelp } from "./cli/_help.ts";
import { output } from "./cli/_output.ts";
import { VERSION } from "./cli/_program.ts";
import { report } from "./cli/_report.ts";

/**
 * Runs one command line, printing to stdout and stderr, and returns the exit
 * code (see `--help`); the script itself exits with it.
 *
 * @example
 * ```ts
 * import { main } from "@lending/whitebit/cli";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(await main(["close", "--sandbox", "--dry-run", "--id", "0d7b66ff"]), 0); // sends nothing
 * strictEqual(await main(["invest", "--sandbox", "--plan", "x"]), 2); // no --amount
 * strictEqual(await main(["invest", "--sandbox", "--amount", "1", "--amount", "2"]), 2); // twice
 * ```
 *
 * @param args The arguments after the program, such as `["plans", "--json"]`.
 * @returns The exit code.
 */
export async function main(args: string[]): Promise<number> {
  const out = output(args.includes("--json"));
  let { name, rest } = splitCommandLine(args, GLOBAL_OPTIONS);
  // `flex <command>`: the flex commands are a group of their own.
  const group = name === "flex" ? "flex " : "";
  if (group) ({ name, rest } = splitCommandLine(rest, GLOBAL_OPTIONS));
  const commands = group ? FLEX_COMMANDS : COMMANDS;
  const listed = group ? commands : { ...COMMANDS, flex: { summary: FLEX_SUMMARY } };
  const command = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
  try {
    if (name === "help") {
      console.log(topHelp(listed, group));
      return EXIT.ok;
    }
    if (name !== undefined && !command) {
      // Not echoed, not even in part: people paste secrets.
      throw new UsageError(
        `Unknown command (not shown: it may be a secret). The ${group}commands are ${
          Object.keys(listed).join(", ")
        }`,
      );
    }
    const flags = parseFlags(rest, { ...GLOBAL_OPTIONS, ...command?.options });
    if (flags.version) {
      console.log(VERSION);
      return EXIT.ok;
    }
    if (!command) {
      if (flags.help) console.log(topHelp(listed, group));
      else console.error(topHelp(listed, group));
      return flags.help ? EXIT.ok : EXIT.usage;
    }
    if (flags.help) {
      console.log(commandHelp(command));
      return EXIT.ok;
    }
    const action = command.describe?.(flags);
    const client = await openClient(flags);
    // A dry run sends nothing, so it neither asks nor looks anything up.
    if (action && !flags.yes && !flags["dry-run"]) {
      const { details } = command;
      const lookup = details && (() => details(client, flags));
      if (!await confirmed({ baseUrl: client.baseUrl, action, details: lookup })) {
        return EXIT.notConfirmed;
      }
    }
    return await command.run(client, flags, out) ?? EXIT.ok;
  } catch (error) {
    return report(error, out, command ? group + name : group.trim() || undefined);
  }
}

/** The `flex` group's line in the list of commands. */
const FLEX_SUMMARY =
  "flex lending: plans, positions, history, payments, invest, withdraw, close, auto-invest, reconcile";

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

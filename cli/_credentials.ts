/**
 * The API key and secret, from `WHITEBIT_API_KEY` and `WHITEBIT_API_SECRET`
 * or from a credentials file of `NAME=value` lines: never from an argument,
 * and never shown, not even in a message about a line that is wrong.
 *
 * @example
 * ```ts
 * import { parseCredentials } from "./_credentials.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const file = "# lending key\nWHITEBIT_API_KEY=k1\nexport WHITEBIT_API_SECRET='s1' # quoted\n";
 * deepStrictEqual(parseCredentials(file, "the file"), { apiKey: "k1", apiSecret: "s1" });
 * ```
 *
 * @module
 */

import { UsageError } from "./_errors.ts";
import { readSmallFile } from "./_input.ts";
import { warn } from "./_output.ts";

/** The environment variable (and file line) of the API key. */
export const ENV_KEY = "WHITEBIT_API_KEY";
/** The environment variable (and file line) of the API secret. */
export const ENV_SECRET = "WHITEBIT_API_SECRET";

/** An API key and its secret. */
export interface Credentials {
  /** The API key. */
  apiKey: string;
  /** The API secret. */
  apiSecret: string;
}

/** `NAME=value`, `NAME="value"` or `NAME='value'`, optionally after `export` and before a ` # comment`. */
const CREDENTIALS_LINE =
  /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']\S*|))(?:\s+#.*)?$/;

/**
 * The credentials in the environment.
 *
 * @example
 * ```ts
 * import { readCredentialsEnv } from "./_credentials.ts";
 *
 * try {
 *   const { apiKey } = readCredentialsEnv();
 *   console.log("key", apiKey.slice(0, 4));
 * } catch (error) {
 *   console.log((error as Error).message); // what to set, or to allow
 * }
 * ```
 *
 * @returns The key and secret.
 * @throws {UsageError} If Deno may not read them, or either is unset or empty.
 */
export function readCredentialsEnv(): Credentials {
  let apiKey: string | undefined;
  let apiSecret: string | undefined;
  try {
    apiKey = Deno.env.get(ENV_KEY);
    apiSecret = Deno.env.get(ENV_SECRET);
  } catch {
    throw new UsageError(
      `Cannot read ${ENV_KEY} and ${ENV_SECRET}: run with --allow-env=${ENV_KEY},${ENV_SECRET}`,
    );
  }
  if (!apiKey || !apiSecret) {
    throw new UsageError(
      `Cannot find credentials: set ${ENV_KEY} and ${ENV_SECRET}, or pass --credentials-file <path> (or --sandbox for the demo)`,
    );
  }
  return { apiKey, apiSecret };
}

/**
 * Reads a credentials file of at most 64 KiB; warns on stderr when it is
 * open to group or others (Deno gives no mode on Windows: no check there).
 *
 * @example
 * ```ts
 * import { readCredentialsFile } from "./_credentials.ts";
 * import { rejects } from "node:assert/strict";
 *
 * await rejects(readCredentialsFile("/no/such.env"), /"\/no\/such.env": it does not exist/);
 * ```
 *
 * @param path The file's path.
 * @returns The key and secret.
 * @throws {UsageError} If it cannot be read or is not as {@linkcode parseCredentials} reads it.
 */
export async function readCredentialsFile(path: string): Promise<Credentials> {
  const what = `credentials file ${JSON.stringify(path)}`;
  const { text, mode } = await readSmallFile(path, what);
  // Deno gives no mode on Windows; elsewhere a secret is for its owner only.
  if (mode !== null && (mode & 0o077) !== 0) {
    warn(
      `Warning: ${what} is open to group or others (mode ${
        (mode & 0o777).toString(8)
      }): run chmod 600 on it`,
    );
  }
  return parseCredentials(text, what);
}

/**
 * Reads `NAME=value` lines: blank lines, `#` comment lines and ` # `
 * comments after a value are allowed, a name given twice is refused, and a
 * line that is wrong is named by its number only.
 *
 * @example
 * ```ts
 * import { parseCredentials } from "./_credentials.ts";
 * import { throws } from "node:assert/strict";
 *
 * const twice = "WHITEBIT_API_KEY=k1\nWHITEBIT_API_SECRET=s1\nWHITEBIT_API_KEY=k2";
 * throws(() => parseCredentials(twice, "the file"), /line 3 sets WHITEBIT_API_KEY again/);
 * throws(() => parseCredentials("s3cr3t", "the file"), /line 1 is not NAME=value$/);
 * ```
 *
 * @param content The file's text.
 * @param what What the file is, for the messages.
 * @returns The key and secret.
 * @throws {UsageError} For a line that is not `NAME=value`, a name set twice, or either missing.
 */
export function parseCredentials(content: string, what: string): Credentials {
  const values = new Map<string, string>();
  for (const [index, raw] of content.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = CREDENTIALS_LINE.exec(line);
    if (!match) throw new UsageError(`Cannot read ${what}: line ${index + 1} is not NAME=value`);
    if (values.has(match[1])) {
      throw new UsageError(`Cannot read ${what}: line ${index + 1} sets ${match[1]} again`);
    }
    values.set(match[1], match[2] ?? match[3] ?? match[4]);
  }
  const apiKey = values.get(ENV_KEY);
  const apiSecret = values.get(ENV_SECRET);
  if (!apiKey || !apiSecret) {
    throw new UsageError(`Cannot read ${what}: it needs ${ENV_KEY}=… and ${ENV_SECRET}=… lines`);
  }
  return { apiKey, apiSecret };
}

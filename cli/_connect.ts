/**
 * The client a command runs with: the in-process demo (`--sandbox`), or
 * WhiteBIT (`--eu`, `--base-url`, `WHITEBIT_BASE_URL`, else
 * `https://whitebit.com`) with the credentials from the environment or a
 * file; a dry-run client for `--dry-run`. Without permission to connect it
 * refuses before anything is sent.
 *
 * @example
 * ```ts
 * import { openClient } from "./_connect.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = await openClient({ sandbox: true });
 * strictEqual((await client.plans()).length, 3);
 * ```
 *
 * @module
 */

import { WhiteBitClient, type WhiteBitClientOptions } from "../mod.ts";
import { type Flags, text } from "./_args.ts";
import { readCredentialsEnv, readCredentialsFile } from "./_credentials.ts";
import { openDemoSandbox } from "./_demo.ts";
import { UsageError } from "./_errors.ts";

/** The environment variable naming the server, as for `server.ts`. */
export const ENV_BASE_URL = "WHITEBIT_BASE_URL";

/**
 * Opens the client the flags ask for.
 *
 * @example
 * ```ts
 * import { openClient } from "./_connect.ts";
 * import { rejects } from "node:assert/strict";
 *
 * await rejects(openClient({ eu: true, "base-url": "http://127.0.0.1:1" }), /not both/);
 * ```
 *
 * @param flags The global flags: `sandbox`, `eu`, `base-url`, `credentials-file`, `dry-run`.
 * @returns The client.
 * @throws {UsageError} For flags that do not go together, missing credentials or no permission to connect.
 */
export async function openClient(flags: Flags): Promise<WhiteBitClient> {
  const options: Partial<WhiteBitClientOptions> = { dryRun: flags["dry-run"] === true };
  if (flags.sandbox) {
    if (flags.eu || flags["base-url"] || flags["credentials-file"]) {
      throw new UsageError(
        "--sandbox cannot be combined with --eu, --base-url or --credentials-file",
      );
    }
    const { sandbox, now } = await openDemoSandbox();
    return new WhiteBitClient({
      ...sandbox.credentials,
      baseUrl: "http://sandbox.invalid", // never reached: requests go to the sandbox in process
      fetch: sandbox.fetch,
      now,
      ...options,
    });
  }
  if (flags.eu && flags["base-url"]) {
    throw new UsageError("Pass --eu or --base-url, not both");
  }
  const baseUrl = flags.eu ? "https://whitebit.eu" : text(flags["base-url"]) ?? envBaseUrl();
  const credentials = typeof flags["credentials-file"] === "string"
    ? await readCredentialsFile(flags["credentials-file"])
    : readCredentialsEnv();
  let client: WhiteBitClient;
  try {
    client = new WhiteBitClient({ ...credentials, ...options, baseUrl });
  } catch (error) {
    throw error instanceof TypeError ? new UsageError(error.message) : error;
  }
  if (!options.dryRun) await assertNetAccess(client.baseUrl);
  return client;
}

/**
 * `WHITEBIT_BASE_URL`, as the server reads it (unset or empty: the
 * default); only when the env permission already covers it, so that no
 * permission prompt takes the place of the confirmation.
 */
function envBaseUrl(): string | undefined {
  const { state } = Deno.permissions.querySync({ name: "env", variable: ENV_BASE_URL });
  return state === "granted" ? Deno.env.get(ENV_BASE_URL) || undefined : undefined;
}

/** Refuses before sending anything when Deno may not connect to the server. */
async function assertNetAccess(baseUrl: string): Promise<void> {
  const { host, hostname } = new URL(baseUrl);
  const { state } = await Deno.permissions.request({ name: "net", host });
  if (state !== "granted") {
    throw new UsageError(
      `Cannot connect to ${host}: run with --allow-net=${hostname}. Nothing was sent.`,
    );
  }
}

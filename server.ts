/**
 * An HTTP endpoint for the lending client, built with Hono, for Deno Deploy
 * (`deno serve server.ts`) and Cloudflare Workers (`main = "server.ts"`).
 * It holds credentials that move money, so it is safe to expose: bearer
 * tokens compared in constant time, no open proxy when unconfigured, bodies
 * bounded and validated before anything reaches WhiteBIT, RFC 9457 problem
 * documents that say whether funds may have moved, and an `Idempotency-Key`
 * that WhiteBIT itself lacks.
 *
 * The default export reads `WHITEBIT_API_KEY`, `WHITEBIT_API_SECRET`,
 * `WHITEBIT_BASE_URL` (optional), `LENDING_API_TOKENS` (comma-separated) and
 * `LENDING_CORS_ORIGINS` (optional, comma-separated) from the Workers
 * bindings or the Deno environment. Run as `deno serve server.ts`, it says
 * at start, in one line on stderr, which of them are unset or unreadable.
 *
 * @example In process, against the sandbox
 * ```ts
 * import { createApp } from "@lending/whitebit/server";
 * import { WhiteBitSandbox } from "@lending/whitebit/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const sandbox = new WhiteBitSandbox();
 * const app = createApp({
 *   client: { ...sandbox.credentials, fetch: sandbox.fetch },
 *   tokens: ["caller-token"],
 *   log: false,
 * });
 * const response = await app.fetch(
 *   new Request("http://localhost/v1/investments", {
 *     method: "POST",
 *     headers: { authorization: "Bearer caller-token", "content-type": "application/json" },
 *     body: JSON.stringify({ planId: sandbox.plans[0].id, amount: "100" }),
 *   }),
 * );
 * strictEqual(response.status, 201);
 * ```
 *
 * @module
 */

import { WhiteBitClient } from "./client.ts";
import type { CreateAppOptions, LendingApp } from "./server/options.ts";
import { buildApp } from "./server/_app.ts";
import { isBearerToken } from "./server/_auth.ts";
import {
  blockers,
  describeSettings,
  list,
  readSettings,
  type SettingName,
  type Settings,
} from "./server/_settings.ts";

export type { AccessLogEntry, CreateAppOptions, LendingApp } from "./server/options.ts";
export {
  type IdempotencyRecord,
  type IdempotencyStore,
  IdempotencyStoreFullError,
  MemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
  type StoredResponse,
} from "./server/idempotency.ts";
export {
  DenoKvIdempotencyStore,
  type DenoKvIdempotencyStoreOptions,
} from "./server/deno_kv_store.ts";
export { OPENAPI_DOCUMENT } from "./server/_openapi.ts";
export { type Problem, problem, PROBLEM_TYPES, problemFromError } from "./server/_problem.ts";

/**
 * Creates the HTTP app.
 *
 * @example
 * ```ts
 * import { createApp } from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const app = createApp({ log: false }); // not configured: never an open proxy
 * const response = await app.fetch(new Request("http://localhost/v1/investments", { method: "POST" }));
 * strictEqual(response.status, 503);
 * strictEqual(response.headers.get("content-type"), "application/problem+json");
 * ```
 *
 * @param options The client, caller tokens, stores, CORS and logging.
 * @returns An app with `fetch`.
 * @throws {TypeError} If a token holds characters a bearer token cannot (never shown), or the client's options are unusable.
 * @throws {RangeError} If `maxWaitMs` is out of range.
 */
export function createApp(options: CreateAppOptions = {}): LendingApp {
  return buildApp(options);
}

/** The app of the current settings, and what keeps it from working. */
interface Configured {
  signature: string;
  app: LendingApp;
  settings: Settings;
  invalid: SettingName[];
}

/** Which setting a client option named in the constructor's message comes from. */
const CLIENT_SETTINGS: [option: string, setting: SettingName][] = [
  ['"apiKey"', "WHITEBIT_API_KEY"],
  ['"apiSecret"', "WHITEBIT_API_SECRET"],
  ['"baseUrl"', "WHITEBIT_BASE_URL"],
];

let configured: Configured | undefined;

/** The app for these settings: built once per isolate, again only if they change. */
function configure(env: unknown): Configured {
  const settings = readSettings(env);
  const { values } = settings;
  const signature = JSON.stringify([values, settings.unreadable]);
  if (configured?.signature === signature) return configured;
  const invalid: SettingName[] = [];
  const { WHITEBIT_API_KEY: apiKey, WHITEBIT_API_SECRET: apiSecret } = values;
  let client: WhiteBitClient | undefined;
  try {
    client = apiKey && apiSecret
      ? new WhiteBitClient({ apiKey, apiSecret, baseUrl: values.WHITEBIT_BASE_URL || undefined })
      : undefined;
  } catch (error) {
    // Only which setting it is: a value is never shown.
    const message = error instanceof Error ? error.message : "";
    invalid.push(
      CLIENT_SETTINGS.find(([option]) => message.includes(option))?.[1] ?? "WHITEBIT_BASE_URL",
    );
  }
  const tokens = list(values.LENDING_API_TOKENS);
  if (!tokens.every(isBearerToken)) invalid.push("LENDING_API_TOKENS");
  const names = [...blockers(settings), ...invalid.map((name) => `${name} (invalid)`)];
  const app = buildApp({
    client: names.length ? undefined : client,
    tokens: names.length ? [] : tokens,
    corsOrigins: list(values.LENDING_CORS_ORIGINS),
  }, names);
  return configured = { signature, app, settings, invalid };
}

/**
 * The app configured from the environment: Workers bindings when present,
 * else the Deno environment. Built once per isolate, rebuilt only if the
 * configuration changes. Until it is configured, every route answers 503,
 * `/healthz` included (with the names of what is missing).
 *
 * @example
 * ```ts
 * import handler from "@lending/whitebit/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const response = await handler.fetch(new Request("http://localhost/healthz"), {});
 * strictEqual(response.status, 503); // no credentials, no tokens
 * strictEqual((await response.json()).status, "not-configured");
 * ```
 */
const handler: LendingApp = {
  fetch(request, env, context) {
    return configure(env).app.fetch(request, env, context);
  },
};

export default handler;

// `deno serve server.ts`: say at once what is missing, rather than at the first request.
if (import.meta.main) {
  const { settings, invalid } = configure(undefined);
  const line = describeSettings(settings, invalid);
  if (line) console.error(line);
}

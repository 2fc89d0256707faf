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
 * `WHITEBIT_BASE_URL` (optional), `LENDING_API_TOKENS` (comma-separated),
 * `LENDING_CORS_ORIGINS` (optional, comma-separated), and for a fleet on
 * one key `WHITEBIT_NONCE_LANE` (`3/8`, or `auto/8` for a leased lane),
 * `WHITEBIT_NONCE_LANE_LEASE_MS`, `LENDING_IDEMPOTENCY_LEASE_MS` and
 * `LENDING_DENO_KV` (the Deno KV database to share), from the Workers
 * bindings or the Deno environment. Idempotency records live in the
 * Durable Object bound as `LENDING_IDEMPOTENCY` on Workers (export
 * {@linkcode IdempotencyDurableObject} from the Worker), in Deno KV on Deno
 * Deploy or where `LENDING_DENO_KV` says, else in the isolate's memory.
 * Run as `deno serve server.ts`, it says at start, in one line on stderr,
 * which settings are unset, invalid or unreadable. A Deno process whose
 * default export leases a nonce lane stops gracefully on SIGTERM or SIGINT:
 * new requests to WhiteBIT answer 503 `server-stopping` with nothing sent,
 * those in flight get their answers, then the lane is given up.
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
import type { WhiteBitClientOptions } from "./client/options.ts";
import type { CreateAppOptions, LendingApp } from "./server/options.ts";
import {
  DurableObjectIdempotencyStore,
  type DurableObjectNamespaceLike,
  DurableObjectNonceLaneStore,
  idempotencyNamespaceOf,
} from "./server/durable_object.ts";
import type { IdempotencyStore } from "./server/idempotency.ts";
import type { NonceLaneStore } from "./server/nonce_lanes.ts";
import { buildApp } from "./server/_app.ts";
import { isBearerToken } from "./server/_auth.ts";
import { denoKvStores, denoKvWanted, stopOnSignals } from "./server/_deno.ts";
import {
  blockers,
  describeSettings,
  list,
  parseMs,
  parseNonceLane,
  readSettings,
  type SettingName,
  type Settings,
} from "./server/_settings.ts";

export type { AccessLogEntry, CreateAppOptions, LendingApp } from "./server/options.ts";
export {
  type IdempotencyLease,
  type IdempotencyLeaseRequest,
  type IdempotencyRecord,
  type IdempotencyStore,
  IdempotencyStoreFullError,
  type StoredResponse,
} from "./server/idempotency.ts";
export {
  MemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
} from "./server/memory_store.ts";
export {
  MemoryNonceLaneStore,
  type MemoryNonceLaneStoreOptions,
  type NonceLaneRequest,
  type NonceLaneStore,
} from "./server/nonce_lanes.ts";
export {
  DenoKvIdempotencyStore,
  type DenoKvIdempotencyStoreOptions,
  DenoKvNonceLaneStore,
  type DenoKvNonceLaneStoreOptions,
} from "./server/deno_kv_store.ts";
export {
  DurableObjectIdempotencyStore,
  type DurableObjectNamespaceLike,
  DurableObjectNonceLaneStore,
  type DurableObjectStateLike,
  IdempotencyDurableObject,
} from "./server/durable_object.ts";
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
  app: LendingApp;
  settings: Settings;
  invalid: string[];
  /** Whether it leases a nonce lane, which it gives up on SIGTERM. */
  leasesLanes: boolean;
}

/** Which setting a client option named in the constructor's message comes from. */
const CLIENT_SETTINGS: [option: string, setting: SettingName][] = [
  ['"apiKey"', "WHITEBIT_API_KEY"],
  ['"apiSecret"', "WHITEBIT_API_SECRET"],
  ['"baseUrl"', "WHITEBIT_BASE_URL"],
];

let configured: Promise<Configured> | undefined;
let configuredSignature: string | undefined;
/** Deno KV databases opened, by `LENDING_DENO_KV`: once per isolate. */
const kvStores = new Map<string, ReturnType<typeof denoKvStores>>();

/**
 * The app for these settings: built once per isolate, again only if they
 * change (the app it replaces gives its nonce lane up).
 */
function configure(env: unknown): Promise<Configured> {
  const settings = readSettings(env);
  const namespace = idempotencyNamespaceOf(env);
  const signature = JSON.stringify([settings.values, settings.unreadable, Boolean(namespace)]);
  if (configured && configuredSignature === signature) return configured;
  const previous = configured;
  configuredSignature = signature;
  configured = build(plan(settings, namespace));
  previous?.then(({ app }) => app.close()).catch(() => {});
  // A Deno process that leases a nonce lane drains its requests and gives the lane up on SIGTERM
  // or SIGINT before it exits, whatever its entry (`deno serve server.ts`, or a main.ts
  // re-exporting this).
  configured.then(({ leasesLanes }) => {
    if (leasesLanes && !stopsOnSignals) {
      stopsOnSignals = true;
      stopOnSignals(() => handler.close());
    }
  }, () => {});
  return configured;
}

let stopsOnSignals = false;

/** What the settings say, checked at once: everything but opening Deno KV. */
interface Plan {
  settings: Settings;
  invalid: string[];
  client: WhiteBitClientOptions | undefined;
  tokens: string[];
  leaseMs: number | undefined;
  autoLanes: { count: number; leaseMs: number | undefined } | undefined;
  namespace: DurableObjectNamespaceLike | undefined;
  /** `LENDING_DENO_KV`, when Deno KV is to be opened. */
  kv: string | undefined;
}

function plan(settings: Settings, namespace: DurableObjectNamespaceLike | undefined): Plan {
  const { values } = settings;
  const invalid: string[] = [];
  const { WHITEBIT_API_KEY: apiKey, WHITEBIT_API_SECRET: apiSecret } = values;
  const lane = parseNonceLane(values.WHITEBIT_NONCE_LANE);
  if (lane === "invalid") invalid.push("WHITEBIT_NONCE_LANE");
  const fixedLane = typeof lane === "object" && !("auto" in lane) ? lane : undefined;
  let client: WhiteBitClientOptions | undefined;
  try {
    client = apiKey && apiSecret
      ? {
        apiKey,
        apiSecret,
        baseUrl: values.WHITEBIT_BASE_URL || undefined,
        ...(fixedLane ? { nonceLane: fixedLane } : {}),
      }
      : undefined;
    if (client) new WhiteBitClient(client); // its checks, before anything is served
  } catch (error) {
    client = undefined;
    // Only which setting it is: a value is never shown.
    const message = error instanceof Error ? error.message : "";
    invalid.push(
      CLIENT_SETTINGS.find(([option]) => message.includes(option))?.[1] ?? "WHITEBIT_BASE_URL",
    );
  }
  const tokens = list(values.LENDING_API_TOKENS);
  if (!tokens.every(isBearerToken)) invalid.push("LENDING_API_TOKENS");
  const leaseMs = parseMs(values.LENDING_IDEMPOTENCY_LEASE_MS, 20_000, 86_400_000);
  if (leaseMs === "invalid") invalid.push("LENDING_IDEMPOTENCY_LEASE_MS");
  const laneLeaseMs = parseMs(values.WHITEBIT_NONCE_LANE_LEASE_MS, 10_000, 2 ** 31 - 1);
  if (laneLeaseMs === "invalid") invalid.push("WHITEBIT_NONCE_LANE_LEASE_MS");
  // The shared store: the Durable Object on Workers, Deno KV on Deno; else this isolate's memory.
  const kv = namespace ? undefined : denoKvWanted(values.LENDING_DENO_KV);
  if (kv && "error" in kv) invalid.push(`LENDING_DENO_KV (${kv.error})`);
  if (typeof lane === "object" && "auto" in lane && !namespace && !(kv && "path" in kv)) {
    invalid.push(
      "WHITEBIT_NONCE_LANE (auto/count needs a shared store: Deno KV, or the Durable Object binding LENDING_IDEMPOTENCY)",
    );
  }
  return {
    settings,
    invalid,
    client,
    tokens,
    leaseMs: typeof leaseMs === "number" ? leaseMs : undefined,
    autoLanes: typeof lane === "object" && "auto" in lane
      ? { count: lane.count, leaseMs: typeof laneLeaseMs === "number" ? laneLeaseMs : undefined }
      : undefined,
    namespace,
    kv: kv && "path" in kv ? values.LENDING_DENO_KV ?? "" : undefined,
  };
}

/** Opens the shared store the plan names, and builds the app. */
async function build(planned: Plan): Promise<Configured> {
  const { settings, namespace, client, tokens, autoLanes } = planned;
  const invalid = [...planned.invalid];
  let shared: { idempotency: IdempotencyStore; lanes: NonceLaneStore } | undefined;
  if (namespace) {
    shared = {
      idempotency: new DurableObjectIdempotencyStore(namespace),
      lanes: new DurableObjectNonceLaneStore(namespace),
    };
  } else if (planned.kv !== undefined && invalid.length === 0) {
    if (!kvStores.has(planned.kv)) kvStores.set(planned.kv, denoKvStores(planned.kv));
    const kv = await kvStores.get(planned.kv)!;
    if (kv && "error" in kv) invalid.push(`LENDING_DENO_KV (${kv.error})`);
    else shared = kv;
  }
  const names = [...blockers(settings), ...invalid.map(invalidName)];
  const ready = names.length === 0;
  const app = buildApp({
    client: ready ? client : undefined,
    tokens: ready ? tokens : [],
    corsOrigins: list(settings.values.LENDING_CORS_ORIGINS),
    idempotencyStore: shared?.idempotency,
    idempotencyLeaseMs: planned.leaseMs,
    nonceLanes: ready && autoLanes && shared
      ? { count: autoLanes.count, store: shared.lanes, leaseMs: autoLanes.leaseMs }
      : undefined,
  }, names);
  return { app, settings, invalid, leasesLanes: ready && autoLanes !== undefined };
}

/** A refused setting as `/healthz` lists it: its name, and `(invalid)` unless it says why. */
function invalidName(name: string): string {
  return name.includes(" (") ? name : `${name} (invalid)`;
}

/**
 * The app configured from the environment: Workers bindings when present,
 * else the Deno environment. Built once per isolate, rebuilt only if the
 * configuration changes. Until it is configured, every route answers 503,
 * `/healthz` included (with the names of what is missing). Idempotency
 * records (and leased nonce lanes) live in the Durable Object bound as
 * `LENDING_IDEMPOTENCY` on Workers, in Deno KV on Deno Deploy or wherever
 * `LENDING_DENO_KV` names a database, else in this isolate's memory.
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
  async fetch(request, env, context) {
    return await (await configure(env)).app.fetch(request, env, context);
  },
  close: async () => await (await configured)?.app.close(),
};

export default handler;

// `deno serve server.ts`: say at once what is missing, rather than at the first request
// (and once more if Deno KV then fails to open).
if (import.meta.main) {
  const { settings, invalid } = plan(readSettings(undefined), undefined);
  const line = describeSettings(settings, invalid);
  if (line) console.error(line);
  configure(undefined).then((ready) => {
    if (ready.invalid.length > invalid.length) {
      console.error(describeSettings(ready.settings, ready.invalid));
    }
  });
}
